#include "allowlist.h"
#include "buf.h"
#include "error.h"
#include "readfile.h"
#include "secrules.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ALLOW_FILE (4u << 20)

static void problem(struct pg_allowlist *a, int line, int warning, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void problem(struct pg_allowlist *a, int line, int warning, const char *fmt, ...)
{
	struct pg_buf b = PG_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	pg_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	a->problems = pg_xrealloc(a->problems, (a->nproblems + 1) * sizeof(*a->problems));
	a->problems[a->nproblems].line = line;
	a->problems[a->nproblems].warning = warning;
	a->problems[a->nproblems].msg = pg_buf_detach(&b);
	a->nproblems++;
}

int pg_fingerprint_valid(const char *s, size_t len)
{
	size_t hex = 0, name, digits;

	while (hex < len && strchr("0123456789abcdef", s[hex]) && s[hex])
		hex++;
	if ((hex != 40 && hex != 64) || hex == len || s[hex] != ':')
		return 0;
	s += hex + 1;
	len -= hex + 1;
	for (name = 0; name < len && s[name] != ':'; name++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-",
			    s[name]) || !s[name])
			return 0;
	if (!name || name > PG_SECRULE_NAME_MAX || name == len)
		return 0;
	s += name + 1;
	len -= name + 1;
	for (digits = 0; digits < len; digits++)
		if (s[digits] < '0' || s[digits] > '9')
			return 0;
	return digits > 0 && digits <= 10 && s[0] != '0';
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int pg_allowlist_load(struct pg_allowlist **out, const char *file)
{
	struct pg_allowlist *a = pg_xcalloc(1, sizeof(*a));
	struct pg_buf why = PG_BUF_INIT;
	struct stat st;
	char *data, *p;
	size_t len;
	int lineno = 0;

	*out = a;
	if (pg_file_read(file, MAX_ALLOW_FILE, &data, &len, &st) < 0) {
		problem(a, 0, 0, "%s", pg_error_last());
		return -1;
	}
	if (pg_file_owner_only(file, &st, S_IWGRP | S_IWOTH, &why) < 0) {
		for (const char *w = why.ptr; *w; ) {
			size_t n = strcspn(w, "\n");

			problem(a, 0, 0, "%.*s", (int)n, w);
			w += n + (w[n] == '\n');
		}
	}
	pg_buf_free(&why);
	for (p = data; p < data + len; ) {
		char *nl = memchr(p, '\n', (size_t)(data + len - p));
		char *end = nl ? nl : data + len, *hash;
		size_t n;

		lineno++;
		if (end > p && end[-1] == '\r')
			end[-1] = '\0';
		*end = '\0';
		p += strspn(p, " \t");
		hash = strchr(p, '#');
		n = strcspn(p, " \t#");
		if (n == 0) {
			if (*p && *p != '#')
				problem(a, lineno, 0, "not a fingerprint");
		} else if (!pg_fingerprint_valid(p, n)) {
			problem(a, lineno, 0, "not a fingerprint BLOB:RULE:LINE, as pushgate prints "
				"it (pushgate scan lists them)");
		} else if (p[n + strspn(p + n, " \t")] && !hash) {
			problem(a, lineno, 0, "text after the fingerprint must be a comment (# ...)");
		} else {
			if (!hash || !hash[1 + strspn(hash + 1, " \t")])
				problem(a, lineno, 1, "fingerprint without a comment: say why it is "
					"allowed (# ...)");
			a->fp = pg_xrealloc(a->fp, (a->n + 1) * sizeof(*a->fp));
			a->fp[a->n++] = pg_xstrndup(p, n);
		}
		p = nl ? nl + 1 : data + len;
	}
	free(data);
	if (a->n)
		qsort(a->fp, a->n, sizeof(*a->fp), cmp);
	return 0;
}

int pg_allowlist_has(const struct pg_allowlist *a, const char *fingerprint)
{
	if (!a || !a->n)
		return 0;
	return bsearch(&fingerprint, a->fp, a->n, sizeof(*a->fp), cmp) != NULL;
}

void pg_allowlist_free(struct pg_allowlist *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++)
		free(a->fp[i]);
	free(a->fp);
	for (size_t i = 0; i < a->nproblems; i++)
		free(a->problems[i].msg);
	free(a->problems);
	free(a);
}
