#include "signers.h"
#include "error.h"
#include "escape.h"
#include "readfile.h"
#include "wire.h"
#include "window.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define MAX_FILE (1024 * 1024)	/* a line per key: thousands of people fit */
#define ED25519 "ssh-ed25519"

/*
 * Key types that ssh-keygen reads in this file.  A line with one of these
 * is a good line that pushgate cannot use; any other word where the key
 * type belongs is a mistake.
 */
static const char *const verified_key_types[] = {
	"ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
	"ecdsa-sha2-nistp521",
};

/* Key types OpenSSH takes that pushgate does not verify: skipped, not errors. */
static const char *const other_key_types[] = {
	"ssh-dss", "sk-ssh-ed25519@openssh.com",
	"sk-ecdsa-sha2-nistp256@openssh.com", "ssh-ed25519-cert-v01@openssh.com",
	"ssh-rsa-cert-v01@openssh.com", "ssh-dss-cert-v01@openssh.com",
	"ecdsa-sha2-nistp256-cert-v01@openssh.com",
	"ecdsa-sha2-nistp384-cert-v01@openssh.com",
	"ecdsa-sha2-nistp521-cert-v01@openssh.com",
	"sk-ssh-ed25519-cert-v01@openssh.com",
	"sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
	"webauthn-sk-ecdsa-sha2-nistp256@openssh.com",
};

static struct pg_signers *signers_new(const char *name)
{
	struct pg_signers *s = pg_xcalloc(1, sizeof(*s));

	s->path = pg_xstrdup(name);
	return s;
}

static void problem(struct pg_signers *s, int line, int unsupported, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void problem(struct pg_signers *s, int line, int unsupported, const char *fmt, ...)
{
	struct pg_buf b = PG_BUF_INIT;
	struct pg_signers_problem *p;
	va_list ap;

	va_start(ap, fmt);
	pg_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	s->problems = pg_xrealloc(s->problems, (s->nproblems + 1) * sizeof(*s->problems));
	p = &s->problems[s->nproblems++];
	p->file = s->path;
	p->line = line;
	p->msg = pg_buf_detach(&b);
	p->unsupported = unsupported;
}

static void free_patterns(struct pg_signers_pattern *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(p[i].glob);
	free(p);
}

static void free_entry(struct pg_signer *e)
{
	free(e->principals);
	free_patterns(e->pats, e->npats);
	free_patterns(e->ns, e->nns);
}

void pg_signers_free(struct pg_signers *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nentries; i++)
		free_entry(&s->entries[i]);
	free(s->entries);
	for (size_t i = 0; i < s->nproblems; i++)
		free(s->problems[i].msg);
	free(s->problems);
	free(s->path);
	free(s);
}

/* ---- pattern lists ---- */

/*
 * OpenSSH's match_pattern() knows only '*' and '?'; fnmatch() also knows
 * "[...]" and backslash escapes.  Escaping '[', ']' and '\' keeps a
 * principal such as "a[1]@example.com" meaning itself.
 */
static char *to_glob(const char *s, size_t len)
{
	struct pg_buf b = PG_BUF_INIT;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '[' || s[i] == ']' || s[i] == '\\')
			pg_buf_putc(&b, '\\');
		pg_buf_putc(&b, s[i]);
	}
	return pg_buf_detach(&b);
}

/* Split the comma-separated LIST; -1 with pg_error_set() for an empty element. */
static int parse_patterns(const char *list, struct pg_signers_pattern **out, size_t *n)
{
	struct pg_signers_pattern *pats = NULL;
	size_t count = 0;
	const char *p = list;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		int negated = 0;

		if (len && *p == '!') {
			negated = 1;
			p++;
			len--;
		}
		if (!len) {
			pg_error_set("an empty pattern in \"%s\"", list);
			free_patterns(pats, count);
			return -1;
		}
		pats = pg_xrealloc(pats, (count + 1) * sizeof(*pats));
		pats[count].glob = to_glob(p, len);
		pats[count].negated = negated;
		count++;
		if (!comma)
			break;
		p = comma + 1;
	}
	*out = pats;
	*n = count;
	return 0;
}

/*
 * OpenSSH's match_pattern_list(): NAME matches when some pattern matches
 * it and no negated one does.
 */
static int patterns_match(const struct pg_signers_pattern *p, size_t n, const char *name)
{
	int positive = 0;

	for (size_t i = 0; i < n; i++) {
		if (fnmatch(p[i].glob, name, 0) != 0)
			continue;
		if (p[i].negated)
			return 0;
		positive = 1;
	}
	return positive;
}

