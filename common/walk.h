/*
 * The commits a push brings and the paths each of them changes.  Nothing
 * here knows about rules or users: it takes object ids and calls back.
 */
#ifndef PG_WALK_H
#define PG_WALK_H

#include <git2.h>

#include "buf.h"

struct pg_oidset;

/*
 * Directories nested deeper than this are refused, not walked: each level
 * costs a few KiB of stack, and a pushed tree may nest without end.
 */
#define PG_WALK_MAX_DEPTH 512

/*
 * Call CB for every commit reachable from TIP and not from HIDE, nor from
 * any of the NSEEN commits in SEEN.  HIDE NULL means every ref of REPO
 * (new to the repository: in pre-receive the refs have not moved yet);
 * else it is the old tip of the ref being updated (new to that ref), and
 * the zero id hides nothing but SEEN (a ref being created).  A HIDE
 * that is no commit (a ref moved from a tag of a tree) hides nothing
 * either.  Annotated tags are peeled; a
 * TIP that is not a commit yields nothing.  CB returns 0 to go on, 1 to
 * stop early, -1 for an error (with pg_error_set).  Returns 0 or -1.
 */
int pg_walk_new_commits(git_repository *repo, const git_oid *tip, const git_oid *hide,
			const git_oid *seen, size_t nseen,
			int (*cb)(git_commit *commit, void *arg), void *arg);

/* Add to SET every commit reachable from TIP that no ref reaches.  0 or -1. */
int pg_walk_collect_new(git_repository *repo, const git_oid *tip, struct pg_oidset *set);

/* What is kept from one commit to the next: the trees read last. */
struct pg_pathwalk;

struct pg_pathwalk *pg_pathwalk_new(git_repository *repo);
void pg_pathwalk_free(struct pg_pathwalk *pw);

/* One changed path of a commit. */
struct pg_path_change {
	const char *path;	/* full from the top of the tree (bytes, not
				 * necessarily UTF-8; no quoting) */
	size_t len;
	unsigned mode;		/* what the commit leaves there; 0: no file now (a
				 * symlink or submodule may stand where a directory would be) */
	const git_oid *id;	/* its blob (or submodule commit); NULL with mode 0 */
	int added;		/* no parent has a file, symlink or submodule there */
};

/* What the walk of one commit's paths calls. */
struct pg_path_visitor {
	/*
	 * Every changed path.  0 to go on, 1 to stop (this commit needs no
	 * more paths), -1 for an error.  NULL: names only.
	 */
	int (*path)(const struct pg_path_change *c, void *arg);
	/*
	 * Before reading a changed directory DIR: 1 to be told about the
	 * paths inside, 0 when nothing below it can matter.  NULL: look
	 * everywhere.
	 */
	int (*enter)(const char *dir, size_t len, void *arg);
	/*
	 * With this set, every entry the commit adds or changes, however deep
	 * and whatever enter() says, whose name a checkout must never write
	 * (pathname.h: ".GIT", "git~1", ...), or a symlink named like
	 * .gitmodules, .gitattributes, .gitignore or .mailmap: its full path.  0 to go on, 1
	 * to stop, -1 for an error.
	 */
	int (*bad_name)(const char *path, size_t len, void *arg);
};

/* What a merge commit is charged with. */
enum pg_merge_rule {
	/*
	 * The paths whose result differs from every parent (git diff-tree
	 * -c): enough to find names that no parent had.
	 */
	PG_MERGE_PARENTS,
	/*
	 * The paths whose result differs from what a clean merge of the
	 * parents gives (each path: the merge base's, else the one change the
	 * parents that changed it agree on).  A path two parents changed
	 * apart is charged whatever the result.  So taking a path from a
	 * parent that did not change it since the base (a revert of another
	 * parent's change) is charged, while a clean merge of checked commits
	 * is free.  With several merge bases, what any of them charges.
	 */
	PG_MERGE_BASE
};

/*
 * Tell V about every path COMMIT changes: against its parent; a root
 * commit changes every path; a merge as HOW says.  A file, symlink or
 * submodule entry counts when its id or mode differ, or it appears or
 * disappears; no blob is read.  Returns 0 or -1.
 */
int pg_pathwalk_commit(struct pg_pathwalk *pw, const git_commit *commit,
		       enum pg_merge_rule how, const struct pg_path_visitor *v, void *arg);

/*
 * `pushgate scan`: for each of the N COMMITS in turn, ON_COMMIT (NULL:
 * none), then V->path for each file of its tree that no earlier commit's
 * tree had where it stands (filewalk.c: each tree read once, as git
 * rev-list --objects does; BY_PATH: once per path it stands at, else
 * once).  Files are told with added = 1; V->enter may skip a directory;
 * V->bad_name is not called.  Callbacks return 0 to go on, -1 for an
 * error.  0 or -1.
 */
int pg_walk_files(git_repository *repo, const git_oid *commits, size_t n, int by_path,
		  int (*on_commit)(const git_oid *commit, void *arg),
		  const struct pg_path_visitor *v, void *arg);

#endif
