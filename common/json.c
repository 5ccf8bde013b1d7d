#include "json.h"
#include "error.h"
#include "escape.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char hexdigits[] = "0123456789abcdef";

static void put_u00(struct pg_buf *b, unsigned c)
{
	char e[6] = { '\\', 'u', '0', '0', hexdigits[(c >> 4) & 0xf], hexdigits[c & 0xf] };

	pg_buf_put(b, e, sizeof(e));
}

/* \uXXXX, or a surrogate pair above U+FFFF, as JSON spells those. */
static void put_u(struct pg_buf *b, unsigned cp)
{
	if (cp > 0xffff) {
		cp -= 0x10000;
		pg_buf_printf(b, "\\u%04x\\u%04x", 0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
	} else {
		pg_buf_printf(b, "\\u%04x", cp);
	}
}

void pg_json_put_string(struct pg_buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	pg_buf_grow(b, len + 2);
	pg_buf_putc(b, '"');
	while (i < len) {
		unsigned char c = p[i];
		size_t run = i, n;
		unsigned cp;

		while (run < len && p[run] >= 0x20 && p[run] < 0x7f &&
		       p[run] != '"' && p[run] != '\\')
			run++;
		if (run > i) {
			pg_buf_put(b, p + i, run - i);
			i = run;
			continue;
		}
		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };

			pg_buf_put(b, e, 2);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			put_u00(b, c);
			i++;
		} else if ((n = pg_utf8_seq(p + i, len - i, &cp)) == 0) {
			/* JSON is UTF-8: an ill-formed byte cannot be kept as it is. */
			pg_buf_puts(b, "\\ufffd");
			i++;
		} else if (cp <= 0x9f) {
			put_u00(b, cp);	/* a C1 control, U+0080..U+009F */
			i += n;
		} else if (pg_unicode_hidden(cp)) {
			/* Raw, it would reorder or hide the log line on a screen. */
			put_u(b, cp);
			i += n;
		} else {
			pg_buf_put(b, p + i, n);
			i += n;
		}
	}
	pg_buf_putc(b, '"');
}

void pg_json_put_cstring(struct pg_buf *b, const char *s)
{
	if (!s)
		pg_buf_puts(b, "null");
	else
		pg_json_put_string(b, s, strlen(s));
}

void pg_json_put_shown(struct pg_buf *b, const char *text, size_t len)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0;

	pg_buf_grow(b, len);
	while (i < len) {
		size_t run = i, n;
		unsigned cp;

		while (run < len && p[run] < 0x7f)
			run++;
		pg_buf_put(b, p + i, run - i);
		i = run;
		if (i == len)
			break;
		if (p[i] == 0x7f) {
			put_u00(b, 0x7f);
			i++;
		} else if ((n = pg_utf8_seq(p + i, len - i, &cp)) == 0) {
			pg_buf_puts(b, "\\ufffd");
			i++;
		} else {
			if (cp <= 0x9f || pg_unicode_hidden(cp))
				put_u(b, cp);
			else
				pg_buf_put(b, p + i, n);
			i += n;
		}
	}
}

/* ---- the reader ---- */

struct reader {
	const unsigned char *t;
	size_t len, pos;
	struct pg_json_object *o;
};