/* ---- times ---- */

static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/*
 * "YYYYMMDD", "YYYYMMDDHHMM" or "YYYYMMDDHHMMSS", then "Z" (or "UTC", as
 * ssh-keygen also takes) for UTC, else local time.  Stricter than
 * ssh-keygen, which lets mktime() turn 20240231 into 2 March.  Local time
 * follows the zone's daylight saving time; ssh-keygen 9.2 always reads it
 * as standard time, an hour later than meant in summer.
 */
static int parse_time(const char *v, int64_t *out)
{
	size_t len = strlen(v);
	int utc = 0, y, mo, d, h = 0, mi = 0, sec = 0;
	struct tm tm;
	time_t t;

	if (len > 1 && (v[len - 1] == 'Z' || v[len - 1] == 'z')) {
		utc = 1;
		len--;
	} else if (len > 3 && strcasecmp(v + len - 3, "UTC") == 0) {
		utc = 1;
		len -= 3;
	}
	if (len != 8 && len != 12 && len != 14)
		return -1;
	for (size_t i = 0; i < len; i++)
		if (v[i] < '0' || v[i] > '9')
			return -1;
	y = digits(v, 4);
	mo = digits(v + 4, 2);
	d = digits(v + 6, 2);
	if (len >= 12) {
		h = digits(v + 8, 2);
		mi = digits(v + 10, 2);
	}
	if (len == 14)
		sec = digits(v + 12, 2);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > pg_days_in_month(y, mo) ||
	    h > 23 || mi > 59 || sec > 59)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if (utc) {
		t = timegm(&tm);
	} else {
		tm.tm_isdst = -1;
		t = mktime(&tm);
	}
	if (t < 0)
		return -1;
	*out = (int64_t)t;
	return 0;
}

static void put_time(struct pg_buf *b, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char s[64];

	if (!gmtime_r(&tt, &tm) || !strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm)) {
		pg_buf_printf(b, "%lld", (long long)t);
		return;
	}
	pg_buf_puts(b, s);
}

/* ---- one line ---- */

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static char *skip_ws(char *p)
{
	while (is_ws(*p))
		p++;
	return p;
}

/* Cut the word at *P (up to white space); *P moves past it and its spaces. */
static char *next_word(char **p)
{
	char *w = *p, *e = w;

	while (*e && !is_ws(*e))
		e++;
	if (*e)
		*e++ = '\0';
	*p = skip_ws(e);
	return w;
}

/*
 * OpenSSH's opt_match(): "KEYWORD=" in any case.  On a match *P moves to
 * the value.
 */
static int opt_match(const char **p, const char *keyword)
{
	size_t n = strlen(keyword);

	if (strncasecmp(*p, keyword, n) == 0 && (*p)[n] == '=') {
		*p += n + 1;
		return 1;
	}
	return 0;
}

/* OpenSSH's opt_dequote(): a value in double quotes, \" for a quote. */
static char *dequote(const char **p, const char *keyword)
{
	const char *s = *p;
	struct pg_buf b = PG_BUF_INIT;

	if (*s != '"') {
		pg_error_set("%s= needs a value in double quotes", keyword);
		return NULL;
	}
	for (s++; *s && *s != '"'; s++) {
		if (s[0] == '\\' && s[1] == '"')
			s++;
		pg_buf_putc(&b, *s);
	}
	if (!*s) {
		pg_buf_free(&b);
		pg_error_set("%s=: missing the closing quote", keyword);
		return NULL;
	}
	*p = s + 1;
	return pg_buf_detach(&b);
}

static int option_time(const char **p, const char *keyword, int *has, int64_t *t)
{
	char *v;

	if (*has) {
		pg_error_set("%s given twice", keyword);
		return -1;
	}
	v = dequote(p, keyword);
	if (!v)
		return -1;
	if (parse_time(v, t) < 0) {
		struct pg_buf b = PG_BUF_INIT;

		pg_escape_puts(&b, v);
		pg_error_set("%s=\"%s\": expected YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS, "
			     "then Z for UTC", keyword, pg_buf_cstr(&b));
		pg_buf_free(&b);
		free(v);
		return -1;
	}
	free(v);
	*has = 1;
	return 0;
}

