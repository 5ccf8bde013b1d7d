/*
 * The tree comparison is git's own algorithm: walk the result and its
 * parents' trees side by side and never descend where the result equals a
 * parent's subtree (same id): nothing below it can differ from every
 * parent.  libgit2's git_diff_tree_to_tree does much more work per commit
 * (about 5x, docs/performance.md), and only paths are needed here.
 */
#include "walk.h"
#include "error.h"
#include "oidset.h"
#include "pathname.h"
#include "treecache.h"

#include <stdlib.h>
#include <string.h>

#define MAX_PARENTS 64	/* octopus merges beyond this are refused */
static int git_fail(const char *what)
{
	const git_error *e = git_error_last();

	pg_error_set("%s: %s", what, e && e->message ? e->message : "unknown error");
	return -1;
}

/* ID peeled to a commit into *OUT (NULL for a tag of a tree or blob); -1 when unreadable. */
static int peel_commit(git_object **out, git_repository *repo, const git_oid *id)
{
	git_object *obj = NULL;

	*out = NULL;
	if (git_object_lookup(&obj, repo, id, GIT_OBJECT_ANY) < 0)
		return -1;
	if (git_object_peel(out, obj, GIT_OBJECT_COMMIT) < 0) {
		*out = NULL;
		git_error_clear();
	}
	git_object_free(obj);
	return 0;
}

/* With CB NULL, ARG is a pg_oidset that collects the commits instead. */
int pg_walk_new_commits(git_repository *repo, const git_oid *tip, const git_oid *hide,
			const git_oid *seen, size_t nseen,
			int (*cb)(git_commit *commit, void *arg), void *arg)
{
	git_revwalk *rw = NULL;
	git_object *start, *hidden = NULL;
	git_oid id;
	int rc = -1;

	if (peel_commit(&start, repo, tip) < 0)
		return git_fail("cannot read the pushed tip");
	if (!start)
		return 0;	/* a tag of a tree or blob brings no commit */
	/* An old tip that is no commit hides nothing: every commit is new to the ref. */
	if (hide && !git_oid_is_zero(hide) && peel_commit(&hidden, repo, hide) < 0) {
		git_fail("cannot read the ref's old tip");
		git_object_free(start);
		return -1;
	}
	if (git_revwalk_new(&rw, repo) < 0 || git_revwalk_push(rw, git_object_id(start)) < 0 ||
	    (hidden && git_revwalk_hide(rw, git_object_id(hidden)) < 0) ||
	    /* New to the repository: a branch created at an existing commit
	     * brings nothing new.  Refs to non-commits are skipped by the glob. */
	    (!hide && git_revwalk_hide_glob(rw, "refs/*") < 0)) {
		git_fail("cannot walk the new commits");
		goto out;
	}
	for (size_t i = 0; i < nseen; i++) {
		if (git_revwalk_hide(rw, &seen[i]) < 0) {
			git_fail("cannot walk the new commits");
			goto out;
		}
	}
	for (;;) {
		git_commit *c = NULL;
		int r = git_revwalk_next(&id, rw);

		if (r == GIT_ITEROVER)
			break;
		if (r < 0) {
			git_fail("cannot walk the new commits");
			goto out;
		}
		if (cb) {
			if (git_commit_lookup(&c, repo, &id) < 0) {
				git_fail("cannot read a new commit");
				goto out;
			}
			r = cb(c, arg);
			git_commit_free(c);
		} else {
			pg_oidset_add(arg, &id);
			r = 0;
		}
		if (r < 0)
			goto out;
		if (r > 0)
			break;
	}
	rc = 0;
out:
	git_revwalk_free(rw);
	git_object_free(hidden);
	git_object_free(start);
	return rc;
}

int pg_walk_collect_new(git_repository *repo, const git_oid *tip, struct pg_oidset *set)
{
	return pg_walk_new_commits(repo, tip, NULL, NULL, 0, NULL, set);
}

/* Enough for the directories a few consecutive commits touch, many times over. */
#define TREES_KEPT 4096
/* Criss-cross merges beyond this many merge bases are refused, not walked. */
#define MAX_BASES 16

struct pg_pathwalk {
	git_repository *repo;
	struct pg_treecache *trees;
};

