/*
 * Open addressing with linear probing, kept at most half full.  An empty
 * slot holds the zero id, so a probe touches one array; the zero id itself
 * (never an object's) is kept in a flag of its own.
 */
#include "oidset.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

struct pg_oidset {
	git_oid *slot;
	size_t cap, n;		/* cap is a power of two */
	size_t max;		/* forget everything at this many; 0: never */
	int has_zero;
};

static const unsigned char zero[GIT_OID_RAWSZ];

struct pg_oidset *pg_oidset_new(void)
{
	struct pg_oidset *s = pg_xcalloc(1, sizeof(*s));

	s->cap = 64;
	s->slot = pg_xcalloc(s->cap, sizeof(*s->slot));
	return s;
}

struct pg_oidset *pg_oidset_new_bounded(size_t max)
{
	struct pg_oidset *s = pg_oidset_new();

	s->max = max;
	return s;
}

void pg_oidset_free(struct pg_oidset *s)
{
	if (!s)
		return;
	free(s->slot);
	free(s);
}

/* Object ids are hashes already: their first bytes are a good hash. */
static size_t home(const struct pg_oidset *s, const unsigned char *id)
{
	size_t h;

	memcpy(&h, id, sizeof(h));
	return h & (s->cap - 1);
}

static int is_zero(const unsigned char *id)
{
	return !memcmp(id, zero, GIT_OID_RAWSZ);
}

/* ID's slot, or the empty one where it would go. */
static size_t find(const struct pg_oidset *s, const unsigned char *id)
{
	size_t i = home(s, id);

	while (!is_zero(s->slot[i].id) && memcmp(s->slot[i].id, id, GIT_OID_RAWSZ))
		i = (i + 1) & (s->cap - 1);
	return i;
}

static void grow(struct pg_oidset *s)
{
	git_oid *old = s->slot;
	size_t oldcap = s->cap;

	s->cap *= 2;
	s->slot = pg_xcalloc(s->cap, sizeof(*s->slot));
	for (size_t i = 0; i < oldcap; i++)
		if (!is_zero(old[i].id))
			memcpy(s->slot[find(s, old[i].id)].id, old[i].id, GIT_OID_RAWSZ);
	free(old);
}

int pg_oidset_insert(struct pg_oidset *s, const git_oid *id)
{
	size_t i;

	if (is_zero(id->id)) {
		if (s->has_zero)
			return 0;
		s->has_zero = 1;
		s->n++;
		return 1;
	}
	if (s->max && s->n >= s->max) {
		memset(s->slot, 0, s->cap * sizeof(*s->slot));
		s->n = 0;
		s->has_zero = 0;
	}
	if (2 * (s->n + 1) > s->cap)
		grow(s);
	i = find(s, id->id);
	if (!is_zero(s->slot[i].id))
		return 0;
	memcpy(s->slot[i].id, id->id, GIT_OID_RAWSZ);
	s->n++;
	return 1;
}

void pg_oidset_add(struct pg_oidset *s, const git_oid *id)
{
	pg_oidset_insert(s, id);
}

int pg_oidset_contains(const struct pg_oidset *s, const git_oid *id)
{
	if (is_zero(id->id))
		return s->has_zero;
	return !is_zero(s->slot[find(s, id->id)].id);
}

size_t pg_oidset_count(const struct pg_oidset *s)
{
	return s->n;
}
