/*
 * Change windows and freezes: when a ref may move.  A window is
 * "DAYS HH:MM-HH:MM" (days Mon..Sun, a range that may wrap, Fri-Mon, or a
 * list, Mon,Wed), open for [start, end) of the wall clock of each of those
 * days; a freeze is "YYYY-MM-DD..YYYY-MM-DD" (or one date), both ends
 * included.  Both are read in one IANA time zone from the system's tz
 * database, so 08:00 stays 08:00 across a DST change.  Everything here is
 * pure given the time: the hooks pass time(NULL), tests and
 * `pushgate explain --at` pass the time they ask about.
 */
#ifndef PG_WINDOW_H
#define PG_WINDOW_H

#include <stddef.h>
#include <time.h>

#include "buf.h"

struct pg_window {
	unsigned days;		/* bit d: tm_wday d (0 Sunday) */
	int start, end;		/* minutes after midnight, start < end <= 1440 */
	int line;
	char *text;		/* as written, for messages */
};

struct pg_freeze {
	long from, to;		/* YYYYMMDD, from <= to */
	int line;
	char *text;
};

/* Parse S into *W (or *F); -1 with the reason in ERR. */
int pg_window_parse(struct pg_window *w, const char *s, struct pg_buf *err);
int pg_freeze_parse(struct pg_freeze *f, const char *s, struct pg_buf *err);

/*
 * 0 when NAME is a zone of the system's tz database (a TZif file below
 * $TZDIR or /usr/share/zoneinfo); -1 with the reason in ERR.  glibc takes
 * any unknown name as UTC without a word, so this is checked up front.
 */
int pg_zone_check(const char *name, struct pg_buf *err);

/* When a ref with these windows and freezes may move, seen at one time. */
struct pg_schedule {
	int frozen;			/* a freeze covers the day */
	const struct pg_freeze *freeze;	/* which one */
	int outside;			/* windows exist and none is open */
	int has_next;			/* next is known (within two years) */
	time_t next;			/* when it opens again */
};

/*
 * Judge NOW in ZONE (which pg_zone_check accepted) against the windows
 * W[0..NW) (none: always open) and freezes F[0..NF).  -1 (pg_error_set)
 * only when the zone cannot be used.
 */
int pg_schedule_eval(struct pg_schedule *out, const char *zone, const struct pg_window *w,
		     size_t nw, const struct pg_freeze *f, size_t nf, time_t now);

/* Days in month M (1..12) of year Y, leap years included. */
int pg_days_in_month(long y, int m);

/* "Sat 2026-12-05 14:30 EET": T on ZONE's wall clock, appended to OUT. */
void pg_time_format(struct pg_buf *out, const char *zone, time_t t);

/*
 * Parse a time an admin types: "YYYY-MM-DD HH:MM[:SS]" or with a 'T', in
 * ZONE unless it ends in 'Z' or an offset (+02:00); or "@SECONDS".
 * 0, or -1 with the reason in ERR.
 */
int pg_time_parse(time_t *out, const char *s, const char *zone, struct pg_buf *err);

#endif
