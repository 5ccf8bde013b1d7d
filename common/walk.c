/*
 * The tree comparison is git's own algorithm: walk the result and its
 * parents' trees side by side and never descend where the result equals a
 * parent's subtree (same id): nothing below it can differ from every
 * parent.  libgit2's git_diff_tree_to_tree does much more work per commit
 * (about 5x, docs/performance.md), and only paths are needed here.
 */
#include "walk.h"
#include "error.h"
#include "treecache.h"

#include <stdlib.h>
#include <string.h>

#define MAX_PARENTS 64	/* octopus merges beyond this are refused */
/*
 * Directories nested deeper than this are refused, not walked: each level
 * costs a few KiB of stack, and a pushed tree may nest without end.
 */
#define MAX_DEPTH 512

static int git_fail(const char *what)
{
	const git_error *e = git_error_last();

	pg_error_set("%s: %s", what, e && e->message ? e->message : "unknown error");
	return -1;
}

int pg_walk_new_commits(git_repository *repo, const git_oid *tip,
			const git_oid *seen, size_t nseen,
			int (*cb)(git_commit *commit, void *arg), void *arg)
{
	git_revwalk *walk = NULL;
	git_object *obj = NULL, *peeled = NULL;
	git_oid id;
	int rc = -1;

	if (git_object_lookup(&obj, repo, tip, GIT_OBJECT_ANY) < 0)
		return git_fail("cannot read the pushed tip");
	if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0) {
		git_object_free(obj);
		git_error_clear();
		return 0;	/* a tag of a tree or blob brings no commit */
	}
	if (git_revwalk_new(&walk, repo) < 0 ||
	    git_revwalk_push(walk, git_object_id(peeled)) < 0 ||
	    /* Every ref, not only the one being updated: a branch created at
	     * an existing commit brings nothing new.  Refs to non-commits are
	     * skipped by the glob. */
	    git_revwalk_hide_glob(walk, "refs/*") < 0) {
		git_fail("cannot walk the new commits");
		goto out;
	}
	for (size_t i = 0; i < nseen; i++) {
		if (git_revwalk_hide(walk, &seen[i]) < 0) {
			git_fail("cannot walk the new commits");
			goto out;
		}
	}
	for (;;) {
		git_commit *c;
		int r = git_revwalk_next(&id, walk);

		if (r == GIT_ITEROVER)
			break;
		if (r < 0) {
			git_fail("cannot walk the new commits");
			goto out;
		}
		if (git_commit_lookup(&c, repo, &id) < 0) {
			git_fail("cannot read a new commit");
			goto out;
		}
		r = cb(c, arg);
		git_commit_free(c);
		if (r < 0)
			goto out;
		if (r > 0)
			break;
	}
	rc = 0;
out:
	git_revwalk_free(walk);
	git_object_free(peeled);
	git_object_free(obj);
	return rc;
}

/* Enough for the directories a few consecutive commits touch, many times over. */
#define TREES_KEPT 4096

struct pg_pathwalk {
	git_repository *repo;
	struct pg_treecache *trees;
};

struct changes {
	struct pg_treecache *trees;
	size_t depth;
	struct pg_buf path;
	const struct pg_path_visitor *v;
	void *arg;
};

static int same_entry(const git_tree_entry *a, const git_tree_entry *b)
{
	if (!a || !b)
		return a == b;
	return git_tree_entry_filemode(a) == git_tree_entry_filemode(b) &&
	       git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b));
}

static int is_tree(const git_tree_entry *e)
{
	return e && git_tree_entry_type(e) == GIT_OBJECT_TREE;
}

static int compare(struct changes *ch, const git_tree *result, const git_tree **parents,
		   size_t nparents);

/*
 * One name of a directory: RESULT is its entry in the result (or NULL),
 * PARENT[i] in each parent's directory (or NULL).
 */
