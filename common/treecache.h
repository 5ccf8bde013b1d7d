/*
 * The trees the commit walk read last, kept parsed.  Walking history
 * newest first, the trees a commit is compared with are, a moment later,
 * the trees of the next commit.  libgit2's own object cache evicts at
 * random and never keeps trees over 4 KiB, so without this the big
 * directories are inflated again from their delta chains for every commit
 * (docs/performance.md).  Least recently used trees are dropped first.
 */
#ifndef PG_TREECACHE_H
#define PG_TREECACHE_H

#include <stddef.h>

#include <git2.h>

struct pg_treecache;

struct pg_treecache *pg_treecache_new(git_repository *repo, size_t capacity);
void pg_treecache_free(struct pg_treecache *tc);

/*
 * The tree ID as a new reference the caller frees with git_tree_free (the
 * cache keeps its own).  0, or -1 with pg_error_set.
 */
int pg_treecache_get(struct pg_treecache *tc, git_tree **out, const git_oid *id);

#endif
