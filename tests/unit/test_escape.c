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

/* Bidi controls and invisible format characters are shown by number. */
static void test_hidden(void **state)
{
	(void)state;
	/* "Trojan Source": U+202E RIGHT-TO-LEFT OVERRIDE reverses what follows. */
	CHECK("fix \xe2\x80\xae" "txt.exe", "fix \\u202etxt.exe");
	CHECK("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad",
	      "\\u202a\\u202b\\u202c\\u202d");
	CHECK("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9",
	      "\\u2066\\u2067\\u2068\\u2069");
	CHECK("a\xe2\x80\x8b" "b", "a\\u200bb");			/* ZERO WIDTH SPACE */
	CHECK("\xe2\x80\x8e\xe2\x80\x8f", "\\u200e\\u200f");	/* LRM, RLM */
	CHECK("\xe2\x80\xa8\xe2\x80\xa9", "\\u2028\\u2029");	/* LS, PS */
	CHECK("\xe2\x81\xa0\xe2\x81\xa4", "\\u2060\\u2064");
	CHECK("\xef\xbb\xbf" "x", "\\ufeffx");			/* BOM, ZWNBSP */
	CHECK("\xd8\x9c", "\\u061c");				/* ARABIC LETTER MARK */
	CHECK("\xe1\xa0\x8e", "\\u180e");			/* MONGOLIAN VOWEL SEP. */
	CHECK("soft\xc2\xad" "hyphen", "soft\\u00adhyphen");
	CHECK("\xe3\x85\xa4", "\\u3164");			/* HANGUL FILLER */
	/* Tag characters hide a whole ASCII text: U+E0001, U+E0041, U+E007F. */
	CHECK("\xf3\xa0\x80\x81\xf3\xa0\x81\x81\xf3\xa0\x81\xbf",
	      "\\U000e0001\\U000e0041\\U000e007f");
	/* Their neighbours are ordinary characters. */
	CHECK("\xe2\x80\x8a\xe2\x80\xaf\xe2\x80\x90", "\xe2\x80\x8a\xe2\x80\xaf\xe2\x80\x90");
	CHECK("\xf3\xa0\x82\x80", "\xf3\xa0\x82\x80");		/* U+E0080 */
	CHECK("\xef\xbb\xbe", "\xef\xbb\xbe");			/* U+FEFE */
	/* An ill-formed sequence that would decode to U+202E is bytes. */
	CHECK("\xe2\x80", "\\xe2\\x80");
	CHECK("\xf0\x82\x80\xae", "\\xf0\\x82\\x80\\xae");	/* overlong U+202E */
}

static void test_hidden_predicate(void **state)
{
	static const unsigned hidden[] = {
		0x00ad, 0x061c, 0x115f, 0x1160, 0x180e, 0x200b, 0x200c, 0x200d, 0x200e,
		0x200f, 0x2028, 0x2029, 0x202a, 0x202e, 0x2060, 0x2064, 0x2066, 0x2069,
		0x206f, 0x3164, 0xfeff, 0xffa0, 0xfff9, 0xfffb, 0xe0000, 0xe0001, 0xe007f,
	};
	static const unsigned shown[] = {
		0x0041, 0x00a0, 0x00ac, 0x00ae, 0x061b, 0x200a, 0x2010, 0x2027, 0x202f,
		0x205f, 0x2070, 0xfefe, 0xfff8, 0xfffc, 0xfffd, 0xe0080, 0x1f600, 0x10ffff,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++)
		if (!pg_unicode_hidden(hidden[i]))
			fail_msg("U+%04X should be hidden", hidden[i]);
	for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
		if (pg_unicode_hidden(shown[i]))
			fail_msg("U+%04X should be shown", shown[i]);
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
		cmocka_unit_test(test_hidden),
		cmocka_unit_test(test_hidden_predicate),
		cmocka_unit_test(test_ill_formed),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_len_is_the_truth),
		cmocka_unit_test(test_appends),
		cmocka_unit_test(test_puts_stops_at_nul),
		cmocka_unit_test(test_every_byte_is_safe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
