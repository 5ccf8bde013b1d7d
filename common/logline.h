/*
 * Inside the release log: what the writer (releaselog.c), the verifier
 * (logverify.c) and show (logshow.c) share about one line's form.  Not
 * for other callers: releaselog.h is the log's interface.
 */
#ifndef PG_LOGLINE_H
#define PG_LOGLINE_H

#include <time.h>

#include "buf.h"
#include "releaselog.h"

#define PG_LOG_ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* 0 when E can be written (known event, hex ids, required fields); -1 with why. */
int pg_log_entry_valid(const struct pg_log_entry *e);

/* The line for E without its sig member, ending in '}'.  0, or -1 when too long. */
int pg_log_line_build(struct pg_buf *b, long long seq, const char *when,
		      const struct pg_log_entry *e, const char *prev);

/* "YYYY-MM-DDTHH:MM:SSZ" for T; 0, or -1 when T cannot be shown. */
int pg_log_time_format(char out[21], time_t t);

#endif
