/*
 * The allowlist of [secrets] allow: findings accepted by fingerprint
 * (BLOB:RULE:LINE), one a line, each with a comment saying why.  It is
 * policy: read with the same ownership checks as the configuration.
 */
#ifndef PG_ALLOWLIST_H
#define PG_ALLOWLIST_H

#include <stddef.h>

struct pg_allowlist_problem {
	int line;		/* 0: the file itself */
	int warning;		/* the line is used, but the admin must hear */
	char *msg;
};

struct pg_allowlist {
	char **fp;		/* sorted */
	size_t n;
	struct pg_allowlist_problem *problems;
	size_t nproblems;
};

/* Read FILE; *out is always set, problems in (*out)->problems.  0 or -1 (unusable). */
int pg_allowlist_load(struct pg_allowlist **out, const char *file);
void pg_allowlist_free(struct pg_allowlist *a);

/* 1 when FINGERPRINT is allowed.  A NULL list allows nothing. */
int pg_allowlist_has(const struct pg_allowlist *a, const char *fingerprint);

/* 1 when S is a well-formed fingerprint: hex blob id, ':', rule name, ':', line. */
int pg_fingerprint_valid(const char *s, size_t len);

#endif
