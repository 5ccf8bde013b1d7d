/*
 * Change control in time: a branch or tag rule's windows and freezes
 * (window.h), and -o break-glass=REASON, by which a member of the rule's
 * break_glass list pushes while they are closed.  A break-glass bypasses
 * windows and freezes only, is shown to the pusher as a WARNING, and
 * post-receive writes the update to the release log with its reason.
 * Push options reach pre-receive only, so pre-receive decides this in
 * both atomic modes.
 */
#ifndef PG_SCHEDULE_H
#define PG_SCHEDULE_H

#include <time.h>

#include "config.h"
#include "policy.h"

/* The push option's name: -o break-glass=REASON. */
#define PG_BREAK_GLASS "break-glass"

/*
 * Decide the windows, freezes and break-glass of every branch and tag rule
 * that applies to REQ, at NOW.  BREAK_GLASS is the option's reason, NULL
 * when it was not pushed.  Refusals become findings, the break-glass a
 * notice, and v->break_glass its rule.  0, or -1 (pg_error_set).
 */
int pg_schedule_decide(const struct pg_config *cfg, const struct pg_request *req,
		       const char *break_glass, time_t now, struct pg_verdict *v);

#endif