static int fail_at(size_t pos, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail_at(size_t pos, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pg_error_set("column %zu: %s", pos + 1, msg);
	return -1;
}

static int is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* What was found at the reader's position, for messages. */
static const char *found(const struct reader *r, char *tmp, size_t n)
{
	unsigned char c;

	if (r->pos >= r->len)
		return "the end of the line";
	c = r->t[r->pos];
	if (is_ws(c))
		return "white space (none is allowed outside strings)";
	if (c >= 0x21 && c < 0x7f)
		snprintf(tmp, n, "'%c'", c);
	else
		snprintf(tmp, n, "byte 0x%02x", c);
	return tmp;
}

static int expect_char(struct reader *r, char want)
{
	char tmp[32];

	if (r->pos < r->len && r->t[r->pos] == (unsigned char)want) {
		r->pos++;
		return 0;
	}
	return fail_at(r->pos, "expected '%c', found %s", want, found(r, tmp, sizeof(tmp)));
}

static int hex4(const unsigned char *p, unsigned *v)
{
	unsigned x = 0;

	for (int i = 0; i < 4; i++) {
		unsigned char c = p[i];

		x <<= 4;
		if (c >= '0' && c <= '9')
			x |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			x |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			x |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*v = x;
	return 0;
}

/*
 * A string literal at the reader's position, decoded and NUL-terminated
 * into the object's string store; *out points at it.  The store was sized
 * for the whole line beforehand (no string decodes to more bytes than it
 * takes in the text, quotes included), so *out stays valid.
 */
static int read_string(struct reader *r, const char **out, size_t *outlen)
{
	struct pg_buf *b = &r->o->strings;
	size_t start = b->len, open = r->pos;

	if (expect_char(r, '"') < 0)
		return -1;
	for (;;) {
		size_t run = r->pos;
		unsigned char c;

		while (run < r->len && r->t[run] >= 0x20 && r->t[run] < 0x80 &&
		       r->t[run] != '"' && r->t[run] != '\\')
			run++;
		if (run > r->pos) {
			pg_buf_put(b, r->t + r->pos, run - r->pos);
			r->pos = run;
		}
		if (r->pos >= r->len)
			return fail_at(open, "unterminated string");
		c = r->t[r->pos];
		if (c == '"') {
			r->pos++;
			break;
		}
		if (c < 0x20)
			return fail_at(r->pos, "raw control byte 0x%02x in a string (must be \\u%04x)",
				       c, c);
		if (c >= 0x80) {
			unsigned cp;
			size_t n = pg_utf8_seq(r->t + r->pos, r->len - r->pos, &cp);

			if (!n)
				return fail_at(r->pos, "ill-formed UTF-8 (byte 0x%02x)", c);
			pg_buf_put(b, r->t + r->pos, n);
			r->pos += n;
			continue;
		}
		/* a backslash */
		if (r->pos + 1 >= r->len)
			return fail_at(open, "unterminated string");
		c = r->t[r->pos + 1];
		switch (c) {
		case '"': case '\\': case '/':
			pg_buf_putc(b, (char)c);
			break;
		case 'b': pg_buf_putc(b, '\b'); break;
		case 'f': pg_buf_putc(b, '\f'); break;
		case 'n': pg_buf_putc(b, '\n'); break;
		case 'r': pg_buf_putc(b, '\r'); break;
		case 't': pg_buf_putc(b, '\t'); break;
		case 'u': {
			unsigned cp, lo;

			if (r->len - r->pos < 6 || hex4(r->t + r->pos + 2, &cp) < 0)
				return fail_at(r->pos, "\\u needs four hex digits");
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return fail_at(r->pos, "lone low surrogate \\u%04x", cp);
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (r->len - r->pos < 12 || r->t[r->pos + 6] != '\\' ||
				    r->t[r->pos + 7] != 'u' || hex4(r->t + r->pos + 8, &lo) < 0 ||
				    lo < 0xdc00 || lo > 0xdfff)
					return fail_at(r->pos, "high surrogate \\u%04x without its low half", cp);
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				r->pos += 6;
			}
			if (cp == 0)
				return fail_at(r->pos, "\\u0000 is not allowed in a string");
			pg_utf8_put(b, cp);
			r->pos += 4;
			break;
		}
		default:
			return fail_at(r->pos, "unknown escape '\\%c'", c >= 0x20 && c < 0x7f ? c : '?');
		}
		r->pos += 2;
	}
	pg_buf_putc(b, '\0');
	if (out)
		*out = b->ptr + start;
	if (outlen)
		*outlen = b->len - start - 1;
	return 0;
}

static int read_int(struct reader *r, long long *out)
{
	size_t start = r->pos;
	int neg = 0;
	unsigned long long v = 0, limit;

	if (r->pos < r->len && r->t[r->pos] == '-') {
		neg = 1;
		r->pos++;
	}
	if (r->pos >= r->len || r->t[r->pos] < '0' || r->t[r->pos] > '9')
		return fail_at(start, "malformed number");
	if (r->t[r->pos] == '0' && r->pos + 1 < r->len &&
	    r->t[r->pos + 1] >= '0' && r->t[r->pos + 1] <= '9')
		return fail_at(start, "number with a leading zero");
	limit = neg ? (unsigned long long)LLONG_MAX + 1 : (unsigned long long)LLONG_MAX;
	while (r->pos < r->len && r->t[r->pos] >= '0' && r->t[r->pos] <= '9') {
		unsigned d = (unsigned)(r->t[r->pos] - '0');

		if (v > (limit - d) / 10)
			return fail_at(start, "number out of range");
		v = v * 10 + d;
		r->pos++;
	}
	if (r->pos < r->len && (r->t[r->pos] == '.' || r->t[r->pos] == 'e' ||
				r->t[r->pos] == 'E'))
		return fail_at(start, "not an integer");
	if (neg)
		*out = v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v;
	else
		*out = (long long)v;
	return 0;
}

static const char *kinds_text(unsigned kinds, char *tmp, size_t n)
{
	static const struct { unsigned k; const char *name; } names[] = {
		{ PG_JSON_STRING, "a string" }, { PG_JSON_INT, "an integer" },
		{ PG_JSON_STRINGS, "an array of strings" }, { PG_JSON_NULL, "null" },
	};
	size_t used = 0;

	tmp[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(kinds & names[i].k))
			continue;
		used += (size_t)snprintf(tmp + used, n - used, "%s%s", used ? " or " : "",
					 names[i].name);
		if (used >= n)
			break;
	}
	return tmp;
}

