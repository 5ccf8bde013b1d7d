/*
 * Push options (git push -o NAME=VALUE), which git hands to pre-receive
 * and post-receive only.  Two of them ask for an exception that is
 * written to the release log with its reason: -o import=REASON
 * (engine.c, decide_import) and -o break-glass=REASON (schedule.h).
 */
#ifndef PG_PUSHOPT_H
#define PG_PUSHOPT_H

#include <stddef.h>

/* A reason goes into every message and log entry about the exception. */
#define PG_REASON_MAX 200

/*
 * The VALUE of the last "NAME=VALUE" option (git keeps the order pushed:
 * the last one said wins, as with -o twice), or NULL when none was pushed.
 */
const char *pg_push_option(const char *const *options, size_t n, const char *name);

/* NULL when REASON can stand for an exception; else what is wrong with it. */
const char *pg_reason_problem(const char *reason);

#endif
