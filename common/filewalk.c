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
#include "gitinit.h"
#include "oidset.h"
#include "rawtree.h"

#include <string.h>

struct files {
	git_odb *odb;
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

/*
 * Trees are read from the object database and their entries in place
 * (rawtree.h): a parsed git_tree allocates its entries, and over a history
 * of 280,000 trees that was a tenth of the scan.
 */
static int read_tree(struct files *f, const git_oid *id, size_t depth)
{
	git_odb_object *obj;
	const unsigned char *pos, *end;
	struct pg_rawtree_entry e;
	size_t len = f->path.len;
	int rc = 0, s, r;

	if ((s = seen_before(f, id)) != 0)
		return s < 0 ? -1 : 0;
	if (depth > PG_WALK_MAX_DEPTH) {
		pg_error_set("a tree nests directories more than %d deep", PG_WALK_MAX_DEPTH);
		return -1;
	}
	if (git_odb_read(&obj, f->odb, id) < 0)
		return git_fail("tree", id);
	if (git_odb_object_type(obj) != GIT_OBJECT_TREE) {
		pg_error_set("cannot read tree %s: it is a %s", git_oid_tostr_s(id),
			     git_object_type2string(git_odb_object_type(obj)));
		git_odb_object_free(obj);
		return -1;
	}
	pos = git_odb_object_data(obj);
	end = pos + git_odb_object_size(obj);
	while (rc == 0 && (r = pg_rawtree_next(&pos, end, &e)) != 0) {
		git_oid eid;

		if (r < 0) {
			pg_error_set("cannot read tree %s: a malformed entry", git_oid_tostr_s(id));
			rc = -1;
			break;
		}
		git_oid_fromraw(&eid, e.id);
		truncate_path(f, len);
		if (len)
			pg_buf_putc(&f->path, '/');
		pg_buf_put(&f->path, e.name, e.namelen);
		if (pg_rawtree_is_dir(e.mode)) {
			if (f->v->enter && !f->v->enter(f->path.ptr, f->path.len, f->arg))
				continue;
			rc = read_tree(f, &eid, depth + 1);
		} else if (f->v->path) {
			struct pg_path_change c = { f->path.ptr, f->path.len, e.mode, &eid, 1 };

			rc = f->v->path(&c, f->arg);
			if (rc > 0)
				rc = 0;
		}
	}
	truncate_path(f, len);
	git_odb_object_free(obj);
	return rc;
}

/*
 * The tree of commit ID.  Only its first line is wanted, which git and
 * libgit2 require to be "tree HEX": parsing the whole commit (signatures,
 * message) was a tenth of a history scan.
 */
static int commit_tree(struct files *f, git_oid *tree, const git_oid *id)
{
	git_odb_object *obj;
	const char *data;
	size_t len;
	int rc = 0;

	if (git_odb_read(&obj, f->odb, id) < 0)
		return git_fail("commit", id);
	data = git_odb_object_data(obj);
	len = git_odb_object_size(obj);
	if (git_odb_object_type(obj) != GIT_OBJECT_COMMIT || len < 5 + GIT_OID_HEXSZ + 1 ||
	    memcmp(data, "tree ", 5) || data[5 + GIT_OID_HEXSZ] != '\n' ||
	    git_oid_fromstrn(tree, data + 5, GIT_OID_HEXSZ) < 0) {
		pg_error_set("cannot read commit %s: it has no tree", git_oid_tostr_s(id));
		rc = -1;
	}
	git_odb_object_free(obj);
	return rc;
}

int pg_walk_files(git_repository *repo, const git_oid *commits, size_t n, int by_path,
		  int (*on_commit)(const git_oid *commit, void *arg),
		  const struct pg_path_visitor *v, void *arg)
{
	struct files f = { NULL, pg_oidset_new_bounded(PG_MEMO_MAX_IDS), by_path, PG_BUF_INIT,
			   PG_BUF_INIT, v, arg };
	int rc = 0;

	if (pg_git_odb(&f.odb, repo) < 0) {
		pg_oidset_free(f.seen);
		return -1;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		git_oid tree;

		rc = on_commit ? on_commit(&commits[i], arg) : 0;
		if (rc == 0)
			rc = commit_tree(&f, &tree, &commits[i]);
		pg_buf_reset(&f.path);
		if (rc == 0)
			rc = read_tree(&f, &tree, 0);
	}
	pg_buf_free(&f.path);
	pg_buf_free(&f.key);
	pg_oidset_free(f.seen);
	git_odb_free(f.odb);
	return rc;
}