struct changes {
	struct pg_treecache *trees;
	enum pg_merge_rule how;
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

/* An entry seen as a file (or symlink, submodule), or as a directory: NULL if it is not one. */
static const git_tree_entry *as_file(const git_tree_entry *e)
{
	return is_tree(e) ? NULL : e;
}

static const git_tree_entry *as_dir(const git_tree_entry *e)
{
	return is_tree(e) ? e : NULL;
}

/*
 * Is RESULT what the commit may have at this name without being charged?
 * PARENTS: equal to one of the parents.  BASE: equal to the clean merge,
 * which is BASEV where no parent changed it, else the one value every
 * parent that changed it agrees on; parents that changed it apart leave
 * no clean value.  Either may be seen as files or as directories only.
 */
static int excused(enum pg_merge_rule how, const git_tree_entry *result,
		   const git_tree_entry *basev, const git_tree_entry **parent, size_t nparents,
		   const git_tree_entry *(*as)(const git_tree_entry *))
{
	const git_tree_entry *clean = NULL;
	int changed = 0;

	if (as)
		result = as(result);
	if (how == PG_MERGE_PARENTS || nparents < 2) {
		for (size_t i = 0; i < nparents; i++)
			if (same_entry(result, as ? as(parent[i]) : parent[i]))
				return 1;
		return 0;
	}
	if (as)
		basev = as(basev);
	for (size_t i = 0; i < nparents; i++) {
		const git_tree_entry *p = as ? as(parent[i]) : parent[i];

		if (same_entry(p, basev))
			continue;
		if (changed && !same_entry(p, clean))
			return 0;	/* changed apart: nothing is clean */
		clean = p;
		changed = 1;
	}
	return same_entry(result, changed ? clean : basev);
}

static int compare(struct changes *ch, const git_tree *result, const git_tree *base,
		   const git_tree **parents, size_t nparents, int report);

static int tree_of(struct changes *ch, git_tree **out, const git_tree_entry *e)
{
	*out = NULL;
	return is_tree(e) ? pg_treecache_get(ch->trees, out, git_tree_entry_id(e)) : 0;
}

/*
 * One name of a directory: RESULT is its entry in the result (or NULL),
 * BASEV in the merge base's directory, PARENT[i] in each parent's.  With
 * REPORT 0 only names are checked (no rule looks below here).
 */
static int compare_entry(struct changes *ch, const char *name, const git_tree_entry *result,
			 const git_tree_entry *basev, const git_tree_entry **parent,
			 size_t nparents, int report)
{
	const git_tree *sub_parent[MAX_PARENTS];
	git_tree *sub_result = NULL, *sub_base = NULL, *owned[MAX_PARENTS];
	size_t mark = ch->path.len, i;
	int any_file = as_file(result) || as_file(basev), any_dir = is_tree(result) || is_tree(basev);
	int rc = 0;

	/* What the commit may have here: nothing below it can be charged either. */
	if (excused(ch->how, result, basev, parent, nparents, NULL))
		return 0;
	for (i = 0; i < nparents; i++) {
		any_file |= as_file(parent[i]) != NULL;
		any_dir |= is_tree(parent[i]);
	}
	pg_buf_puts(&ch->path, name);
	if (result && ch->v->bad_name &&
	    (pg_path_name_is_dotgit(name, strlen(name)) ||
	     (git_tree_entry_filemode(result) == GIT_FILEMODE_LINK &&
	      pg_path_name_is_dotfile(name, strlen(name))))) {
		rc = ch->v->bad_name(ch->path.ptr, ch->path.len, ch->arg);
		if (rc)
			goto out;
	}
	/* A file appeared, changed, or (no file here now) went away. */
	if (report && any_file && !excused(ch->how, result, basev, parent, nparents, as_file)) {
		const git_tree_entry *now = as_file(result);
		struct pg_path_change c = { ch->path.ptr, ch->path.len, 0, NULL, 1 };

		if (now) {
			c.mode = (unsigned)git_tree_entry_filemode(now);
			c.id = git_tree_entry_id(now);
		}
		for (i = 0; i < nparents && c.added; i++)
			c.added = !as_file(parent[i]);
		rc = ch->v->path(&c, ch->arg);
		if (rc)
			goto out;
	}
	if (!any_dir || excused(ch->how, result, basev, parent, nparents, as_dir))
		goto out;
	/* A directory no rule can reach below is read for its names only, if at all. */
	if (report && ch->v->enter && !ch->v->enter(ch->path.ptr, ch->path.len, ch->arg))
		report = 0;
	if (!report && !ch->v->bad_name)
		goto out;

	memset(owned, 0, sizeof(owned));
	if (tree_of(ch, &sub_result, result) < 0 ||
	    (ch->how == PG_MERGE_BASE && tree_of(ch, &sub_base, basev) < 0))
		rc = -1;
	for (i = 0; i < nparents && !rc; i++) {
		if (tree_of(ch, &owned[i], parent[i]) < 0)
			rc = -1;
		sub_parent[i] = owned[i];
	}
	if (!rc && ch->depth >= PG_WALK_MAX_DEPTH) {
		pg_error_set("a tree nests directories more than %d deep", PG_WALK_MAX_DEPTH);
		rc = -1;
	}
	if (!rc) {
		pg_buf_putc(&ch->path, '/');
		ch->depth++;
		rc = compare(ch, sub_result, sub_base, sub_parent, nparents, report);
		ch->depth--;
	}
	for (i = 0; i < nparents; i++)
		git_tree_free(owned[i]);
	git_tree_free(sub_base);
	git_tree_free(sub_result);
out:
	ch->path.len = mark;
	ch->path.ptr[mark] = '\0';
	return rc;
}

/*
 * Every entry of RESULT, BASE and the parent directories, once: git keeps
 * tree entries sorted (a directory as if its name ended in '/'), so one
 * merge-walk over all of them pairs equal names without any lookup.
 */
static int compare(struct changes *ch, const git_tree *result, const git_tree *base,
		   const git_tree **parents, size_t nparents, int report)
{
	const git_tree *t[MAX_PARENTS + 2];
	const git_tree_entry *cur[MAX_PARENTS + 2];
	size_t pos[MAX_PARENTS + 2], count[MAX_PARENTS + 2];
	size_t n = nparents + 2;

	t[0] = result;
	t[1] = base;
	for (size_t k = 0; k < n; k++) {
		if (k > 1)
			t[k] = parents[k - 2];
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
		rc = compare_entry(ch, git_tree_entry_name(min), cur[0], cur[1], cur + 2,
				   nparents, report);
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

/*
 * The merge bases of a merge's parents, at most MAX_BASES, into BASES;
 * their number, 0 for unrelated histories (compared as if with an empty
 * tree), or -1.
 */
static int merge_bases(git_repository *repo, const git_commit *commit, git_oid *bases)
{
	unsigned int n = git_commit_parentcount(commit);
	git_oid ids[MAX_PARENTS];
	git_oidarray found = { NULL, 0 };
	int rc;

	for (unsigned int i = 0; i < n; i++)
		git_oid_cpy(&ids[i], git_commit_parent_id(commit, i));
	/* git merges an octopus one parent at a time from their common base. */
	rc = n == 2 ? git_merge_bases(&found, repo, &ids[0], &ids[1])
		    : git_merge_base_octopus(&bases[0], repo, n, ids);
	if (rc == GIT_ENOTFOUND) {
		git_error_clear();
		return 0;
	}
	if (rc < 0)
		return git_fail("cannot find a merge's base");
	if (n != 2)
		return 1;
	if (found.count > MAX_BASES) {
		pg_error_set("merge %.12s has %zu merge bases; at most %d are supported",
			     git_oid_tostr_s(git_commit_id(commit)), found.count, MAX_BASES);
		git_oidarray_dispose(&found);
		return -1;
	}
	for (size_t i = 0; i < found.count; i++)
		git_oid_cpy(&bases[i], &found.ids[i]);
	rc = (int)found.count;
	git_oidarray_dispose(&found);
	return rc;
}

static int base_tree(struct pg_pathwalk *pw, git_tree **out, const git_oid *commit_id)
{
	git_commit *c;
	int rc;

	if (git_commit_lookup(&c, pw->repo, commit_id) < 0)
		return git_fail("cannot read a merge base");
	rc = pg_treecache_get(pw->trees, out, git_commit_tree_id(c));
	git_commit_free(c);
	return rc;
}

int pg_pathwalk_commit(struct pg_pathwalk *pw, const git_commit *commit,
		       enum pg_merge_rule how, const struct pg_path_visitor *v, void *arg)
{
	unsigned int nparents = git_commit_parentcount(commit);
	const git_tree *parent_trees[MAX_PARENTS];
	git_tree *owned[MAX_PARENTS], *tree = NULL;
	struct changes ch = { pw->trees, how, 0, PG_BUF_INIT, v, arg };
	git_oid bases[MAX_BASES];
	int rc = 0, nbases = 0;

	if (nparents > MAX_PARENTS) {
		pg_error_set("commit %.12s has %u parents; at most %d are supported",
			     git_oid_tostr_s(git_commit_id(commit)), nparents, MAX_PARENTS);
		return -1;
	}
	if (nparents < 2)
		ch.how = PG_MERGE_PARENTS;	/* the same answer, without a base */
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
	if (!rc && ch.how == PG_MERGE_BASE) {
		nbases = merge_bases(pw->repo, commit, bases);
		rc = nbases < 0 ? -1 : 0;
	}
	if (!rc) {
		pg_buf_grow(&ch.path, 256);
		ch.path.ptr[0] = '\0';
		if (ch.how == PG_MERGE_PARENTS || nbases == 0) {
			/* No base: unrelated histories, as if from an empty tree. */
			rc = compare(&ch, tree, NULL, parent_trees, nparents, v->path != NULL);
		}
		/* Criss-cross: what any base charges, the union of them. */
		for (int b = 0; ch.how == PG_MERGE_BASE && b < nbases && rc == 0; b++) {
			git_tree *bt = NULL;

			rc = base_tree(pw, &bt, &bases[b]);
			if (rc == 0)
				rc = compare(&ch, tree, bt, parent_trees, nparents, v->path != NULL);
			git_tree_free(bt);
		}
		if (rc > 0)
			rc = 0;
	}
	for (unsigned int i = 0; i < nparents; i++)
		git_tree_free(owned[i]);
	git_tree_free(tree);
	pg_buf_free(&ch.path);
	return rc;
}
