/*
 * The repository's refs as they were before the push, read once: in
 * pre-receive they do not move before the push is decided.  Their commits
 * are looked up only when asked.
 */
#ifndef PG_KNOWNREFS_H
#define PG_KNOWNREFS_H

#include <stddef.h>

#include <git2.h>

struct pg_known_ref {
	char *name;
	git_oid target;
	int peeled;		/* 0 not yet, 1 COMMIT is its commit, -1 it has none */
	git_oid commit;
};

struct pg_known_refs {
	struct pg_known_ref *refs;
	size_t n;
	int read;
};

/* Read REPO's direct refs into K, once.  0, or -1 (pg_error_set). */
int pg_known_refs_read(struct pg_known_refs *k, git_repository *repo);
void pg_known_refs_clear(struct pg_known_refs *k);

/* R's commit, or NULL when it names none (a tag of a tree, a blob). */
const git_oid *pg_known_ref_commit(git_repository *repo, struct pg_known_ref *r);

#endif
