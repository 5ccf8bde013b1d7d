/*
 * A ref update as git hands it to a hook: pre-receive's stdin lines
 * "OLD NEW REF", or the update hook's argv.  Nothing here is trusted: ids
 * must be lowercase hex of one length, refs must be non-empty and short.
 */
#ifndef PG_UPDATE_H
#define PG_UPDATE_H

#include <stddef.h>
#include <stdio.h>

#define PG_HEX_MAX 64	/* SHA-256 object ids; SHA-1 ones are 40 */

struct pg_update {
	char *ref;
	char old_hex[PG_HEX_MAX + 1];
	char new_hex[PG_HEX_MAX + 1];
};

/* 0, or -1 with pg_error_set() saying what is wrong with the values. */
int pg_update_set(struct pg_update *u, const char *ref, const char *old_hex,
		  const char *new_hex);

/*
 * Read every "OLD NEW REF\n" line of IN.  0 with *out (n entries), or -1
 * with pg_error_set() naming the bad line; *out is then NULL.
 */
int pg_updates_read(FILE *in, struct pg_update **out, size_t *n);
void pg_updates_free(struct pg_update *u, size_t n);

/* 1 when HEX is all zeros: git's "no object" (a create's old, a delete's new). */
int pg_hex_is_zero(const char *hex);

#endif
