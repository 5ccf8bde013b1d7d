/*
 * Every file of a history, found the way `git rev-list --objects` finds
 * them: each commit's tree read down to the subtrees already seen, so a
 * tree is read once however many commits share it, and a merge whose
 * result is one of its parents' trees costs one tree read.  Diffing each
 * commit against its parents (pg_pathwalk_commit) reads every changed tree
 * twice and every merge once per parent: that is what a push needs, to
 * know which commit changed what, but not what a scan of history needs.
 */
#include "walk.h"
#include "buf.h"
#include "error.h"
#include "oidset.h"

#include <string.h>

struct files {
	git_repository *repo;
	struct pg_oidset *seen;		/* trees, or (tree, path) keys; bounded: a
					 * tree forgotten is read again, no more */
	int by_path;
	struct pg_buf path;
	struct pg_buf key;
	const struct pg_path_visitor *v;
	void *arg;
};

static int git_fail(const char *what, const git_oid *id)
{
	const git_error *e = git_error_last();

	pg_error_set("cannot read %s %s: %s", what, git_oid_tostr_s(id), e ? e->message : "?");
	return -1;
}

/*
 * Whether tree ID at the walk's path was read before; marks it read.  By
 * path, the key is a hash of the id and the path: a tree moved elsewhere
 * is read again there, for rules that look at some paths only.
 */
static int seen_before(struct files *f, const git_oid *id)
{
	git_oid key;

	if (!f->by_path)
		return !pg_oidset_insert(f->seen, id);
	pg_buf_reset(&f->key);
	pg_buf_put(&f->key, (const char *)id->id, GIT_OID_RAWSZ);
	pg_buf_put(&f->key, f->path.ptr, f->path.len);
	if (git_odb_hash(&key, f->key.ptr, f->key.len, GIT_OBJECT_BLOB) < 0)
		return git_fail("tree", id);
	return !pg_oidset_insert(f->seen, &key);
}

static void truncate_path(struct files *f, size_t len)
{
	if (f->path.ptr) {
		f->path.len = len;
		f->path.ptr[len] = '\0';
	}
}

static int read_tree(struct files *f, const git_oid *id, size_t depth)
{
	git_tree *tree;
	size_t n, len = f->path.len;
	int rc = 0, s;

	if ((s = seen_before(f, id)) != 0)
		return s < 0 ? -1 : 0;
	if (depth > PG_WALK_MAX_DEPTH) {
		pg_error_set("a tree nests directories more than %d deep", PG_WALK_MAX_DEPTH);
		return -1;
	}
	if (git_tree_lookup(&tree, f->repo, id) < 0)
		return git_fail("tree", id);
	n = git_tree_entrycount(tree);
	for (size_t i = 0; i < n && rc == 0; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		const char *name = git_tree_entry_name(e);
		unsigned mode = (unsigned)git_tree_entry_filemode_raw(e);

		truncate_path(f, len);
		if (len)
			pg_buf_puts(&f->path, "/");
		pg_buf_puts(&f->path, name);
		if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
			if (f->v->enter && !f->v->enter(f->path.ptr, f->path.len, f->arg))
				continue;
			rc = read_tree(f, git_tree_entry_id(e), depth + 1);
		} else if (f->v->path) {
			struct pg_path_change c = {
				f->path.ptr, f->path.len, mode, git_tree_entry_id(e), 1
			};

			rc = f->v->path(&c, f->arg);
			if (rc > 0)
				rc = 0;
		}
	}
	truncate_path(f, len);
	git_tree_free(tree);
	return rc;
}

int pg_walk_files(git_repository *repo, const git_oid *commits, size_t n, int by_path,
		  int (*on_commit)(git_commit *commit, void *arg),
		  const struct pg_path_visitor *v, void *arg)
{
	struct files f = { repo, pg_oidset_new_bounded(PG_MEMO_MAX_IDS), by_path, PG_BUF_INIT,
			   PG_BUF_INIT, v, arg };
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		git_commit *commit;

		if (git_commit_lookup(&commit, repo, &commits[i]) < 0) {
			rc = git_fail("commit", &commits[i]);
			break;
		}
		rc = on_commit ? on_commit(commit, arg) : 0;
		pg_buf_reset(&f.path);
		if (rc == 0)
			rc = read_tree(&f, git_commit_tree_id(commit), 0);
		git_commit_free(commit);
	}
	pg_buf_free(&f.path);
	pg_buf_free(&f.key);
	pg_oidset_free(f.seen);
	return rc;
}
