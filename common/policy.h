/*
 * The decision for one ref update: pure, given the configuration, what
 * kind of change it is, who pushes and to which repository.  Policy never
 * prints and never touches git; the hooks and `pushgate explain` call it
 * through the engine, so explain shows exactly what a push would get.
 */
#ifndef PG_POLICY_H
#define PG_POLICY_H

#include "config.h"

enum pg_change {
	PG_CHANGE_CREATE,
	PG_CHANGE_FASTFORWARD,	/* new tip descends from the old one */
	PG_CHANGE_REWRITE,	/* anything else: history is rewritten */
	PG_CHANGE_DELETE
};

struct pg_request {
	const char *ref;	/* full name, refs/heads/main */
	const char *old_hex;
	const char *new_hex;
	enum pg_change change;
	const char *repo;	/* repository name, for `repos =` */
	const char *user;	/* NULL: nobody identified */
	const char *via;	/* the identity source that answered */
	const char *no_user_why; /* with user NULL: which sources were tried */
	const char *pr_id;	/* a Gitea pull-request merge: its id; else NULL */
};

/* One problem: one block of the rejection message. */
struct pg_finding {
	const struct pg_rule *rule;	/* NULL: not one rule's (config, internal) */
	int warn;			/* mode = warn: reported, accepted */
	int notice;			/* with warn: an exception granted (break-glass),
					 * logged by post-receive, not as a warning */
	char *reason;			/* after "REJECTED <ref>: " */
	char *log_reason;		/* what the release log says instead; NULL: reason */
	char **lines;			/* what was found, the way forward */
	size_t nlines;
};

/* What one matching rule said, for `pushgate explain`. */
struct pg_applied {
	const struct pg_rule *rule;
	char *what;
	int ok;
};

struct pg_verdict {
	int classified;		/* change below is known */
	enum pg_change change;
	int rejected;		/* some finding is not a warning */
	int protected;		/* some branch or tag rule matched */
	int imported;		/* -o import was granted: to be logged */
	const struct pg_rule *break_glass; /* granted -o break-glass: to be logged */
	struct pg_finding *findings;
	size_t nfindings;
	struct pg_applied *applied;
	size_t napplied;
};

/* Apply every matching rule of CFG (which must be valid) to REQ. */
void pg_policy_decide(const struct pg_config *cfg, const struct pg_request *req,
		      struct pg_verdict *v);

/*
 * 1 when rule R applies to REF in REPO: its repos match, and its pattern
 * matches the branch or tag name, or (a path rule) its refs match REF.
 */
int pg_rule_applies(const struct pg_rule *r, const char *ref, const char *repo);

/*
 * Exceptions that are granted by a member list of a rule (import,
 * break_glass): the first branch or tag rule that applies to REF in REPO
 * and whose member list at offset LIST of struct pg_rule holds USER; with
 * USER NULL, the first that has that list at all.
 */
const struct pg_rule *pg_policy_listed(const struct pg_config *cfg, const char *ref,
				       const char *repo, size_t list, const char *user);

/*
 * The rule granting USER's exception on REF in REPO: REASON (as pushed;
 * NULL when the option was not) is usable (pushopt.h) and an applying
 * rule's list at LIST holds USER.  NULL when not granted.  pre-receive
 * grants and post-receive logs from this one answer.
 */
const struct pg_rule *pg_policy_exception(const struct pg_config *cfg, const char *ref,
					  const char *repo, size_t list, const char *user,
					  const char *reason);

/* 1 when some branch or tag rule of CFG matches REF in REPO. */
int pg_policy_protects(const struct pg_config *cfg, const char *ref, const char *repo);

/* Add a finding; lines are added with pg_finding_addf. */
struct pg_finding *pg_verdict_add(struct pg_verdict *v, const struct pg_rule *rule,
				  int warn, const char *reason_fmt, ...)
	__attribute__((format(printf, 4, 5)));
void pg_finding_addf(struct pg_finding *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pg_verdict_clear(struct pg_verdict *v);

/* Note for `pushgate explain` that RULE was applied: OK or not, and what it said. */
void pg_verdict_note(struct pg_verdict *v, const struct pg_rule *rule, int ok,
		     const char *what_fmt, ...) __attribute__((format(printf, 4, 5)));

/* The first 7 hex digits of an id, as git abbreviates. */
void pg_abbrev(char out[8], const char *hex);

#endif
