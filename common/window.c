#include "window.h"
#include "error.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ZONEINFO "/usr/share/zoneinfo"
#define DAY_MINUTES 1440
#define SEARCH_DAYS 731		/* how far ahead "next opening" looks */

static const char *const day_names[7] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };

/* ---- parsing ---- */

static int parse_day(const char *s, size_t len)
{
	for (int d = 0; d < 7; d++)
		if (len == 3 && !strncasecmp(s, day_names[d], 3))
			return d;
	return -1;
}

static void bad_day(struct pg_buf *err, const char *s, size_t len)
{
	pg_buf_printf(err, "'%.*s' is not a day: days are Mon, Tue, Wed, Thu, Fri, Sat, Sun, "
		      "a range (Mon-Fri, Fri-Mon) or a list (Mon,Wed)", (int)len, s);
}

/* "Mon-Fri", "Fri-Mon", "Mon,Wed,Fri-Sun" into a set of tm_wday bits. */
static int parse_days(unsigned *days, const char *s, size_t len, struct pg_buf *err)
{
	const char *end = s + len;

	*days = 0;
	while (s < end) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		const char *item_end = comma ? comma : end;
		const char *dash = memchr(s, '-', (size_t)(item_end - s));
		int a, b;

		a = parse_day(s, (size_t)((dash ? dash : item_end) - s));
		if (a < 0) {
			bad_day(err, s, (size_t)((dash ? dash : item_end) - s));
			return -1;
		}
		b = dash ? parse_day(dash + 1, (size_t)(item_end - dash - 1)) : a;
		if (b < 0) {
			bad_day(err, dash + 1, (size_t)(item_end - dash - 1));
			return -1;
		}
		/* A range goes forward through the week: Fri-Mon is Fri, Sat, Sun, Mon. */
		for (int d = a;; d = (d + 1) % 7) {
			*days |= 1u << d;
			if (d == b)
				break;
		}
		s = comma ? comma + 1 : end;
		if (comma && s == end) {
			bad_day(err, "", 0);
			return -1;
		}
	}
	return 0;
}

/* "8:00", "08:00", "24:00" (as an end only) into minutes after midnight. */
static int parse_clock(int *out, const char *s, size_t len, int is_end, struct pg_buf *err)
{
	size_t i = 0;
	int h = 0, m = 0, hd = 0;

	while (i < len && isdigit((unsigned char)s[i]) && hd < 2)
		h = h * 10 + (s[i++] - '0'), hd++;
	if (hd == 0 || i + 3 != len || s[i] != ':' || !isdigit((unsigned char)s[i + 1]) ||
	    !isdigit((unsigned char)s[i + 2]))
		goto bad;
	m = (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
	if (m > 59 || h > 24 || (h == 24 && (m != 0 || !is_end)))
		goto bad;
	*out = h * 60 + m;
	return 0;
bad:
	pg_buf_printf(err, "'%.*s' is not a time of day: HH:MM, from 00:00 to 23:59 "
		      "(24:00 as an end)", (int)len, s);
	return -1;
}

int pg_window_parse(struct pg_window *w, const char *s, struct pg_buf *err)
{
	const char *sp, *times, *dash;

	memset(w, 0, sizeof(*w));
	while (isspace((unsigned char)*s))
		s++;
	sp = s + strcspn(s, " \t");
	times = sp + strspn(sp, " \t");
	if (sp == s || !*times || times[strcspn(times, " \t")] != '\0') {
		pg_buf_puts(err, "a window is DAYS HH:MM-HH:MM, e.g. Mon-Fri 08:00-16:00");
		return -1;
	}
	if (parse_days(&w->days, s, (size_t)(sp - s), err) < 0)
		return -1;
	dash = strchr(times, '-');
	if (!dash) {
		pg_buf_printf(err, "'%s' is not a time range: write HH:MM-HH:MM, e.g. 08:00-16:00",
			      times);
		return -1;
	}
	if (parse_clock(&w->start, times, (size_t)(dash - times), 0, err) < 0 ||
	    parse_clock(&w->end, dash + 1, strlen(dash + 1), 1, err) < 0)
		return -1;
	if (w->end == w->start) {
		pg_buf_printf(err, "%s is empty: a window is open from its start up to, "
			      "not including, its end", times);
		return -1;
	}
	if (w->end < w->start) {
		pg_buf_printf(err, "%s ends before it starts: a window lies within one day; "
			      "write one window up to 24:00 and one from 00:00", times);
		return -1;
	}
	return 0;
}

int pg_days_in_month(long y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* "2026-12-20" into 20261220. */
static int parse_date(long *out, const char *s, size_t len, struct pg_buf *err)
{
	long y = 0, m = 0, d = 0;

	if (len != 10 || s[4] != '-' || s[7] != '-')
		goto bad;
	for (size_t i = 0; i < len; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			goto bad;
	y = strtol(s, NULL, 10);
	m = strtol(s + 5, NULL, 10);
	d = strtol(s + 8, NULL, 10);
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > pg_days_in_month(y, (int)m))
		goto bad;
	*out = y * 10000 + m * 100 + d;
	return 0;
bad:
	pg_buf_printf(err, "'%.*s' is not a date: write YYYY-MM-DD", (int)len, s);
	return -1;
}

int pg_freeze_parse(struct pg_freeze *f, const char *s, struct pg_buf *err)
{
	const char *dots;
	size_t len;

	memset(f, 0, sizeof(*f));
	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	dots = strstr(s, "..");
	if (!dots || (size_t)(dots - s) > len) {
		if (parse_date(&f->from, s, len, err) < 0)
			return -1;
		f->to = f->from;
		return 0;
	}
	if (parse_date(&f->from, s, (size_t)(dots - s), err) < 0 ||
	    parse_date(&f->to, dots + 2, len - (size_t)(dots + 2 - s), err) < 0)
		return -1;
	if (f->to < f->from) {
		pg_buf_printf(err, "%.*s ends before it starts: write FIRST..LAST, both included",
			      (int)len, s);
		return -1;
	}
	return 0;
}

int pg_zone_check(const char *name, struct pg_buf *err)
{
	const char *dir = getenv("TZDIR");
	char path[4096], magic[4];
	FILE *fp;
	size_t n;

	/* A name, never a path: no "/etc/passwd", no "../", no ":" forms. */
	if (!*name || *name == '/' || strlen(name) > 200)
		goto bad;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("/_+-", *p))
			goto bad;
	if (name[0] == '.' || strstr(name, "/.") || strstr(name, "//"))
		goto bad;
	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : ZONEINFO, name);
	fp = fopen(path, "rb");
	if (!fp)
		goto bad;
	n = fread(magic, 1, sizeof(magic), fp);
	fclose(fp);
	if (n == sizeof(magic) && !memcmp(magic, "TZif", 4))
		return 0;
bad:
	pg_buf_printf(err, "unknown time zone '%s': use an IANA name of the system's tz "
		      "database (" ZONEINFO "), e.g. Europe/Helsinki or UTC", name);
	return -1;
}

