/*
 * Scanning one blob's bytes for secrets: every rule of a compiled set
 * (secrules.h) in one Hyperscan pass, then, on the matches only, the
 * rule's capture group, keywords and entropy.  What comes out never holds
 * a secret in full: only its first PG_SECRET_SHOWN bytes and a mask.
 */
#ifndef PG_SECSCAN_H
#define PG_SECSCAN_H

#include <stddef.h>

#include "secrules.h"

#define PG_SECRET_SHOWN 4	/* bytes of a secret shown; the rest is masked */
#define PG_SECRET_MASKED_MAX 32	/* a masked secret, with its NUL */
#define PG_BINARY_PROBE 8000	/* a NUL in this many first bytes: binary, as git decides */

struct pg_secret_hit {
	size_t rule;		/* index into the set's rules */
	size_t line;		/* 1-based line of the secret's first byte */
	size_t start, end;	/* the secret's bytes in the blob */
	char masked[PG_SECRET_MASKED_MAX];
};

struct pg_secret_hits {
	struct pg_secret_hit *hit;
	size_t n;
};

/* 1 when DATA looks binary to git (a NUL among its first 8,000 bytes). */
int pg_secscan_binary(const unsigned char *data, size_t len);

/*
 * Append to OUT every secret in DATA[0..LEN), in the order they end, one
 * per rule and line; where two rules find the same bytes, only the one
 * listed first (a specific rule before a generic one).  S must be compiled.  0, or -1 (pg_error_set).
 */
int pg_secscan(const struct pg_secrules *s, const unsigned char *data, size_t len,
	       struct pg_secret_hits *out);

void pg_secret_hits_clear(struct pg_secret_hits *h);

/* SECRET[0..LEN) as shown: its first bytes, then '*' for the rest (at most 20). */
void pg_secret_mask(char out[PG_SECRET_MASKED_MAX], const unsigned char *secret, size_t len);

#endif
