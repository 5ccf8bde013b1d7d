/*
 * Reading rules files through inifile.c, as the policy is read, and
 * compiling them.  Each regex is compiled twice: by Hyperscan, all rules
 * into one database that finds where matches are, and by PCRE2 alone, to
 * find the capture group inside the few matches there are (Hyperscan
 * reports only where a match starts and ends).  Both read the same PCRE
 * syntax; a construct Hyperscan does not take (a back-reference, a
 * look-around) is reported at the rule's regex line.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "secrules.h"
#include "buf.h"
#include "error.h"
#include "glob.h"
#include "inifile.h"
#include "pathname.h"
#include "readfile.h"

#include <hs/hs.h>
#include <math.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

#define MAX_RULES 1000
#define MAX_KEYWORDS 32
#define MAX_REGEX_LEN 4096

struct reader {
	struct pg_secrules *s;
	const char *file;
	struct pg_secrule *cur;	/* NULL: outside a [rule] (or a broken one) */
	int in_section;		/* a header was read, good or not */
	const char *pend_key;	/* the list key being read (keywords, paths, help) */
};

static void problem(struct pg_secrules *s, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void problem(struct pg_secrules *s, const char *file, int line, const char *fmt, ...)
{
	struct pg_buf b = PG_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	pg_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	s->problems = pg_xrealloc(s->problems, (s->nproblems + 1) * sizeof(*s->problems));
	s->problems[s->nproblems].file = file;
	s->problems[s->nproblems].line = line;
	s->problems[s->nproblems].msg = pg_buf_detach(&b);
	s->nproblems++;
}

static void rule_problem(struct reader *rd, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void rule_problem(struct reader *rd, int line, const char *fmt, ...)
{
	struct pg_buf b = PG_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	pg_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	problem(rd->s, rd->file, line, "%s", b.ptr);
	if (rd->cur)
		rd->cur->ok = 0;
	pg_buf_free(&b);
}

static int name_valid(const char *n, size_t len)
{
	if (!len || len > PG_SECRULE_NAME_MAX)
		return 0;
	return strspn(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == len;
}

static void on_section(void *ctx, int line, const char *name, size_t len)
{
	struct reader *rd = ctx;
	struct pg_secrules *s = rd->s;
	const char *q, *end = name + len;
	struct pg_secrule *r;

	rd->cur = NULL;
	rd->in_section = 1;
	rd->pend_key = NULL;
	while (name < end && (*name == ' ' || *name == '\t'))
		name++;
	while (end > name && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if ((size_t)(end - name) < 8 || strncmp(name, "rule \"", 6) || end[-1] != '"') {
		problem(s, rd->file, line, "a rules file holds [rule \"NAME\"] sections only");
		return;
	}
	q = name + 6;
	if (!name_valid(q, (size_t)(end - 1 - q))) {
		problem(s, rd->file, line, "rule name must be 1 to %d of A-Z a-z 0-9 . _ -",
			PG_SECRULE_NAME_MAX);
		return;
	}
	for (size_t i = 0; i < s->n; i++)
		if (strlen(s->rules[i].name) == (size_t)(end - 1 - q) &&
		    !strncmp(s->rules[i].name, q, (size_t)(end - 1 - q))) {
			problem(s, rd->file, line, "rule \"%s\" is defined twice (first at %s:%d)",
				s->rules[i].name, s->rules[i].file, s->rules[i].line);
			return;
		}
	if (s->n >= MAX_RULES) {
		problem(s, rd->file, line, "more than %d secret rules", MAX_RULES);
		return;
	}
	s->rules = pg_xrealloc(s->rules, (s->n + 1) * sizeof(*s->rules));
	r = &s->rules[s->n++];
	memset(r, 0, sizeof(*r));
	r->name = pg_xstrndup(q, (size_t)(end - 1 - q));
	r->file = rd->file;
	r->line = line;
	r->ok = 1;
	rd->cur = r;
}

static void push_str(char ***arr, size_t *n, const char *s, size_t len)
{
	*arr = pg_xrealloc(*arr, (*n + 1) * sizeof(**arr));
	(*arr)[(*n)++] = pg_xstrndup(s, len);
}

static void set_regex(struct reader *rd, int line, const char *value)
{
	struct pg_secrule *r = rd->cur;
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	uint32_t groups = 0;
	int err;
	pcre2_code *re;

	if (r->regex_line) {
		rule_problem(rd, line, "'regex' is given twice (first at line %d)", r->regex_line);
		return;
	}
	r->regex_line = line;
	if (!*value) {
		rule_problem(rd, line, "'regex' is empty");
		return;
	}
	if (strlen(value) > MAX_REGEX_LEN) {
		rule_problem(rd, line, "'regex' is longer than %d bytes", MAX_REGEX_LEN);
		return;
	}
	re = pcre2_compile((PCRE2_SPTR)value, PCRE2_ZERO_TERMINATED, PCRE2_MULTILINE, &err, &off,
			   NULL);
	if (!re) {
		pcre2_get_error_message(err, msg, sizeof(msg));
		rule_problem(rd, line, "regex: %s at offset %zu", (char *)msg, (size_t)off);
		return;
	}
	pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &groups);
	if (groups > 1) {
		pcre2_code_free(re);
		rule_problem(rd, line, "regex: %u capture groups; the secret is one group or the "
			     "whole match (group with (?:...))", groups);
		return;
	}
	r->re = re;
	r->has_group = groups == 1;
	r->regex = pg_xstrdup(value);
}

static void set_keywords(struct reader *rd, int line, const char *value, int continuation)
{
	struct pg_secrule *r = rd->cur;
	const char *p = value;

	if (!continuation && r->keywords) {
		rule_problem(rd, line, "'keywords' is given twice");
		return;
	}
	if (!*value && !continuation) {
		rule_problem(rd, line, "'keywords' is empty");
		return;
	}
	while (*p) {
		size_t n = strcspn(p, ", \t");

		if (n == 0 && *p == ',') {
			rule_problem(rd, line, "keywords: an empty keyword (two commas)");
			return;
		}
		if (n) {
			struct pg_buf lower = PG_BUF_INIT;

			if (r->nkeywords >= MAX_KEYWORDS) {
				rule_problem(rd, line, "more than %d keywords", MAX_KEYWORDS);
				return;
			}
			for (size_t i = 0; i < n; i++)
				pg_buf_putc(&lower, (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]));
			push_str(&r->keywords, &r->nkeywords, lower.ptr, lower.len);
			pg_buf_free(&lower);
			p += n;
		}
		p += strspn(p, " \t");
		if (*p == ',') {
			p++;
			p += strspn(p, " \t");
			if (!*p || *p == ',') {
				rule_problem(rd, line, "keywords: an empty keyword");
				return;
			}
		}
	}
}

static void set_entropy(struct reader *rd, int line, const char *value)
{
	char *end;
	double d;

	d = strtod(value, &end);
	if (!*value || *end || !(d >= 0.0 && d <= 8.0))
		rule_problem(rd, line, "entropy must be a number from 0 to 8 (bits a byte), not '%s'",
			     value);
	else
		rd->cur->entropy = d;
}

static void set_paths(struct reader *rd, int line, const char *value)
{
	struct pg_secrule *r = rd->cur;
	char *copy = pg_xstrdup(value), *save = NULL;

	for (char *t = strtok_r(copy, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save)) {
		struct pg_buf folded = PG_BUF_INIT;

		if (pg_glob_check(t) < 0) {
			rule_problem(rd, line, "paths: %s", pg_error_last());
			continue;
		}
		pg_path_fold_pattern(&folded, t);
		push_str(&r->paths, &r->npaths, folded.ptr, folded.len);
		pg_buf_free(&folded);
	}
	free(copy);
}

static void on_key(void *ctx, int line, const char *name, const char *value, int continuation)
{
	struct reader *rd = ctx;

	if (!rd->cur) {
		if (!rd->in_section)
			problem(rd->s, rd->file, line, "'%s' is outside of any [rule \"NAME\"]", name);
		return;	/* a broken header was reported */
	}
	if (continuation && !(rd->pend_key && !strcmp(rd->pend_key, name))) {
		rule_problem(rd, line, "'%s' takes a single value; this indented line would "
			     "continue it", name);
		return;
	}
	rd->pend_key = NULL;
	if (!strcmp(name, "regex")) {
		set_regex(rd, line, value);
	} else if (!strcmp(name, "keywords")) {
		set_keywords(rd, line, value, continuation);
		rd->pend_key = "keywords";
	} else if (!strcmp(name, "entropy")) {
		set_entropy(rd, line, value);
	} else if (!strcmp(name, "paths")) {
		set_paths(rd, line, value);
		rd->pend_key = "paths";
	} else if (!strcmp(name, "help")) {
		if (*value)
			push_str(&rd->cur->help, &rd->cur->nhelp, value, strlen(value));
		rd->pend_key = "help";
	} else {
		rule_problem(rd, line, "unknown key '%s' in [rule \"%s\"]", name, rd->cur->name);
	}
}

static void on_value_end(void *ctx)
{
	(void)ctx;
}

static void on_problem(void *ctx, int line, int lost_section, const char *brief, const char *msg)
{
	struct reader *rd = ctx;

	(void)brief;
	if (lost_section) {
		rd->cur = NULL;
		rd->in_section = 1;
	}
	problem(rd->s, rd->file, line, "%s", msg);
	if (rd->cur)
		rd->cur->ok = 0;
}

static const struct pg_ini_handler handler = { on_section, on_key, on_value_end, on_problem };

static const char *keep_name(struct pg_secrules *s, const char *file)
{
	s->files = pg_xrealloc(s->files, (s->nfiles + 1) * sizeof(*s->files));
	s->files[s->nfiles] = pg_xstrdup(file);
	return s->files[s->nfiles++];
}

/* Every rule read from FILE needs a regex. */
static void finish(struct pg_secrules *s, size_t first, const char *file)
{
	for (size_t i = first; i < s->n; i++)
		if (!s->rules[i].regex_line) {
			problem(s, file, s->rules[i].line, "rule \"%s\" has no 'regex'",
				s->rules[i].name);
			s->rules[i].ok = 0;
		}
}

struct pg_secrules *pg_secrules_new(void)
{
	return pg_xcalloc(1, sizeof(struct pg_secrules));
}

void pg_secrules_add_builtin(struct pg_secrules *s)
{
	struct reader rd = { s, keep_name(s, "builtin"), NULL, 0, NULL };
	size_t first = s->n;

	pg_ini_parse(pg_secrules_builtin_text, strlen(pg_secrules_builtin_text), &handler, &rd);
	finish(s, first, rd.file);
}

void pg_secrules_add_file(struct pg_secrules *s, const char *file)
{
	struct reader rd = { s, keep_name(s, file), NULL, 0, NULL };
	size_t first = s->n;

	pg_ini_read(file, &handler, &rd);
	finish(s, first, rd.file);
}

int pg_secrules_compile(struct pg_secrules *s)
{
	const char **exprs;
	unsigned *flags, *ids;
	hs_compile_error_t *err = NULL;
	hs_database_t *db = NULL;
	hs_scratch_t *scratch = NULL;
	struct timespec t0, t1;
	size_t n = 0;
	int rc = 0;

	if (s->db)
		return 0;
	for (size_t i = 0; i < s->n; i++)
		if (!s->rules[i].ok) {
			pg_error_set("%s:%d: rule \"%s\" has a problem", s->rules[i].file,
				     s->rules[i].line, s->rules[i].name);
			return -1;
		}
	if (!s->n) {
		pg_error_set("no secret rules to compile");
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	exprs = pg_xcalloc(s->n, sizeof(*exprs));
	flags = pg_xcalloc(s->n, sizeof(*flags));
	ids = pg_xcalloc(s->n, sizeof(*ids));
	for (size_t i = 0; i < s->n; i++) {
		exprs[n] = s->rules[i].regex;
		/* Ends only: PCRE2 finds the start (secscan.c). */
		flags[n] = HS_FLAG_MULTILINE;
		ids[n] = (unsigned)i;
		n++;
	}
	if (hs_compile_multi(exprs, flags, ids, (unsigned)n, HS_MODE_BLOCK, NULL, &db, &err) !=
	    HS_SUCCESS) {
		const struct pg_secrule *r = err && err->expression >= 0 &&
					     (size_t)err->expression < n
						     ? &s->rules[ids[err->expression]] : NULL;

		if (r) {
			problem(s, r->file, r->regex_line, "regex of rule \"%s\": Hyperscan cannot "
				"compile it: %s", r->name, err->message);
			pg_error_set("%s:%d: regex of rule \"%s\": Hyperscan cannot compile it: %s",
				     r->file, r->regex_line, r->name, err->message);
		} else {
			pg_error_set("cannot compile the secret rules: %s",
				     err && err->message ? err->message : "unknown error");
		}
		hs_free_compile_error(err);
		rc = -1;
	} else if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS) {
		pg_error_set("cannot allocate Hyperscan scratch space");
		hs_free_database(db);
		rc = -1;
	} else {
		s->db = db;
		s->scratch = scratch;
	}
	free(exprs);
	free(flags);
	free(ids);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s->compile_ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
			(double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	return rc;
}

#define CACHE_MAGIC "pushgate hsdb 2\n"
#define CACHE_MAX (64u << 20)

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/*
 * What the database is made of: the engine's version and every rule's
 * regex, in order (a regex holds no newline).  The cache file holds it in
 * full and is used only when it is the same; a 64-bit FNV-1a of it names
 * the file.  (No cryptographic hash: loading OpenSSL's configuration for
 * one would cost a push more than the cache saves.)
 */
static void rules_key(const struct pg_secrules *s, struct pg_buf *key, char name[17])
{
	unsigned long long h = 1469598103934665603ull;

	pg_buf_printf(key, "%s%s\n", CACHE_MAGIC, hs_version());
	for (size_t i = 0; i < s->n; i++) {
		pg_buf_puts(key, s->rules[i].regex ? s->rules[i].regex : "");
		pg_buf_putc(key, '\n');
	}
	pg_buf_putc(key, '\n');	/* the end of the key */
	for (size_t i = 0; i < key->len; i++)
		h = (h ^ (unsigned char)key->ptr[i]) * 1099511628211ull;
	snprintf(name, 17, "%016llx", h);
}

/* The cached database at S->cache, if it is there, sound, safe and for KEY. */
static int cache_load(struct pg_secrules *s, const struct pg_buf *key)
{
	struct pg_buf why = PG_BUF_INIT;
	hs_database_t *db = NULL;
	hs_scratch_t *scratch = NULL;
	struct stat st;
	size_t len;
	char *data;
	int rc = -1;

	if (pg_file_read(s->cache, CACHE_MAX, &data, &len, &st) < 0)
		return -1;
	if (pg_file_owner_only(s->cache, &st, S_IWGRP | S_IWOTH, &why) == 0 && len > key->len &&
	    !memcmp(data, key->ptr, key->len) &&
	    hs_deserialize_database(data + key->len, len - key->len, &db) == HS_SUCCESS) {
		if (hs_alloc_scratch(db, &scratch) == HS_SUCCESS) {
			s->db = db;
			s->scratch = scratch;
			rc = 0;
		} else {
			hs_free_database(db);
		}
	}
	pg_buf_free(&why);
	free(data);
	return rc;
}

/* Write KEY and S's database to S->cache: a new file, renamed into place. */
static int cache_write(const struct pg_secrules *s, const struct pg_buf *key)
{
	struct pg_buf tmp = PG_BUF_INIT;
	char *bytes = NULL;
	size_t len = 0;
	int fd, rc = -1;

	if (hs_serialize_database(s->db, &bytes, &len) != HS_SUCCESS)
		return -1;
	pg_buf_printf(&tmp, "%s.%ld.tmp", s->cache, (long)getpid());
	fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd >= 0) {
		int ok = write(fd, key->ptr, key->len) == (ssize_t)key->len &&
			 write(fd, bytes, len) == (ssize_t)len;

		if (close(fd) == 0 && ok && rename(tmp.ptr, s->cache) == 0)
			rc = 0;
		else
			unlink(tmp.ptr);
	}
	free(bytes);
	pg_buf_free(&tmp);
	return rc;
}

int pg_secrules_compile_cached(struct pg_secrules *s, const char *dir)
{
	struct pg_buf key = PG_BUF_INIT, path = PG_BUF_INIT;
	struct timespec t0;
	char name[17];
	int rc = 0;

	if (s->db || !dir)
		return pg_secrules_compile(s);
	for (size_t i = 0; i < s->n; i++)
		if (!s->rules[i].ok)
			return pg_secrules_compile(s);	/* says which */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rules_key(s, &key, name);
	pg_buf_printf(&path, "%s/pushgate-secrets.%s.hsdb", dir, name);
	free(s->cache);
	s->cache = pg_buf_detach(&path);
	if (cache_load(s, &key) == 0) {
		s->cache_state = PG_CACHE_LOADED;
		s->compile_ms = ms_since(&t0);
	} else if (pg_secrules_compile(s) < 0) {
		rc = -1;
	} else {
		s->cache_state = cache_write(s, &key) == 0 ? PG_CACHE_WRITTEN : PG_CACHE_UNWRITABLE;
	}
	pg_buf_free(&key);
	return rc;
}

static void free_strs(char **a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(a[i]);
	free(a);
}

void pg_secrules_free(struct pg_secrules *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		struct pg_secrule *r = &s->rules[i];

		free(r->name);
		free(r->regex);
		free_strs(r->keywords, r->nkeywords);
		free_strs(r->paths, r->npaths);
		free_strs(r->help, r->nhelp);
		pcre2_code_free(r->re);
	}
	free(s->rules);
	for (size_t i = 0; i < s->nproblems; i++)
		free(s->problems[i].msg);
	free(s->problems);
	hs_free_scratch(s->scratch);
	hs_free_database(s->db);
	free_strs(s->files, s->nfiles);
	free(s->cache);
	free(s);
}

double pg_entropy(const unsigned char *p, size_t len)
{
	size_t count[256] = { 0 };
	double h = 0.0;

	if (!len)
		return 0.0;
	for (size_t i = 0; i < len; i++)
		count[p[i]]++;
	for (int c = 0; c < 256; c++) {
		double q;

		if (!count[c])
			continue;
		q = (double)count[c] / (double)len;
		h -= q * log2(q);
	}
	return h;
}