/* ---- the wall clock of one zone ---- */

/*
 * libc knows one zone at a time, through TZ: switch to ZONE for a few
 * calls and back.  The hooks are single-threaded.
 */
struct zone_saved {
	char *tz;
	int had;
};

static void zone_enter(struct zone_saved *s, const char *zone)
{
	const char *old = getenv("TZ");

	s->had = old != NULL;
	s->tz = old ? pg_xstrdup(old) : NULL;
	setenv("TZ", zone, 1);
	tzset();
}

static void zone_leave(struct zone_saved *s)
{
	if (s->had)
		setenv("TZ", s->tz, 1);
	else
		unsetenv("TZ");
	tzset();
	free(s->tz);
}

static long ymd(const struct tm *tm)
{
	return (tm->tm_year + 1900L) * 10000 + (tm->tm_mon + 1) * 100 + tm->tm_mday;
}

static const struct pg_freeze *frozen_on(const struct pg_freeze *f, size_t nf, long date)
{
	for (size_t i = 0; i < nf; i++)
		if (f[i].from <= date && date <= f[i].to)
			return &f[i];
	return NULL;
}

static int in_window(const struct pg_window *w, size_t nw, int wday, int minute)
{
	for (size_t i = 0; i < nw; i++)
		if ((w[i].days & (1u << wday)) && w[i].start <= minute && minute < w[i].end)
			return 1;
	return 0;
}

/*
 * The first instant of DAY (a normalised tm at noon) whose wall clock
 * reads MINUTE or later.  mktime moves a wall time that a DST change
 * skips past the gap, and picks either of the two that a change repeats:
 * step back to where the clock first read it.
 */
static time_t wall_time(const struct tm *day, int minute)
{
	struct tm t = *day, back;
	time_t at, prev;

	t.tm_hour = minute / 60;
	t.tm_min = minute % 60;
	t.tm_sec = 0;
	t.tm_isdst = -1;
	at = mktime(&t);
	prev = at - 3600;
	if (localtime_r(&prev, &back) && ymd(&back) == ymd(day) &&
	    back.tm_hour * 60 + back.tm_min == minute)
		return prev;
	for (int i = 0; i < 180; i++) {
		prev = at - 60;
		if (!localtime_r(&prev, &back) || ymd(&back) != ymd(day) ||
		    back.tm_hour * 60 + back.tm_min < minute)
			break;
		at = prev;
	}
	return at;
}

