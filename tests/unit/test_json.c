#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "json.h"

#define LEN(s) (sizeof(s) - 1)

/* The JSON literal for LEN bytes of S must be exactly WANT. */
static void expect_literal(const char *s, size_t len, const char *want)
{
	struct pg_buf b = PG_BUF_INIT;

	pg_json_put_string(&b, s, len);
	if (b.len != strlen(want) || memcmp(b.ptr, want, b.len) != 0)
		fail_msg("got %s, wanted %s", pg_buf_cstr(&b), want);
	pg_buf_free(&b);
}

static void test_write_plain(void **state)
{
	(void)state;
	expect_literal("", 0, "\"\"");
	expect_literal("refs/heads/main", LEN("refs/heads/main"), "\"refs/heads/main\"");
	expect_literal("a b/c~^:?*[", LEN("a b/c~^:?*["), "\"a b/c~^:?*[\"");
	/* '/' is not escaped: JSON allows it bare. */
	expect_literal("tag \"v*\"", LEN("tag \"v*\""), "\"tag \\\"v*\\\"\"");
	expect_literal("a\\b", 3, "\"a\\\\b\"");
}

static void test_write_controls(void **state)
{
	(void)state;
	expect_literal("\n", 1, "\"\\u000a\"");
	expect_literal("\t\r\b\f", 4, "\"\\u0009\\u000d\\u0008\\u000c\"");
	expect_literal("\x1b[31mred", LEN("\x1b[31mred"), "\"\\u001b[31mred\"");
	expect_literal("\x01\x1f", 2, "\"\\u0001\\u001f\"");
	expect_literal("del\x7f", 4, "\"del\\u007f\"");
	expect_literal("nul\0x", 5, "\"nul\\u0000x\"");
	/* Encoded C1 controls: U+0085 (NEL), U+009B (CSI). */
	expect_literal("\xc2\x85\xc2\x9b", 4, "\"\\u0085\\u009b\"");
}

