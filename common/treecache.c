#include "treecache.h"
#include "error.h"

#include <stdint.h>
#include <string.h>

#define NONE SIZE_MAX

struct entry {
	git_oid id;
	git_tree *tree;
	size_t hnext;		/* next entry in the same hash bucket */
	size_t prev, next;	/* recency list: head is the most recent */
};

struct pg_treecache {
	git_repository *repo;
	struct entry *e;
	size_t cap, n;
	size_t *bucket;		/* first entry of each bucket */
	size_t mask;
	size_t head, tail;
};

struct pg_treecache *pg_treecache_new(git_repository *repo, size_t capacity)
{
	struct pg_treecache *tc = pg_xcalloc(1, sizeof(*tc));
	size_t nb = 1;

	while (nb < 2 * capacity)
		nb <<= 1;
	tc->repo = repo;
	tc->cap = capacity ? capacity : 1;
	tc->e = pg_xcalloc(tc->cap, sizeof(*tc->e));
	tc->bucket = pg_xmalloc(nb * sizeof(*tc->bucket));
	for (size_t i = 0; i < nb; i++)
		tc->bucket[i] = NONE;
	tc->mask = nb - 1;
	tc->head = tc->tail = NONE;
	return tc;
}

void pg_treecache_free(struct pg_treecache *tc)
{
	if (!tc)
		return;
	for (size_t i = 0; i < tc->n; i++)
		git_tree_free(tc->e[i].tree);
	free(tc->e);
	free(tc->bucket);
	free(tc);
}

/* Object ids are hashes already: their first bytes are a good hash. */
static size_t bucket_of(const struct pg_treecache *tc, const git_oid *id)
{
	size_t h;

	memcpy(&h, id->id, sizeof(h));
	return h & tc->mask;
}

static void unlink_lru(struct pg_treecache *tc, size_t i)
{
	struct entry *x = &tc->e[i];

	if (x->prev != NONE)
		tc->e[x->prev].next = x->next;
	else
		tc->head = x->next;
	if (x->next != NONE)
		tc->e[x->next].prev = x->prev;
	else
		tc->tail = x->prev;
}

static void push_front(struct pg_treecache *tc, size_t i)
{
	tc->e[i].prev = NONE;
	tc->e[i].next = tc->head;
	if (tc->head != NONE)
		tc->e[tc->head].prev = i;
	tc->head = i;
	if (tc->tail == NONE)
		tc->tail = i;
}

static void unlink_bucket(struct pg_treecache *tc, size_t i)
{
	size_t *p = &tc->bucket[bucket_of(tc, &tc->e[i].id)];

	while (*p != i)
		p = &tc->e[*p].hnext;
	*p = tc->e[i].hnext;
}

int pg_treecache_get(struct pg_treecache *tc, git_tree **out, const git_oid *id)
{
	size_t b = bucket_of(tc, id), i;
	git_tree *tree;

	for (i = tc->bucket[b]; i != NONE; i = tc->e[i].hnext)
		if (git_oid_equal(&tc->e[i].id, id))
			break;
	if (i == NONE) {
		if (git_tree_lookup(&tree, tc->repo, id) < 0) {
			const git_error *e = git_error_last();

			pg_error_set("cannot read tree %.12s: %s", git_oid_tostr_s(id),
				     e && e->message ? e->message : "unknown error");
			return -1;
		}
		if (tc->n < tc->cap) {
			i = tc->n++;
		} else {
			i = tc->tail;
			unlink_lru(tc, i);
			unlink_bucket(tc, i);
			git_tree_free(tc->e[i].tree);
		}
		git_oid_cpy(&tc->e[i].id, id);
		tc->e[i].tree = tree;
		tc->e[i].hnext = tc->bucket[b];
		tc->bucket[b] = i;
	} else {
		unlink_lru(tc, i);
	}
	push_front(tc, i);
	return git_object_dup((git_object **)out, (git_object *)tc->e[i].tree);
}