/* When the ref may move again after NOW (local time NOW_TM). */
static int next_opening(time_t *out, const struct tm *now_tm, time_t now,
			const struct pg_window *w, size_t nw, const struct pg_freeze *f, size_t nf)
{
	for (int k = 0; k < SEARCH_DAYS; k++) {
		struct tm day = *now_tm;
		time_t best = 0;
		int found = 0;

		day.tm_mday += k;
		day.tm_hour = 12;
		day.tm_min = day.tm_sec = 0;
		day.tm_isdst = -1;
		if (mktime(&day) == (time_t)-1)
			return 0;
		if (frozen_on(f, nf, ymd(&day)))
			continue;
		if (!nw) {
			*out = wall_time(&day, 0);
			return 1;
		}
		for (size_t i = 0; i < nw; i++) {
			time_t t;

			if (!(w[i].days & (1u << day.tm_wday)))
				continue;
			t = wall_time(&day, w[i].start);
			if (t > now && (!found || t < best))
				best = t, found = 1;
		}
		if (found) {
			*out = best;
			return 1;
		}
	}
	return 0;
}

int pg_schedule_eval(struct pg_schedule *out, const char *zone, const struct pg_window *w,
		     size_t nw, const struct pg_freeze *f, size_t nf, time_t now)
{
	struct zone_saved saved;
	struct tm tm;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	zone_enter(&saved, zone);
	if (!localtime_r(&now, &tm)) {
		pg_error_set("cannot read the time in %s: %s", zone, strerror(errno));
		rc = -1;
		goto done;
	}
	out->freeze = frozen_on(f, nf, ymd(&tm));
	out->frozen = out->freeze != NULL;
	out->outside = nw && !in_window(w, nw, tm.tm_wday, tm.tm_hour * 60 + tm.tm_min);
	if (out->frozen || out->outside)
		out->has_next = next_opening(&out->next, &tm, now, w, nw, f, nf);
done:
	zone_leave(&saved);
	return rc;
}

void pg_time_format(struct pg_buf *out, const char *zone, time_t t)
{
	struct zone_saved saved;
	char text[64];
	struct tm tm;

	zone_enter(&saved, zone);
	if (localtime_r(&t, &tm) && strftime(text, sizeof(text), "%a %Y-%m-%d %H:%M %Z", &tm))
		pg_buf_puts(out, text);
	else
		pg_buf_printf(out, "@%lld", (long long)t);
	zone_leave(&saved);
}

/* "+02:00", "-0500", "Z" after a time: seconds east of UTC. */
static int parse_offset(long *off, const char *s)
{
	int sign, h, m;

	if (!strcmp(s, "Z")) {
		*off = 0;
		return 0;
	}
	if ((*s != '+' && *s != '-') ||
	    (sscanf(s + 1, "%2d:%2d", &h, &m) != 2 && sscanf(s + 1, "%2d%2d", &h, &m) != 2))
		return -1;
	if (strlen(s) != 6 && strlen(s) != 5)
		return -1;
	sign = *s == '-' ? -1 : 1;
	if (h > 14 || m > 59)
		return -1;
	*off = sign * (h * 3600L + m * 60L);
	return 0;
}

int pg_time_parse(time_t *out, const char *s, const char *zone, struct pg_buf *err)
{
	struct pg_buf tmp = PG_BUF_INIT;
	struct tm tm;
	const char *rest;
	long date, off = 0;
	int h = 0, m = 0, sec = 0, n = 0, has_off = 0;

	if (*s == '@') {
		char *end;
		long long v;

		errno = 0;
		v = strtoll(s + 1, &end, 10);
		if (s[1] && !*end && !errno) {
			*out = (time_t)v;
			return 0;
		}
		goto bad;
	}
	if (strlen(s) < 10 || parse_date(&date, s, 10, &tmp) < 0)
		goto bad;
	rest = s + 10;
	if (*rest == 'T' || *rest == ' ') {
		if (sscanf(rest + 1, "%2d:%2d%n:%2d%n", &h, &m, &n, &sec, &n) < 2 ||
		    h > 23 || m > 59 || sec > 60)
			goto bad;
		rest += 1 + n;
	}
	if (*rest) {
		if (parse_offset(&off, rest) < 0)
			goto bad;
		has_off = 1;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)(date / 10000) - 1900;
	tm.tm_mon = (int)(date / 100 % 100) - 1;
	tm.tm_mday = (int)(date % 100);
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	if (has_off) {
		*out = timegm(&tm) - off;
	} else {
		struct zone_saved saved;

		zone_enter(&saved, zone);
		*out = mktime(&tm);
		zone_leave(&saved);
	}
	pg_buf_free(&tmp);
	return 0;
bad:
	pg_buf_free(&tmp);
	pg_buf_printf(err, "'%s' is not a time: write YYYY-MM-DD HH:MM (in %s), add Z or an "
		      "offset such as +02:00, or @SECONDS since 1970", s, zone);
	return -1;
}