/* The options of E (OpenSSH's sshsigopt_parse()); *ca set for cert-authority. */
static int parse_options(struct pg_signer *e, const char *opts, int *ca)
{
	const char *p = opts;

	while (*p) {
		if (strncasecmp(p, "cert-authority", 14) == 0 && (p[14] == ',' || !p[14])) {
			*ca = 1;
			p += 14;
		} else if (opt_match(&p, "namespaces")) {
			char *v;
			int rc;

			if (e->ns) {
				pg_error_set("namespaces given twice");
				return -1;
			}
			v = dequote(&p, "namespaces");
			if (!v)
				return -1;
			rc = parse_patterns(v, &e->ns, &e->nns);
			free(v);
			if (rc < 0) {
				char why[512];

				snprintf(why, sizeof(why), "%s", pg_error_last());
				pg_error_set("namespaces: %s", why);
				return -1;
			}
		} else if (opt_match(&p, "valid-after")) {
			if (option_time(&p, "valid-after", &e->has_after, &e->valid_after) < 0)
				return -1;
		} else if (opt_match(&p, "valid-before")) {
			if (option_time(&p, "valid-before", &e->has_before,
					&e->valid_before) < 0)
				return -1;
		} else {
			struct pg_buf b = PG_BUF_INIT;

			pg_escape_put(&b, p, strcspn(p, ",="));
			pg_error_set("unknown option \"%s\" (known: namespaces, valid-after, "
				     "valid-before, cert-authority)", pg_buf_cstr(&b));
			pg_buf_free(&b);
			return -1;
		}
		if (!*p)
			break;
		if (*p != ',') {
			pg_error_set("options must be separated by ',' with no spaces");
			return -1;
		}
		if (!*++p) {
			pg_error_set("the options end in ','");
			return -1;
		}
	}
	if (e->has_after && e->has_before && e->valid_before <= e->valid_after) {
		pg_error_set("valid-before is not later than valid-after");
		return -1;
	}
	return 0;
}

/*
 * Where the key type belongs, a word that looks like one: OpenSSH tries to
 * read a key there and takes the word for options when it cannot.
 */
static int looks_like_key_type(const char *p)
{
	static const char *const prefixes[] = { "ssh-", "ecdsa-", "sk-", "rsa-", "webauthn-" };
	size_t len = strcspn(p, " \t\r");

	for (size_t i = 0; i < len; i++)
		if (p[i] == '=' || p[i] == '"')
			return 0;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(p, prefixes[i], strlen(prefixes[i])) == 0)
			return 1;
	return 0;
}

static int is_other_key_type(const char *w)
{
	for (size_t i = 0; i < sizeof(other_key_types) / sizeof(other_key_types[0]); i++)
		if (!strcmp(w, other_key_types[i]))
			return 1;
	return 0;
}

/* Cut the options word at *P: white space inside quotes does not end it. */
static char *options_word(char **p)
{
	char *w = *p, *e = w;
	int quoted = 0;

	for (; *e && (quoted || !is_ws(*e)); e++) {
		if (e[0] == '\\' && e[1] == '"')
			e++;
		else if (*e == '"')
			quoted = !quoted;
	}
	if (quoted) {
		pg_error_set("the options have an unterminated quote");
		return NULL;
	}
	if (*e)
		*e++ = '\0';
	*p = skip_ws(e);
	return w;
}

static int is_verified_key_type(const char *w)
{
	for (size_t i = 0; i < sizeof(verified_key_types) / sizeof(verified_key_types[0]); i++)
		if (!strcmp(w, verified_key_types[i]))
			return 1;
	return 0;
}

/*
 * The base64 key word, a key of type TYPE (sshpubkey.h).  0; 1 when it is a
 * key pushgate will not use (an RSA key under 2048 bits); -1 malformed.
 */
static int parse_key(struct pg_pubkey *out, const char *type, const char *b64)
{
	struct pg_buf blob = PG_BUF_INIT;
	struct pg_wire w;
	int rc;

	if (pg_base64_decode(&blob, b64, strlen(b64)) < 0) {
		char why[512];

		snprintf(why, sizeof(why), "%s", pg_error_last());
		pg_error_set("the key is not valid base64 (%s)", why);
		pg_buf_free(&blob);
		return -1;
	}
	/* The blob names its type: it must be the one the line says. */
	pg_wire_init(&w, blob.ptr, blob.len, "the key");
	if (pg_wire_expect(&w, type, "key type") < 0)
		rc = -1;
	else if (pg_pubkey_parse(out, blob.ptr, blob.len, "the key") < 0)
		rc = strstr(pg_error_last(), "too small") ? 1 : -1;
	else
		rc = 0;
	pg_buf_free(&blob);
	return rc;
}