static void test_write_utf8(void **state)
{
	(void)state;
	/* Well-formed UTF-8 passes: U+00E4, U+00A0, U+20AC, U+1F600. */
	expect_literal("\xc3\xa4\xc2\xa0", 4, "\"\xc3\xa4\xc2\xa0\"");
	expect_literal("\xe2\x82\xac", 3, "\"\xe2\x82\xac\"");
	expect_literal("\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\"");
	/* Ill-formed: one U+FFFD per byte. */
	expect_literal("\xff", 1, "\"\\ufffd\"");
	expect_literal("a\x80z", 3, "\"a\\ufffdz\"");
	expect_literal("\xc0\xaf", 2, "\"\\ufffd\\ufffd\"");		/* overlong '/' */
	expect_literal("\xe0\x80\xaf", 3, "\"\\ufffd\\ufffd\\ufffd\"");	/* overlong */
	expect_literal("\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"");	/* surrogate */
	expect_literal("\xf4\x90\x80\x80", 4,
		       "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");	/* above U+10FFFF */
	expect_literal("\xe2\x82", 2, "\"\\ufffd\\ufffd\"");		/* cut off */
	expect_literal("\xe2\x82x", 3, "\"\\ufffd\\ufffdx\"");
	expect_literal("\xc3\xa4\xc3", 3, "\"\xc3\xa4\\ufffd\"");
}

/* Characters that reorder or hide text are written as \u escapes. */
static void test_write_hidden(void **state)
{
	(void)state;
	expect_literal("a\xe2\x80\xae" "b", 5, "\"a\\u202eb\"");
	expect_literal("\xe2\x81\xa6\xe2\x80\x8b\xef\xbb\xbf\xc2\xad", 11,
		       "\"\\u2066\\u200b\\ufeff\\u00ad\"");
	/* Above U+FFFF, as JSON spells it: a surrogate pair (U+E0041). */
	expect_literal("\xf3\xa0\x81\x81", 4, "\"\\udb40\\udc41\"");
	/* A neighbour passes. */
	expect_literal("\xe2\x80\xaf", 3, "\"\xe2\x80\xaf\"");
}

/* The escape reads back as the character it stands for. */
static void test_hidden_round_trip(void **state)
{
	static const struct pg_json_key keys[] = { { "s", PG_JSON_STRING } };
	struct pg_json_object o = PG_JSON_OBJECT_INIT;
	struct pg_buf b = PG_BUF_INIT;
	const char raw[] = "x\xe2\x80\xae\xf3\xa0\x81\x81y";

	(void)state;
	pg_buf_puts(&b, "{\"s\":");
	pg_json_put_string(&b, raw, LEN(raw));
	pg_buf_putc(&b, '}');
	assert_null(memchr(b.ptr, 0xe2, b.len));
	assert_int_equal(pg_json_parse_object(&o, b.ptr, b.len, keys, 1), 0);
	assert_string_equal(o.values[0].str, raw);
	pg_json_object_free(&o);
	pg_buf_free(&b);
}

/* Text an older writer left raw is escaped for showing; the rest is kept. */
static void test_put_shown(void **state)
{
	struct pg_buf b = PG_BUF_INIT;
	const char line[] = "{\"a\":[\"x\xe2\x80\xae" "y\",\"\xc3\xa4\x7f\xc2\x9b\xf3\xa0\x81\x81\"],\"b\":1}";

	(void)state;
	pg_json_put_shown(&b, line, LEN(line));
	assert_string_equal(pg_buf_cstr(&b),
			    "{\"a\":[\"x\\u202ey\",\"\xc3\xa4\\u007f\\u009b\\udb40\\udc41\"],\"b\":1}");
	pg_buf_reset(&b);
	pg_json_put_shown(&b, "{\"s\":\"plain \\u202e\"}", 20);
	assert_string_equal(pg_buf_cstr(&b), "{\"s\":\"plain \\u202e\"}");
	pg_buf_free(&b);
}

static void test_write_cstring(void **state)
{
	struct pg_buf b = PG_BUF_INIT;

	(void)state;
	pg_json_put_cstring(&b, NULL);
	pg_buf_putc(&b, ',');
	pg_json_put_cstring(&b, "x\"");
	assert_string_equal(pg_buf_cstr(&b), "null,\"x\\\"\"");
	pg_buf_free(&b);
}

/* ---- the reader ---- */

static const struct pg_json_key KEYS[] = {
	{ "n", PG_JSON_INT },
	{ "s", PG_JSON_STRING },
	{ "z", PG_JSON_STRING | PG_JSON_NULL },
	{ "a", PG_JSON_STRINGS },
	{ "last", PG_JSON_STRING },
};
#define NKEYS (sizeof(KEYS) / sizeof(KEYS[0]))

/*
 * Parse TEXT from a heap copy of exactly its size (so AddressSanitizer
 * sees a read past the end) with OBJ, reused between calls.
 */
static int parse(struct pg_json_object *obj, const char *text)
{
	size_t len = strlen(text);
	char *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, text, len);
	rc = pg_json_parse_object(obj, copy, len, KEYS, NKEYS);
	free(copy);
	return rc;
}

static void expect_bad(struct pg_json_object *obj, const char *text, const char *want)
{
	int rc = parse(obj, text);

	if (rc != -1 || !strstr(pg_error_last(), want))
		fail_msg("%s: rc %d, message \"%s\", wanted one with \"%s\"", text, rc,
			 pg_error_last(), want);
}

static void test_read_good(void **state)
{
	struct pg_json_object obj = PG_JSON_OBJECT_INIT;
	const char *text = "{\"n\":42,\"s\":\"a\\\"b\",\"z\":null,\"a\":[\"x\",\"\",\"y\\u00e4\"],"
			   "\"last\":\"end\"}";

	(void)state;
	assert_int_equal(parse(&obj, text), 0);
	assert_int_equal(obj.nvalues, NKEYS);
	assert_int_equal(obj.values[0].kind, PG_JSON_INT);
	assert_int_equal(obj.values[0].num, 42);
	assert_int_equal(obj.values[1].kind, PG_JSON_STRING);
	assert_string_equal(obj.values[1].str, "a\"b");
	assert_int_equal(obj.values[1].len, 3);
	assert_int_equal(obj.values[2].kind, PG_JSON_NULL);
	assert_null(obj.values[2].str);
	assert_int_equal(obj.values[3].kind, PG_JSON_STRINGS);
	assert_int_equal(obj.values[3].nitems, 3);
	assert_string_equal(obj.values[3].items[0], "x");
	assert_string_equal(obj.values[3].items[1], "");
	assert_string_equal(obj.values[3].items[2], "y\xc3\xa4");
	assert_string_equal(obj.values[4].str, "end");

	/* The same object, another line: nothing of the first one is left. */
	assert_int_equal(parse(&obj, "{\"n\":-7,\"s\":\"\",\"z\":\"zz\",\"a\":[],\"last\":\"\"}"), 0);
	assert_int_equal(obj.values[0].num, -7);
	assert_string_equal(obj.values[1].str, "");
	assert_int_equal(obj.values[2].kind, PG_JSON_STRING);
	assert_string_equal(obj.values[2].str, "zz");
	assert_int_equal(obj.values[3].nitems, 0);
	pg_json_object_free(&obj);
}