static int read_value(struct reader *r, const struct pg_json_key *key,
		      struct pg_json_value *v)
{
	unsigned char c = r->pos < r->len ? r->t[r->pos] : 0;
	unsigned kind;
	char tmp[96];

	v->value_start = r->pos;
	if (c == '"')
		kind = PG_JSON_STRING;
	else if (c == '-' || (c >= '0' && c <= '9'))
		kind = PG_JSON_INT;
	else if (c == 'n')
		kind = PG_JSON_NULL;
	else if (c == '[')
		kind = PG_JSON_STRINGS;
	else
		kind = 0;
	if (!kind && is_ws(c))
		return fail_at(r->pos, "white space outside a string is not allowed");
	if (!(kind & key->kinds))
		return fail_at(r->pos, "\"%s\" must be %s", key->name,
			       kinds_text(key->kinds, tmp, sizeof(tmp)));
	v->kind = kind;
	switch (kind) {
	case PG_JSON_STRING:
		return read_string(r, &v->str, &v->len);
	case PG_JSON_INT:
		return read_int(r, &v->num);
	case PG_JSON_NULL:
		if (r->len - r->pos < 4 || memcmp(r->t + r->pos, "null", 4) != 0)
			return fail_at(r->pos, "\"%s\" must be %s", key->name,
				       kinds_text(key->kinds, tmp, sizeof(tmp)));
		r->pos += 4;
		return 0;
	default:	/* PG_JSON_STRINGS */
		r->pos++;
		v->items = r->o->items + r->o->nitems;
		if (r->pos < r->len && r->t[r->pos] == ']') {
			r->pos++;
			return 0;
		}
		for (;;) {
			const char *s;

			if (r->pos >= r->len || r->t[r->pos] != '"')
				return fail_at(r->pos, "\"%s\" must be an array of strings",
					       key->name);
			if (read_string(r, &s, NULL) < 0)
				return -1;
			/* itemcap was sized for the line: no reallocation here. */
			r->o->items[r->o->nitems++] = s;
			v->nitems++;
			if (r->pos < r->len && r->t[r->pos] == ',') {
				r->pos++;
				continue;
			}
			return expect_char(r, ']');
		}
	}
}

/*
 * NAME, decoded from the line, for a message: escaped (a tampered line may
 * hold terminal escapes) and cut at 64 bytes.
 */
static const char *shown(struct pg_buf *b, const char *name)
{
	size_t n = strlen(name);

	pg_buf_reset(b);
	pg_escape_put(b, name, n > 64 ? 64 : n);
	if (n > 64)
		pg_buf_puts(b, "...");
	return pg_buf_cstr(b);
}

/* The key at the reader's position is not KEYS[I]: say what it is. */
static int wrong_key(struct reader *r, const struct pg_json_key *keys, size_t nkeys,
		     size_t i)
{
	size_t at = r->pos;
	const char *name;
	char tmp[32];

	if (r->pos >= r->len || r->t[r->pos] != '"')
		return fail_at(r->pos, "expected key \"%s\", found %s", keys[i].name,
			       found(r, tmp, sizeof(tmp)));
	if (read_string(r, &name, NULL) < 0)
		return -1;
	for (size_t j = 0; j < nkeys; j++) {
		if (strcmp(name, keys[j].name) != 0)
			continue;
		if (j == i)
			return fail_at(at, "key \"%s\" must be written without escapes", name);
		if (j < i)
			return fail_at(at, "duplicate key \"%s\"", name);
		return fail_at(at, "key \"%s\" out of order (expected \"%s\")", name,
			       keys[i].name);
	}
	{
		struct pg_buf b = PG_BUF_INIT;

		fail_at(at, "unexpected key \"%s\" (expected \"%s\")", shown(&b, name),
			keys[i].name);
		pg_buf_free(&b);
	}
	return -1;
}

