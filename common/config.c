/*
 * The policy's schema: which sections and keys exist, what their values
 * mean, includes, groups.  inifile.c reads the lines; everything said here
 * about them becomes a diagnostic at FILE:LINE.
 */
#include "config.h"
#include "logsyslog.h"
#include "allowlist.h"
#include "secrules.h"
#include "error.h"
#include "glob.h"
#include "inifile.h"
#include "readfile.h"
#include "releaselog.h"
#include "sshsig.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_INCLUDE_DEPTH 8

const char *const pg_default_identity = "gitea, gitolite, gitlab, http, unix";

const char *pg_config_zone(const struct pg_config *cfg)
{
	return cfg->timezone.value ? cfg->timezone.value : "UTC";
}

enum section_kind {
	SEC_NONE,		/* before the first header */
	SEC_CORE,
	SEC_GROUP,
	SEC_BRANCH,
	SEC_TAG,
	SEC_PATH,
	SEC_REPLICA,
	SEC_SECRETS,
	SEC_SKIP		/* unsupported or broken: reported once, keys ignored */
};

/* Bits for the sections a key belongs to. */
#define IN_CORE   1u
#define IN_GROUP  2u
#define IN_BRANCH 4u
#define IN_TAG    8u
#define IN_PATH   16u
#define IN_REPLICA 32u
#define IN_SECRETS 64u
#define IN_RULE   (IN_BRANCH | IN_TAG)
#define IN_ANY_RULE (IN_RULE | IN_PATH)

enum key_type {
	K_IDENTITY,
	K_REPOS_ROOT,
	K_ATOMIC,
	K_INCLUDE,
	K_GROUP_MEMBERS,
	K_RULE_MEMBERS,
	K_REPOS,
	K_MODE,
	K_CONTROL,
	K_HELP,
	K_FILE,			/* a path, relative to the file that names it */
	K_STRING,
	K_PORT,
	K_LOG_REJECTIONS,
	K_SYSLOG,
	K_RELEASE,
	K_REQUIRE_SIGNED,
	K_REGEX,
	K_LINEAR,
	K_REFS,
	K_DENY,
	K_CASE,
	K_TIMEZONE,
	K_WINDOW,
	K_FREEZE,
	K_REQUIRE_PR,
	K_REQUIRE_PUSH_CERT,
	K_APPROVALS,
	K_REQUIRE_CHANGED,
	K_SIZE,
	K_SECRET_RULES,
	K_SECRET_ALLOW,
	K_SECRET_PATHS
};

struct key_spec {
	const char *name;
	unsigned in;
	enum key_type type;
	size_t off;		/* rule keys: offset in struct pg_rule;
				 * K_FILE, K_STRING: in struct pg_config */
};

static const struct key_spec keys[] = {
	{ "identity", IN_CORE, K_IDENTITY, 0 },
	{ "repos_root", IN_CORE, K_REPOS_ROOT, 0 },
	{ "atomic", IN_CORE, K_ATOMIC, 0 },
	{ "include", IN_CORE, K_INCLUDE, 0 },
	{ "release_log", IN_CORE, K_FILE, offsetof(struct pg_config, release_log) },
	{ "signing_key", IN_CORE, K_FILE, offsetof(struct pg_config, signing_key) },
	{ "signers", IN_CORE, K_FILE, offsetof(struct pg_config, signers) },
	{ "log_signers", IN_CORE, K_FILE, offsetof(struct pg_config, log_signers) },
	{ "timezone", IN_CORE, K_TIMEZONE, offsetof(struct pg_config, timezone) },
	{ "log_rejections", IN_CORE, K_LOG_REJECTIONS, 0 },
	{ "syslog", IN_CORE, K_SYSLOG, 0 },
	{ "syslog_facility", IN_CORE, K_STRING, offsetof(struct pg_config, syslog_facility) },
	{ "syslog_socket", IN_CORE, K_STRING, offsetof(struct pg_config, syslog_socket) },
	{ "members", IN_GROUP, K_GROUP_MEMBERS, 0 },
	{ "repos", IN_ANY_RULE | IN_SECRETS, K_REPOS, 0 },
	{ "push", IN_BRANCH, K_RULE_MEMBERS, offsetof(struct pg_rule, push) },
	{ "create", IN_RULE, K_RULE_MEMBERS, offsetof(struct pg_rule, create) },
	{ "force_push", IN_BRANCH, K_RULE_MEMBERS, offsetof(struct pg_rule, force_push) },
	{ "delete", IN_RULE, K_RULE_MEMBERS, offsetof(struct pg_rule, del) },
	{ "update", IN_TAG, K_RULE_MEMBERS, offsetof(struct pg_rule, update) },
	{ "mode", IN_ANY_RULE | IN_SECRETS, K_MODE, 0 },
	{ "control", IN_ANY_RULE | IN_SECRETS, K_CONTROL, 0 },
	{ "help", IN_ANY_RULE | IN_SECRETS, K_HELP, 0 },
	{ "require_signed", IN_RULE, K_REQUIRE_SIGNED, 0 },
	{ "subject", IN_BRANCH, K_REGEX, offsetof(struct pg_rule, subject) },
	{ "message", IN_BRANCH, K_REGEX, offsetof(struct pg_rule, message) },
	{ "linear", IN_BRANCH, K_LINEAR, 0 },
	{ "refs", IN_PATH | IN_SECRETS, K_REFS, 0 },
	{ "write", IN_PATH, K_RULE_MEMBERS, offsetof(struct pg_rule, write) },
	{ "deny", IN_PATH, K_DENY, 0 },
	{ "case", IN_ANY_RULE, K_CASE, 0 },
	{ "import", IN_BRANCH, K_RULE_MEMBERS, offsetof(struct pg_rule, import) },
	{ "release", IN_RULE, K_RELEASE, 0 },
	{ "host", IN_REPLICA, K_STRING, offsetof(struct pg_config, replica.host) },
	{ "port", IN_REPLICA, K_PORT, 0 },
	{ "user", IN_REPLICA, K_STRING, offsetof(struct pg_config, replica.user) },
	{ "key", IN_REPLICA, K_FILE, offsetof(struct pg_config, replica.key) },
	{ "known_hosts", IN_REPLICA, K_FILE, offsetof(struct pg_config, replica.known_hosts) },
	{ "path", IN_REPLICA, K_STRING, offsetof(struct pg_config, replica.path) },
	{ "require_pr", IN_BRANCH, K_REQUIRE_PR, 0 },
	{ "window", IN_RULE, K_WINDOW, 0 },
	{ "freeze", IN_RULE, K_FREEZE, 0 },
	{ "break_glass", IN_RULE, K_RULE_MEMBERS, offsetof(struct pg_rule, break_glass) },
	{ "require_changed", IN_TAG, K_REQUIRE_CHANGED, 0 },
	{ "approvals", IN_BRANCH, K_APPROVALS, 0 },
	{ "approvers", IN_BRANCH, K_RULE_MEMBERS, offsetof(struct pg_rule, approvers) },
	{ "require_push_cert", IN_RULE, K_REQUIRE_PUSH_CERT, 0 },
	{ "max_size", IN_PATH, K_SIZE, 0 },
	{ "name", IN_PATH, K_REGEX, offsetof(struct pg_rule, name) },
	{ "rules", IN_SECRETS, K_SECRET_RULES, 0 },
	{ "allow", IN_SECRETS, K_SECRET_ALLOW, 0 },
	{ "paths", IN_SECRETS, K_SECRET_PATHS, 0 },
	{ "bypass", IN_SECRETS, K_RULE_MEMBERS, offsetof(struct pg_rule, bypass) },
};

/* Where a single-valued key was first written, to report repeats. */
struct seen {
	int line;
	const char *file;
};

struct core_seen {
	struct seen identity, repos_root, atomic;
};

struct rule_seen {
	struct seen repos, mode, control, help, refs, require_changed, paths;
};

/* State of one file being read; includes nest through parent. */
struct file_ctx {
	struct pg_config *cfg;
	struct file_ctx *parent;
	const char *file;	/* owned by cfg->files */
	char *real;		/* realpath, for include cycles */
	int depth;
	int lineno;		/* of the line being handled */
	int indented;		/* it continues the key above it */
	enum section_kind sec;
	size_t idx;		/* index into groups or rules */
	struct core_seen *core;	/* shared by every file */
	struct rule_seen seen;	/* of the current rule section */
	/*
	 * The list key being read: its items may go on over indented lines,
	 * so it is checked for being empty (or for mixing 'none' with
	 * members) only when the next key, header or the end of the file
	 * shows it is complete.
	 */
	struct {
		const char *key;	/* NULL: none pending */
		int line;
		size_t items;
		struct pg_members *m;	/* member lists only */
	} pend;
};

/*
 * Cut S to PG_DIAG_MAX bytes, at a character boundary, marking the cut:
 * a value quoted in a message may be a whole 4 KiB line.
 */
static char *bounded(char *s)
{
	size_t n = strlen(s), keep = PG_DIAG_MAX - 4;

	if (n < PG_DIAG_MAX)
		return s;
	while (keep && ((unsigned char)s[keep] & 0xc0) == 0x80)
		keep--;
	memcpy(s + keep, "...", 4);
	return s;
}

static void diag_push(struct pg_diag **arr, size_t *n, const char *file, int line,
		      const char *brief, const char *fmt, va_list ap)
{
	struct pg_buf msg = PG_BUF_INIT;
	struct pg_diag *d;

	pg_buf_vprintf(&msg, fmt, ap);
	*arr = pg_xrealloc(*arr, (*n + 1) * sizeof(**arr));
	d = &(*arr)[(*n)++];
	d->file = file;
	d->line = line;
	d->msg = bounded(pg_buf_detach(&msg));
	d->brief = bounded(pg_xstrdup(brief));
}

