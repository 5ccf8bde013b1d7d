/*
 * Content rules: [secrets] scanning and [path] max_size and name, over
 * what a push adds.  They look at every path that a new commit adds or
 * changes (walk.h), so a secret added in one commit and deleted in the
 * next was still pushed, and a merge's own ("evil") change is read too.
 * Each blob is read once a push, however many commits and refs bring it.
 */
#ifndef PG_CONTENT_H
#define PG_CONTENT_H

#include <git2.h>

#include "config.h"
#include "policy.h"
#include "update.h"

#define PG_SECRET_OK "secret-ok"	/* -o secret-ok=REASON */
#define PG_CONTENT_SHOWN 20		/* findings listed per block */

/* What one push learned about blobs: read once, for every ref. */
struct pg_content_memo;

struct pg_content_memo *pg_content_memo_new(void);
void pg_content_memo_free(struct pg_content_memo *m);

struct pg_content_checks {
	git_repository *repo;
	const struct pg_config *cfg;
	const char *repo_name;
	const char *user;		/* NULL: not identified */
	const char *secret_ok;		/* -o secret-ok=REASON as pushed; NULL: none */
	int skip_path_rules;		/* an import: max_size and name do not apply */
	struct pg_content_memo *memo;	/* required */
};

/* 1 when a content rule of CFG applies to REF in REPO. */
int pg_content_applies(const struct pg_config *cfg, const char *ref, const char *repo);

/*
 * Check what update U (a CHANGE, classified) brings against the content
 * rules that apply, adding findings to V.  The commits read are the ones
 * no ref reached before the push that the same rules cover, nor U's old
 * tip.  0, or -1 on an internal error (pg_error_set): fail closed.
 */
int pg_content_check(const struct pg_content_checks *c, const struct pg_update *u,
		     enum pg_change change, struct pg_verdict *v);

/* A secret pushgate scan found. */
struct pg_secret_finding {
	const git_oid *commit;
	const char *path;
	size_t line;
	const char *rule;
	const char *masked;
	const char *fingerprint;
	int allowed;			/* the allowlist has its fingerprint */
};

/* What a scan read, and where its time went. */
struct pg_scan_stats {
	size_t blobs;			/* read, once each (by each job) */
	unsigned long long bytes;	/* of those blobs */
	double read_ms;			/* inflating them */
	double scan_ms;			/* matching them */
};

/*
 * `pushgate scan`: the files of the N COMMITS, oldest first, as
 * pg_walk_files finds them (each tree and blob read once), scanned with
 * the [secrets] of CFG, which must be compiled.  Each finding, allowed
 * or not, goes to FN with the first commit and path where its rule reads
 * it.  0, or -1 (pg_error_set).
 */
int pg_content_scan(git_repository *repo, const struct pg_config *cfg, const git_oid *commits,
		    size_t n, int (*fn)(const struct pg_secret_finding *f, void *arg), void *arg,
		    struct pg_scan_stats *stats);

#endif