/*
 * One line, NUL-terminated and without its LF.  A good line becomes an
 * entry; a bad one a problem, and nothing else.
 */
static void parse_line(struct pg_signers *s, char *line, int lineno)
{
	struct pg_signer e;
	struct pg_buf b = PG_BUF_INIT;
	char *p = skip_ws(line), *principals, *opts = NULL, *type, *key;
	int ca = 0;

	if (*p == '#' || *p == '\0')
		return;
	memset(&e, 0, sizeof(e));
	e.line = lineno;

	/* Principals: one word, or anything in double quotes. */
	if (*p == '"') {
		char *q = strchr(p + 1, '"');

		if (!q) {
			problem(s, lineno, 0, "the principals have an unterminated quote");
			return;
		}
		*q = '\0';
		principals = p + 1;
		if (q[1] && !is_ws(q[1])) {
			problem(s, lineno, 0, "expected white space after the quoted principals");
			return;
		}
		p = skip_ws(q + 1);
	} else {
		principals = next_word(&p);
		if (strchr(principals, '"')) {
			problem(s, lineno, 0,
				"a quote inside the principals; quote all of them or none");
			return;
		}
	}
	if (!*p) {
		problem(s, lineno, 0, "expected 'principals [options] keytype base64-key'; "
			"the key is missing");
		return;
	}

	if (looks_like_key_type(p)) {
		type = next_word(&p);
	} else {
		opts = options_word(&p);
		if (!opts) {
			problem(s, lineno, 0, "%s", pg_error_last());
			return;
		}
		if (!*p) {
			problem(s, lineno, 0, "the key is missing after the options");
			return;
		}
		type = next_word(&p);
	}
	key = *p ? next_word(&p) : NULL;
	/* The rest, if any, is the comment. */

	if (parse_patterns(principals, &e.pats, &e.npats) < 0) {
		problem(s, lineno, 0, "principals: %s", pg_error_last());
		goto fail;
	}
	if (opts && parse_options(&e, opts, &ca) < 0) {
		problem(s, lineno, 0, "%s", pg_error_last());
		goto fail;
	}
	if (!is_verified_key_type(type)) {
		pg_escape_puts(&b, type);
		if (is_other_key_type(type))
			problem(s, lineno, 1, "key type %s is not supported (ssh-ed25519, ssh-rsa, "
				"ecdsa-sha2-nistp256/384/521); line skipped", pg_buf_cstr(&b));
		else
			problem(s, lineno, 0, "unknown key type \"%s\"", pg_buf_cstr(&b));
		goto fail;
	}
	if (!key) {
		pg_escape_puts(&b, type);
		problem(s, lineno, 0, "the base64 key is missing after %s", pg_buf_cstr(&b));
		goto fail;
	}
	switch (parse_key(&e.key, type, key)) {
	case 0:
		break;
	case 1:
		problem(s, lineno, 1, "%s; line skipped", pg_error_last());
		goto fail;
	default:
		problem(s, lineno, 0, "%s", pg_error_last());
		goto fail;
	}
	if (ca) {
		problem(s, lineno, 1, "cert-authority is not supported: pushgate checks "
			"signatures by plain keys, not by certificates; line skipped");
		goto fail;
	}
	e.principals = pg_xstrdup(principals);
	s->entries = pg_xrealloc(s->entries, (s->nentries + 1) * sizeof(*s->entries));
	s->entries[s->nentries++] = e;
	pg_buf_free(&b);
	return;
fail:
	free_entry(&e);
	pg_buf_free(&b);
}

static void parse_text(struct pg_signers *s, const char *text, size_t len)
{
	size_t start = 0;
	int lineno = 0;

	while (start < len) {
		const char *nl = memchr(text + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - text) : len;
		char *line;

		lineno++;
		if (memchr(text + start, '\0', end - start)) {
			problem(s, lineno, 0, "a NUL byte in the line");
		} else {
			line = pg_xstrndup(text + start, end - start);
			parse_line(s, line, lineno);
			free(line);
		}
		start = end + 1;
	}
}

int pg_signers_parse(struct pg_signers **out, const char *name,
		     const char *text, size_t len)
{
	struct pg_signers *s = signers_new(name);

	parse_text(s, text, len);
	*out = s;
	return s->nproblems ? -1 : 0;
}