static void diag_vat(struct pg_config *cfg, const char *file, int line, const char *brief,
		     const char *fmt, va_list ap)
{
	diag_push(&cfg->diags, &cfg->ndiags, file, line, brief, fmt, ap);
}

/* What an admin must hear that does not make the policy invalid. */
static void warn_at(struct pg_config *cfg, const char *file, int line, const char *brief,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void warn_at(struct pg_config *cfg, const char *file, int line, const char *brief,
		    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_push(&cfg->warnings, &cfg->nwarnings, file, line, brief, fmt, ap);
	va_end(ap);
}

/*
 * A problem at FILE:LINE: BRIEF is what pushers see, so it must never be
 * built from the policy's text (values, names, patterns); the message
 * after it is the admin's and may quote them.
 */
static void diag_at(struct pg_config *cfg, const char *file, int line, const char *brief,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void diag_at(struct pg_config *cfg, const char *file, int line, const char *brief,
		    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vat(cfg, file, line, brief, fmt, ap);
	va_end(ap);
}

/* A problem without a wording of its own for pushers (the signers file's). */
static void diag_add(struct pg_config *cfg, const char *file, int line,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void diag_add(struct pg_config *cfg, const char *file, int line,
		     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vat(cfg, file, line, "invalid entry", fmt, ap);
	va_end(ap);
}

static const char *keep_file_name(struct pg_config *cfg, const char *name)
{
	cfg->files = pg_xrealloc(cfg->files, (cfg->nfiles + 1) * sizeof(*cfg->files));
	cfg->files[cfg->nfiles] = pg_xstrdup(name);
	return cfg->files[cfg->nfiles++];
}

static void push_str(char ***arr, size_t *n, const char *s)
{
	*arr = pg_xrealloc(*arr, (*n + 1) * sizeof(**arr));
	(*arr)[(*n)++] = pg_xstrdup(s);
}

static void free_strs(char **arr, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(arr[i]);
	free(arr);
}

/*
 * Lists are separated by commas or blanks.  Calls fn for each item and
 * returns how many there were; stops and returns -1 when fn does.
 */
static int each_item(const char *value, int (*fn)(void *arg, const char *item),
		     void *arg)
{
	const char *p = value;
	int count = 0;

	while (*p) {
		size_t n;
		char *item;
		int rc;

		p += strspn(p, ", \t");
		n = strcspn(p, ", \t");
		if (!n)
			break;
		item = pg_xstrndup(p, n);
		rc = fn(arg, item);
		free(item);
		if (rc < 0)
			return -1;
		count++;
		p += n;
	}
	return count;
}

/* yes/no in any case, and the other spellings of a boolean. */
static int parse_bool(const char *v, int *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (!strcasecmp(v, yes[i])) {
			*out = 1;
			return 0;
		}
		if (!strcasecmp(v, no[i])) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

/* ---- member lists ---- */

struct members_arg {
	struct file_ctx *fc;
	struct pg_members *m;
	int bad;
};

static int add_member(void *arg, const char *item)
{
	struct members_arg *a = arg;
	struct pg_members *m = a->m;
	int b;

	if (!strcmp(item, "*")) {
		m->everyone = 1;
	} else if (!strcmp(item, "none")) {
		m->nobody = 1;
	} else if (parse_bool(item, &b) == 0) {
		/*
		 * "force_push = yes" would name a user called "yes": a list
		 * takes people, so the admin meant '*' or 'none'.
		 */
		diag_at(a->fc->cfg, a->fc->file, a->fc->lineno,
			 "a member list takes '*', 'none', users or @groups, not yes/no",
			 "'%s' in a member list would be a user named '%s': %s", item, item,
			 b ? "write '*' for everyone identified, or name users and @groups"
			   : "write 'none' for nobody");
		a->bad = 1;
	} else if (item[0] == '@' ? pg_identity_name_valid(item + 1)
				  : pg_identity_name_valid(item)) {
		push_str(&m->names, &m->nnames, item);
	} else {
		diag_at(a->fc->cfg, a->fc->file, a->fc->lineno,
			 "not a user name, @group, '*' or 'none'",
			 "'%s' is not a user name, @group, '*' or 'none'", item);
		a->bad = 1;
	}
	return 0;
}

static void members_text(struct pg_members *m)
{
	struct pg_buf t = PG_BUF_INIT;

	if (m->nobody)
		pg_buf_puts(&t, "none");
	if (m->everyone)
		pg_buf_puts(&t, t.len ? ", *" : "*");
	for (size_t i = 0; i < m->nnames; i++) {
		if (t.len)
			pg_buf_puts(&t, ", ");
		pg_buf_puts(&t, m->names[i]);
	}
	free(m->text);
	m->text = pg_buf_detach(&t);
}

/* A list key's first line: its items may continue on indented lines. */
static void pend_start(struct file_ctx *fc, const char *key, struct pg_members *m)
{
	fc->pend.key = key;
	fc->pend.line = fc->lineno;
	fc->pend.items = 0;
	fc->pend.m = m;
}

/* Is this indented line the continuation of the pending list KEY? */
static int pend_continues(const struct file_ctx *fc, const char *key)
{
	return fc->pend.key && !strcmp(fc->pend.key, key);
}

/* The pending list is complete: check it as a whole. */
static void pend_flush(struct file_ctx *fc)
{
	const struct pg_members *m = fc->pend.m;

	if (!fc->pend.key)
		return;
	if (!fc->pend.items)
		diag_at(fc->cfg, fc->file, fc->pend.line, m ? "empty member list" : "empty list",
			 "'%s' is empty%s",
			 fc->pend.key, m ? "; write 'none' for nobody" : "");
	else if (m && m->nobody && (m->everyone || m->nnames))
		diag_at(fc->cfg, fc->file, fc->pend.line, "'none' mixed with members",
			 "'%s' mixes 'none' with members", fc->pend.key);
	memset(&fc->pend, 0, sizeof(fc->pend));
}

static void parse_members(struct file_ctx *fc, struct pg_members *m,
			  const char *key, const char *value)
{
	struct members_arg a = { fc, m, 0 };
	int n;

	if (!fc->indented) {
		if (m->set) {
			diag_at(fc->cfg, fc->file, fc->lineno, "key given twice",
				 "'%s' is given twice (first at line %d); continue a long list on indented lines",
				 key, m->line);
			return;
		}
		m->set = 1;
		m->file = fc->file;
		m->line = fc->lineno;
		pend_start(fc, key, m);
	} else if (!pend_continues(fc, key) || fc->pend.m != m) {
		return;		/* continues a line that was refused */
	}
	n = each_item(value, add_member, &a);
	if (n > 0)
		fc->pend.items += (size_t)n;
	members_text(m);
}

static void members_clear(struct pg_members *m)
{
	free_strs(m->names, m->nnames);
	free(m->text);
	memset(m, 0, sizeof(*m));
}

/* ---- single values ---- */

/* 1 when the key was already written in this section (and reported). */
static int seen_twice(struct file_ctx *fc, struct seen *s, const char *key)
{
	if (s->line) {
		if (s->file == fc->file)
			diag_at(fc->cfg, fc->file, fc->lineno, "key given twice",
				 "'%s' is given twice (first at line %d)", key, s->line);
		else
			diag_at(fc->cfg, fc->file, fc->lineno, "key given twice",
				 "'%s' is given twice (first at %s:%d)", key, s->file, s->line);
		return 1;
	}
	s->line = fc->lineno;
	s->file = fc->file;
	return 0;
}

static int has_control_char(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

struct sources_arg {
	struct file_ctx *fc;
};

static int add_source(void *arg, const char *item)
{
	struct sources_arg *a = arg;
	struct pg_config *cfg = a->fc->cfg;
	struct pg_source s;

	if (pg_source_parse(&s, item) < 0) {
		diag_at(cfg, a->fc->file, a->fc->lineno, "invalid identity source",
			 "%s", pg_error_last());
		return 0;
	}
	cfg->sources = pg_xrealloc(cfg->sources, (cfg->nsources + 1) * sizeof(*cfg->sources));
	cfg->sources[cfg->nsources++] = s;
	return 0;
}

struct globs_arg {
	struct file_ctx *fc;
	const char *key;
	char ***arr;
	size_t *n;
};

static int add_glob(void *arg, const char *item)
{
	struct globs_arg *a = arg;

	/* [secrets] paths: "!GLOB" skips what GLOB matches. */
	if (pg_glob_check(item + (!strcmp(a->key, "paths") && item[0] == '!')) < 0) {
		diag_at(a->fc->cfg, a->fc->file, a->fc->lineno, "invalid glob pattern",
			 "%s: %s", a->key,
			 pg_error_last());
		return 0;
	}
	if (!strcmp(a->key, "refs") && strncmp(item, "refs/", 5)) {
		diag_at(a->fc->cfg, a->fc->file, a->fc->lineno,
			 "refs takes full ref name patterns",
			 "refs: '%s' is not a full ref name pattern such as refs/heads/*", item);
		return 0;
	}
	push_str(a->arr, a->n, item);
	return 0;
}

/* repos = and refs =: glob lists that may go on over indented lines. */
static void parse_globs(struct file_ctx *fc, struct seen *seen, const char *key,
			const char *value, char ***arr, size_t *n)
{
	struct globs_arg a = { fc, key, arr, n };
	int items;

	if (!fc->indented) {
		if (seen_twice(fc, seen, key))
			return;
		pend_start(fc, key, NULL);
	} else if (!pend_continues(fc, key)) {
		return;
	}
	items = each_item(value, add_glob, &a);
	if (items > 0)
		fc->pend.items += (size_t)items;
}

#define MAX_REGEX 1024
#define MAX_REGEX_SIZE 10000	/* atoms, after repetitions are expanded */

static int is_repeat(char c)
{
	return c == '*' || c == '+' || c == '?' || c == '{';
}

/*
 * The ']' that closes the bracket expression opening at P, or the last
 * byte when none does: "[]a]" and "[^]a]" hold a ']', and "[[:digit:]]"
 * (also [. .] and [= =]) closes its inner brackets first.
 */
static const char *bracket_end(const char *p)
{
	const char *q = p + 1;

	if (*q == '^')
		q++;
	if (*q == ']')
		q++;
	while (*q && *q != ']') {
		if (*q == '[' && (q[1] == ':' || q[1] == '.' || q[1] == '=')) {
			const char *e = q + 2;

			while (*e && !(e[0] == q[1] && e[1] == ']'))
				e++;
			if (*e) {
				q = e + 2;
				continue;
			}
		}
		q++;
	}
	return *q ? q : q - 1;
}

static size_t saturating_mul(size_t a, size_t b)
{
	return b && a > MAX_REGEX_SIZE / b ? MAX_REGEX_SIZE + 1 : a * b;
}

/*
 * glibc's regcomp copies a repeated sub-expression for every repetition:
 * "a++++..." doubles it per '+' (28 exhaust 2 GiB: found by fuzz_config)
 * and "((a{999}){999}){999}" makes 999^3 copies.  A hook must not die
 * compiling the policy, so estimate the expanded size first: each atom
 * counts 1, a group the sum of its contents, {m,n} multiplies by the
 * larger bound, '*' '+' '?' by 2; stacked repetitions are refused
 * outright.  NULL when RE is fine, else why not.
 */
static const char *regex_too_costly(const char *re)
{
	size_t size[64];	/* per open group: its expanded size so far */
	size_t last = 0;	/* the size of what a repetition would repeat */
	int open = 0, prev_repeat = 0;

	size[0] = 0;
	if (strlen(re) > MAX_REGEX)
		return "longer than 1024 bytes";
	for (const char *p = re; *p; p++) {
		size_t factor = 2;

		if (is_repeat(*p)) {
			if (prev_repeat)
				return "two repetitions in a row (such as '++')";
			if (*p == '{') {
				const char *q = p + 1;
				size_t n = 0, bound = 0;

				for (; *q && *q != '}'; q++) {
					if (*q >= '0' && *q <= '9') {
						n = n * 10 + (size_t)(*q - '0');
						if (n > 100000)
							n = 100000;
					} else {
						n = 0;
					}
					if (n > bound)
						bound = n;
				}
				factor = bound > 1 ? bound : 2;
				p = *q ? q : q - 1;
			}
			size[open] += saturating_mul(last, factor - 1);
			last = saturating_mul(last, factor);
			if (size[open] > MAX_REGEX_SIZE)
				return "its repetitions expand it past 10,000 atoms";
			prev_repeat = 1;
			continue;
		}
		prev_repeat = 0;
		if (*p == '(') {
			if (++open >= 64)
				return "groups nested too deep";
			size[open] = 0;
			continue;
		}
		if (*p == ')' && open > 0) {
			last = size[open--];
		} else {
			if (*p == '\\' && p[1]) {
				p++;
			} else if (*p == '[') {
				p = bracket_end(p);
			}
			last = 1;
		}
		size[open] += last;
		if (size[open] > MAX_REGEX_SIZE)
			return "its repetitions expand it past 10,000 atoms";
	}
	return NULL;
}

/* A regular expression, compiled now so a bad one is found by check. */
static void parse_regex(struct file_ctx *fc, struct pg_regex *rx, const char *key,
			const char *value)
{
	/* message: ^ and $ match at each line of the message. */
	int flags = REG_EXTENDED | REG_NOSUB | (!strcmp(key, "message") ? REG_NEWLINE : 0);
	char err[256];
	int rc;

	if (rx->line) {
		diag_at(fc->cfg, fc->file, fc->lineno, "key given twice",
			 "'%s' is given twice (first at line %d)",
			 key, rx->line);
		return;
	}
	rx->line = fc->lineno;
	if (!*value) {
		diag_at(fc->cfg, fc->file, fc->lineno, "empty value", "'%s' is empty", key);
		return;
	}
	if (regex_too_costly(value)) {
		diag_at(fc->cfg, fc->file, fc->lineno,
			 "regular expression too costly to compile",
			 "%s: %s: too costly to compile", key,
			 regex_too_costly(value));
		return;
	}
	rc = regcomp(&rx->re, value, flags);
	if (rc) {
		regerror(rc, &rx->re, err, sizeof(err));
		diag_at(fc->cfg, fc->file, fc->lineno, "not a POSIX extended regular expression",
			 "%s: not a POSIX extended regular expression: %s", key, err);
		return;
	}
	rx->text = pg_xstrdup(value);
}

/* require_signed = yes | no | MEMBERS */
static void parse_require_signed(struct file_ctx *fc, struct pg_signed *sg, const char *value)
{
	int b;

	if (fc->indented) {
		if (sg->by.set)
			parse_members(fc, &sg->by, "require_signed", value);
		else
			diag_at(fc->cfg, fc->file, fc->lineno,
				 "require_signed takes yes, no or a member list",
				 "'require_signed' takes yes or no, or a member list");
		return;
	}
	if (sg->line) {	/* "no" clears set, not line */
		diag_at(fc->cfg, fc->file, fc->lineno, "key given twice",
			 "'require_signed' is given twice (first at line %d)", sg->line);
		return;
	}
	sg->set = 1;
	sg->line = fc->lineno;
	if (parse_bool(value, &b) == 0) {
		sg->any = b;
		if (!b)
			sg->set = 0;	/* "no" is the default */
		return;
	}
	parse_members(fc, &sg->by, "require_signed", value);
}

static int read_file(struct pg_config *cfg, const char *path, struct file_ctx *parent,
		     int include_line);

/* PATH, or PATH relative to the directory of FILE when it is not absolute. */
static char *relative_to(const char *file, const char *path)
{
	struct pg_buf b = PG_BUF_INIT;

	if (path[0] != '/') {
		const char *slash = strrchr(file, '/');

		if (slash)
			pg_buf_put(&b, file, (size_t)(slash - file) + 1);
	}
	pg_buf_puts(&b, path);
	return pg_buf_detach(&b);
}

static void do_include(struct file_ctx *fc, const char *value)
{
	char *path;

	if (!*value) {
		diag_at(fc->cfg, fc->file, fc->lineno, "empty value", "'include' is empty");
		return;
	}
	path = relative_to(fc->file, value);
	if (fc->depth + 1 > MAX_INCLUDE_DEPTH)
		diag_at(fc->cfg, fc->file, fc->lineno, "includes nested too deep",
			 "include of %s is nested more than %d deep", path,
			 MAX_INCLUDE_DEPTH);
	else
		read_file(fc->cfg, path, fc, fc->lineno);
	free(path);
}

/* A value set once: a file (relative to FC's file) or a plain string. */
static void set_setting(struct file_ctx *fc, const struct key_spec *k, struct pg_setting *st,
			const char *value)
{
	if (st->line) {
		if (st->file == fc->file)
			diag_at(fc->cfg, fc->file, fc->lineno, "key given twice",
				 "'%s' is given twice (first at line %d)", k->name, st->line);
		else
			diag_at(fc->cfg, fc->file, fc->lineno, "key given twice",
				 "'%s' is given twice (first at %s:%d)", k->name, st->file, st->line);
		return;
	}
	st->file = fc->file;
	st->line = fc->lineno;
	if (!*value) {
		diag_at(fc->cfg, fc->file, fc->lineno, "empty value", "'%s' is empty", k->name);
		return;
	}
	if (has_control_char(value)) {
		diag_at(fc->cfg, fc->file, fc->lineno, "value holds a control character",
			 "'%s' holds a control character", k->name);
		return;
	}
	st->value = k->type == K_FILE || k->type == K_SECRET_ALLOW ? relative_to(fc->file, value)
								    : pg_xstrdup(value);
}

static void set_replica_value(struct file_ctx *fc, const struct key_spec *k, const char *value)
{
	struct pg_replica_settings *rp = &fc->cfg->replica;
	char *end;
	long port;

	if (k->type != K_PORT) {
		set_setting(fc, k, (struct pg_setting *)((char *)fc->cfg + k->off), value);
		return;
	}
	if (rp->port_line) {
		diag_at(fc->cfg, fc->file, fc->lineno, "key given twice",
			 "'port' is given twice (first at line %d)",
			 rp->port_line);
		return;
	}
	rp->port_line = fc->lineno;
	port = strtol(value, &end, 10);
	if (!*value || *end || port < 1 || port > 65535)
		diag_at(fc->cfg, fc->file, fc->lineno, "port must be a number from 1 to 65535",
			 "port must be a number from 1 to 65535, not '%s'",
			 value);
	else
		rp->port = (int)port;
}

/* ---- the key handler ---- */

static const struct key_spec *find_key(const char *name, unsigned in, int *elsewhere)
{
	*elsewhere = 0;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(keys[i].name, name))
			continue;
		if (keys[i].in & in)
			return &keys[i];
		*elsewhere = 1;
	}
	return NULL;
}

static unsigned section_bit(enum section_kind k)
{
	switch (k) {
	case SEC_CORE:
		return IN_CORE;
	case SEC_GROUP:
		return IN_GROUP;
	case SEC_BRANCH:
		return IN_BRANCH;
	case SEC_TAG:
		return IN_TAG;
	case SEC_PATH:
		return IN_PATH;
	case SEC_REPLICA:
		return IN_REPLICA;
	case SEC_SECRETS:
		return IN_SECRETS;
	default:
		return 0;
	}
}

static void section_title(struct pg_buf *out, struct file_ctx *fc)
{
	switch (fc->sec) {
	case SEC_CORE:
		pg_buf_puts(out, "[core]");
		break;
	case SEC_GROUP:
		pg_buf_printf(out, "[group \"%s\"]", fc->cfg->groups[fc->idx].name);
		break;
	case SEC_BRANCH:
	case SEC_TAG:
	case SEC_PATH:
		pg_rule_title(out, &fc->cfg->rules[fc->idx]);
		break;
	case SEC_SECRETS:
		pg_buf_puts(out, "[secrets]");
		break;
	default:
		break;
	}
}

/* linear, deny, release, require_pr: yes or no, once per section. */
static void set_flag(struct file_ctx *fc, const struct key_spec *k, const char *value,
		     int *flag, int *line)
{
	if (*line) {
		diag_at(fc->cfg, fc->file, fc->lineno, "key given twice",
			 "'%s' is given twice (first at line %d)", k->name, *line);
		return;
	}
	*line = fc->lineno;
	if (parse_bool(value, flag) < 0)
		diag_at(fc->cfg, fc->file, fc->lineno, "must be yes or no",
			 "%s must be yes or no, not '%s'", k->name, value);
}

/* window = and freeze =: repeatable, one range a line. */
static void add_time_rule(struct file_ctx *fc, struct pg_rule *r, const struct key_spec *k,
			  const char *value)
{
	struct pg_buf err = PG_BUF_INIT;
	struct pg_window w;
	struct pg_freeze f;
	int rc;

	if (k->type == K_WINDOW)
		rc = pg_window_parse(&w, value, &err);
	else
		rc = pg_freeze_parse(&f, value, &err);
	if (rc < 0) {
		diag_at(fc->cfg, fc->file, fc->lineno,
			 k->type == K_WINDOW ? "invalid window" : "invalid freeze",
			 "%s: %s", k->name, err.ptr);
	} else if (k->type == K_WINDOW) {
		w.line = fc->lineno;
		w.text = pg_xstrdup(value);
		r->windows = pg_xrealloc(r->windows, (r->nwindows + 1) * sizeof(*r->windows));
		r->windows[r->nwindows++] = w;
	} else {
		f.line = fc->lineno;
		f.text = pg_xstrdup(value);
		r->freezes = pg_xrealloc(r->freezes, (r->nfreezes + 1) * sizeof(*r->freezes));
		r->freezes[r->nfreezes++] = f;
	}
	pg_buf_free(&err);
}

/* max_size = N, NK, NM or NG (powers of 1024). */
static void parse_size(struct file_ctx *fc, struct pg_rule *r, const char *value)
{
	unsigned long long n = 0, unit = 1;
	const char *p = value;

	if (r->max_size_line) {
		diag_at(fc->cfg, fc->file, fc->lineno, "key given twice",
			 "'max_size' is given twice (first at line %d)", r->max_size_line);
		return;
	}
	r->max_size_line = fc->lineno;
	while (*p >= '0' && *p <= '9' && n < (1ull << 40))
		n = n * 10 + (unsigned long long)(*p++ - '0');
	if (*p == 'K' || *p == 'k')
		unit = 1ull << 10;
	else if (*p == 'M' || *p == 'm')
		unit = 1ull << 20;
	else if (*p == 'G' || *p == 'g')
		unit = 1ull << 30;
	if (unit > 1)
		p++;
	if (p == value || *p || n == 0 || n >= (1ull << 40) || p - value > 14) {
		diag_at(fc->cfg, fc->file, fc->lineno, "max_size must be a size such as 10M",
			 "max_size must be a positive size in bytes, or with K, M or G "
			 "(powers of 1024), such as 10M; not '%s'", value);
		return;
	}
	r->max_size = n * unit;
}

/* approvals = N: how many reviewers must have signed the new tip. */
static void parse_approvals(struct file_ctx *fc, struct pg_rule *r, const char *value)
{
	char *end;
	long n;

	if (r->approvals_line) {
		diag_at(fc->cfg, fc->file, fc->lineno, "key given twice",
			 "'approvals' is given twice (first at line %d)", r->approvals_line);
		return;
	}
	r->approvals_line = fc->lineno;
	n = strtol(value, &end, 10);
	if (!*value || *end || n < 1 || n > PG_APPROVALS_MAX)
		diag_at(fc->cfg, fc->file, fc->lineno, "approvals must be a number from 1 to 16",
			 "approvals must be a number from 1 to %d, not '%s'", PG_APPROVALS_MAX, value);
	else
		r->approvals = (int)n;
}

static int add_rule_file(void *arg, const char *item)
{
	struct file_ctx *fc = arg;
	struct pg_secrets *sc = fc->cfg->secrets;
	struct pg_setting *st;

	if (!strcmp(item, "builtin")) {
		sc->builtin = 1;
		return 0;
	}
	sc->rule_files = pg_xrealloc(sc->rule_files, (sc->nrule_files + 1) * sizeof(*st));
	st = &sc->rule_files[sc->nrule_files++];
	st->file = fc->file;
	st->line = fc->lineno;
	st->value = relative_to(fc->file, item);
	return 0;
}

/* rules = builtin, FILE...: a list that may go on over indented lines. */
static void add_rule_files(struct file_ctx *fc, const char *value)
{
	struct pg_secrets *sc = fc->cfg->secrets;
	int items;

	if (!fc->indented) {
		if (sc->rules_line) {
			diag_at(fc->cfg, fc->file, fc->lineno, "key given twice",
				 "'rules' is given twice (first at line %d)", sc->rules_line);
			return;
		}
		sc->rules_line = fc->lineno;
		pend_start(fc, "rules", NULL);
	} else if (!pend_continues(fc, "rules")) {
		return;
	}
	items = each_item(value, add_rule_file, fc);
	if (items > 0)
		fc->pend.items += (size_t)items;
}

static void set_rule_value(struct file_ctx *fc, const struct key_spec *k,
			   const char *value)
{
	struct pg_rule *r = fc->sec == SEC_SECRETS ? &fc->cfg->secrets->rule
						   : &fc->cfg->rules[fc->idx];

	switch (k->type) {
	case K_RULE_MEMBERS:
		parse_members(fc, (struct pg_members *)((char *)r + k->off),
			      k->name, value);
		break;
	case K_REPOS:
		parse_globs(fc, &fc->seen.repos, k->name, value, &r->repos, &r->nrepos);
		break;
	case K_REFS:
		parse_globs(fc, &fc->seen.refs, k->name, value, &r->refs, &r->nrefs);
		break;
	case K_REGEX:
		parse_regex(fc, (struct pg_regex *)((char *)r + k->off), k->name, value);
		break;
	case K_REQUIRE_SIGNED:
		parse_require_signed(fc, &r->require_signed, value);
		break;
	case K_LINEAR:
		set_flag(fc, k, value, &r->linear, &r->linear_line);
		break;
	case K_DENY:
		set_flag(fc, k, value, &r->deny, &r->deny_line);
		break;
	case K_RELEASE:
		set_flag(fc, k, value, &r->release, &r->release_line);
		break;
	case K_REQUIRE_PR:
		set_flag(fc, k, value, &r->require_pr, &r->require_pr_line);
		break;
	case K_REQUIRE_PUSH_CERT:
		set_flag(fc, k, value, &r->require_push_cert, &r->require_push_cert_line);
		break;
	case K_APPROVALS:
		parse_approvals(fc, r, value);
		break;
	case K_REQUIRE_CHANGED:
		parse_globs(fc, &fc->seen.require_changed, k->name, value, &r->require_changed,
			    &r->nrequire_changed);
		if (!fc->indented)
			r->require_changed_line = fc->lineno;
		break;
	case K_WINDOW:
	case K_FREEZE:
		add_time_rule(fc, r, k, value);
		break;
	case K_SIZE:
		parse_size(fc, r, value);
		break;
	case K_SECRET_RULES:
		add_rule_files(fc, value);
		break;
	case K_SECRET_ALLOW:
		set_setting(fc, k, &fc->cfg->secrets->allow, value);
		break;
	case K_SECRET_PATHS:
		parse_globs(fc, &fc->seen.paths, k->name, value, &r->paths, &r->npaths);
		break;
	case K_CASE:
		if (r->case_line) {
			diag_at(fc->cfg, fc->file, fc->lineno, "key given twice",
				 "'case' is given twice (first at line %d)", r->case_line);
			break;
		}
		r->case_line = fc->lineno;
		if (!strcmp(value, "sensitive"))
			r->case_sensitive = 1;
		else if (strcmp(value, "insensitive"))
			diag_at(fc->cfg, fc->file, fc->lineno,
				 "case must be 'sensitive' or 'insensitive'",
				 "case must be 'sensitive' or 'insensitive', not '%s'", value);
		break;
	case K_MODE:
		if (seen_twice(fc, &fc->seen.mode, k->name))
			break;
		if (!strcmp(value, "enforce"))
			r->mode = PG_MODE_ENFORCE;
		else if (!strcmp(value, "warn"))
			r->mode = PG_MODE_WARN;
		else
			diag_at(fc->cfg, fc->file, fc->lineno,
				 "mode must be 'enforce' or 'warn'",
				 "mode must be 'enforce' or 'warn', not '%s'", value);
		break;
	case K_CONTROL:
		if (seen_twice(fc, &fc->seen.control, k->name))
			break;
		if (!*value)
			diag_at(fc->cfg, fc->file, fc->lineno, "empty value",
				 "'control' is empty");
		else if (has_control_char(value))
			diag_at(fc->cfg, fc->file, fc->lineno, "value holds a control character",
				 "'control' holds a control character");
		else
			r->control = pg_xstrdup(value);
		break;
	case K_HELP:
		/* Continuation lines add lines to the help text. */
		if (!fc->indented && seen_twice(fc, &fc->seen.help, k->name))
			break;
		/* "help =" with the text on the indented lines below. */
		if (*value)
			push_str(&r->help, &r->nhelp, value);
		break;
	default:
		break;
	}
}

static void set_core_value(struct file_ctx *fc, const struct key_spec *k,
			   const char *value)
{
	struct pg_config *cfg = fc->cfg;
	struct sources_arg sa = { fc };

	switch (k->type) {
	case K_IDENTITY: {
		int n;

		cfg->identity_given = 1;
		if (!fc->indented) {
			if (seen_twice(fc, &fc->core->identity, k->name))
				break;
			pend_start(fc, k->name, NULL);
		} else if (!pend_continues(fc, k->name)) {
			break;
		}
		n = each_item(value, add_source, &sa);
		if (n > 0)
			fc->pend.items += (size_t)n;
		break;
	}
	case K_REPOS_ROOT: {
		size_t n = strlen(value);

		if (seen_twice(fc, &fc->core->repos_root, k->name))
			break;
		if (value[0] != '/' || has_control_char(value)) {
			diag_at(cfg, fc->file, fc->lineno, "repos_root must be an absolute path",
				 "repos_root must be an absolute path");
			break;
		}
		while (n > 1 && value[n - 1] == '/')
			n--;
		cfg->repos_root = pg_xstrndup(value, n);
		break;
	}
	case K_ATOMIC:
		if (seen_twice(fc, &fc->core->atomic, k->name))
			break;
		if (parse_bool(value, &cfg->atomic) < 0)
			diag_at(cfg, fc->file, fc->lineno, "atomic must be yes or no",
				 "atomic must be yes or no, not '%s'", value);
		break;
	case K_INCLUDE:
		do_include(fc, value);
		break;
	case K_FILE:
	case K_STRING:
		set_setting(fc, k, (struct pg_setting *)((char *)cfg + k->off), value);
		break;
	case K_TIMEZONE: {
		struct pg_buf err = PG_BUF_INIT;

		set_setting(fc, k, &cfg->timezone, value);
		if (cfg->timezone.value && cfg->timezone.line == fc->lineno &&
		    cfg->timezone.file == fc->file && pg_zone_check(value, &err) < 0) {
			diag_at(cfg, fc->file, fc->lineno, "unknown time zone", "timezone: %s", err.ptr);
			free(cfg->timezone.value);
			cfg->timezone.value = NULL;
		}
		pg_buf_free(&err);
		break;
	}
	case K_SYSLOG:
		if (!cfg->syslog_line)
			cfg->syslog_file = fc->file;
		set_flag(fc, k, value, &cfg->syslog, &cfg->syslog_line);
		break;
	case K_LOG_REJECTIONS:
		if (cfg->log_rejections_line) {
			diag_at(cfg, fc->file, fc->lineno, "key given twice",
				 "'%s' is given twice (first at line %d)",
				 k->name, cfg->log_rejections_line);
			break;
		}
		cfg->log_rejections_line = fc->lineno;
		if (parse_bool(value, &cfg->log_rejections) < 0)
			diag_at(cfg, fc->file, fc->lineno, "log_rejections must be yes or no",
				 "log_rejections must be yes or no, not '%s'", value);
		break;
	default:
		break;
	}
}

static void on_key(void *ctx, int line, const char *name, const char *value,
		   int continuation)
{
	struct file_ctx *fc = ctx;
	const struct key_spec *k;
	struct pg_buf title = PG_BUF_INIT;
	int elsewhere;

	fc->lineno = line;
	fc->indented = continuation;
	if (fc->sec == SEC_SKIP)
		return;
	if (fc->indented && fc->sec == SEC_NONE)
		return;		/* the key's own line was reported */
	if (fc->sec == SEC_NONE) {
		diag_at(fc->cfg, fc->file, fc->lineno, "key outside of any section",
			 "'%s' is outside of any section; put it under [core]", name);
		return;
	}
	section_title(&title, fc);
	k = find_key(name, section_bit(fc->sec), &elsewhere);
	if (!k && fc->indented) {
		/* The key's own line was reported. */
	} else if (!k) {
		if (elsewhere)
			diag_at(fc->cfg, fc->file, fc->lineno,
				 "key does not belong in this section",
				 "'%s' does not belong in %s", name, title.ptr);
		else
			diag_at(fc->cfg, fc->file, fc->lineno, "unknown key",
				 "unknown key '%s' in %s", name, title.ptr);
	} else if (fc->indented && k->type != K_RULE_MEMBERS &&
		   k->type != K_GROUP_MEMBERS && k->type != K_REPOS &&
		   k->type != K_REFS && k->type != K_REQUIRE_SIGNED &&
		   k->type != K_REQUIRE_CHANGED && k->type != K_SECRET_RULES &&
		   k->type != K_SECRET_PATHS &&
		   k->type != K_IDENTITY && k->type != K_HELP &&
		   k->type != K_INCLUDE) {
		diag_at(fc->cfg, fc->file, fc->lineno,
			 "indented line would continue a single value",
			 "'%s' takes a single value; this indented line would continue it",
			 name);
	} else if (fc->sec == SEC_CORE) {
		set_core_value(fc, k, value);
	} else if (fc->sec == SEC_REPLICA) {
		set_replica_value(fc, k, value);
	} else if (fc->sec == SEC_GROUP) {
		parse_members(fc, &fc->cfg->groups[fc->idx].members, k->name, value);
	} else {
		set_rule_value(fc, k, value);
	}
	pg_buf_free(&title);
}

/* ---- section headers ---- */

/* [branch "PATTERN"], [tag "PATTERN"] or [path "GLOB"]. */
static void add_rule(struct file_ctx *fc, const char *word, const char *arg)
{
	static const struct {
		const char *word;
		enum pg_rule_kind kind;
		enum section_kind sec;
		const char *below;	/* what the pattern is relative to */
	} kinds[] = {
		{ "branch", PG_RULE_BRANCH, SEC_BRANCH, "refs/heads/" },
		{ "tag", PG_RULE_TAG, SEC_TAG, "refs/tags/" },
		{ "path", PG_RULE_PATH, SEC_PATH, NULL },
	};
	struct pg_config *cfg = fc->cfg;
	struct pg_rule *r;
	size_t k = 0;

	while (strcmp(kinds[k].word, word))
		k++;
	if (kinds[k].below && !strncmp(arg, "refs/", 5)) {
		size_t n = strlen(kinds[k].below);

		diag_at(cfg, fc->file, fc->lineno,
			 "pattern must be relative to refs/heads/ or refs/tags/",
			 "the pattern is below %s: write [%s \"%s\"], not \"%s\"",
			 kinds[k].below, word,
			 !strncmp(arg, kinds[k].below, n) ? arg + n : "...", arg);
		return;
	}
	if (pg_glob_check(arg) < 0) {
		diag_at(cfg, fc->file, fc->lineno, "invalid glob pattern",
			 "%s", pg_error_last());
		return;
	}
	cfg->rules = pg_xrealloc(cfg->rules, (cfg->nrules + 1) * sizeof(*cfg->rules));
	r = &cfg->rules[cfg->nrules];
	memset(r, 0, sizeof(*r));
	r->kind = kinds[k].kind;
	r->pattern = pg_xstrdup(arg);
	r->file = fc->file;
	r->line = fc->lineno;
	r->mode = PG_MODE_ENFORCE;
	fc->idx = cfg->nrules++;
	fc->sec = kinds[k].sec;
}

/*
 * [branch main], [branch "main], [core x]: WORD and then REST, which is
 * not one quoted argument.  For a section that takes one, the fix is shown
 * ready to copy, with stray quotes dropped.  NAME is the whole header.
 */
static void unquoted(struct file_ctx *fc, const char *word, const char *rest,
		     const char *name, size_t len)
{
	static const char *const takes_arg[] = { "branch", "tag", "path", "group" };
	size_t n = strlen(rest), i;

	for (i = 0; i < sizeof(takes_arg) / sizeof(takes_arg[0]); i++)
		if (!strcmp(word, takes_arg[i]))
			break;
	if (i == sizeof(takes_arg) / sizeof(takes_arg[0])) {
		if (!strcmp(word, "core") || !strcmp(word, "replica") || !strcmp(word, "secrets"))
			diag_at(fc->cfg, fc->file, fc->lineno, "section takes no argument",
				 "section [%s] takes no argument", word);
		else
			diag_at(fc->cfg, fc->file, fc->lineno, "unknown section",
				 "unknown section [%.*s]", (int)len, name);
		return;
	}
	while (n && (rest[n - 1] == ' ' || rest[n - 1] == '\t'))
		n--;
	if (n && rest[0] == '"') {
		rest++;
		n--;
	}
	if (n && rest[n - 1] == '"')
		n--;
	if (!n || memchr(rest, '"', n))
		diag_at(fc->cfg, fc->file, fc->lineno, "section name must be quoted",
			 "section [%s] takes one name in double quotes, as [branch \"main\"]",
			 word);
	else
		diag_at(fc->cfg, fc->file, fc->lineno, "section name must be quoted",
			 "section name must be quoted: [%s \"%.*s\"]", word, (int)n, rest);
}

static void start_section(struct file_ctx *fc, const char *name, size_t len)
{
	struct pg_config *cfg = fc->cfg;
	char *s = pg_xstrndup(name, len);
	char *p = s, *word, *arg = NULL;
	size_t wl;

	fc->sec = SEC_SKIP;
	memset(&fc->seen, 0, sizeof(fc->seen));

	p += strspn(p, " \t");
	word = p;
	wl = strspn(p, "abcdefghijklmnopqrstuvwxyz_");
	p += wl;
	if (*p == ' ' || *p == '\t') {
		*p++ = '\0';
		p += strspn(p, " \t");
		if (*p == '"') {
			char *end = strchr(p + 1, '"');

			if (end && end[1 + strspn(end + 1, " \t")] == '\0') {
				*end = '\0';
				arg = p + 1;
				p = end + 1 + strspn(end + 1, " \t");
			}
		}
		if (!arg) {
			unquoted(fc, word, p, name, len);
			free(s);
			return;
		}
	} else if (*p != '\0') {
		diag_at(cfg, fc->file, fc->lineno, "malformed section header",
			 "malformed section name [%.*s]", (int)len, name);
		free(s);
		return;
	}
	word[wl] = '\0';

	if (!strcmp(word, "core") && !arg) {
		fc->sec = SEC_CORE;
	} else if (!strcmp(word, "replica") && !arg) {
		if (cfg->replica.file) {
			diag_at(cfg, fc->file, fc->lineno, "[replica] given twice",
				 "[replica] is given twice (first at %s:%d)",
				 cfg->replica.file, cfg->replica.line);
		} else {
			cfg->replica.file = fc->file;
			cfg->replica.line = fc->lineno;
			fc->sec = SEC_REPLICA;
		}
	} else if (!strcmp(word, "secrets") && !arg) {
		if (cfg->secrets) {
			diag_at(cfg, fc->file, fc->lineno, "[secrets] given twice",
				 "[secrets] is given twice (first at %s:%d)",
				 cfg->secrets->rule.file, cfg->secrets->rule.line);
		} else {
			cfg->secrets = pg_xcalloc(1, sizeof(*cfg->secrets));
			cfg->secrets->rule.kind = PG_RULE_SECRETS;
			cfg->secrets->rule.file = fc->file;
			cfg->secrets->rule.line = fc->lineno;
			cfg->secrets->rule.mode = PG_MODE_ENFORCE;
			fc->sec = SEC_SECRETS;
		}
	} else if (!strcmp(word, "group") && arg) {
		size_t i;

		if (!pg_identity_name_valid(arg)) {
			diag_at(cfg, fc->file, fc->lineno, "invalid group name",
				 "'%s' is not a valid group name", arg);
		} else {
			for (i = 0; i < cfg->ngroups; i++)
				if (!strcmp(cfg->groups[i].name, arg))
					break;
			if (i < cfg->ngroups) {
				diag_at(cfg, fc->file, fc->lineno, "group defined twice",
					 "group \"%s\" is defined twice (first at %s:%d)",
					 arg, cfg->groups[i].file, cfg->groups[i].line);
			} else {
				struct pg_group *g;

				cfg->groups = pg_xrealloc(cfg->groups,
							  (cfg->ngroups + 1) * sizeof(*cfg->groups));
				g = &cfg->groups[cfg->ngroups];
				memset(g, 0, sizeof(*g));
				g->name = pg_xstrdup(arg);
				g->file = fc->file;
				g->line = fc->lineno;
				fc->idx = cfg->ngroups++;
				fc->sec = SEC_GROUP;
			}
		}
	} else if ((!strcmp(word, "branch") || !strcmp(word, "tag") ||
		    !strcmp(word, "path")) && arg) {
		add_rule(fc, word, arg);
	} else if (!strcmp(word, "core") || !strcmp(word, "group") || !strcmp(word, "replica") ||
		   !strcmp(word, "secrets") ||
		   !strcmp(word, "branch") || !strcmp(word, "tag") || !strcmp(word, "path")) {
		diag_at(cfg, fc->file, fc->lineno,
			 arg ? "section takes no argument" : "section needs an argument in double quotes",
			 "section [%s] %s", word,
			 arg ? "takes no argument" : "needs an argument in double quotes");
	} else {
		diag_at(cfg, fc->file, fc->lineno, "unknown section",
			 "unknown section [%.*s]", (int)len, name);
	}
	free(s);
}

/* ---- what the reader tells ---- */

static void on_section(void *ctx, int line, const char *name, size_t len)
{
	struct file_ctx *fc = ctx;

	fc->lineno = line;
	start_section(fc, name, len);
}

static void on_value_end(void *ctx)
{
	pend_flush(ctx);
}

static void on_problem(void *ctx, int line, int lost_section, const char *brief,
		       const char *msg)
{
	struct file_ctx *fc = ctx;

	diag_at(fc->cfg, fc->file, line, brief, "%s", msg);
	if (lost_section)
		fc->sec = SEC_SKIP;
}

static const struct pg_ini_handler handler = {
	on_section, on_key, on_value_end, on_problem
};

static int read_file(struct pg_config *cfg, const char *path, struct file_ctx *parent,
		     int include_line)
{
	struct file_ctx fc;
	struct core_seen top_seen;

	memset(&fc, 0, sizeof(fc));
	fc.cfg = cfg;
	fc.parent = parent;
	fc.depth = parent ? parent->depth + 1 : 0;
	fc.file = keep_file_name(cfg, path);
	fc.real = realpath(path, NULL);
	memset(&top_seen, 0, sizeof(top_seen));
	fc.core = parent ? parent->core : &top_seen;

	for (struct file_ctx *up = parent; up && fc.real; up = up->parent) {
		if (up->real && !strcmp(up->real, fc.real)) {
			diag_at(cfg, parent->file, include_line, "include cycle",
				 "include cycle: %s includes itself", path);
			free(fc.real);
			return -1;
		}
	}
	if (pg_ini_read(fc.file, &handler, &fc) < 0 && parent)
		diag_at(cfg, parent->file, include_line, "cannot include a file",
			 "cannot include %s", path);
	free(fc.real);
	return 0;
}

/* ---- checks across files ---- */

static const struct pg_group *find_group(const struct pg_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->ngroups; i++)
		if (!strcmp(cfg->groups[i].name, name))
			return &cfg->groups[i];
	return NULL;
}

static void check_refs(struct pg_config *cfg, const struct pg_members *m)
{
	for (size_t i = 0; i < m->nnames; i++)
		if (m->names[i][0] == '@' && !find_group(cfg, m->names[i] + 1))
			diag_at(cfg, m->file, m->line, "undefined group",
				 "undefined group %s", m->names[i]);
}

/*
 * Depth-first search; state 1 = on the path, 2 = done.  STACK holds the
 * path.  A cycle is reported once, at the header of the group where it
 * closes, naming only the groups on it; then the search goes on, so that
 * every separate cycle is reported.
 */
static void find_cycles(struct pg_config *cfg, size_t g, unsigned char *state,
			size_t *stack, size_t depth)
{
	const struct pg_members *m = &cfg->groups[g].members;

	state[g] = 1;
	stack[depth] = g;
	for (size_t i = 0; i < m->nnames; i++) {
		const struct pg_group *sub;
		size_t j;

		if (m->names[i][0] != '@' || !(sub = find_group(cfg, m->names[i] + 1)))
			continue;
		j = (size_t)(sub - cfg->groups);
		if (state[j] == 1) {
			struct pg_buf path = PG_BUF_INIT;
			size_t from = depth;

			while (stack[from] != j)
				from--;
			for (size_t k = from; k <= depth; k++)
				pg_buf_printf(&path, "%s -> ", cfg->groups[stack[k]].name);
			pg_buf_puts(&path, sub->name);
			diag_at(cfg, sub->file, sub->line, "group cycle",
				 "group cycle: %s", path.ptr);
			pg_buf_free(&path);
		} else if (state[j] == 0) {
			find_cycles(cfg, j, state, stack, depth + 1);
		}
	}
	state[g] = 2;
}

static void check_groups(struct pg_config *cfg)
{
	unsigned char *state = pg_xcalloc(cfg->ngroups, 1);
	size_t *stack = pg_xcalloc(cfg->ngroups, sizeof(*stack));

	for (size_t i = 0; i < cfg->ngroups; i++)
		check_refs(cfg, &cfg->groups[i].members);
	for (size_t i = 0; i < cfg->nrules; i++) {
		struct pg_rule *r = &cfg->rules[i];

		check_refs(cfg, &r->push);
		check_refs(cfg, &r->create);
		check_refs(cfg, &r->force_push);
		check_refs(cfg, &r->del);
		check_refs(cfg, &r->update);
		check_refs(cfg, &r->write);
		check_refs(cfg, &r->import);
		check_refs(cfg, &r->require_signed.by);
		check_refs(cfg, &r->break_glass);
		check_refs(cfg, &r->approvers);
	}
	if (cfg->secrets)
		check_refs(cfg, &cfg->secrets->rule.bypass);
	for (size_t i = 0; i < cfg->ngroups; i++)
		if (state[i] == 0)
			find_cycles(cfg, i, state, stack, 0);
	free(stack);
	for (size_t i = 0; i < cfg->ngroups; i++)
		if (!cfg->groups[i].members.set)
			diag_at(cfg, cfg->groups[i].file, cfg->groups[i].line,
				 "group has no 'members'",
				 "group \"%s\" has no 'members'", cfg->groups[i].name);
	free(state);
}

/* The release log's settings, and its key, which must be sound now. */
/*
 * A file the log depends on: it must exist (or, for the log itself, its
 * directory), and nobody but its owner may change it.  Checked where
 * `pushgate check` runs, which may be another user than the hooks.
 */
static void check_file(struct pg_config *cfg, const struct pg_setting *st, const char *key,
		       int is_log)
{
	struct pg_buf why = PG_BUF_INIT;
	struct stat sb;
	char *dir = NULL;
	const char *p;

	if (!st->value)
		return;
	if (stat(st->value, &sb) < 0) {
		char *slash;

		if (!is_log) {
			diag_at(cfg, st->file, st->line,
				 "a file it names is missing or unreadable",
				 "%s %s: %s", key, st->value, strerror(errno));
			return;
		}
		/* The log is created on its first entry: its directory must be there. */
		dir = pg_xstrdup(st->value);
		slash = strrchr(dir, '/');
		if (slash)
			*(slash == dir ? slash + 1 : slash) = '\0';
		else
			strcpy(dir, ".");
		if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
			diag_at(cfg, st->file, st->line, "the log's directory does not exist",
				 "%s: directory %s does not exist", key, dir);
			free(dir);
			return;
		}
		free(dir);
		return;
	}
	if (!S_ISREG(sb.st_mode)) {
		diag_at(cfg, st->file, st->line, "a file it names is not a regular file",
			 "%s %s: not a regular file", key, st->value);
		return;
	}
	if (pg_file_owner_only(st->value, &sb, S_IWGRP | S_IWOTH, &why) < 0) {
		for (p = why.ptr; *p; ) {
			size_t n = strcspn(p, "\n");

			diag_at(cfg, st->file, st->line, "unsafe permissions on a file it names",
				 "%s %s: %.*s", key, st->value, (int)n, p);
			p += n + (p[n] == '\n');
		}
	}
	pg_buf_free(&why);
}

/*
 * Entries signed with KEY must verify against log_signers, or the log
 * that auditors check would fail on its first entry.
 */
static void check_log_signers(struct pg_config *cfg, const struct pg_sshkey *key)
{
	struct pg_signers *ls = NULL;
	struct pg_buf why = PG_BUF_INIT;
	struct pg_pubkey pub;

	pg_pubkey_from_ed25519(&pub, key->pk);
	if (pg_signers_load(&ls, cfg->log_signers.value) == 0 &&
	    pg_signers_principal_allowed(ls, &pub, PG_LOG_PRINCIPAL, PG_LOG_NAMESPACE,
					 time(NULL), &why) != 0)
		diag_at(cfg, cfg->log_signers.file, cfg->log_signers.line,
			"log_signers does not allow signing_key",
			"log_signers does not allow the public key of signing_key as "
			"\"" PG_LOG_PRINCIPAL "\" for namespace " PG_LOG_NAMESPACE " (%s): "
			"entries signed now would not verify",
			pg_buf_cstr(&why));
	pg_buf_free(&why);
	pg_signers_free(ls);
}

/* syslog = yes mirrors the release log: it needs one, and a facility and socket that work. */
static void check_syslog(struct pg_config *cfg)
{
	const struct pg_setting *fac = &cfg->syslog_facility, *sock = &cfg->syslog_socket;

	if (cfg->syslog && !cfg->release_log.value)
		diag_at(cfg, cfg->syslog_file, cfg->syslog_line,
			 "syslog = yes needs [core] release_log",
			 "syslog = yes sends each release log entry to syslog: it needs [core] "
			 "release_log");
	if (fac->value && pg_syslog_facility(fac->value) < 0)
		diag_at(cfg, fac->file, fac->line, "unknown syslog facility",
			 "syslog_facility must be user, auth, authpriv, daemon or local0 to local7, "
			 "not '%s'", fac->value);
	if (sock->value && sock->value[0] != '/')
		diag_at(cfg, sock->file, sock->line, "syslog_socket must be an absolute path",
			 "syslog_socket must be an absolute path, such as /dev/log, not '%s'",
			 sock->value);
	if (!cfg->syslog && (fac->value || sock->value))
		diag_at(cfg, fac->value ? fac->file : sock->file, fac->value ? fac->line : sock->line,
			 "syslog_facility and syslog_socket need syslog = yes",
			 "%s has no effect without syslog = yes", fac->value ? "syslog_facility"
									       : "syslog_socket");
}

static void check_log(struct pg_config *cfg)
{
	const struct pg_replica_settings *rs = &cfg->replica;
	const struct pg_setting *need[] = { &rs->host, &rs->user, &rs->key, &rs->known_hosts, &rs->path };
	static const char *const names[] = { "host", "user", "key", "known_hosts", "path" };
	struct pg_sshkey key;

	if (cfg->release_log.value && !cfg->signing_key.value)
		diag_at(cfg, cfg->release_log.file, cfg->release_log.line,
			 "release_log needs [core] signing_key",
			 "release_log needs [core] signing_key, the log's Ed25519 key");
	check_file(cfg, &cfg->log_signers, "log_signers", 0);
	if (cfg->signing_key.value) {
		if (pg_sshkey_load_private(&key, cfg->signing_key.value) < 0)
			diag_at(cfg, cfg->signing_key.file, cfg->signing_key.line,
				 "signing_key cannot be loaded",
				 "%s",
				 pg_error_last());
		else if (cfg->log_signers.value)
			check_log_signers(cfg, &key);
		pg_sshkey_clear(&key);
	}
	check_file(cfg, &cfg->release_log, "release_log", 1);
	check_syslog(cfg);
	if (!rs->file)
		return;
	if (!cfg->release_log.value)
		diag_at(cfg, rs->file, rs->line, "[replica] needs [core] release_log",
			 "[replica] needs [core] release_log");
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!need[i]->line)
			diag_at(cfg, rs->file, rs->line, "[replica] lacks a required key",
				 "[replica] needs '%s'", names[i]);
	check_file(cfg, &rs->known_hosts, "known_hosts", 0);
	if (rs->key.value) {
		if (pg_sshkey_load_private(&key, rs->key.value) < 0)
			diag_at(cfg, rs->key.file, rs->key.line, "replica key cannot be loaded",
				 "%s", pg_error_last());
		pg_sshkey_clear(&key);
	}
}

