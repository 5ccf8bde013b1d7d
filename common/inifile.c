#include "inifile.h"
#include "buf.h"
#include "error.h"
#include "readfile.h"

#include <ini.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_FILE (1 << 20)	/* a policy file is small; a huge one is a mistake */

struct reading {
	const struct pg_ini_handler *h;
	void *ctx;
	const char *buf;
	size_t len;
	size_t pos;
	int lineno;
	int have_key;		/* inih's "previous name": continuations follow it */
	int continuation;	/* the line inih is handling continues a key */
	int *reported;		/* lines we reported, to tell inih's own error */
	size_t nreported;
};

/*
 * Line R->lineno cannot be read.  BRIEF quotes nothing of the file; the
 * message (FMT) may quote the line, never what follows it.
 */
static void problem(struct reading *r, int lost_section, const char *brief,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void problem(struct reading *r, int lost_section, const char *brief,
		    const char *fmt, ...)
{
	struct pg_buf msg = PG_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	pg_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	r->reported = pg_xrealloc(r->reported, (r->nreported + 1) * sizeof(*r->reported));
	r->reported[r->nreported++] = r->lineno;
	r->h->problem(r->ctx, r->lineno, lost_section, brief, msg.ptr);
	pg_buf_free(&msg);
}

static void value_end(struct reading *r)
{
	r->h->value_end(r->ctx);
}

/*
 * inih's find_chars_or_comment(): the first of CHARS in [S, END), or a ';'
 * after a blank (an inline comment, which ends the line for inih), or END.
 */
static const char *inih_find(const char *s, const char *end, const char *chars)
{
	int was_space = 0;

	for (; s < end; s++) {
		if (strchr(chars, *s) || (was_space && *s == ';'))
			return s;
		was_space = isspace((unsigned char)*s);
	}
	return end;
}

/* The first byte that is not blank, after a BOM on line 1. */
static const char *line_start(const struct reading *r, const char *line, size_t len,
			      int *indented)
{
	const char *p = line, *end = line + len;

	if (r->lineno == 1 && len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	*indented = p < end && (*p == ' ' || *p == '\t');
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static int header_line(struct reading *r, const char *p, const char *end, int indented)
{
	const char *close = inih_find(p + 1, end, "]");
	const char *rest;

	/* Whatever this line is, the value above it is complete. */
	value_end(r);
	/* After a key, inih would even take it for a continuation. */
	if (indented) {
		problem(r, 1, "indented section header",
			"a section header must start at the beginning of the line");
		return 0;
	}
	if (close == end || *close != ']') {
		int shown = end - p > 80 ? 80 : (int)(end - p);

		/* Quoted up to the end of this line only, and not too much of it. */
		problem(r, 1, "section header without a closing ']'",
			"section header without a closing ']': %.*s%s", shown, p,
			end - p > shown ? "..." : "");
		return 0;
	}
	rest = close + 1;
	while (rest < end && (*rest == ' ' || *rest == '\t'))
		rest++;
	if (rest < end && *rest != ';' && *rest != '#') {
		problem(r, 1, "text after the section header", "text after the section header");
		return 0;
	}
	r->have_key = 0;
	r->h->section(r->ctx, r->lineno, p + 1, (size_t)(close - p - 1));
	return 1;
}

/*
 * Classify one raw line the way inih will read it.  Returns how many of
 * its bytes inih should see: all of them, fewer (a continuation's inline
 * comment is cut off), or 0 when we reported the line ourselves, so the
 * same problem is not reported twice.
 */
static size_t line_for_inih(struct reading *r, const char *line, size_t len)
{
	const char *p, *eq, *end = line + len;
	int indented;

	p = line_start(r, line, len, &indented);
	while (end > p && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ' ||
			   end[-1] == '\t'))
		end--;
	indented = indented && p < end;
	r->continuation = 0;

	if (memchr(line, '\0', len)) {
		problem(r, 0, "line holds a NUL byte", "line holds a NUL byte");
		return 0;
	}
	if (p == end || *p == ';' || *p == '#')
		return len;
	if (*p == '[')
		return header_line(r, p, end, indented) ? len : 0;
	if (indented && r->have_key) {
		const char *comment = inih_find(p, end, "");

		/*
		 * inih reads it as a continuation but, unlike a key line,
		 * keeps an inline comment in the value: its words would
		 * become list items.  End the line before it.
		 */
		r->continuation = 1;
		return (size_t)(comment - line);
	}
	eq = inih_find(p, end, "=:");
	if (eq == end || *eq == ';') {
		problem(r, 0, "not 'key = value', a [section] or a comment",
			"expected 'key = value', a [section] or a comment");
		return 0;
	}
	value_end(r);
	r->have_key = 1;
	return len;
}

/* inih's fgets-like reader over the file's bytes. */
static char *reader(char *str, int num, void *stream)
{
	struct reading *r = stream;
	const char *line, *nl;
	size_t len, content, keep;

	if (r->pos >= r->len)
		return NULL;
	line = r->buf + r->pos;
	nl = memchr(line, '\n', r->len - r->pos);
	len = nl ? (size_t)(nl - line) + 1 : r->len - r->pos;
	r->pos += len;
	r->lineno++;

	/* The limit is on the text: "\n" or "\r\n" do not count. */
	content = len;
	if (nl) {
		content--;
		if (content && line[content - 1] == '\r')
			content--;
	}
	if (content > PG_INI_MAX_LINE || len + 1 > (size_t)num) {
		int indented;
		const char *p = line_start(r, line, len, &indented);

		/*
		 * inih does not see it.  Had it been a header, the keys below
		 * would land in the section above.  A key line only ends the
		 * value above it.
		 */
		if (*p == '[' || !indented || !r->have_key)
			value_end(r);
		problem(r, *p == '[', "line too long", "line is longer than %d bytes",
			PG_INI_MAX_LINE);
		strcpy(str, "\n");
		return str;
	}
	keep = line_for_inih(r, line, len);
	memcpy(str, line, keep);
	if (keep < len)
		strcpy(str + keep, "\n");
	else
		str[len] = '\0';
	return str;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct reading *r = user;

	(void)section;	/* the reader told the handler about headers already */
	r->h->key(r->ctx, r->lineno, name, value, r->continuation);
	return 1;
}

/* Report each line of WHY (reasons from readfile.c) as a problem of the file. */
static void file_problems(struct reading *r, const struct pg_buf *why)
{
	const char *p = pg_buf_cstr(why);

	while (*p) {
		size_t n = strcspn(p, "\n");
		char *reason = pg_xstrndup(p, n);

		/* It tells of the file's mode, nothing of its content. */
		problem(r, 0, reason, "%s", reason);
		free(reason);
		p += n + (p[n] == '\n');
	}
}

static int load_bytes(struct reading *r, const char *file, char **out, size_t *len)
{
	struct pg_buf why = PG_BUF_INIT;
	struct stat st;

	if (pg_file_read(file, MAX_FILE, out, len, &st) < 0) {
		problem(r, 0, "cannot read the file", "%s", pg_error_last());
		return -1;
	}
	/* Reported, and reading goes on so that check shows every problem. */
	pg_file_owner_only(file, &st, S_IWGRP | S_IWOTH, &why);
	file_problems(r, &why);
	pg_buf_free(&why);
	return 0;
}

static int was_reported(const struct reading *r, int line)
{
	for (size_t i = 0; i < r->nreported; i++)
		if (r->reported[i] == line)
			return 1;
	return 0;
}

/* Parse BUF[0..LEN) (not NUL-terminated), told to R's handler. */
static void parse(struct reading *r, const char *buf, size_t len)
{
	int rc;

	r->buf = buf;
	r->len = len;

	/*
	 * Debian's inih exposes its compile-time limits as globals.  Without
	 * ini_allow_realloc its line buffer stays at the initial size, so
	 * that is the real limit.
	 */
	ini_use_stack = false;
	ini_allow_realloc = false;
	ini_max_line = PG_INI_MAX_LINE + 8;
	ini_initial_alloc = PG_INI_MAX_LINE + 8;
	ini_allow_multiline = true;
	ini_allow_inline_comments = true;
	ini_stop_on_first_error = false;

	rc = ini_parse_stream(reader, r, on_key, r);
	value_end(r);
	if (rc == -2) {
		r->lineno = 0;
		problem(r, 0, "out of memory while parsing", "out of memory while parsing");
	} else if (rc > 0 && !was_reported(r, rc)) {
		r->lineno = rc;
		problem(r, 0, "syntax error", "syntax error");
	}
}

int pg_ini_read(const char *path, const struct pg_ini_handler *h, void *ctx)
{
	struct reading r;
	char *buf;
	size_t len;

	memset(&r, 0, sizeof(r));
	r.h = h;
	r.ctx = ctx;
	if (load_bytes(&r, path, &buf, &len) < 0) {
		free(r.reported);
		return -1;
	}
	parse(&r, buf, len);
	free(buf);
	free(r.reported);
	return 0;
}

void pg_ini_parse(const char *text, size_t len, const struct pg_ini_handler *h, void *ctx)
{
	struct reading r;

	memset(&r, 0, sizeof(r));
	r.h = h;
	r.ctx = ctx;
	parse(&r, text, len);
	free(r.reported);
}
