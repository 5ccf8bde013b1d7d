#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "escape.h"

/* Escapes LEN bytes of IN and checks the whole output against WANT. */
static void check_n(const char *in, size_t len, const char *want)
{
	struct pg_buf b = PG_BUF_INIT;

	pg_escape_put(&b, in, len);
	assert_string_equal(pg_buf_cstr(&b), want);
	assert_int_equal(b.len, strlen(want));
	pg_buf_free(&b);
}

#define CHECK(lit, want) check_n((lit), sizeof(lit) - 1, (want))

static void test_printable_ascii(void **state)
{
	(void)state;
	CHECK("refs/heads/main", "refs/heads/main");
	CHECK(" !~{}[]\"'", " !~{}[]\"'");
	CHECK("", "");
}

static void test_named_escapes(void **state)
{
	(void)state;
	CHECK("a\nb", "a\\nb");
	CHECK("a\rb", "a\\rb");
	CHECK("a\tb", "a\\tb");
	CHECK("a\\b", "a\\\\b");
	/* An already-escaped "\x1b" must not read back as ESC. */
	CHECK("\\x1b", "\\\\x1b");
}

static void test_controls(void **state)
{
	(void)state;
	CHECK("\x1b[31mred", "\\x1b[31mred");
	CHECK("\x01\x1f", "\\x01\\x1f");
	CHECK("bell\x07", "bell\\x07");
	CHECK("del\x7f", "del\\x7f");
	CHECK("\x7f", "\\x7f");
}

static void test_nul_inside(void **state)
{
	(void)state;
	CHECK("a\0b", "a\\x00b");
	CHECK("\0", "\\x00");
	CHECK("a\0\0", "a\\x00\\x00");
}

static void test_c1(void **state)
{
	(void)state;
	/* U+009B CSI is a one-character ESC [ on some terminals. */
	CHECK("x\xc2\x9b" "31m", "x\\xc2\\x9b31m");
	CHECK("\xc2\x80", "\\xc2\\x80");
	CHECK("\xc2\x9f", "\\xc2\\x9f");
	/* U+00A0, just past C1, is printable. */
	CHECK("\xc2\xa0", "\xc2\xa0");
}

static void test_valid_utf8(void **state)
{
	(void)state;
	CHECK("M\xc3\xa4rchen", "M\xc3\xa4rchen");
	CHECK("Märchen", "Märchen");
	CHECK("\xe2\x82\xac", "\xe2\x82\xac");			/* U+20AC */
	CHECK("\xef\xbf\xbd", "\xef\xbf\xbd");			/* U+FFFD */
	CHECK("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");		/* U+1F600 */
	CHECK("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf");		/* U+10FFFF */
	CHECK("\xe0\xa0\x80", "\xe0\xa0\x80");			/* U+0800 */
	CHECK("\xf0\x90\x80\x80", "\xf0\x90\x80\x80");		/* U+10000 */
	CHECK("\xed\x9f\xbf", "\xed\x9f\xbf");			/* U+D7FF */
}

static void test_ill_formed(void **state)
{
	(void)state;
	CHECK("\xff", "\\xff");
	CHECK("a\xff" "b", "a\\xffb");
	CHECK("\xfe\xfe", "\\xfe\\xfe");
	/* A lone continuation byte. */
	CHECK("\x80", "\\x80");
	/* Overlong '/': the classic path traversal disguise. */
	CHECK("\xc0\xaf", "\\xc0\\xaf");
	CHECK("\xc1\xbf", "\\xc1\\xbf");
	CHECK("\xe0\x80\xaf", "\\xe0\\x80\\xaf");
	CHECK("\xf0\x80\x80\xaf", "\\xf0\\x80\\x80\\xaf");
	/* Overlong forms of printable characters are still ill-formed. */
	CHECK("\xe0\x83\xbf", "\\xe0\\x83\\xbf");
	CHECK("\xf0\x8f\xbf\xbd", "\\xf0\\x8f\\xbf\\xbd");
	/* Overlong C1: must not sneak CSI through as a 3-byte form. */
	CHECK("\xe0\x82\x9b", "\\xe0\\x82\\x9b");
	/* Surrogates U+D800 and U+DFFF. */
	CHECK("\xed\xa0\x80", "\\xed\\xa0\\x80");
	CHECK("\xed\xbf\xbf", "\\xed\\xbf\\xbf");
	/* Above U+10FFFF. */
	CHECK("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");
	CHECK("\xf5\x80\x80\x80", "\\xf5\\x80\\x80\\x80");
}

static void test_truncated(void **state)
{
	(void)state;
	CHECK("ab\xe2\x82", "ab\\xe2\\x82");
	CHECK("\xc3", "\\xc3");
	CHECK("\xf0\x9f\x98", "\\xf0\\x9f\\x98");
	/* Cut short by an ASCII byte: that byte still passes. */
	CHECK("\xe2\x82" "A", "\\xe2\\x82A");
	/* Garbage then a valid character: the character survives. */
	CHECK("\xff\xc3\xa4", "\\xff\xc3\xa4");
}

static void test_len_is_the_truth(void **state)
{
	(void)state;
	/* Only LEN bytes count: a character cut by LEN is ill-formed. */
	check_n("\xc3\xa4" "bc", 1, "\\xc3");
	check_n("a\xe2\x82\xac", 3, "a\\xe2\\x82");
	check_n("xyz", 0, "");
}

static void test_appends(void **state)
{
	struct pg_buf b = PG_BUF_INIT;

	(void)state;
	pg_buf_puts(&b, "ref ");
	pg_escape_puts(&b, "a\x1b" "b");
	pg_escape_puts(&b, "\n");
	assert_string_equal(pg_buf_cstr(&b), "ref a\\x1bb\\n");
	pg_buf_free(&b);
}

static void test_puts_stops_at_nul(void **state)
{
	struct pg_buf b = PG_BUF_INIT;

	(void)state;
	pg_escape_puts(&b, "a\0b");
	assert_string_equal(pg_buf_cstr(&b), "a");
	assert_int_equal(b.len, 1);
	pg_buf_free(&b);
}

static void test_every_byte_is_safe(void **state)
{
	struct pg_buf b = PG_BUF_INIT;
	char all[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(all); i++)
		all[i] = (char)i;
	pg_escape_put(&b, all, sizeof(all));
	/* Nothing below 0x20, no DEL, and no byte >= 0x80 survives alone. */
	for (i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.ptr[i];

		assert_true(c >= 0x20 && c < 0x7f);
	}
	pg_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_printable_ascii),
		cmocka_unit_test(test_named_escapes),
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_nul_inside),
		cmocka_unit_test(test_c1),
		cmocka_unit_test(test_valid_utf8),
		cmocka_unit_test(test_ill_formed),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_len_is_the_truth),
		cmocka_unit_test(test_appends),
		cmocka_unit_test(test_puts_stops_at_nul),
		cmocka_unit_test(test_every_byte_is_safe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