static int has_gitea_source(const struct pg_config *cfg)
{
	/* The default list (identity not written) starts with gitea. */
	if (!cfg->identity_given)
		return 1;
	for (size_t i = 0; i < cfg->nsources; i++)
		if (cfg->sources[i].kind == PG_SRC_GITEA)
			return 1;
	return 0;
}

/* window, freeze, break_glass, require_pr: what they need to mean anything. */
static void check_change_control(struct pg_config *cfg, const struct pg_rule *r)
{
	int timed = r->nwindows || r->nfreezes;

	/* A break-glass is an exception: it must be on record. */
	if (r->break_glass.set && !r->break_glass.nobody && !cfg->release_log.value)
		diag_at(cfg, r->file, r->break_glass.line, "break_glass needs [core] release_log",
			 "break_glass needs [core] release_log: every break-glass is logged");
	if (r->break_glass.set && !r->break_glass.nobody && !timed)
		warn_at(cfg, r->file, r->break_glass.line, "break_glass has nothing to bypass",
			"break_glass has nothing to bypass: %s has no window or freeze",
			r->kind == PG_RULE_BRANCH ? "this branch section" : "this tag section");
	if (timed && !cfg->timezone.value && !cfg->timezone.line)
		warn_at(cfg, r->file, r->nwindows ? r->windows[0].line : r->freezes[0].line,
			"windows are read in UTC",
			"windows and freezes are read in UTC: [core] timezone is not set");
	/*
	 * Only Gitea says whether a push is its own pull-request merge, and
	 * only when the pusher was identified through it.
	 */
	if (r->require_pr && !has_gitea_source(cfg))
		diag_at(cfg, r->file, r->require_pr_line, "require_pr needs the gitea identity source",
			 "require_pr needs the gitea identity source: only Gitea tells a "
			 "pull-request merge (GITEA_PR_ID) from a push; add gitea to [core] identity");
}

