#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "window.h"

/* Seconds since 1970 of a UTC wall time. */
static time_t utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	return timegm(&tm);
}

static struct pg_window window(const char *text)
{
	struct pg_buf err = PG_BUF_INIT;
	struct pg_window w;

	if (pg_window_parse(&w, text, &err) < 0) {
		print_message("%s: %s\n", text, err.ptr);
		fail();
	}
	pg_buf_free(&err);
	return w;
}

static struct pg_freeze freeze(const char *text)
{
	struct pg_buf err = PG_BUF_INIT;
	struct pg_freeze f;

	if (pg_freeze_parse(&f, text, &err) < 0) {
		print_message("%s: %s\n", text, err.ptr);
		fail();
	}
	pg_buf_free(&err);
	return f;
}

static struct pg_schedule eval(const char *zone, const struct pg_window *w, size_t nw,
			       const struct pg_freeze *f, size_t nf, time_t now)
{
	struct pg_schedule s;

	assert_int_equal(pg_schedule_eval(&s, zone, w, nw, f, nf, now), 0);
	return s;
}

static void expect_time(const char *zone, time_t t, const char *text)
{
	struct pg_buf b = PG_BUF_INIT;

	pg_time_format(&b, zone, t);
	assert_string_equal(b.ptr, text);
	pg_buf_free(&b);
}

static void test_days(void **state)
{
	(void)state;
	assert_int_equal(window("Mon-Fri 08:00-16:00").days, 0x3e);
	assert_int_equal(window("Fri-Mon 08:00-16:00").days, 0x63);	/* wraps */
	assert_int_equal(window("Sun-Sat 08:00-16:00").days, 0x7f);
	assert_int_equal(window("Mon,Wed 08:00-16:00").days, 0x0a);
	assert_int_equal(window("sat,Sun,mon-tue 08:00-16:00").days, 0x47);
	assert_int_equal(window("Wed 08:00-16:00").days, 0x08);
	assert_int_equal(window("Wed-Wed 08:00-16:00").days, 0x08);
	assert_int_equal(window("  Mon\t8:05-9:10").start, 8 * 60 + 5);
	assert_int_equal(window("Mon 00:00-24:00").end, 1440);
}

static void test_bad_windows(void **state)
{
	static const char *const bad[] = {
		"", "Mon", "Mon 08:00", "Monday 08:00-16:00", "Mon- 08:00-16:00",
		"Mon,,Tue 08:00-16:00", "Mon 25:00-26:00", "Mon 8-16", "Mon 08:00-16:00-17:00",
		"Mon 08:00-08:00", "Mon 16:00-08:00", "Mon 24:00-24:00", "Mon 08:000-09:00",
		"Mon 123:00-124:00", "Mon 08:00-16:00 extra",
	};
	struct pg_buf err = PG_BUF_INIT;
	struct pg_window w;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pg_buf_reset(&err);
		if (pg_window_parse(&w, bad[i], &err) != -1) {
			print_message("'%s' was accepted\n", bad[i]);
			fail();
		}
		assert_true(err.len > 0);
	}
	pg_buf_free(&err);
}

static void test_freeze_dates(void **state)
{
	struct pg_buf err = PG_BUF_INIT;
	struct pg_freeze f;

	(void)state;
	f = freeze("2026-12-20..2027-01-06");
	assert_int_equal(f.from, 20261220);
	assert_int_equal(f.to, 20270106);
	f = freeze("2028-02-29");
	assert_int_equal(f.from, 20280229);
	assert_int_equal(f.to, 20280229);
	assert_int_equal(pg_freeze_parse(&f, "2027-02-29", &err), -1);	/* not a leap year */
	assert_int_equal(pg_freeze_parse(&f, "2026-12-20..2026-12-19", &err), -1);
	assert_int_equal(pg_freeze_parse(&f, "2026-1-5", &err), -1);
	assert_int_equal(pg_freeze_parse(&f, "..2026-12-19", &err), -1);
	assert_int_equal(pg_freeze_parse(&f, "", &err), -1);
	pg_buf_free(&err);
}

static void test_zones(void **state)
{
	struct pg_buf err = PG_BUF_INIT;

	(void)state;
	assert_int_equal(pg_zone_check("Europe/Helsinki", &err), 0);
	assert_int_equal(pg_zone_check("America/New_York", &err), 0);
	assert_int_equal(pg_zone_check("UTC", &err), 0);
	assert_int_equal(pg_zone_check("Mars/Olympus_Mons", &err), -1);
	assert_int_equal(pg_zone_check("../../../etc/passwd", &err), -1);
	assert_int_equal(pg_zone_check("/etc/localtime", &err), -1);
	assert_int_equal(pg_zone_check(":Europe/Helsinki", &err), -1);
	assert_int_equal(pg_zone_check("EET-2EEST", &err), -1);	/* a POSIX TZ, not a name */
	assert_int_equal(pg_zone_check("", &err), -1);
	assert_non_null(strstr(err.ptr, "unknown time zone"));
	pg_buf_free(&err);
}

