/* Open addressing with linear probing, kept at most half full. */
#include "oidset.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

struct pg_oidset {
	git_oid *slot;
	unsigned char *used;
	size_t cap, n;		/* cap is a power of two */
};

struct pg_oidset *pg_oidset_new(void)
{
	struct pg_oidset *s = pg_xcalloc(1, sizeof(*s));

	s->cap = 64;
	s->slot = pg_xcalloc(s->cap, sizeof(*s->slot));
	s->used = pg_xcalloc(s->cap, 1);
	return s;
}

void pg_oidset_free(struct pg_oidset *s)
{
	if (!s)
		return;
	free(s->slot);
	free(s->used);
	free(s);
}

/* Object ids are hashes already: their first bytes are a good hash. */
static size_t home(const struct pg_oidset *s, const git_oid *id)
{
	size_t h;

	memcpy(&h, id->id, sizeof(h));
	return h & (s->cap - 1);
}

static size_t find(const struct pg_oidset *s, const git_oid *id)
{
	size_t i = home(s, id);

	while (s->used[i] && !git_oid_equal(&s->slot[i], id))
		i = (i + 1) & (s->cap - 1);
	return i;
}

static void grow(struct pg_oidset *s)
{
	struct pg_oidset old = *s;

	s->cap *= 2;
	s->slot = pg_xcalloc(s->cap, sizeof(*s->slot));
	s->used = pg_xcalloc(s->cap, 1);
	for (size_t i = 0; i < old.cap; i++) {
		if (old.used[i]) {
			size_t j = find(s, &old.slot[i]);

			git_oid_cpy(&s->slot[j], &old.slot[i]);
			s->used[j] = 1;
		}
	}
	free(old.slot);
	free(old.used);
}

void pg_oidset_add(struct pg_oidset *s, const git_oid *id)
{
	size_t i;

	if (2 * (s->n + 1) > s->cap)
		grow(s);
	i = find(s, id);
	if (s->used[i])
		return;
	git_oid_cpy(&s->slot[i], id);
	s->used[i] = 1;
	s->n++;
}

int pg_oidset_contains(const struct pg_oidset *s, const git_oid *id)
{
	return s->used[find(s, id)];
}

size_t pg_oidset_count(const struct pg_oidset *s)
{
	return s->n;
}