/*
 * [secrets]: its rules and allowlist are read now, so that a rule that
 * does not compile or a malformed fingerprint is a problem of the policy
 * at its FILE:LINE.  Hyperscan compiles the rules when a push first needs
 * them (and `pushgate check` always).
 */
static void load_secrets(struct pg_config *cfg)
{
	struct pg_secrets *sc = cfg->secrets;

	if (!sc)
		return;
	sc->set = pg_secrules_new();
	if (sc->builtin || (!sc->rules_line && !sc->nrule_files))
		pg_secrules_add_builtin(sc->set);
	for (size_t i = 0; i < sc->nrule_files; i++) {
		size_t first = sc->set->nproblems;

		pg_secrules_add_file(sc->set, sc->rule_files[i].value);
		for (size_t j = first; j < sc->set->nproblems; j++) {
			const struct pg_secrules_problem *p = &sc->set->problems[j];

			/* The file as a whole: said where the policy names it. */
			if (!p->line)
				diag_at(cfg, sc->rule_files[i].file, sc->rule_files[i].line,
					"a secret rules file cannot be used", "rules %s: %s",
					sc->rule_files[i].value, p->msg);
		}
	}
	if (sc->rules_line && !sc->builtin && !sc->nrule_files)
		diag_at(cfg, sc->rule.file, sc->rules_line, "empty value", "'rules' is empty");
	for (size_t j = 0; j < sc->set->nproblems; j++) {
		const struct pg_secrules_problem *p = &sc->set->problems[j];

		if (p->line)
			diag_at(cfg, p->file, p->line, "a secret rule has a problem", "%s", p->msg);
	}
	if (sc->allow.value) {
		pg_allowlist_load(&sc->allowed, sc->allow.value);
		for (size_t j = 0; j < sc->allowed->nproblems; j++) {
			const struct pg_allowlist_problem *p = &sc->allowed->problems[j];

			if (p->warning)
				warn_at(cfg, sc->allow.value, p->line, "allowlist line", "%s", p->msg);
			else if (!p->line)
				diag_at(cfg, sc->allow.file, sc->allow.line,
					"the secrets allowlist cannot be used", "allow %s: %s",
					sc->allow.value, p->msg);
			else
				diag_at(cfg, sc->allow.value, p->line,
					"a line of the secrets allowlist is malformed", "%s", p->msg);
		}
	}
	/* A bypass is an exception: it must be on record. */
	if (sc->rule.bypass.set && !sc->rule.bypass.nobody && !cfg->release_log.value)
		diag_at(cfg, sc->rule.file, sc->rule.bypass.line, "bypass needs [core] release_log",
			 "bypass needs [core] release_log: every secret-ok is logged");
}