/* Helsinki moves to summer time on Sun 2026-03-29 at 03:00, to 04:00. */
static void test_helsinki_dst(void **state)
{
	struct pg_window w = window("Sun 08:00-16:00");
	struct pg_window gap = window("Sun 03:30-05:00");
	struct pg_schedule s;

	(void)state;
	/* The same 05:30 UTC is 07:30 in winter and 08:30 in summer. */
	s = eval("Europe/Helsinki", &w, 1, NULL, 0, utc(2026, 3, 22, 5, 30));
	assert_true(s.outside);
	assert_true(s.has_next);
	assert_int_equal(s.next, utc(2026, 3, 22, 6, 0));
	s = eval("Europe/Helsinki", &w, 1, NULL, 0, utc(2026, 3, 29, 5, 30));
	assert_false(s.outside);
	/* 15:59 summer time is 12:59 UTC: open; 13:00 UTC is 16:00: closed. */
	assert_false(eval("Europe/Helsinki", &w, 1, NULL, 0, utc(2026, 3, 29, 12, 59)).outside);
	assert_true(eval("Europe/Helsinki", &w, 1, NULL, 0, utc(2026, 3, 29, 13, 0)).outside);

	/* 03:30 does not exist that day: the window opens when the clock jumps to 04:00. */
	s = eval("Europe/Helsinki", &gap, 1, NULL, 0, utc(2026, 3, 29, 0, 30));
	assert_true(s.outside);
	assert_int_equal(s.next, utc(2026, 3, 29, 1, 0));
	expect_time("Europe/Helsinki", s.next, "Sun 2026-03-29 04:00 EEST");
	assert_false(eval("Europe/Helsinki", &gap, 1, NULL, 0, utc(2026, 3, 29, 1, 0)).outside);
}

/* New York falls back on Sun 2026-11-01: 01:00-02:00 happens twice. */
static void test_new_york_dst(void **state)
{
	struct pg_window w = window("Sun 01:00-01:30");
	struct pg_window weekdays = window("Mon-Fri 09:00-17:00");
	struct pg_schedule s;

	(void)state;
	assert_false(eval("America/New_York", &w, 1, NULL, 0, utc(2026, 11, 1, 5, 15)).outside);
	assert_false(eval("America/New_York", &w, 1, NULL, 0, utc(2026, 11, 1, 6, 15)).outside);
	assert_true(eval("America/New_York", &w, 1, NULL, 0, utc(2026, 11, 1, 6, 45)).outside);
	/* From Saturday, the window opens at the first 01:00, still summer time. */
	s = eval("America/New_York", &w, 1, NULL, 0, utc(2026, 10, 31, 12, 0));
	assert_int_equal(s.next, utc(2026, 11, 1, 5, 0));
	expect_time("America/New_York", s.next, "Sun 2026-11-01 01:00 EDT");
	/* 09:00 is 13:00 UTC on Friday and 14:00 UTC on Monday. */
	assert_false(eval("America/New_York", &weekdays, 1, NULL, 0,
			  utc(2026, 10, 30, 13, 0)).outside);
	s = eval("America/New_York", &weekdays, 1, NULL, 0, utc(2026, 10, 31, 13, 0));
	assert_true(s.outside);
	assert_int_equal(s.next, utc(2026, 11, 2, 14, 0));
	expect_time("America/New_York", s.next, "Mon 2026-11-02 09:00 EST");
}

static void test_wrap_around(void **state)
{
	struct pg_window w[2] = { window("Fri-Mon 09:00-17:00"), window("Wed 12:00-13:00") };
	struct pg_schedule s;

	(void)state;
	/* 2026-12-06 is a Sunday. */
	assert_false(eval("UTC", w, 2, NULL, 0, utc(2026, 12, 6, 12, 0)).outside);
	assert_false(eval("UTC", w, 2, NULL, 0, utc(2026, 12, 7, 16, 59)).outside);
	s = eval("UTC", w, 2, NULL, 0, utc(2026, 12, 7, 17, 0));
	assert_true(s.outside);
	assert_int_equal(s.next, utc(2026, 12, 9, 12, 0));
	s = eval("UTC", w, 2, NULL, 0, utc(2026, 12, 9, 13, 0));
	assert_int_equal(s.next, utc(2026, 12, 11, 9, 0));
	/* [start, end): the end minute itself is closed, the start minute open. */
	assert_false(eval("UTC", w, 2, NULL, 0, utc(2026, 12, 9, 12, 0)).outside);
	assert_true(eval("UTC", w, 2, NULL, 0, utc(2026, 12, 9, 11, 59)).outside);
	/* No window: open at any time. */
	assert_false(eval("UTC", NULL, 0, NULL, 0, utc(2026, 12, 9, 3, 0)).outside);
}

