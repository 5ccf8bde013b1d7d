/*
 * Audit evidence: what the release log shows for a period, set beside the
 * controls the policy names (`control = ISO27001:8.32`), for `pushgate
 * report`.  Plain data; the report's formats render it.
 *
 * Only what the log holds is evidence: releases (updates of sections with
 * release = yes), every refusal (with log_rejections, the default),
 * warnings, and every exception (break-glass, import, secret-ok), with
 * who, when and why.  Metrics are defined in docs/report.md.
 */
#ifndef PG_EVIDENCE_H
#define PG_EVIDENCE_H

#include <stddef.h>

#include "config.h"
#include "signers.h"

/* A log entry of the period, copied out of the log. */
struct pg_ev_entry {
	long long seq;
	char *time, *event, *repo, *ref, *old_hex, *new_hex;
	char *pusher, *via, *rule, *reason, *push_cert;	/* NULL: null */
	char **approvals;
	size_t napprovals;
	int exception;		/* its reason holds a break-glass, import or secret-ok */
};

/* A rule of the policy that enforces a control. */
struct pg_ev_rule {
	char *title;		/* branch "main", as log entries name it */
	const char *file;
	int line;
	int warn;		/* mode = warn: reports, does not refuse */
	size_t releases, rejections, warnings, exceptions;	/* in the period */
};

struct pg_ev_control {
	char *name;
	struct pg_ev_rule *rules;
	size_t nrules;
};

/* A count by key: refusals of one rule, pushes of one user to one ref. */
struct pg_ev_count {
	char *key;		/* rule title; or "repo\tref\tpusher" */
	size_t n;
};

/* One day of the period (UTC) with something in it. */
struct pg_ev_day {
	char day[11];		/* YYYY-MM-DD */
	size_t releases, rejections, exceptions;
};

struct pg_evidence {
	char since[21], until[21];	/* "": open */
	const char *log_path;
	/* The log's verification, over the whole log. */
	int verified;			/* 1 intact */
	size_t log_entries;		/* entries that verified */
	char head[65];
	char *verify_why;		/* NULL when intact */
	long bad_seq;
	/* The period. */
	struct pg_ev_entry *entries;	/* in log order */
	size_t nentries;
	size_t releases, rejections, warnings, exceptions, recovered;
	size_t signed_pushes;		/* releases with a push certificate */
	size_t approved;		/* releases with approvals */
	/*
	 * releases by a section that has require_signed in the policy as it
	 * is now: every new commit of those was SSH-signed.  (The log does not
	 * record the policy of the day; this is "where known".)
	 */
	size_t signed_commits_rule;
	struct pg_ev_control *controls;	/* sorted by name */
	size_t ncontrols;
	struct pg_ev_count *by_rule;	/* refusals per rule, most first */
	size_t nby_rule;
	struct pg_ev_count *pushers;	/* accepted updates per repo, ref, pusher */
	size_t npushers;
	struct pg_ev_day *days;		/* ascending */
	size_t ndays;
};

/*
 * Verify the log at LOG with SIGNERS, then gather the entries at or after
 * SINCE and before UNTIL (each "" or "YYYY-MM-DDTHH:MM:SSZ") and the
 * controls of CFG.  0 with *EV filled (also when the log does not verify:
 * ev->verified says so; the caller decides what to show); -1
 * (pg_error_set) when the log cannot be read.  Free with
 * pg_evidence_free.
 */
int pg_evidence_collect(struct pg_evidence *ev, const struct pg_config *cfg, const char *log,
			const struct pg_signers *signers, const char *since, const char *until);
void pg_evidence_free(struct pg_evidence *ev);

#endif
