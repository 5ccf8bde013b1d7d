#include "escape.h"

#include <string.h>

void pg_utf8_put(struct pg_buf *b, unsigned cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	pg_buf_put(b, u, n);
}

size_t pg_utf8_seq(const unsigned char *s, size_t avail, unsigned *cp)
{
	unsigned char c = s[0];
	unsigned lo = 0x80, hi = 0xbf;
	size_t n, i;
	unsigned v;

	/*
	 * The second byte's range carries the rules against overlong forms
	 * (e0, f0), surrogates (ed) and values above U+10FFFF (f4); c0, c1
	 * and f5..ff never start a sequence.
	 */
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++) {
		if (s[i] < lo || s[i] > hi)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = v;
	return n;
}

int pg_unicode_hidden(unsigned cp)
{
	static const struct {
		unsigned lo, hi;
	} ranges[] = {
		{ 0x00ad, 0x00ad }, { 0x061c, 0x061c }, { 0x115f, 0x1160 },
		{ 0x180e, 0x180e }, { 0x200b, 0x200f }, { 0x2028, 0x202e },
		{ 0x2060, 0x206f }, { 0x3164, 0x3164 }, { 0xfeff, 0xfeff },
		{ 0xffa0, 0xffa0 }, { 0xfff9, 0xfffb }, { 0xe0000, 0xe007f },
	};

	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		if (cp >= ranges[i].lo && cp <= ranges[i].hi)
			return 1;
	return 0;
}

static void put_hex(struct pg_buf *b, const unsigned char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		pg_buf_printf(b, "\\x%02x", s[i]);
}

/* The escape for one ASCII byte, or NULL when it may pass unchanged. */
static const char *ascii_escape(unsigned char c)
{
	switch (c) {
	case '\\':
		return "\\\\";
	case '\n':
		return "\\n";
	case '\r':
		return "\\r";
	case '\t':
		return "\\t";
	}
	return NULL;
}

static int ascii_safe(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '\\';
}

/*
 * Bytes at S that pass unchanged: the escaping loop copies such a run with
 * one pg_buf_put rather than one byte at a time.
 */
static size_t safe_run(const unsigned char *s, size_t len)
{
	size_t i = 0, n;
	unsigned cp;

	while (i < len) {
		if (ascii_safe(s[i])) {
			i++;
			continue;
		}
		if (s[i] < 0x80)
			break;
		n = pg_utf8_seq(s + i, len - i, &cp);
		/* C1 controls include CSI (U+009B), a complete escape. */
		if (!n || cp <= 0x9f || pg_unicode_hidden(cp))
			break;
		i += n;
	}
	return i;
}

void pg_escape_put(struct pg_buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	const char *esc;
	size_t run, n;
	unsigned cp;

	while (len) {
		run = safe_run(p, len);
		pg_buf_put(b, p, run);
		p += run;
		len -= run;
		if (!len)
			break;
		/* *p is not safe: escape it (a whole C1 sequence, or a byte). */
		if (*p < 0x80) {
			esc = ascii_escape(*p);
			if (esc)
				pg_buf_puts(b, esc);
			else
				put_hex(b, p, 1);
			n = 1;
		} else {
			/*
			 * Ill-formed input is escaped one byte at a time and
			 * rescanned from the next byte, so a valid character
			 * right after garbage still passes.
			 */
			n = pg_utf8_seq(p, len, &cp);
			if (n && pg_unicode_hidden(cp))
				pg_buf_printf(b, cp > 0xffff ? "\\U%08x" : "\\u%04x", cp);
			else
				put_hex(b, p, n ? n : 1);
			if (!n)
				n = 1;
		}
		p += n;
		len -= n;
	}
}

void pg_escape_puts(struct pg_buf *b, const char *s)
{
	pg_escape_put(b, s, strlen(s));
}