/* Keys that only make sense together. */
static void check_rules(struct pg_config *cfg)
{
	for (size_t i = 0; i < cfg->nrules; i++) {
		const struct pg_rule *r = &cfg->rules[i];

		if (r->require_signed.set && !cfg->signers.value)
			diag_at(cfg, r->file, r->require_signed.line,
				 "require_signed needs [core] signers",
				 "require_signed needs [core] signers, the allowed_signers file");
		if (r->require_push_cert && !cfg->signers.value)
			diag_at(cfg, r->file, r->require_push_cert_line,
				 "require_push_cert needs [core] signers",
				 "require_push_cert needs [core] signers, the allowed_signers file "
				 "that says whose key may sign a push");
		if (r->approvals && !cfg->signers.value)
			diag_at(cfg, r->file, r->approvals_line,
				 "approvals needs [core] signers",
				 "approvals needs [core] signers, the allowed_signers file "
				 "that says whose key signs whose approval");
		/* A list that counts for nothing reads as a policy that is not there. */
		if (r->approvers.set && !r->approvals_line)
			diag_at(cfg, r->file, r->approvers.line, "approvers without approvals",
				 "approvers says whose approvals count, but the section has no "
				 "approvals = N saying how many are needed");
		if (r->deny && r->write.set)
			diag_at(cfg, r->file, r->deny_line,
				 "deny = yes and write exclude each other",
				 "deny = yes and write exclude each other: nobody may write");
		if (r->release && !cfg->release_log.value)
			diag_at(cfg, r->file, r->release_line,
				 "release = yes needs [core] release_log",
				 "release = yes needs [core] release_log");
		/* An import is an exception: it must be on record. */
		if (r->import.set && !r->import.nobody && !cfg->release_log.value)
			diag_at(cfg, r->file, r->import.line, "import needs [core] release_log",
				 "import needs [core] release_log: every import is logged");
		check_change_control(cfg, r);
	}
	check_log(cfg);
}

