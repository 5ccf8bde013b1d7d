/*
 * Secret rules: pushgate's builtin set and the admin's rule files, read
 * and checked at FILE:LINE, then compiled into one Hyperscan database so
 * that each blob is scanned once for all of them (secscan.h).  A rules
 * file holds [rule "NAME"] sections with regex, keywords, entropy, paths
 * and help (pushgate.ini(5), SECRET RULES).
 */
#ifndef PG_SECRULES_H
#define PG_SECRULES_H

#include <stddef.h>

#define PG_SECRULE_NAME_MAX 64

struct pg_secrule {
	char *name;		/* [A-Za-z0-9._-]+: it is part of a fingerprint */
	const char *file;	/* "builtin" for pushgate's own */
	int line;		/* of the section header */
	char *regex;		/* PCRE syntax as Hyperscan takes it */
	int regex_line;
	char **keywords;	/* any of them on the match's line; none: no check */
	size_t nkeywords;
	double entropy;		/* minimum Shannon entropy of the secret, bits a byte */
	char **paths;		/* globs, folded: the rule looks only there; none: everywhere */
	size_t npaths;
	char **help;
	size_t nhelp;
	int has_group;		/* the secret is capture group 1, else the whole match */
	void *re;		/* pcre2_code: the secret's span inside a match */
	int ok;			/* read without a problem */
};

struct pg_secrules_problem {
	const char *file;
	int line;		/* 0: the file itself */
	char *msg;
};

struct pg_secrules {
	struct pg_secrule *rules;
	size_t n;
	char **files;		/* names the rules point to */
	size_t nfiles;
	struct pg_secrules_problem *problems;
	size_t nproblems;
	void *db;		/* hs_database_t, once compiled */
	void *scratch;		/* hs_scratch_t for it */
	double compile_ms;	/* what compiling (or loading the cache) took */
	char *cache;		/* the cache file tried; NULL: none */
	int cache_state;	/* PG_CACHE_* */
};

enum {
	PG_CACHE_NONE,		/* not tried */
	PG_CACHE_LOADED,	/* the database came from the cache */
	PG_CACHE_WRITTEN,	/* compiled, and the cache written */
	PG_CACHE_UNWRITABLE	/* compiled; the cache could not be written */
};

struct pg_secrules *pg_secrules_new(void);
void pg_secrules_free(struct pg_secrules *s);

/* Add pushgate's own rules, or the rules of FILE; problems go to S->problems. */
void pg_secrules_add_builtin(struct pg_secrules *s);
void pg_secrules_add_file(struct pg_secrules *s, const char *file);

/* pushgate's own rules as a rules file, for `pushgate scan --rules` and the docs. */
extern const char pg_secrules_builtin_text[];

/*
 * Compile every rule into one database (once; later calls return the first
 * answer).  0, or -1 with a problem at the rule's FILE:LINE added and
 * pg_error_set to the same.
 */
int pg_secrules_compile(struct pg_secrules *s);

/*
 * The same, through a cache of the compiled database in DIR (where the
 * policy is): compiling takes tens of milliseconds, which a push must not
 * pay each time.  The file is named by a hash of the rules and of the
 * Hyperscan version, is used only under the same ownership checks as the
 * policy, and is written (atomically, by rename) when DIR lets us.
 */
int pg_secrules_compile_cached(struct pg_secrules *s, const char *dir);

/* The Shannon entropy of P[0..LEN), in bits a byte. */
double pg_entropy(const unsigned char *p, size_t len);

#endif