/* The configuration's rule (config.c): only the owner may change the file. */
int pg_signers_load(struct pg_signers **out, const char *path)
{
	struct pg_signers *s = signers_new(path);
	struct pg_buf why = PG_BUF_INIT;
	struct stat st;
	const char *p;
	char *buf;
	size_t len;
	int ok;

	*out = s;
	if (pg_file_read(path, MAX_FILE, &buf, &len, &st) < 0) {
		problem(s, 0, 0, "%s", pg_error_last());
		return -1;
	}
	/* Whoever else can write it, or replace it, can add a key. */
	ok = pg_file_owner_only(path, &st, S_IWGRP | S_IWOTH, &why) == 0;
	for (p = pg_buf_cstr(&why); *p; ) {
		size_t n = strcspn(p, "\n");

		problem(s, 0, 0, "%.*s", (int)n, p);
		p += n + (p[n] == '\n');
	}
	pg_buf_free(&why);
	/* A refused file is still read, so that `pushgate check` shows all. */
	parse_text(s, buf, len);
	free(buf);
	if (!ok) {
		for (size_t i = 0; i < s->nentries; i++)
			free_entry(&s->entries[i]);
		free(s->entries);
		s->entries = NULL;
		s->nentries = 0;
	}
	return s->nproblems ? -1 : 0;
}

/* ---- lookups ---- */

enum refusal { REF_NONE, REF_NAMESPACE, REF_EXPIRED, REF_NOT_YET };

static int lookup(const struct pg_signers *s, const struct pg_pubkey *key, const char *principal,
		  const char *namespace, time_t when, const char **principal_out,
		  struct pg_buf *why)
{
	const struct pg_signer *first = NULL;
	enum refusal reason = REF_NONE;
	int key_seen = 0;

	for (size_t i = 0; i < s->nentries; i++) {
		const struct pg_signer *e = &s->entries[i];
		enum refusal r = REF_NONE;

		if (!pg_pubkey_equal(&e->key, key))
			continue;
		key_seen = 1;
		if (principal && !patterns_match(e->pats, e->npats, principal))
			continue;
		/* A NULL namespace never passes a namespaces= restriction. */
		if (e->nns && (!namespace || !patterns_match(e->ns, e->nns, namespace)))
			r = REF_NAMESPACE;
		else if (e->has_after && (int64_t)when < e->valid_after)
			r = REF_NOT_YET;
		else if (e->has_before && (int64_t)when > e->valid_before)
			r = REF_EXPIRED;
		if (r == REF_NONE) {
			if (principal_out)
				*principal_out = e->principals;
			return 0;
		}
		if (!first) {
			first = e;
			reason = r;
		}
	}
	if (!why)
		return 1;
	if (!key_seen) {
		pg_buf_printf(why, "key not in signers (%s)", s->path);
		return 1;
	}
	switch (reason) {
	case REF_NONE:
		pg_buf_puts(why, "key not allowed for principal ");
		pg_escape_puts(why, principal ? principal : "");
		pg_buf_printf(why, " (%s)", s->path);
		return 1;
	case REF_NAMESPACE:
		pg_buf_puts(why, "key not allowed for namespace ");
		pg_escape_puts(why, namespace ? namespace : "(none)");
		break;
	case REF_EXPIRED:
		pg_buf_puts(why, "key expired at ");
		put_time(why, first->valid_before);
		break;
	case REF_NOT_YET:
		pg_buf_puts(why, "key not yet valid until ");
		put_time(why, first->valid_after);
		break;
	}
	pg_buf_printf(why, " (%s:%d)", s->path, first->line);
	return 1;
}

int pg_signers_find(const struct pg_signers *s, const struct pg_pubkey *key,
		    const char *namespace, time_t when,
		    const char **principal_out, struct pg_buf *why)
{
	if (principal_out)
		*principal_out = NULL;
	return lookup(s, key, NULL, namespace, when, principal_out, why);
}

int pg_signers_principal_allowed(const struct pg_signers *s, const struct pg_pubkey *key,
				 const char *principal, const char *namespace,
				 time_t when, struct pg_buf *why)
{
	/* NULL would mean "anyone" to lookup(): never for this question. */
	if (!principal) {
		if (why)
			pg_buf_puts(why, "no principal to check the key against");
		return 1;
	}
	return lookup(s, key, principal, namespace, when, NULL, why);
}