/* A bad signers file is a bad policy: its problems are the config's. */
static void load_signers(struct pg_config *cfg)
{
	if (!cfg->signers.value)
		return;
	pg_signers_load(&cfg->allowed, cfg->signers.value);
	for (size_t i = 0; i < cfg->allowed->nproblems; i++) {
		const struct pg_signers_problem *p = &cfg->allowed->problems[i];

		/*
		 * A file that cannot be trusted (unreadable, writable by others)
		 * is an error: its lines could grant anything.  One bad line is
		 * skipped: without it fewer keys are trusted, never more, and one
		 * RSA key must not stop every push on the server.
		 */
		if (!p->line) {
			diag_add(cfg, p->file, p->line, "%s", p->msg);
			continue;
		}
		warn_at(cfg, p->file, p->line, "line skipped", "%s; line skipped", p->msg);
	}
}

static void default_sources(struct pg_config *cfg)
{
	char *copy = pg_xstrdup(pg_default_identity);
	char *save = NULL;

	for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		struct pg_source s;

		if (pg_source_parse(&s, t) == 0) {
			cfg->sources = pg_xrealloc(cfg->sources,
						   (cfg->nsources + 1) * sizeof(*cfg->sources));
			cfg->sources[cfg->nsources++] = s;
		}
	}
	free(copy);
}