static void test_read_offsets(void **state)
{
	struct pg_json_object obj = PG_JSON_OBJECT_INIT;
	const char *text = "{\"n\":1,\"s\":\"x\",\"z\":null,\"a\":[\"p\"],\"last\":\"sig\"}";
	const struct pg_json_value *v;
	char cut[128];

	(void)state;
	assert_int_equal(parse(&obj, text), 0);
	v = obj.values;
	/* The first member starts at its key, the others at their ','. */
	assert_int_equal(v[0].start, 1);
	assert_int_equal(v[0].end, 6);
	assert_int_equal(v[0].value_start, 5);
	assert_int_equal(text[v[1].start], ',');
	assert_memory_equal(text + v[1].start, ",\"s\":\"x\"", v[1].end - v[1].start);
	assert_memory_equal(text + v[3].value_start, "[\"p\"]", v[3].end - v[3].value_start);
	/* Cutting the last member leaves the object the signature covers. */
	snprintf(cut, sizeof(cut), "%.*s%s", (int)v[4].start, text, text + v[4].end);
	assert_string_equal(cut, "{\"n\":1,\"s\":\"x\",\"z\":null,\"a\":[\"p\"]}");
	pg_json_object_free(&obj);
}

static void test_read_escapes(void **state)
{
	struct pg_json_object obj = PG_JSON_OBJECT_INIT;

	(void)state;
	assert_int_equal(parse(&obj, "{\"n\":0,\"s\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u001b\\u007F"
				     "\\ufffd\\ud83d\\ude00\",\"z\":null,\"a\":[],\"last\":\"\"}"), 0);
	assert_string_equal(obj.values[1].str,
			    "\"\\/\b\f\n\r\t\x1b\x7f\xef\xbf\xbd\xf0\x9f\x98\x80");
	/* What the writer writes, the reader reads back, byte for byte. */
	{
		const char raw[] = "a\x1b\"\\\x7f\xc3\xa4\xc2\x85/";
		struct pg_buf b = PG_BUF_INIT;

		pg_buf_puts(&b, "{\"n\":1,\"s\":");
		pg_json_put_string(&b, raw, LEN(raw));
		pg_buf_puts(&b, ",\"z\":null,\"a\":[],\"last\":\"\"}");
		assert_int_equal(parse(&obj, b.ptr), 0);
		assert_string_equal(obj.values[1].str, raw);
		pg_buf_free(&b);
	}
	pg_json_object_free(&obj);
}

