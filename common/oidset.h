/*
 * A set of object ids: which commits of a push are new to the repository,
 * asked once for every commit new to the ref being updated.
 */
#ifndef PG_OIDSET_H
#define PG_OIDSET_H

#include <stddef.h>

#include <git2.h>

struct pg_oidset;

struct pg_oidset *pg_oidset_new(void);
/*
 * A set that forgets every id once it holds MAX: for what only saves
 * work (a tree or blob read already), never for what decides, so that
 * its memory stays bounded however long the history.
 */
struct pg_oidset *pg_oidset_new_bounded(size_t max);

/* The bound of the sets of what was read: 2^19 ids, 20 MiB of slots each. */
#define PG_MEMO_MAX_IDS ((size_t)1 << 19)
void pg_oidset_free(struct pg_oidset *s);
void pg_oidset_add(struct pg_oidset *s, const git_oid *id);
/* Add ID: 1 when it was not in S yet, 0 when it was. */
int pg_oidset_insert(struct pg_oidset *s, const git_oid *id);
int pg_oidset_contains(const struct pg_oidset *s, const git_oid *id);
size_t pg_oidset_count(const struct pg_oidset *s);

#endif