int pg_config_load(struct pg_config **out, const char *path)
{
	struct pg_config *cfg = pg_xcalloc(1, sizeof(*cfg));

	cfg->atomic = 1;
	cfg->log_rejections = 1;
	cfg->replica.port = 22;
	cfg->path = keep_file_name(cfg, path);
	read_file(cfg, path, NULL, 0);
	check_groups(cfg);
	check_rules(cfg);
	load_signers(cfg);
	load_secrets(cfg);
	if (!cfg->nsources)
		default_sources(cfg);
	*out = cfg;
	return cfg->ndiags ? -1 : 0;
}

static int contains(const struct pg_config *cfg, const struct pg_members *m,
		    const char *user, int depth)
{
	if (!user || m->nobody || depth > 64)
		return 0;
	if (m->everyone)
		return 1;
	for (size_t i = 0; i < m->nnames; i++) {
		const char *n = m->names[i];

		if (n[0] == '@') {
			const struct pg_group *g = find_group(cfg, n + 1);

			if (g && contains(cfg, &g->members, user, depth + 1))
				return 1;
		} else if (!strcmp(n, user)) {
			return 1;
		}
	}
	return 0;
}

int pg_members_contains(const struct pg_config *cfg, const struct pg_members *m,
			const char *user)
{
	return contains(cfg, m, user, 0);
}