static void test_read_strictness(void **state)
{
	struct pg_json_object obj = PG_JSON_OBJECT_INIT;

	(void)state;
	expect_bad(&obj, "", "expected '{'");
	expect_bad(&obj, " {\"n\":1}", "white space");
	expect_bad(&obj, "{\"n\": 1,\"s\":\"\",\"z\":null,\"a\":[],\"last\":\"\"}", "white space");
	expect_bad(&obj, "{\"n\":1 ,\"s\":\"\",\"z\":null,\"a\":[],\"last\":\"\"}", "white space");
	expect_bad(&obj, "{\"n\":1,\"s\":\"\",\"z\":null,\"a\":[],\"last\":\"\"}\n", "after the end");
	expect_bad(&obj, "{\"n\":1,\"s\":\"\",\"z\":null,\"a\":[],\"last\":\"\"}x", "1 byte after");
	expect_bad(&obj, "{\"n\":1,\"s\":\"\",\"z\":null,\"a\":[],\"last\":\"\"", "expected '}'");
	/* keys: missing, reordered, repeated, unknown, extra, escaped */
	expect_bad(&obj, "{}", "missing key \"n\"");
	expect_bad(&obj, "{\"n\":1,\"s\":\"\"}", "missing key \"z\"");
	expect_bad(&obj, "{\"s\":\"\",\"n\":1,\"z\":null,\"a\":[],\"last\":\"\"}",
		   "key \"s\" out of order (expected \"n\")");
	expect_bad(&obj, "{\"n\":1,\"n\":1,\"z\":null,\"a\":[],\"last\":\"\"}", "duplicate key \"n\"");
	expect_bad(&obj, "{\"n\":1,\"x\":1,\"z\":null,\"a\":[],\"last\":\"\"}",
		   "unexpected key \"x\" (expected \"s\")");
	expect_bad(&obj, "{\"n\":1,\"s\":\"\",\"z\":null,\"a\":[],\"last\":\"\",\"more\":1}",
		   "unexpected key \"more\" after \"last\"");
	expect_bad(&obj, "{\"n\":1,\"s\":\"\",\"z\":null,\"a\":[],\"last\":\"\",\"s\":\"\"}",
		   "duplicate key \"s\"");
	expect_bad(&obj, "{\"n\":1,\"s\":\"\",\"z\":null,\"a\":[],\"last\":\"\",}", "unexpected ','");
	expect_bad(&obj, "{\"\\u006e\":1}", "without escapes");
	/* A key from a tampered line reaches the message escaped. */
	expect_bad(&obj, "{\"n\":1,\"\\u001b[2J\":1}", "unexpected key \"\\x1b[2J\"");
	assert_null(strchr(pg_error_last(), '\x1b'));
	/* types */
	expect_bad(&obj, "{\"n\":\"1\"}", "\"n\" must be an integer");
	expect_bad(&obj, "{\"n\":1,\"s\":null}", "\"s\" must be a string");
	expect_bad(&obj, "{\"n\":1,\"s\":\"\",\"z\":1}", "\"z\" must be a string or null");
	expect_bad(&obj, "{\"n\":1,\"s\":\"\",\"z\":nul}", "must be a string or null");
	expect_bad(&obj, "{\"n\":1,\"s\":\"\",\"z\":null,\"a\":[1]}", "array of strings");
	expect_bad(&obj, "{\"n\":1,\"s\":\"\",\"z\":null,\"a\":[\"x\",]}", "array of strings");
	expect_bad(&obj, "{\"n\":1,\"s\":\"\",\"z\":null,\"a\":[\"x\"\"y\"]}", "expected ']'");
	expect_bad(&obj, "{\"n\":1,\"s\":\"\",\"z\":null,\"a\":[[]]}", "array of strings");
	expect_bad(&obj, "{\"n\":1,\"s\":{}}", "must be a string");
	expect_bad(&obj, "{\"n\":true}", "must be an integer");
	/* numbers */
	expect_bad(&obj, "{\"n\":01}", "leading zero");
	expect_bad(&obj, "{\"n\":1.0}", "not an integer");
	expect_bad(&obj, "{\"n\":1e3}", "not an integer");
	expect_bad(&obj, "{\"n\":-}", "malformed number");
	expect_bad(&obj, "{\"n\":+1}", "must be an integer");
	expect_bad(&obj, "{\"n\":9223372036854775808}", "out of range");
	assert_int_equal(parse(&obj, "{\"n\":9223372036854775807,\"s\":\"\",\"z\":null,\"a\":[],"
				     "\"last\":\"\"}"), 0);
	assert_true(obj.values[0].num == 9223372036854775807LL);
	assert_int_equal(parse(&obj, "{\"n\":-9223372036854775808,\"s\":\"\",\"z\":null,\"a\":[],"
				     "\"last\":\"\"}"), 0);
	assert_true(obj.values[0].num == (-9223372036854775807LL - 1));
	/* strings */
	expect_bad(&obj, "{\"n\":1,\"s\":\"abc", "unterminated string");
	expect_bad(&obj, "{\"n\":1,\"s\":\"abc\\", "unterminated string");
	expect_bad(&obj, "{\"n\":1,\"s\":\"a\tb\"}", "raw control byte 0x09");
	expect_bad(&obj, "{\"n\":1,\"s\":\"a\x1b\"}", "raw control byte 0x1b");
	expect_bad(&obj, "{\"n\":1,\"s\":\"\xff\"}", "ill-formed UTF-8");
	expect_bad(&obj, "{\"n\":1,\"s\":\"\xc3\"}", "ill-formed UTF-8");
	expect_bad(&obj, "{\"n\":1,\"s\":\"\xed\xa0\x80\"}", "ill-formed UTF-8");
	expect_bad(&obj, "{\"n\":1,\"s\":\"\\x41\"}", "unknown escape");
	expect_bad(&obj, "{\"n\":1,\"s\":\"\\u12\"}", "four hex digits");
	expect_bad(&obj, "{\"n\":1,\"s\":\"\\u00", "four hex digits");
	expect_bad(&obj, "{\"n\":1,\"s\":\"\\u0000\"}", "\\u0000");
	expect_bad(&obj, "{\"n\":1,\"s\":\"\\udc00\"}", "lone low surrogate");
	expect_bad(&obj, "{\"n\":1,\"s\":\"\\ud800\"}", "without its low half");
	expect_bad(&obj, "{\"n\":1,\"s\":\"\\ud800\\u0041\"}", "without its low half");
	/* the message gives the column */
	expect_bad(&obj, "{\"n\":1,\"s\":\"\",\"z\":null,\"a\":[],\"last\":\"\"}  ", "column 41:");
	pg_json_object_free(&obj);
}

