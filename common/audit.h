/*
 * What the hooks write to the release log, and when.  pre-receive and
 * update log the updates they refuse ("rejected", with log_rejections) and
 * the ones a mode = warn rule would have refused ("warning");
 * post-receive logs the accepted updates that a rule with release = yes
 * covers ("update").  Each batch is one signed append (releaselog.c),
 * then, with [replica], the same lines go off-host (replica.c).
 */
#ifndef PG_AUDIT_H
#define PG_AUDIT_H

#include "buf.h"
#include "config.h"
#include "policy.h"
#include "update.h"

/* Who pushed what where: the fields every entry shares. */
struct pg_audit_push {
	const char *repo;
	const char *user;		/* NULL: not identified */
	const char *via;
	const char *const *options;	/* push options, as pushed */
	size_t noptions;
	/* post-receive: "BLOB PRINCIPAL SHA256:..." of a good push certificate */
	const char *push_cert;
	/* post-receive: per update, as U, the approvals it was accepted with */
	char **const *approvals;
	const size_t *napprovals;
};

/* The first branch or tag rule with release = yes that applies, or NULL. */
const struct pg_rule *pg_audit_release_rule(const struct pg_config *cfg, const char *ref,
					    const char *repo);

/*
 * Can the log take an entry now: the file (or its directory) writable, the
 * signing key readable and sound?  pre-receive asks before any ref moves
 * for every update post-receive will have to log.  0, or -1 (pg_error_set).
 */
int pg_audit_ready(const struct pg_config *cfg);

/*
 * Log the decided updates U[i] with verdicts V[i]: "rejected" for the
 * refused ones (when log_rejections), "warning" for the accepted ones
 * with warnings.  With WHOLE_PUSH set (pre-receive refusing the whole
 * push), the updates that were fine are refused too and logged as
 * "rejected" with WHOLE_PUSH as the reason.  Nothing when CFG keeps no
 * log.  0, or -1 when the log could not be written (pg_error_set); STATUS
 * gets lines for the pusher (the replica's, when it could not deliver).
 */
int pg_audit_decisions(const struct pg_config *cfg, const struct pg_audit_push *p,
		       const struct pg_update *u, const struct pg_verdict *v, size_t n,
		       const char *whole_push, struct pg_buf *status);

/* post-receive: an "update" entry for each moved ref a release rule covers. */
int pg_audit_updates(const struct pg_config *cfg, const struct pg_audit_push *p,
		     const struct pg_update *u, size_t n, struct pg_buf *status);

#endif
