/*
 * The blocks a pusher reads behind "remote: ".  The shape is SPEC.md's:
 *
 *   pushgate: REJECTED refs/heads/main: force-push is not allowed
 *   pushgate:   rule [branch "main"] at /etc/pushgate/pushgate.ini:14 (ISO27001:8.32)
 *   pushgate:   3f2a1c9 is not a descendant of 8e1d0b2, the current tip
 *   pushgate:   force_push = none (default); ask an admin, or fetch and rebase ...
 *   pushgate:   <the rule's help>
 *
 * Every line goes through pg_escape, so pushed bytes cannot reach a terminal
 * raw.
 */
#ifndef PG_REPORT_H
#define PG_REPORT_H

#include "buf.h"
#include "policy.h"

/* One block per finding of V, for REF; nothing when V has none. */
void pg_report_verdict(struct pg_buf *out, const char *ref, const struct pg_verdict *v);

/* "pushgate: " + the escaped text + "\n". */
void pg_report_line(struct pg_buf *out, const char *text);

#endif
