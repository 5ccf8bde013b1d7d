/*
 * The commits a push brings and the paths each of them changes.  Nothing
 * here knows about rules or users: it takes object ids and calls back.
 */
#ifndef PG_WALK_H
#define PG_WALK_H

#include <git2.h>

#include "buf.h"

/*
 * Call CB for every commit reachable from TIP that no ref of REPO reaches
 * (a commit is new when no ref reached it before the push; in pre-receive
 * the refs have not moved yet), nor any of the NSEEN commits in SEEN.
 * Annotated tags are peeled; a TIP that is not a commit yields nothing.
 * CB returns 0 to go on, 1 to stop early, -1 for an error (with
 * pg_error_set).  Returns 0 or -1.
 */
int pg_walk_new_commits(git_repository *repo, const git_oid *tip,
			const git_oid *seen, size_t nseen,
			int (*cb)(git_commit *commit, void *arg), void *arg);

/* What is kept from one commit to the next: the trees read last. */
struct pg_pathwalk;

struct pg_pathwalk *pg_pathwalk_new(git_repository *repo);
void pg_pathwalk_free(struct pg_pathwalk *pw);

/* What the walk of one commit's paths calls. */
struct pg_path_visitor {
	/*
	 * Every changed path, full from the top of the tree (bytes, not
	 * necessarily UTF-8; no quoting).  0 to go on, 1 to stop (this commit
	 * needs no more paths), -1 for an error.
	 */
	int (*path)(const char *path, size_t len, void *arg);
	/*
	 * Before reading a changed directory DIR: 1 to look inside, 0 to skip
	 * it (nothing below it can matter).  NULL: look everywhere.
	 */
	int (*enter)(const char *dir, size_t len, void *arg);
};

/*
 * Tell V about every path COMMIT changes: against its parent; a root
 * commit changes every path; a merge changes only the paths whose result
 * differs from every parent, so a clean merge changes nothing and an
 * "evil" merge is charged with what it added.  A file, symlink or
 * submodule entry counts when its id or mode differ, or it appears or
 * disappears; no blob is read.  Returns 0 or -1.
 */
int pg_pathwalk_commit(struct pg_pathwalk *pw, const git_commit *commit,
		       const struct pg_path_visitor *v, void *arg);

#endif