/* Does the member at R's position (after its ',' when COMMA) have key NAME? */
static int key_next(const struct reader *r, const char *name, size_t klen, int comma)
{
	size_t at = r->pos + (comma ? 1 : 0);

	if (comma && (r->pos >= r->len || r->t[r->pos] != ','))
		return 0;
	return r->len - at >= klen + 2 && r->t[at] == '"' &&
	       memcmp(r->t + at + 1, name, klen) == 0 && r->t[at + 1 + klen] == '"';
}

int pg_json_parse_object(struct pg_json_object *obj, const char *text, size_t len,
			 const struct pg_json_key *keys, size_t nkeys)
{
	struct reader r = { (const unsigned char *)text, len, 0, obj };
	size_t maxitems = len / 3 + 1;
	char tmp[32];

	if (obj->valcap < nkeys) {
		obj->values = pg_xrealloc(obj->values, nkeys * sizeof(*obj->values));
		obj->valcap = nkeys;
	}
	memset(obj->values, 0, nkeys * sizeof(*obj->values));
	obj->nvalues = 0;
	/* Room for everything the line can decode to: pointers stay put. */
	pg_buf_reset(&obj->strings);
	pg_buf_grow(&obj->strings, len + 1);
	if (obj->itemcap < maxitems) {
		obj->items = pg_xrealloc(obj->items, maxitems * sizeof(*obj->items));
		obj->itemcap = maxitems;
	}
	obj->nitems = 0;

	if (expect_char(&r, '{') < 0)
		return -1;
	for (size_t i = 0; i < nkeys; i++) {
		struct pg_json_value *v = &obj->values[i];
		size_t klen = strlen(keys[i].name);

		v->start = r.pos;
		if ((keys[i].kinds & PG_JSON_ABSENT) && !key_next(&r, keys[i].name, klen, i > 0)) {
			v->end = r.pos;	/* kind 0: a line of an older version */
			obj->nvalues++;
			continue;
		}
		if (i > 0) {
			if (r.pos < len && r.t[r.pos] == '}')
				return fail_at(r.pos, "missing key \"%s\"", keys[i].name);
			if (expect_char(&r, ',') < 0)
				return -1;
		} else if (r.pos < len && r.t[r.pos] == '}') {
			return fail_at(r.pos, "missing key \"%s\"", keys[i].name);
		}
		if (len - r.pos < klen + 3 || r.t[r.pos] != '"' ||
		    memcmp(r.t + r.pos + 1, keys[i].name, klen) != 0 ||
		    r.t[r.pos + 1 + klen] != '"')
			return wrong_key(&r, keys, nkeys, i);
		r.pos += klen + 2;
		if (expect_char(&r, ':') < 0 || read_value(&r, &keys[i], v) < 0)
			return -1;
		v->end = r.pos;
		obj->nvalues++;
	}
	if (r.pos < len && r.t[r.pos] == ',') {
		r.pos++;
		if (r.pos < len && r.t[r.pos] == '"') {
			size_t at = r.pos;
			const char *name;

			if (read_string(&r, &name, NULL) < 0)
				return -1;
			for (size_t j = 0; j < nkeys; j++)
				if (!strcmp(name, keys[j].name))
					return fail_at(at, "duplicate key \"%s\"", name);
			{
				struct pg_buf b = PG_BUF_INIT;

				fail_at(at, "unexpected key \"%s\" after \"%s\"", shown(&b, name),
					nkeys ? keys[nkeys - 1].name : "{");
				pg_buf_free(&b);
			}
			return -1;
		}
		return fail_at(r.pos - 1, "unexpected ',' after the last member");
	}
	if (expect_char(&r, '}') < 0)
		return -1;
	if (r.pos != len)
		return fail_at(r.pos, "%zu byte%s after the end of the object (%s)",
			       len - r.pos, len - r.pos == 1 ? "" : "s", found(&r, tmp, sizeof(tmp)));
	return 0;
}

void pg_json_object_free(struct pg_json_object *obj)
{
	free(obj->values);
	free(obj->items);
	pg_buf_free(&obj->strings);
	memset(obj, 0, sizeof(*obj));
}
