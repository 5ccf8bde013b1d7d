/*
 * libFuzzer harness for the JSON writer and reader (common/json.c) and the
 * terminal escaper (common/escape.c).  Both exist so that a pusher's bytes
 * (ref names, messages, push options) reach a log line or a screen without
 * a terminal escape and as well-formed UTF-8.
 *
 * For any input:
 *   - pg_json_put_string's literal must hold no raw C0 byte, DEL or encoded
 *     C1 control, must be well-formed UTF-8, and must read back through
 *     pg_json_parse_object: exactly the input when that was well-formed
 *     UTF-8 without NUL (json.h's promise), else at least without error
 *     unless the input held a NUL (\u0000 is refused on reading);
 *   - pg_json_parse_object on the raw input with a small key table must
 *     not crash, and what it parsed must keep json.h's promises (offsets,
 *     C strings, cutting a member other than the first leaves an object);
 *   - pg_escape_put's output must hold no byte < 0x20 or 0x7f, no encoded
 *     C1 control, and be well-formed UTF-8.
 * Any broken promise aborts: that is a real bug.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "escape.h"
#include "json.h"

static const struct pg_json_key keys[] = {
	{ "s", PG_JSON_STRING },
	{ "n", PG_JSON_INT | PG_JSON_NULL },
	{ "a", PG_JSON_STRINGS },
	{ "x", PG_JSON_STRING | PG_JSON_INT | PG_JSON_NULL | PG_JSON_STRINGS },
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* 1 when [P, P+LEN) is well-formed UTF-8 (and, with NO_C1, holds no U+0080..U+009F). */
static int utf8_ok(const unsigned char *p, size_t len, int no_c1)
{
	size_t i = 0, n;
	unsigned cp;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		n = pg_utf8_seq(p + i, len - i, &cp);
		if (!n || (no_c1 && cp <= 0x9f))
			return 0;
		i += n;
	}
	return 1;
}

static int has_control(const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] < 0x20 || p[i] == 0x7f)
			return 1;
	return 0;
}

static void round_trip(const uint8_t *data, size_t size)
{
	struct pg_buf lit = PG_BUF_INIT, obj_text = PG_BUF_INIT;
	struct pg_json_object obj = PG_JSON_OBJECT_INIT;
	static const struct pg_json_key k[] = { { "k", PG_JSON_STRING } };
	int has_nul = memchr(data, '\0', size) != NULL;
	int rc;

	pg_json_put_string(&lit, (const char *)data, size);
	if (lit.len < 2 || lit.ptr[0] != '"' || lit.ptr[lit.len - 1] != '"')
		abort();
	if (has_control((const unsigned char *)lit.ptr, lit.len) ||
	    !utf8_ok((const unsigned char *)lit.ptr, lit.len, 1))
		abort();

	pg_buf_puts(&obj_text, "{\"k\":");
	pg_buf_put(&obj_text, lit.ptr, lit.len);
	pg_buf_putc(&obj_text, '}');
	rc = pg_json_parse_object(&obj, obj_text.ptr, obj_text.len, k, 1);
	if (!has_nul) {
		if (rc != 0)
			abort();
		if (utf8_ok(data, size, 0) &&
		    (obj.values[0].len != size || memcmp(obj.values[0].str, data, size) != 0))
			abort();
	}
	pg_json_object_free(&obj);
	pg_buf_free(&obj_text);
	pg_buf_free(&lit);
}

static void parse_raw(const uint8_t *data, size_t size)
{
	struct pg_json_object obj = PG_JSON_OBJECT_INIT, sub = PG_JSON_OBJECT_INIT;
	const char *text = (const char *)data;

	if (pg_json_parse_object(&obj, text, size, keys, NKEYS) != 0) {
		pg_json_object_free(&obj);
		return;
	}
	if (obj.nvalues != NKEYS)
		abort();
	for (size_t i = 0; i < NKEYS; i++) {
		const struct pg_json_value *v = &obj.values[i];

		if (!(v->kind & keys[i].kinds) || !(v->start < v->value_start) ||
		    !(v->value_start < v->end) || v->end > size)
			abort();
		if (i > 0 && (text[v->start] != ',' || v->start != obj.values[i - 1].end))
			abort();
		if (v->kind == PG_JSON_STRING && (!v->str || strlen(v->str) != v->len))
			abort();
		for (size_t j = 0; v->kind == PG_JSON_STRINGS && j < v->nitems; j++)
			if (!v->items || !v->items[j])
				abort();
	}
	/* Cutting out any member but the first leaves an object of the others. */
	for (size_t i = 1; i < NKEYS; i++) {
		struct pg_json_key rest[NKEYS - 1];
		struct pg_buf cut = PG_BUF_INIT;
		size_t r = 0;

		for (size_t j = 0; j < NKEYS; j++)
			if (j != i)
				rest[r++] = keys[j];
		pg_buf_put(&cut, text, obj.values[i].start);
		pg_buf_put(&cut, text + obj.values[i].end, size - obj.values[i].end);
		if (pg_json_parse_object(&sub, cut.ptr, cut.len, rest, NKEYS - 1) != 0)
			abort();
		pg_buf_free(&cut);
	}
	pg_json_object_free(&sub);
	pg_json_object_free(&obj);
}

static void escape(const uint8_t *data, size_t size)
{
	struct pg_buf b = PG_BUF_INIT;

	pg_buf_puts(&b, "x");	/* appends, after what is there */
	pg_escape_put(&b, (const char *)data, size);
	if (b.ptr[0] != 'x' || has_control((const unsigned char *)b.ptr, b.len) ||
	    !utf8_ok((const unsigned char *)b.ptr, b.len, 1) || b.ptr[b.len] != '\0')
		abort();
	pg_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	round_trip(data, size);
	parse_raw(data, size);
	escape(data, size);
	return 0;
}