#define PUSHER_FILE_MAX 160	/* bytes of a file name shown to a pusher */

void pg_diag_pusher_text(struct pg_buf *out, const struct pg_diag *d)
{
	size_t n = strlen(d->file);
	const char *file = d->file;

	/* The end of a path says which file it is; keep that. */
	if (n > PUSHER_FILE_MAX) {
		file += n - PUSHER_FILE_MAX;
		while (((unsigned char)*file & 0xc0) == 0x80)
			file++;
		pg_buf_puts(out, "...");
	}
	pg_buf_puts(out, file);
	if (d->line)
		pg_buf_printf(out, ":%d", d->line);
	pg_buf_printf(out, ": %s", d->brief);
}

void pg_rule_title(struct pg_buf *out, const struct pg_rule *r)
{
	static const char *const words[] = {
		[PG_RULE_BRANCH] = "branch", [PG_RULE_TAG] = "tag", [PG_RULE_PATH] = "path"
	};

	if (r->kind == PG_RULE_SECRETS)
		pg_buf_puts(out, "[secrets]");
	else
		pg_buf_printf(out, "[%s \"%s\"]", words[r->kind], r->pattern);
}

static void regex_clear(struct pg_regex *rx)
{
	if (rx->text)
		regfree(&rx->re);
	free(rx->text);
	rx->text = NULL;
}

static void rule_clear(struct pg_rule *r)
{
	free(r->pattern);
	free_strs(r->repos, r->nrepos);
	members_clear(&r->push);
	members_clear(&r->create);
	members_clear(&r->force_push);
	members_clear(&r->del);
	members_clear(&r->update);
	members_clear(&r->write);
	members_clear(&r->import);
	members_clear(&r->require_signed.by);
	regex_clear(&r->subject);
	regex_clear(&r->message);
	free_strs(r->refs, r->nrefs);
	members_clear(&r->break_glass);
	members_clear(&r->approvers);
	for (size_t j = 0; j < r->nwindows; j++)
		free(r->windows[j].text);
	free(r->windows);
	for (size_t j = 0; j < r->nfreezes; j++)
		free(r->freezes[j].text);
	free(r->freezes);
	free_strs(r->require_changed, r->nrequire_changed);
	free(r->control);
	free_strs(r->help, r->nhelp);
	regex_clear(&r->name);
	free_strs(r->paths, r->npaths);
	members_clear(&r->bypass);
}

void pg_config_free(struct pg_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->nsources; i++)
		pg_source_clear(&cfg->sources[i]);
	free(cfg->sources);
	free(cfg->repos_root);
	free(cfg->signers.value);
	free(cfg->release_log.value);
	free(cfg->signing_key.value);
	free(cfg->log_signers.value);
	free(cfg->syslog_facility.value);
	free(cfg->syslog_socket.value);
	free(cfg->timezone.value);
	free(cfg->replica.host.value);
	free(cfg->replica.user.value);
	free(cfg->replica.key.value);
	free(cfg->replica.known_hosts.value);
	free(cfg->replica.path.value);
	for (size_t i = 0; i < cfg->ngroups; i++) {
		free(cfg->groups[i].name);
		members_clear(&cfg->groups[i].members);
	}
	free(cfg->groups);
	for (size_t i = 0; i < cfg->nrules; i++)
		rule_clear(&cfg->rules[i]);
	free(cfg->rules);
	if (cfg->secrets) {
		rule_clear(&cfg->secrets->rule);
		for (size_t i = 0; i < cfg->secrets->nrule_files; i++)
			free(cfg->secrets->rule_files[i].value);
		free(cfg->secrets->rule_files);
		free(cfg->secrets->allow.value);
	}
	for (size_t i = 0; i < cfg->ndiags; i++) {
		free(cfg->diags[i].msg);
		free(cfg->diags[i].brief);
	}
	for (size_t i = 0; i < cfg->nwarnings; i++) {
		free(cfg->warnings[i].msg);
		free(cfg->warnings[i].brief);
	}
	free(cfg->warnings);
	free(cfg->diags);
	free_strs(cfg->files, cfg->nfiles);
	pg_signers_free(cfg->allowed);	/* after the diagnostics naming it */
	if (cfg->secrets) {
		pg_secrules_free(cfg->secrets->set);
		pg_allowlist_free(cfg->secrets->allowed);
		free(cfg->secrets);
	}
	free(cfg);
}