/* Every prefix of a good line fails cleanly (no read past the end). */
static void test_read_truncated(void **state)
{
	struct pg_json_object obj = PG_JSON_OBJECT_INIT;
	const char *text = "{\"n\":12,\"s\":\"a\\u00e4\\ud83d\\ude00\xc3\xa4\",\"z\":null,"
			   "\"a\":[\"x\",\"y\"],\"last\":\"end\"}";
	size_t len = strlen(text);

	(void)state;
	for (size_t n = 0; n < len; n++) {
		char *copy = malloc(n ? n : 1);

		assert_non_null(copy);
		memcpy(copy, text, n);
		assert_int_equal(pg_json_parse_object(&obj, copy, n, KEYS, NKEYS), -1);
		free(copy);
	}
	assert_int_equal(parse(&obj, text), 0);
	pg_json_object_free(&obj);
}

/* A key that older lines lack: absent, present, but never out of its place. */
static void test_read_absent(void **state)
{
	static const struct pg_json_key keys[] = {
		{ "n", PG_JSON_INT },
		{ "a", PG_JSON_STRINGS | PG_JSON_ABSENT },
		{ "c", PG_JSON_STRING | PG_JSON_NULL | PG_JSON_ABSENT },
		{ "last", PG_JSON_STRING },
	};
	struct pg_json_object obj = PG_JSON_OBJECT_INIT;
	const char *t;

	(void)state;
	t = "{\"n\":1,\"last\":\"x\"}";
	assert_int_equal(pg_json_parse_object(&obj, t, strlen(t), keys, 4), 0);
	assert_int_equal(obj.values[1].kind, 0);
	assert_int_equal(obj.values[1].nitems, 0);
	assert_int_equal(obj.values[2].kind, 0);
	assert_string_equal(obj.values[3].str, "x");
	t = "{\"n\":1,\"a\":[\"p\"],\"c\":null,\"last\":\"x\"}";
	assert_int_equal(pg_json_parse_object(&obj, t, strlen(t), keys, 4), 0);
	assert_int_equal(obj.values[1].kind, PG_JSON_STRINGS);
	assert_string_equal(obj.values[1].items[0], "p");
	assert_int_equal(obj.values[2].kind, PG_JSON_NULL);
	t = "{\"n\":1,\"c\":\"q\",\"last\":\"x\"}";
	assert_int_equal(pg_json_parse_object(&obj, t, strlen(t), keys, 4), 0);
	assert_int_equal(obj.values[1].kind, 0);
	assert_string_equal(obj.values[2].str, "q");
	/* Out of order, or after the last key, it is refused as any key is. */
	t = "{\"n\":1,\"c\":null,\"a\":[],\"last\":\"x\"}";
	assert_int_equal(pg_json_parse_object(&obj, t, strlen(t), keys, 4), -1);
	t = "{\"n\":1,\"last\":\"x\",\"a\":[]}";
	assert_int_equal(pg_json_parse_object(&obj, t, strlen(t), keys, 4), -1);
	/* A required key is still required. */
	t = "{\"n\":1,\"a\":[]}";
	assert_int_equal(pg_json_parse_object(&obj, t, strlen(t), keys, 4), -1);
	pg_json_object_free(&obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_plain),
		cmocka_unit_test(test_write_controls),
		cmocka_unit_test(test_write_utf8),
		cmocka_unit_test(test_write_hidden),
		cmocka_unit_test(test_hidden_round_trip),
		cmocka_unit_test(test_put_shown),
		cmocka_unit_test(test_write_cstring),
		cmocka_unit_test(test_read_good),
		cmocka_unit_test(test_read_offsets),
		cmocka_unit_test(test_read_escapes),
		cmocka_unit_test(test_read_strictness),
		cmocka_unit_test(test_read_truncated),
		cmocka_unit_test(test_read_absent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