static int compare_entry(struct changes *ch, const char *name, const git_tree_entry *result,
			 const git_tree_entry **parent, size_t nparents)
{
	const git_tree *sub_parent[MAX_PARENTS];
	const git_tree_entry *file = is_tree(result) ? NULL : result;
	git_tree *sub_result = NULL, *owned[MAX_PARENTS];
	size_t mark = ch->path.len, i;
	int differs_as_file = 1, descend = is_tree(result), rc = 0;

	for (i = 0; i < nparents; i++) {
		/* Equal to one parent: nothing here differs from every parent. */
		if (same_entry(result, parent[i]))
			return 0;
		if (same_entry(file, is_tree(parent[i]) ? NULL : parent[i]))
			differs_as_file = 0;
		if (is_tree(parent[i]))
			descend = 1;
	}
	pg_buf_puts(&ch->path, name);
	if (differs_as_file && (file || nparents)) {
		/* A file appeared, changed, or (no file here now) went away. */
		int had_file = file != NULL;

		for (i = 0; !had_file && i < nparents; i++)
			had_file = parent[i] && !is_tree(parent[i]);
		if (had_file) {
			rc = ch->v->path(ch->path.ptr, ch->path.len, ch->arg);
			if (rc)
				goto out;
		}
	}
	/* A directory no rule can reach below is not read at all. */
	if (!descend || (ch->v->enter && !ch->v->enter(ch->path.ptr, ch->path.len, ch->arg)))
		goto out;

	memset(owned, 0, sizeof(owned));
	if (is_tree(result) &&
	    pg_treecache_get(ch->trees, &sub_result, git_tree_entry_id(result)) < 0) {
		rc = -1;
		goto out;
	}
	for (i = 0; i < nparents; i++) {
		sub_parent[i] = NULL;
		if (!is_tree(parent[i]))
			continue;
		if (pg_treecache_get(ch->trees, &owned[i], git_tree_entry_id(parent[i])) < 0) {
			rc = -1;
			break;
		}
		sub_parent[i] = owned[i];
	}
	if (!rc && ch->depth >= MAX_DEPTH) {
		pg_error_set("a tree nests directories more than %d deep", MAX_DEPTH);
		rc = -1;
	}
	if (!rc) {
		pg_buf_putc(&ch->path, '/');
		ch->depth++;
		rc = compare(ch, sub_result, sub_parent, nparents);
		ch->depth--;
	}
	for (i = 0; i < nparents; i++)
		git_tree_free(owned[i]);
	git_tree_free(sub_result);
out:
	ch->path.len = mark;
	ch->path.ptr[mark] = '\0';
	return rc;
}

/*
 * Every entry of RESULT and of the parent directories, once: git keeps
 * tree entries sorted (a directory as if its name ended in '/'), so one
 * merge-walk over all of them pairs equal names without any lookup.
 */
static int compare(struct changes *ch, const git_tree *result, const git_tree **parents,
		   size_t nparents)
{
	const git_tree *t[MAX_PARENTS + 1];
	const git_tree_entry *cur[MAX_PARENTS + 1];
	size_t pos[MAX_PARENTS + 1], count[MAX_PARENTS + 1];
	size_t n = nparents + 1;

	t[0] = result;
	for (size_t k = 0; k < n; k++) {
		if (k)
			t[k] = parents[k - 1];
		pos[k] = 0;
		count[k] = t[k] ? git_tree_entrycount(t[k]) : 0;
	}
	for (;;) {
		const git_tree_entry *min = NULL;
		int rc;

		for (size_t k = 0; k < n; k++) {
			cur[k] = pos[k] < count[k] ? git_tree_entry_byindex(t[k], pos[k]) : NULL;
			if (cur[k] && (!min || git_tree_entry_cmp(cur[k], min) < 0))
				min = cur[k];
		}
		if (!min)
			return 0;
		/* Keep the trees whose entry sorts with the smallest; step past it. */
		for (size_t k = 0; k < n; k++) {
			if (cur[k] && git_tree_entry_cmp(cur[k], min) == 0)
				pos[k]++;
			else
				cur[k] = NULL;
		}
		rc = compare_entry(ch, git_tree_entry_name(min), cur[0], cur + 1, nparents);
		if (rc)
			return rc;
	}
}

struct pg_pathwalk *pg_pathwalk_new(git_repository *repo)
{
	struct pg_pathwalk *pw = pg_xcalloc(1, sizeof(*pw));

	pw->repo = repo;
	pw->trees = pg_treecache_new(repo, TREES_KEPT);
	return pw;
}

void pg_pathwalk_free(struct pg_pathwalk *pw)
{
	if (!pw)
		return;
	pg_treecache_free(pw->trees);
	free(pw);
}

int pg_pathwalk_commit(struct pg_pathwalk *pw, const git_commit *commit,
		       const struct pg_path_visitor *v, void *arg)
{
	unsigned int nparents = git_commit_parentcount(commit);
	const git_tree *parent_trees[MAX_PARENTS];
	git_tree *owned[MAX_PARENTS], *tree = NULL;
	struct changes ch = { pw->trees, 0, PG_BUF_INIT, v, arg };
	int rc = 0;

	if (nparents > MAX_PARENTS) {
		pg_error_set("commit %.12s has %u parents; at most %d are supported",
			     git_oid_tostr_s(git_commit_id(commit)), nparents, MAX_PARENTS);
		return -1;
	}
	memset(owned, 0, sizeof(owned));
	if (pg_treecache_get(pw->trees, &tree, git_commit_tree_id(commit)) < 0)
		return -1;
	for (unsigned int i = 0; i < nparents && !rc; i++) {
		git_commit *p;

		if (git_commit_parent(&p, commit, i) < 0) {
			rc = git_fail("cannot read a parent commit");
			break;
		}
		rc = pg_treecache_get(pw->trees, &owned[i], git_commit_tree_id(p));
		git_commit_free(p);
		parent_trees[i] = owned[i];
	}
	if (!rc) {
		pg_buf_grow(&ch.path, 256);
		ch.path.ptr[0] = '\0';
		rc = compare(&ch, tree, parent_trees, nparents);
		if (rc > 0)
			rc = 0;
	}
	for (unsigned int i = 0; i < nparents; i++)
		git_tree_free(owned[i]);
	git_tree_free(tree);
	pg_buf_free(&ch.path);
	return rc;
}