static void test_freezes(void **state)
{
	struct pg_freeze f[2] = { freeze("2026-12-20..2027-01-06"), freeze("2027-01-07") };
	struct pg_freeze forever = freeze("2026-01-01..2099-12-31");
	struct pg_window w = window("Mon-Fri 08:00-16:00");
	struct pg_schedule s;

	(void)state;
	/* Dates are the zone's: 22:30 UTC on the 19th is 00:30 on the 20th in Helsinki. */
	s = eval("Europe/Helsinki", NULL, 0, f, 1, utc(2026, 12, 19, 22, 30));
	assert_true(s.frozen);
	assert_ptr_equal(s.freeze, &f[0]);
	assert_true(s.has_next);
	assert_int_equal(s.next, utc(2027, 1, 6, 22, 0));	/* midnight after the 6th */
	assert_false(eval("Europe/Helsinki", NULL, 0, f, 1, utc(2026, 12, 19, 21, 30)).frozen);
	assert_false(eval("UTC", NULL, 0, f, 1, utc(2026, 12, 19, 22, 30)).frozen);
	/* Both ends are included. */
	assert_true(eval("Europe/Helsinki", NULL, 0, f, 1, utc(2027, 1, 6, 21, 59)).frozen);
	assert_false(eval("Europe/Helsinki", NULL, 0, f, 1, utc(2027, 1, 6, 22, 0)).frozen);
	/* With windows, and a second freeze right after: the next weekday window after both. */
	s = eval("Europe/Helsinki", &w, 1, f, 2, utc(2026, 12, 21, 8, 0));
	assert_true(s.frozen);
	assert_false(s.outside);
	assert_int_equal(s.next, utc(2027, 1, 8, 6, 0));
	expect_time("Europe/Helsinki", s.next, "Fri 2027-01-08 08:00 EET");
	/* Nothing opens within two years. */
	s = eval("UTC", NULL, 0, &forever, 1, utc(2026, 12, 21, 8, 0));
	assert_true(s.frozen);
	assert_false(s.has_next);
}

static void test_time_parse(void **state)
{
	struct pg_buf err = PG_BUF_INIT;
	time_t t;

	(void)state;
	assert_int_equal(pg_time_parse(&t, "2026-12-12 10:30", "Europe/Helsinki", &err), 0);
	assert_int_equal(t, utc(2026, 12, 12, 8, 30));
	assert_int_equal(pg_time_parse(&t, "2026-07-12T10:30:15", "Europe/Helsinki", &err), 0);
	assert_int_equal(t, utc(2026, 7, 12, 7, 30) + 15);
	assert_int_equal(pg_time_parse(&t, "2026-12-12T10:30Z", "Europe/Helsinki", &err), 0);
	assert_int_equal(t, utc(2026, 12, 12, 10, 30));
	assert_int_equal(pg_time_parse(&t, "2026-12-12 10:30-05:00", "UTC", &err), 0);
	assert_int_equal(t, utc(2026, 12, 12, 15, 30));
	assert_int_equal(pg_time_parse(&t, "2026-12-12", "UTC", &err), 0);
	assert_int_equal(t, utc(2026, 12, 12, 0, 0));
	assert_int_equal(pg_time_parse(&t, "@1700000000", "UTC", &err), 0);
	assert_int_equal(t, 1700000000);
	assert_int_equal(pg_time_parse(&t, "2026-13-12 10:30", "UTC", &err), -1);
	assert_int_equal(pg_time_parse(&t, "2026-12-12 25:30", "UTC", &err), -1);
	assert_int_equal(pg_time_parse(&t, "2026-12-12 10:30 EET", "UTC", &err), -1);
	assert_int_equal(pg_time_parse(&t, "Saturday", "UTC", &err), -1);
	assert_int_equal(pg_time_parse(&t, "@", "UTC", &err), -1);
	assert_int_equal(pg_time_parse(&t, "@12x", "UTC", &err), -1);
	assert_non_null(strstr(err.ptr, "is not a time"));
	pg_buf_free(&err);
	expect_time("Europe/Helsinki", utc(2026, 12, 5, 12, 30), "Sat 2026-12-05 14:30 EET");
	/* The zone is switched back: TZ is as it was. */
	assert_null(getenv("TZ"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_days),
		cmocka_unit_test(test_bad_windows),
		cmocka_unit_test(test_freeze_dates),
		cmocka_unit_test(test_zones),
		cmocka_unit_test(test_helsinki_dst),
		cmocka_unit_test(test_new_york_dst),
		cmocka_unit_test(test_wrap_around),
		cmocka_unit_test(test_freezes),
		cmocka_unit_test(test_time_parse),
	};

	unsetenv("TZ");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
