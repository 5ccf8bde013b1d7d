#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "allowlist.h"
#include "config.h"
#include "policy.h"
#include "secrules.h"
#include "identity.h"

/*
 * Every test gets its own mkdtemp() directory (mode 0700, so the
 * directory check of pg_config_load passes) and writes its INI files
 * there with explicit lengths, so NUL bytes and CR can be written too.
 */
static char tmpdir[PATH_MAX];

static int setup(void **state)
{
	const char *base = getenv("TMPDIR");

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/pg-config-XXXXXX",
		 base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir))
		return -1;
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	(void)state;
	chmod(tmpdir, 0700);
	return nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* TMPDIR/NAME, in a static buffer (one of a few, used in turn). */
static const char *path_of(const char *name)
{
	static char bufs[4][PATH_MAX];
	static int next;
	char *b = bufs[next++ % 4];

	int n = snprintf(b, PATH_MAX, "%s/%s", tmpdir, name);

	assert_true(n > 0 && n < PATH_MAX);
	return b;
}

static void write_bytes(const char *name, const char *data, size_t len, mode_t mode)
{
	const char *path = path_of(name);
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
	/* chmod, not the open mode: the umask must not get a say. */
	assert_int_equal(chmod(path, mode), 0);
}

static void write_file(const char *name, const char *text)
{
	write_bytes(name, text, strlen(text), 0600);
}

static void make_dir(const char *name)
{
	assert_int_equal(mkdir(path_of(name), 0700), 0);
}

static void print_diags(const struct pg_config *cfg)
{
	for (size_t i = 0; i < cfg->ndiags; i++)
		print_message("  diag %s:%d: %s\n", cfg->diags[i].file,
			      cfg->diags[i].line, cfg->diags[i].msg);
}

/* The diag at LINE of the file named NAME whose message holds TEXT. */
static const struct pg_diag *find_diag(const struct pg_config *cfg, const char *name,
				       int line, const char *text)
{
	const char *path = path_of(name);

	for (size_t i = 0; i < cfg->ndiags; i++) {
		const struct pg_diag *d = &cfg->diags[i];

		if (d->line == line && !strcmp(d->file, path) && strstr(d->msg, text))
			return d;
	}
	return NULL;
}

/* A warning (a skipped signers line) at NAME:LINE holding TEXT, and the policy valid. */
static void expect_warning(const struct pg_config *cfg, const char *name, int line,
			   const char *text)
{
	const char *path = path_of(name);

	assert_int_equal(cfg->ndiags, 0);
	for (size_t i = 0; i < cfg->nwarnings; i++) {
		const struct pg_diag *d = &cfg->warnings[i];

		if (d->line == line && !strcmp(d->file, path) && strstr(d->msg, text))
			return;
	}
	print_message("expected a warning %s:%d: ...%s...\n", name, line, text);
	fail();
}

static void expect_diag(const struct pg_config *cfg, const char *name, int line,
			const char *text)
{
	if (!find_diag(cfg, name, line, text)) {
		print_message("expected %s:%d: ...%s...; got:\n", name, line, text);
		print_diags(cfg);
		fail();
	}
}

static void expect_ndiags(const struct pg_config *cfg, size_t n)
{
	if (cfg->ndiags != n) {
		print_message("expected %zu diagnostics, got %zu:\n", n, cfg->ndiags);
		print_diags(cfg);
		fail();
	}
}

static struct pg_config *load_ok(const char *name)
{
	struct pg_config *cfg = NULL;
	int rc = pg_config_load(&cfg, path_of(name));

	assert_non_null(cfg);
	if (rc != 0 || cfg->ndiags) {
		print_message("expected a valid configuration:\n");
		print_diags(cfg);
		fail();
	}
	return cfg;
}

static struct pg_config *load_bad(const char *name)
{
	struct pg_config *cfg = NULL;
	int rc = pg_config_load(&cfg, path_of(name));

	assert_non_null(cfg);
	assert_int_equal(rc, -1);
	assert_true(cfg->ndiags > 0);
	return cfg;
}

/* TEXT as c.ini must give exactly one problem: at LINE, holding MSG. */
static void expect_one(const char *text, int line, const char *msg)
{
	struct pg_config *cfg;

	write_file("c.ini", text);
	cfg = load_bad("c.ini");
	expect_ndiags(cfg, 1);
	expect_diag(cfg, "c.ini", line, msg);
	pg_config_free(cfg);
}

static void expect_valid(const char *text)
{
	write_file("c.ini", text);
	pg_config_free(load_ok("c.ini"));
}

static const struct pg_group *group(const struct pg_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->ngroups; i++)
		if (!strcmp(cfg->groups[i].name, name))
			return &cfg->groups[i];
	fail_msg("no group %s", name);
	return NULL;
}

static void expect_names(const struct pg_members *m, const char *text)
{
	assert_non_null(m->text);
	assert_string_equal(m->text, text);
}

/* ---- a whole valid configuration ---- */

static const char full_ini[] =
	"; pushgate policy\n"						/* 1 */
	"[core]\n"							/* 2 */
	"identity    = gitea, gitolite, gitlab, http, env:PUSHGATE_USER, unix  ; sources, in order\n"
	"repos_root  = /srv/git/           ; repo name = path below it\n"	/* 4 */
	"atomic      = no\n"						/* 5 */
	"\n"								/* 6 */
	"[group \"maintainers\"]\n"					/* 7 */
	"members = alice, bob, @release\n"				/* 8 */
	"\n"								/* 9 */
	"[group \"release\"]\n"						/* 10 */
	"members = carol\n"						/* 11 */
	"\n"								/* 12 */
	"[branch \"main\"]                   ; pattern below refs/heads/\n"	/* 13 */
	"repos          = acme/*           ; only these repos\n"	/* 14 */
	"push           = @maintainers     ; fast-forward updates\n"	/* 15 */
	"create         = @maintainers\n"				/* 16 */
	"force_push     = none\n"					/* 17 */
	"delete         = none\n"					/* 18 */
	"mode           = enforce\n"					/* 19 */
	"control        = ISO27001:8.32\n"				/* 20 */
	"help           = Changes to main go through a pull request, see https://wiki/merging\n"
	"\n"								/* 22 */
	"[tag \"v*\"]                        ; pattern below refs/tags/\n"	/* 23 */
	"create         = @release\n"					/* 24 */
	"update         = none\n"					/* 25 */
	"delete         = none\n"					/* 26 */
	"mode           = warn\n"					/* 27 */
	"control        = ISO27001:8.32\n"				/* 28 */
	"help           = Tags are immutable\n";			/* 29 */

static void test_full_valid(void **state)
{
	struct pg_config *cfg;
	const struct pg_group *g;
	const struct pg_rule *r;
	struct pg_buf name = PG_BUF_INIT;
	static const char *const want_src[] = {
		"gitea", "gitolite", "gitlab", "http", "env:PUSHGATE_USER", "unix"
	};

	(void)state;
	write_file("pushgate.ini", full_ini);
	cfg = load_ok("pushgate.ini");

	assert_string_equal(cfg->path, path_of("pushgate.ini"));
	assert_int_equal(cfg->nsources, 6);
	for (size_t i = 0; i < 6; i++) {
		pg_buf_reset(&name);
		pg_source_name(&name, &cfg->sources[i]);
		assert_string_equal(pg_buf_cstr(&name), want_src[i]);
	}
	pg_buf_free(&name);
	assert_int_equal(cfg->sources[4].kind, PG_SRC_ENV);
	assert_string_equal(cfg->sources[4].var, "PUSHGATE_USER");
	/* The trailing '/' is dropped; the inline comment is not part of it. */
	assert_string_equal(cfg->repos_root, "/srv/git");
	assert_int_equal(cfg->atomic, 0);

	assert_int_equal(cfg->ngroups, 2);
	g = group(cfg, "maintainers");
	assert_int_equal(g->line, 7);
	assert_string_equal(g->file, path_of("pushgate.ini"));
	assert_int_equal(g->members.set, 1);
	assert_int_equal(g->members.line, 8);
	assert_int_equal(g->members.nnames, 3);
	assert_string_equal(g->members.names[0], "alice");
	assert_string_equal(g->members.names[1], "bob");
	assert_string_equal(g->members.names[2], "@release");
	assert_false(g->members.everyone);
	assert_false(g->members.nobody);
	expect_names(&g->members, "alice, bob, @release");
	g = group(cfg, "release");
	assert_int_equal(g->line, 10);
	expect_names(&g->members, "carol");

	assert_int_equal(cfg->nrules, 2);
	r = &cfg->rules[0];
	assert_int_equal(r->kind, PG_RULE_BRANCH);
	assert_string_equal(r->pattern, "main");
	assert_int_equal(r->line, 13);
	assert_string_equal(r->file, path_of("pushgate.ini"));
	assert_int_equal(r->nrepos, 1);
	assert_string_equal(r->repos[0], "acme/*");
	assert_true(r->push.set);
	assert_int_equal(r->push.line, 15);
	assert_string_equal(r->push.file, path_of("pushgate.ini"));
	expect_names(&r->push, "@maintainers");
	assert_true(r->create.set);
	assert_int_equal(r->create.line, 16);
	assert_true(r->force_push.set);
	assert_true(r->force_push.nobody);
	assert_int_equal(r->force_push.nnames, 0);
	expect_names(&r->force_push, "none");
	assert_int_equal(r->force_push.line, 17);
	assert_true(r->del.set);
	assert_true(r->del.nobody);
	assert_int_equal(r->del.line, 18);
	assert_false(r->update.set);
	assert_int_equal(r->mode, PG_MODE_ENFORCE);
	assert_string_equal(r->control, "ISO27001:8.32");
	assert_int_equal(r->nhelp, 1);
	assert_string_equal(r->help[0],
			    "Changes to main go through a pull request, see https://wiki/merging");

	r = &cfg->rules[1];
	assert_int_equal(r->kind, PG_RULE_TAG);
	assert_string_equal(r->pattern, "v*");
	assert_int_equal(r->line, 23);
	assert_int_equal(r->nrepos, 0);
	assert_false(r->push.set);
	assert_false(r->force_push.set);
	expect_names(&r->create, "@release");
	assert_int_equal(r->create.line, 24);
	assert_true(r->update.set);
	assert_true(r->update.nobody);
	assert_int_equal(r->update.line, 25);
	assert_true(r->del.nobody);
	assert_int_equal(r->mode, PG_MODE_WARN);
	assert_int_equal(r->nhelp, 1);
	assert_string_equal(r->help[0], "Tags are immutable");
	pg_config_free(cfg);
}

static void test_defaults(void **state)
{
	struct pg_config *cfg;
	const struct pg_rule *r;
	struct pg_buf name = PG_BUF_INIT;

	(void)state;
	write_file("c.ini", "[branch \"main\"]\n");
	cfg = load_ok("c.ini");
	/* [core] identity not written: pg_default_identity, in order. */
	assert_int_equal(cfg->nsources, 5);
	for (size_t i = 0; i < cfg->nsources; i++) {
		if (i)
			pg_buf_puts(&name, ", ");
		pg_source_name(&name, &cfg->sources[i]);
	}
	assert_string_equal(pg_buf_cstr(&name), pg_default_identity);
	pg_buf_free(&name);
	assert_null(cfg->repos_root);
	assert_int_equal(cfg->atomic, 1);
	assert_int_equal(cfg->ngroups, 0);

	/* An empty section is a rule: the classic protected branch. */
	assert_int_equal(cfg->nrules, 1);
	r = &cfg->rules[0];
	assert_int_equal(r->kind, PG_RULE_BRANCH);
	assert_string_equal(r->pattern, "main");
	assert_int_equal(r->line, 1);
	assert_false(r->push.set);
	assert_false(r->create.set);
	assert_false(r->force_push.set);
	assert_false(r->del.set);
	assert_false(r->update.set);
	assert_int_equal(r->nrepos, 0);
	assert_int_equal(r->mode, PG_MODE_ENFORCE);
	assert_null(r->control);
	assert_int_equal(r->nhelp, 0);
	pg_config_free(cfg);
}

static void test_empty_sections_are_rules(void **state)
{
	struct pg_config *cfg;

	(void)state;
	write_file("c.ini",
		   "[core]\n"
		   "atomic = yes\n"
		   "[branch \"main\"]\n"
		   "; nothing here\n"
		   "\n"
		   "[tag \"v*\"]\n"
		   "[branch \"release/**\"]\n");
	cfg = load_ok("c.ini");
	assert_int_equal(cfg->nrules, 3);
	assert_string_equal(cfg->rules[0].pattern, "main");
	assert_int_equal(cfg->rules[0].line, 3);
	assert_int_equal(cfg->rules[1].kind, PG_RULE_TAG);
	assert_string_equal(cfg->rules[1].pattern, "v*");
	assert_int_equal(cfg->rules[1].line, 6);
	assert_string_equal(cfg->rules[2].pattern, "release/**");
	assert_int_equal(cfg->rules[2].line, 7);
	pg_config_free(cfg);
}

static void test_bool_and_mode_values(void **state)
{
	static const char *const yes[] = { "yes", "YES", "true", "on", "1" };
	static const char *const no[] = { "no", "False", "off", "0" };
	char text[128];
	struct pg_config *cfg;

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		snprintf(text, sizeof(text), "[core]\natomic = %s\n", yes[i]);
		write_file("c.ini", text);
		cfg = load_ok("c.ini");
		assert_int_equal(cfg->atomic, 1);
		pg_config_free(cfg);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		snprintf(text, sizeof(text), "[core]\natomic = %s\n", no[i]);
		write_file("c.ini", text);
		cfg = load_ok("c.ini");
		assert_int_equal(cfg->atomic, 0);
		pg_config_free(cfg);
	}
	write_file("c.ini", "[branch \"x\"]\nmode = warn\n[tag \"x\"]\nmode = enforce\n");
	cfg = load_ok("c.ini");
	assert_int_equal(cfg->rules[0].mode, PG_MODE_WARN);
	assert_int_equal(cfg->rules[1].mode, PG_MODE_ENFORCE);
	pg_config_free(cfg);
}

static void test_member_list_forms(void **state)
{
	struct pg_config *cfg;
	const struct pg_rule *r;

	(void)state;
	write_file("c.ini",
		   "[branch \"main\"]\n"
		   "push = alice bob,carol ,\t@team\n"
		   "create = *\n"
		   "force_push = none\n"
		   "delete = d.e-v+1@corp\n"
		   "[group \"team\"]\n"
		   "members = x ; an inline comment\n");
	cfg = load_ok("c.ini");
	r = &cfg->rules[0];
	assert_int_equal(r->push.nnames, 4);
	expect_names(&r->push, "alice, bob, carol, @team");
	assert_true(r->create.everyone);
	assert_int_equal(r->create.nnames, 0);
	expect_names(&r->create, "*");
	assert_true(r->force_push.nobody);
	expect_names(&r->del, "d.e-v+1@corp");
	expect_names(&group(cfg, "team")->members, "x");
	pg_config_free(cfg);
}

/* ---- errors, each at its own line ---- */

static void test_unknown_key(void **state)
{
	(void)state;
	expect_one("[branch \"main\"]\npush = alice\nfoo = 1\n", 3,
		   "unknown key 'foo' in [branch \"main\"]");
	expect_one("[core]\natomic = yes\nidentiy = unix\n", 3,
		   "unknown key 'identiy' in [core]");
	expect_one("[group \"g\"]\nmembers = a\nmember = b\n", 3,
		   "unknown key 'member' in [group \"g\"]");
	/* Its indented continuation is not reported again. */
	expect_one("[tag \"v*\"]\nfoo = a\n  b\n  c\n", 2, "unknown key 'foo'");
}

static void test_key_in_wrong_section(void **state)
{
	(void)state;
	expect_one("[tag \"v*\"]\ncreate = a\npush = alice\n", 3,
		   "'push' does not belong in [tag \"v*\"]");
	expect_one("[tag \"v*\"]\nforce_push = alice\n", 2,
		   "'force_push' does not belong in [tag \"v*\"]");
	expect_one("[branch \"main\"]\nupdate = alice\n", 2,
		   "'update' does not belong in [branch \"main\"]");
	expect_one("[core]\nmembers = alice\n", 2, "'members' does not belong in [core]");
	expect_one("[branch \"main\"]\nidentity = unix\n", 2,
		   "'identity' does not belong in [branch \"main\"]");
	expect_one("[group \"g\"]\nmembers = a\npush = a\n", 3,
		   "'push' does not belong in [group \"g\"]");
}

static void test_unknown_section(void **state)
{
	(void)state;
	expect_one("[core]\n[foo]\nx = 1\n", 2, "unknown section [foo]");
	expect_one("\n[branches \"main\"]\npush = a\n", 2, "unknown section [branches \"main\"]");
	expect_one("[core \"x\"]\n", 1, "section [core] takes no argument");
	expect_one("[group]\nmembers = a\n", 1, "section [group] needs an argument");
	expect_one("[branch]\n", 1, "section [branch] needs an argument");
	expect_one("[group \"a b\"]\nmembers = a\n", 1, "'a b' is not a valid group name");
}

static void test_malformed_headers(void **state)
{
	(void)state;
	expect_one("[core]\n[branch main]\npush = a\n", 2,
		   "section name must be quoted: [branch \"main\"]");
	expect_one("[core]\n[branch \"main]\n", 2, "section name must be quoted: [branch \"main\"]");
	expect_one("[tag v*  ]\n", 1, "section name must be quoted: [tag \"v*\"]");
	expect_one("[group admins]\nmembers = a\n", 1,
		   "section name must be quoted: [group \"admins\"]");
	expect_one("[core main]\n", 1, "section [core] takes no argument");
	expect_one("[foo bar]\n", 1, "unknown section [foo bar]");
	expect_one("[core]\n\n[branch \"main\"\npush = a\n", 3, "without a closing ']'");
	/* inih ends the line at a ';' after a blank, before the ']'. */
	expect_one("[branch \"a ;b\"]\n", 1, "without a closing ']'");
	expect_one("[core]\n[branch \"main\"] push = a\n", 2, "text after the section header");
	expect_one("[branch \"main\" x]\n", 1, "section [branch] takes one name in double quotes");
	expect_one("[core]\natomic = yes\n  [branch \"main\"]\n", 3,
		   "must start at the beginning of the line");
	expect_one("  [branch \"main\"]\n", 1, "must start at the beginning of the line");
	/* A comment after the header is fine. */
	expect_valid("[branch \"main\"]  ; the trunk\n[tag \"v*\"] # tags\n");
}

/*
 * A broken header is one problem, at its line, saying nothing of the lines
 * after it: inifile.c hands the header over with its length, not as a C
 * string, and a message once read the rest of the file as the name.
 */
static void test_header_never_swallows(void **state)
{
	static const char *const texts[] = {
		"[core]\n[branch main]\npush = alice\nsecret_word = 1\n[group \"g\"]\nmembers = x\n",
		"[branch \"main\"\npush = alice\nsecret_word = 1\n",
		"[branch main\npush = alice\nsecret_word = 1\n",
		"[foo bar]\nsecret_word = 1\n",
		"[branch \"main\" x]\nsecret_word = 1\n",
	};
	struct pg_config *cfg;

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		write_file("c.ini", texts[i]);
		cfg = load_bad("c.ini");
		expect_ndiags(cfg, 1);
		assert_null(strchr(cfg->diags[0].msg, '\n'));
		assert_null(strstr(cfg->diags[0].msg, "secret_word"));
		assert_null(strstr(cfg->diags[0].msg, "alice"));
		pg_config_free(cfg);
	}
	write_file("c.ini", texts[0]);
	cfg = load_bad("c.ini");
	assert_string_equal(cfg->diags[0].brief, "section name must be quoted");
	pg_config_free(cfg);
}

/*
 * What a pusher is shown: FILE:LINE and a short wording that quotes
 * nothing of the policy, for every kind of problem, while the full
 * message (for pushgate check) still says what was found.
 */
static void test_brief_quotes_nothing(void **state)
{
	static const char *const texts[] = {
		"[branch hunter2]\n",
		"[branch \"hunter2\"\n",
		"[hunter2]\n",
		"[group \"hunter2 x\"]\nmembers = a\n",
		"[branch \"main\"]\nhunter2 = 1\n",
		"[branch \"main\"]\npush = hunter2!\n",
		"[branch \"main\"]\npush = @hunter2\n",
		"[branch \"main\"]\nmode = hunter2\n",
		"[branch \"refs/heads/hunter2\"]\n",
		"[core]\natomic = hunter2\n",
		"[core]\nidentity = hunter2\n",
		"[core]\ninclude = hunter2.ini\n",
		"[core]\nsigners = hunter2\n[branch \"x\"]\nrequire_signed = yes\n",
		"[path \"src\"]\nrefs = hunter2\n",
		"[path \"src\"]\ncase = hunter2\n",
		"[replica]\nport = hunter2\n",
		"[group \"hunter2\"]\nmembers = @hunter2\n",
		"hunter2 = 1\n[core]\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct pg_config *cfg;
		int quoted = 0;

		write_file("c.ini", texts[i]);
		cfg = load_bad("c.ini");
		for (size_t j = 0; j < cfg->ndiags; j++) {
			const struct pg_diag *d = &cfg->diags[j];

			/* (A file named in the policy is shown as FILE, by design.) */
			assert_non_null(d->brief);
			if (strstr(d->brief, "hunter2")) {
				print_message("%s: brief quotes the policy: %s\n", texts[i], d->brief);
				fail();
			}
			quoted |= strstr(d->msg, "hunter2") || strstr(d->file, "hunter2");
		}
		if (!quoted) {
			print_message("%s: the admin's message should say what was found\n", texts[i]);
			print_diags(cfg);
			fail();
		}
		pg_config_free(cfg);
	}
}

static void test_pusher_text(void **state)
{
	struct pg_diag d = { "/etc/pushgate/pushgate.ini", 4, (char *)"full", (char *)"short" };
	struct pg_buf t = PG_BUF_INIT;
	char longname[400];

	(void)state;
	pg_diag_pusher_text(&t, &d);
	assert_string_equal(pg_buf_cstr(&t), "/etc/pushgate/pushgate.ini:4: short");
	pg_buf_reset(&t);
	d.line = 0;
	pg_diag_pusher_text(&t, &d);
	assert_string_equal(pg_buf_cstr(&t), "/etc/pushgate/pushgate.ini: short");
	/* A very long file name keeps its end, and the line stays short. */
	memset(longname, 'd', sizeof(longname) - 1);
	memcpy(longname + sizeof(longname) - 9, "/end.ini", 9);
	d.file = longname;
	d.line = 7;
	pg_buf_reset(&t);
	pg_diag_pusher_text(&t, &d);
	assert_true(t.len < 200);
	assert_memory_equal(t.ptr, "...", 3);
	assert_non_null(strstr(pg_buf_cstr(&t), "/end.ini:7: short"));
	pg_buf_free(&t);
}

/* A message quoting a 4 KiB value is cut, at a character boundary. */
static void test_diag_bounded(void **state)
{
	struct pg_buf text = PG_BUF_INIT;
	struct pg_config *cfg;
	const char *m;

	(void)state;
	pg_buf_puts(&text, "[branch \"main\"]\npush = ");
	for (int i = 0; i < 1300; i++)
		pg_buf_puts(&text, "\xc3\xa9!");	/* 'é!' : not a user name */
	pg_buf_puts(&text, "\n");
	write_file("c.ini", pg_buf_cstr(&text));
	cfg = load_bad("c.ini");
	expect_ndiags(cfg, 1);
	m = cfg->diags[0].msg;
	assert_true(strlen(m) < PG_DIAG_MAX);
	assert_string_equal(m + strlen(m) - 3, "...");
	/* The cut left no half of a character before the mark. */
	assert_true(((unsigned char)m[strlen(m) - 4] & 0xc0) != 0xc0);
	pg_config_free(cfg);
	pg_buf_free(&text);
}

/*
 * force_push = yes would name a user called "yes": a boolean in a member
 * list is refused, with the spelling the admin meant.
 */
static void test_member_list_boolean(void **state)
{
	static const char *const yes[] = { "yes", "YES", "true", "On", "1" };
	static const char *const no[] = { "no", "False", "off", "OFF", "0" };
	char text[128];

	(void)state;
	for (size_t i = 0; i < 5; i++) {
		snprintf(text, sizeof(text), "[branch \"main\"]\nforce_push = %s\n", yes[i]);
		expect_one(text, 2, "write '*' for everyone identified");
		snprintf(text, sizeof(text), "[branch \"main\"]\ndelete = %s\n", no[i]);
		expect_one(text, 2, "write 'none' for nobody");
	}
	expect_one("[branch \"main\"]\npush = no\n", 2,
		   "'no' in a member list would be a user named 'no'");
	expect_one("[path \"src/**\"]\nwrite = on\n", 2, "write '*' for everyone");
	expect_one("[tag \"v*\"]\ncreate = alice, true\n", 2, "'true' in a member list");
	expect_one("[group \"g\"]\nmembers = alice\n  yes\n", 3, "'yes' in a member list");
	expect_one("[tag \"v*\"]\nupdate = off\n", 2, "write 'none' for nobody");
	/* require_signed takes yes/no itself, and a list after that. */
	write_file("s", "");
	expect_one("[core]\nsigners = s\n[branch \"main\"]\nrequire_signed = alice, no\n", 4,
		   "'no' in a member list");
	/* Names that merely start like a boolean are names. */
	expect_valid("[branch \"main\"]\npush = yesenia, nobody, @on, truex, 10\n"
		     "[group \"on\"]\nmembers = a\n");
}

static void test_key_outside_section(void **state)
{
	(void)state;
	expect_one("; top\npush = alice\n[core]\n", 2, "'push' is outside of any section");
	/* Its continuation lines are not reported again. */
	expect_one("atomic = yes\n  no\n[core]\n", 1, "'atomic' is outside of any section");
}

static void test_line_without_equals(void **state)
{
	(void)state;
	expect_one("[branch \"main\"]\npush = a\nforce_push\n", 3, "expected 'key = value'");
	/* '=' only inside an inline comment does not count. */
	expect_one("[core]\natomic ; = yes\n", 2, "expected 'key = value'");
	/* ':' works like '=' */
	expect_valid("[core]\natomic : no\n");
}

static void test_bad_values(void **state)
{
	(void)state;
	expect_one("[core]\n\natomic = maybe\n", 3, "atomic must be yes or no, not 'maybe'");
	expect_one("[core]\natomic =\n", 2, "atomic must be yes or no");
	expect_one("[branch \"main\"]\nmode = strict\n", 2,
		   "mode must be 'enforce' or 'warn', not 'strict'");
	expect_one("[branch \"main\"]\nmode = Warn\n", 2, "mode must be 'enforce' or 'warn'");
	expect_one("[core]\nrepos_root = srv/git\n", 2, "repos_root must be an absolute path");
	expect_one("[core]\nidentity = gitea, ldap\n", 2, "ldap");
	expect_one("[core]\nidentity = env:1X\n", 2, "env:1X");
	expect_one("[branch \"main\"]\ncontrol =\n", 2, "'control' is empty");
	expect_one("[branch \"main\"]\ncontrol = a\x01z\n", 2, "'control' holds a control character");
	/* A single-valued key cannot go on over an indented line. */
	expect_one("[branch \"main\"]\nmode = warn\n  enforce\n", 3, "'mode' takes a single value");
}

static void test_empty_member_list(void **state)
{
	(void)state;
	expect_one("[branch \"main\"]\npush = a\ndelete =\n", 3,
		   "'delete' is empty; write 'none' for nobody");
	expect_one("[group \"g\"]\nmembers =\n", 2, "'members' is empty");
	expect_one("[branch \"main\"]\npush = , ,\n", 2, "'push' is empty");
	expect_one("[branch \"main\"]\nrepos =\n", 2, "'repos' is empty");
	expect_one("[core]\nidentity =\n[branch \"x\"]\n", 2, "'identity' is empty");
	/* At the end of the file too, and with only comments below it. */
	expect_one("[tag \"v*\"]\ncreate =\n  ; nobody yet?\n", 2, "'create' is empty");
}

static void test_none_mixed(void **state)
{
	(void)state;
	expect_one("[branch \"main\"]\npush = none, alice\n", 2, "'push' mixes 'none' with members");
	expect_one("[branch \"main\"]\n\nforce_push = * none\n", 3, "'force_push' mixes 'none'");
	expect_one("[group \"g\"]\nmembers = none @h\n[group \"h\"]\nmembers = a\n", 2,
		   "'members' mixes 'none'");
	/* Reported once, at the key, though the list goes on. */
	expect_one("[branch \"main\"]\npush = none\n  alice\n  bob\n", 2, "'push' mixes 'none'");
}

static void test_invalid_member_token(void **state)
{
	(void)state;
	expect_one("[branch \"main\"]\npush = alice ev!l\n", 2,
		   "'ev!l' is not a user name, @group, '*' or 'none'");
	expect_one("[branch \"main\"]\npush = @\n", 2, "'@' is not a user name");
	expect_one("[branch \"main\"]\npush = -rf\n", 2, "'-rf' is not a user name");
	expect_one("[branch \"main\"]\npush = @@g\n", 2, "'@@g' is not a user name");
	expect_one("[branch \"main\"]\npush = \"alice\"\n", 2, "'\"alice\"' is not a user name");
	/*
	 * inih's pitfall: an indented key after a key is a continuation, so
	 * "delete = bob" lands in push; its '=' is refused.
	 */
	expect_one("[branch \"main\"]\npush = alice\n  delete = bob\n", 3, "'=' is not a user name");
}

static void test_undefined_group(void **state)
{
	struct pg_config *cfg;

	(void)state;
	/* Reported at the line of the key that names it, after parsing. */
	expect_one("[branch \"main\"]\npush = alice\ncreate = bob,\n  @ghost\n", 3,
		   "undefined group @ghost");
	expect_one("[group \"a\"]\nmembers = @b\n", 2, "undefined group @b");
	/* Groups may be used before they are defined. */
	expect_valid("[branch \"main\"]\npush = @late\n[group \"late\"]\nmembers = x\n");

	/* Each list that names it is reported. */
	write_file("c.ini", "[branch \"a\"]\npush = @g\n[tag \"b\"]\ndelete = @g\n");
	cfg = load_bad("c.ini");
	expect_ndiags(cfg, 2);
	expect_diag(cfg, "c.ini", 2, "undefined group @g");
	expect_diag(cfg, "c.ini", 4, "undefined group @g");
	pg_config_free(cfg);
}

static void test_group_cycle(void **state)
{
	struct pg_config *cfg;

	(void)state;
	expect_one("[group \"a\"]\nmembers = @b\n\n[group \"b\"]\nmembers = x, @a\n", 1,
		   "group cycle: a -> b -> a");
	expect_one("[group \"self\"]\nmembers = @self\n", 1, "group cycle: self -> self");
	/* The path names the cycle only, not the way into it. */
	expect_one("[group \"x\"]\nmembers = @a\n[group \"a\"]\nmembers = @b\n"
		   "[group \"b\"]\nmembers = @a\n", 3, "group cycle: a -> b -> a");
	/* A diamond is not a cycle. */
	expect_valid("[group \"top\"]\nmembers = @l, @r\n[group \"l\"]\nmembers = @base\n"
		     "[group \"r\"]\nmembers = @base\n[group \"base\"]\nmembers = z\n");

	/* Two separate cycles: both reported. */
	write_file("c.ini",
		   "[group \"a\"]\nmembers = @b\n[group \"b\"]\nmembers = @a\n"
		   "[group \"c\"]\nmembers = @d\n[group \"d\"]\nmembers = @c\n");
	cfg = load_bad("c.ini");
	expect_ndiags(cfg, 2);
	expect_diag(cfg, "c.ini", 1, "group cycle: a -> b -> a");
	expect_diag(cfg, "c.ini", 5, "group cycle: c -> d -> c");
	pg_config_free(cfg);
}

static void test_group_defined_twice(void **state)
{
	struct pg_buf want = PG_BUF_INIT;

	(void)state;
	pg_buf_printf(&want, "group \"g\" is defined twice (first at %s:1)", path_of("c.ini"));
	/* The second section's keys are not read (no "given twice" for them). */
	expect_one("[group \"g\"]\nmembers = a\n[group \"g\"]\nmembers = b\n", 3, want.ptr);
	pg_buf_free(&want);
	expect_one("[group \"g\"]\n", 1, "group \"g\" has no 'members'");
}

static void test_duplicate_key(void **state)
{
	struct pg_buf want = PG_BUF_INIT;
	struct pg_config *cfg;

	(void)state;
	expect_one("[branch \"main\"]\npush = a\nmode = warn\nmode = warn\n", 4,
		   "'mode' is given twice (first at line 3)");
	expect_one("[branch \"main\"]\ncontrol = A\n\ncontrol = B\n", 4,
		   "'control' is given twice (first at line 2)");
	expect_one("[branch \"main\"]\nrepos = a\nrepos = b\n", 3,
		   "'repos' is given twice (first at line 2)");
	expect_one("[branch \"main\"]\nhelp = a\nhelp = b\n", 3,
		   "'help' is given twice (first at line 2)");
	expect_one("[branch \"main\"]\npush = a\npush = b\n", 3,
		   "'push' is given twice (first at line 2)");
	expect_one("[group \"g\"]\nmembers = a\nmembers = b\n", 3,
		   "'members' is given twice (first at line 2)");
	expect_one("[core]\natomic = yes\nrepos_root = /a\natomic = no\n", 4,
		   "'atomic' is given twice (first at line 2)");
	/* [core] is one section, however often its header appears. */
	expect_one("[core]\nrepos_root = /a\n[branch \"x\"]\n[core]\nrepos_root = /b\n", 5,
		   "'repos_root' is given twice (first at line 2)");
	/* A repeated rule section is a new rule: its keys are its own. */
	write_file("c.ini", "[branch \"x\"]\nmode = warn\n[branch \"x\"]\nmode = warn\n");
	cfg = load_ok("c.ini");
	assert_int_equal(cfg->nrules, 2);
	pg_config_free(cfg);

	/* Across files, the first place is named with its file. */
	write_file("inc.ini", "[core]\nidentity = unix\n");
	write_file("c.ini", "[core]\ninclude = inc.ini\nidentity = gitea\n");
	cfg = load_bad("c.ini");
	expect_ndiags(cfg, 1);
	pg_buf_printf(&want, "'identity' is given twice (first at %s:2)", path_of("inc.ini"));
	expect_diag(cfg, "c.ini", 3, want.ptr);
	pg_config_free(cfg);

	write_file("c.ini", "[core]\nidentity = gitea\ninclude = inc.ini\n");
	cfg = load_bad("c.ini");
	expect_ndiags(cfg, 1);
	pg_buf_reset(&want);
	pg_buf_printf(&want, "'identity' is given twice (first at %s:2)", path_of("c.ini"));
	expect_diag(cfg, "inc.ini", 2, want.ptr);
	pg_config_free(cfg);
	pg_buf_free(&want);
}

/* approvals, approvers and require_push_cert: what they need, what they take. */
static void test_review_keys(void **state)
{
	struct pg_config *cfg;

	(void)state;
	write_file("s", "# nobody yet\n");
	write_file("c.ini", "[core]\nsigners = s\n[group \"reviewers\"]\nmembers = carol, dave\n"
		   "[branch \"main\"]\napprovals = 2\napprovers = @reviewers\n");
	cfg = load_ok("c.ini");
	assert_int_equal(cfg->nrules, 1);
	assert_int_equal(cfg->rules[0].approvals, 2);
	assert_int_equal(cfg->rules[0].approvals_line, 6);
	assert_true(pg_members_contains(cfg, &cfg->rules[0].approvers, "dave"));
	assert_false(pg_members_contains(cfg, &cfg->rules[0].approvers, "alice"));
	pg_config_free(cfg);

	expect_one("[core]\nsigners = s\n[branch \"main\"]\napprovals = 0\n", 4,
		   "approvals must be a number from 1 to 16, not '0'");
	expect_one("[core]\nsigners = s\n[branch \"main\"]\napprovals = 17\n", 4,
		   "approvals must be a number");
	expect_one("[core]\nsigners = s\n[branch \"main\"]\napprovals = two\n", 4,
		   "not 'two'");
	expect_one("[core]\nsigners = s\n[branch \"main\"]\napprovals = 1\napprovals = 2\n", 5,
		   "'approvals' is given twice");
	/* Without signers nobody's approval could be told from anyone's. */
	expect_one("[branch \"main\"]\npush = a\napprovals = 2\n", 3,
		   "approvals needs [core] signers");
	/* A list that counts for nothing must not read as review. */
	expect_one("[branch \"main\"]\napprovers = carol\n", 2, "the section has no approvals = N");
	expect_one("[core]\nsigners = s\n[branch \"main\"]\napprovals = 1\napprovers = @nobody\n",
		   5, "@nobody");
	/* Tags are not reviewed: a tag's commit was, on its branch. */
	expect_one("[tag \"v*\"]\napprovals = 2\n", 2, "'approvals' does not belong in");
	/* require_push_cert needs [core] signers, once a section. */
	expect_one("[branch \"main\"]\nrequire_push_cert = yes\n", 2,
		   "require_push_cert needs [core] signers");
	expect_one("[tag \"v*\"]\nrequire_push_cert = maybe\n", 2, "require_push_cert");
}

/* [secrets], its rules and allowlist; [path] max_size and name. */
static void test_content_rules(void **state)
{
	struct pg_config *cfg;
	const struct pg_rule *r;

	(void)state;
	write_file("rules.ini", "[rule \"internal-token\"]\nregex = \\bitk_([a-z0-9]{24})\\b\n"
		   "keywords = itk_\nentropy = 3\npaths = src/**\nhelp = Rotate it.\n");
	write_file("secrets.allow", "# reviewed\n"
		   "0123456789abcdef0123456789abcdef01234567:jwt:3  # a test token\n");
	write_file("c.ini", "[group \"sec\"]\nmembers = carol\n"
		   "[secrets]\nrules = builtin,\n  rules.ini\nallow = secrets.allow\n"
		   "paths = !**/testdata/**, src/**\nrefs = refs/heads/*\nrepos = acme/*\n"
		   "bypass = none\nmode = warn\ncontrol = ISO27001:8.33\nhelp = see the wiki\n"
		   "[path \"**\"]\nmax_size = 10M\nname = ^[^ ]+$\n"
		   "[path \"assets/**\"]\nmax_size = 512k\n");
	cfg = load_ok("c.ini");
	assert_non_null(cfg->secrets);
	assert_int_equal(cfg->secrets->builtin, 1);
	assert_int_equal(cfg->secrets->nrule_files, 1);
	assert_string_equal(cfg->secrets->rule_files[0].value, path_of("rules.ini"));
	assert_int_equal(cfg->secrets->set->n, 21);	/* 20 builtin and one */
	assert_string_equal(cfg->secrets->set->rules[20].name, "internal-token");
	assert_int_equal(cfg->secrets->allowed->n, 1);
	r = &cfg->secrets->rule;
	assert_int_equal(r->kind, PG_RULE_SECRETS);
	assert_int_equal(r->mode, PG_MODE_WARN);
	assert_int_equal(r->npaths, 2);
	assert_string_equal(r->paths[0], "!**/testdata/**");
	assert_int_equal(pg_rule_applies(r, "refs/heads/x", "acme/app"), 1);
	assert_int_equal(pg_rule_applies(r, "refs/tags/v1", "acme/app"), 0);
	assert_int_equal(pg_rule_applies(r, "refs/heads/x", "other/app"), 0);
	assert_int_equal(r->bypass.nobody, 1);
	assert_int_equal(cfg->rules[0].max_size, 10ull << 20);
	assert_non_null(cfg->rules[0].name.text);
	assert_int_equal(cfg->rules[1].max_size, 512ull << 10);
	pg_config_free(cfg);

	/* No rules key: the builtin set. */
	write_file("c.ini", "[secrets]\n");
	cfg = load_ok("c.ini");
	assert_int_equal(cfg->secrets->set->n, 20);
	pg_config_free(cfg);

	expect_one("[secrets]\n[secrets]\n", 2, "[secrets] is given twice (first at");
	expect_one("[secrets \"x\"]\n", 1, "section [secrets] takes no argument");
	expect_one("[secrets]\nwrite = alice\n", 2, "'write' does not belong in [secrets]");
	expect_one("[path \"**\"]\nbypass = alice\n", 2, "'bypass' does not belong in");
	expect_one("[secrets]\nrules = nothere.ini\n", 2, "rules ");
	expect_one("[secrets]\nallow = nothere.allow\n", 2, "allow ");
	write_file("c.ini", "[secrets]\nbypass = @nobody\n");
	cfg = load_bad("c.ini");
	expect_diag(cfg, "c.ini", 2, "undefined group @nobody");
	pg_config_free(cfg);
	expect_one("[secrets]\nbypass = alice\n", 2, "bypass needs [core] release_log");
	expect_one("[secrets]\npaths = src/[\n", 2, "paths: glob pattern");
	expect_one("[secrets]\nrules = builtin\nrules = builtin\n", 3, "'rules' is given twice");
	expect_one("[path \"**\"]\nmax_size = 10X\n", 2, "max_size must be a positive size");
	expect_one("[path \"**\"]\nmax_size = 0\n", 2, "max_size must be a positive size");
	expect_one("[path \"**\"]\nmax_size = -5M\n", 2, "max_size must be a positive size");
	expect_one("[path \"**\"]\nmax_size = 99999999999999G\n", 2,
		   "max_size must be a positive size");
	expect_one("[path \"**\"]\nname = ([a-z\n", 2, "name");
	/* A rules file's problem is at the rules file's line. */
	write_file("rules.ini", "[rule \"r\"]\nregex = (a)(b)\n");
	write_file("c.ini", "[secrets]\nrules = rules.ini\n");
	cfg = load_bad("c.ini");
	expect_diag(cfg, "rules.ini", 2, "2 capture groups");
	pg_config_free(cfg);
	/* So is a malformed allowlist line; one without a comment is a warning. */
	write_file("secrets.allow", "not a fingerprint\n");
	write_file("c.ini", "[secrets]\nallow = secrets.allow\n");
	cfg = load_bad("c.ini");
	expect_diag(cfg, "secrets.allow", 1, "not a fingerprint");
	pg_config_free(cfg);
	write_file("secrets.allow", "0123456789abcdef0123456789abcdef01234567:jwt:3\n");
	cfg = load_ok("c.ini");
	expect_warning(cfg, "secrets.allow", 1, "fingerprint without a comment");
	pg_config_free(cfg);
	/* A rules file anyone may write could switch scanning off. */
	write_bytes("rules.ini", "[rule \"r\"]\nregex = a\n", 22, 0666);
	write_file("c.ini", "[secrets]\nrules = rules.ini\n");
	cfg = load_bad("c.ini");
	expect_diag(cfg, "c.ini", 2, "rules ");
	pg_config_free(cfg);
	/* break_glass names groups too (a sibling of bypass). */
	write_file("c.ini", "[branch \"main\"]\nwindow = Mon 08:00-16:00\nbreak_glass = @oncall\n");
	cfg = load_bad("c.ini");
	expect_diag(cfg, "c.ini", 3, "undefined group @oncall");
	pg_config_free(cfg);
}

/* window, freeze, timezone, break_glass, require_pr, require_changed. */
static void test_change_control(void **state)
{
	struct pg_config *cfg;

	(void)state;
	write_file("c.ini",
		   "[core]\n"
		   "timezone = Europe/Helsinki\n"
		   "[branch \"main\"]\n"
		   "window = Mon-Fri 08:00-16:00\n"
		   "window = Sat 10:00-12:00\n"
		   "freeze = 2026-12-20..2027-01-06\n"
		   "freeze = 2027-05-01\n"
		   "require_pr = yes\n"
		   "[tag \"v*\"]\n"
		   "window = Fri-Mon 00:00-24:00\n"
		   "require_changed = CHANGELOG.md, docs/**\n"
		   "    NEWS\n");
	cfg = load_ok("c.ini");
	assert_string_equal(pg_config_zone(cfg), "Europe/Helsinki");
	assert_int_equal(cfg->rules[0].nwindows, 2);
	assert_int_equal(cfg->rules[0].windows[0].start, 8 * 60);
	assert_int_equal(cfg->rules[0].windows[0].end, 16 * 60);
	assert_int_equal(cfg->rules[0].windows[0].days, 0x3e);	/* Mon..Fri */
	assert_int_equal(cfg->rules[0].windows[1].line, 5);
	assert_int_equal(cfg->rules[0].nfreezes, 2);
	assert_int_equal(cfg->rules[0].freezes[0].from, 20261220);
	assert_int_equal(cfg->rules[0].freezes[0].to, 20270106);
	assert_int_equal(cfg->rules[0].freezes[1].to, 20270501);
	assert_true(cfg->rules[0].require_pr);
	assert_int_equal(cfg->rules[1].windows[0].days, 0x63);	/* Fri, Sat, Sun, Mon */
	assert_int_equal(cfg->rules[1].windows[0].end, 1440);
	assert_int_equal(cfg->rules[1].nrequire_changed, 3);
	assert_string_equal(cfg->rules[1].require_changed[2], "NEWS");
	assert_int_equal(cfg->rules[1].require_changed_line, 11);
	pg_config_free(cfg);

	/* Every bad value at its line. */
	expect_one("[branch \"main\"]\nwindow = Mnd-Fri 08:00-16:00\n", 2, "'Mnd' is not a day");
	expect_one("[branch \"main\"]\nwindow = Mon-Fri 25:00-26:00\n", 2,
		   "'25:00' is not a time of day");
	expect_one("[branch \"main\"]\nwindow = Mon 08:60-09:00\n", 2, "'08:60' is not a time");
	expect_one("[branch \"main\"]\nwindow = Mon 24:00-24:00\n", 2, "'24:00' is not a time");
	expect_one("[branch \"main\"]\nwindow = Mon 08:00-08:00\n", 2, "08:00-08:00 is empty");
	expect_one("[branch \"main\"]\nwindow = Mon 16:00-08:00\n", 2,
		   "16:00-08:00 ends before it starts");
	expect_one("[branch \"main\"]\nwindow = Mon-Fri\n", 2, "a window is DAYS HH:MM-HH:MM");
	expect_one("[branch \"main\"]\nwindow = 08:00-16:00\n", 2, "a window is DAYS HH:MM-HH:MM");
	expect_one("[branch \"main\"]\nwindow = Mon, 08:00-16:00\n", 2, "is not a day");
	expect_one("[branch \"main\"]\nwindow = Mon 08:00-16:00 Tue\n", 2,
		   "a window is DAYS HH:MM-HH:MM");
	expect_one("[branch \"main\"]\nfreeze = 2026-02-30\n", 2, "'2026-02-30' is not a date");
	expect_one("[branch \"main\"]\nfreeze = 2026-12-20..2026-12-01\n", 2,
		   "ends before it starts");
	expect_one("[branch \"main\"]\nfreeze = 20261220\n", 2, "is not a date");
	expect_one("[branch \"main\"]\nfreeze = 2026-12-20..\n", 2, "'' is not a date");
	expect_one("[core]\ntimezone = Europe/Helsnki\n", 2, "unknown time zone 'Europe/Helsnki'");
	expect_one("[core]\ntimezone = ../../etc/passwd\n", 2, "unknown time zone");
	expect_one("[core]\ntimezone = /usr/share/zoneinfo/UTC\n", 2, "unknown time zone");
	expect_one("[core]\ntimezone = UTC\ntimezone = UTC\n", 3, "given twice");
	expect_one("[path \"**\"]\nwindow = Mon 08:00-16:00\n", 2, "'window' does not belong in");
	expect_one("[tag \"v*\"]\nrequire_pr = yes\n", 2, "'require_pr' does not belong in");
	expect_one("[branch \"main\"]\nrequire_changed = NEWS\n", 2,
		   "'require_changed' does not belong in");
	expect_one("[branch \"main\"]\nrequire_pr = maybe\n", 2, "require_pr must be yes or no");

	/* Only Gitea tells a pull-request merge from a push. */
	expect_one("[core]\nidentity = env:PUSHGATE_USER\n[branch \"main\"]\nrequire_pr = yes\n", 4,
		   "require_pr needs the gitea identity source");
	/* A break-glass must be on record. */
	expect_one("[branch \"main\"]\nwindow = Mon 08:00-16:00\nbreak_glass = @oncall\n"
		   "[group \"oncall\"]\nmembers = carol\n", 3,
		   "break_glass needs [core] release_log");

	/* Windows without a zone are read in UTC, and check says so. */
	write_file("c.ini", "[branch \"main\"]\nwindow = Mon 08:00-16:00\n");
	cfg = load_ok("c.ini");
	assert_string_equal(pg_config_zone(cfg), "UTC");
	expect_warning(cfg, "c.ini", 2, "read in UTC");
	pg_config_free(cfg);
}

static void test_pattern_below_refs(void **state)
{
	(void)state;
	expect_one("[branch \"refs/heads/main\"]\n", 1,
		   "the pattern is below refs/heads/: write [branch \"main\"], not \"refs/heads/main\"");
	expect_one("[core]\n[tag \"refs/tags/v*\"]\n", 2,
		   "the pattern is below refs/tags/: write [tag \"v*\"]");
	expect_one("[tag \"refs/heads/x\"]\n", 1, "below refs/tags/");
}

static void test_bad_glob(void **state)
{
	(void)state;
	expect_one("[core]\n[branch \"a//b\"]\n", 2, "empty component");
	expect_one("[branch \"release/\"]\n", 1, "empty component");
	expect_one("[tag \"v[0-9\"]\n", 1, "unclosed '['");
	expect_one("[branch \"a**\"]\n", 1, "'**' must be a whole component");
	expect_one("[branch \"\"]\n", 1, "glob pattern is empty");
	expect_one("[branch \"main\"]\nrepos = acme/*, /abs\n", 2, "repos: glob pattern '/abs'");
	/* Keys of a section whose header was refused are not reported. */
	expect_one("[branch \"a//b\"]\npush = ev!l\n", 1, "empty component");
}

static void test_long_line(void **state)
{
	struct pg_buf text = PG_BUF_INIT;
	struct pg_config *cfg;
	size_t n;

	(void)state;
	/* 300 bytes: above inih's default 200, well within 4096. */
	pg_buf_puts(&text, "[branch \"main\"]\nhelp = ");
	for (n = 0; n < 300; n++)
		pg_buf_putc(&text, 'h');
	pg_buf_puts(&text, "\npush = alice\n");
	write_file("c.ini", text.ptr);
	cfg = load_ok("c.ini");
	assert_int_equal(cfg->rules[0].nhelp, 1);
	assert_int_equal(strlen(cfg->rules[0].help[0]), 300);
	expect_names(&cfg->rules[0].push, "alice");
	pg_config_free(cfg);

	/* Exactly 4096 bytes before the newline, with LF and with CRLF. */
	pg_buf_reset(&text);
	pg_buf_puts(&text, "[branch \"main\"]\nhelp = ");
	while (text.len < 16 + 4096)
		pg_buf_putc(&text, 'x');
	pg_buf_puts(&text, "\n");
	write_file("c.ini", text.ptr);
	cfg = load_ok("c.ini");
	assert_int_equal(strlen(cfg->rules[0].help[0]), 4096 - 7);
	pg_config_free(cfg);
	text.len--;
	pg_buf_puts(&text, "\r\n");
	write_file("c.ini", text.ptr);
	cfg = load_ok("c.ini");
	assert_int_equal(strlen(cfg->rules[0].help[0]), 4096 - 7);
	pg_config_free(cfg);

	/*
	 * 4097 bytes is too long; the lines after it keep their numbers, and
	 * the rest of its section is still read.
	 */
	pg_buf_reset(&text);
	pg_buf_puts(&text, "[branch \"main\"]\npush = a\nhelp = ");	/* 1, 2, 3 */
	while (text.len < 25 + 4097)
		pg_buf_putc(&text, 'x');
	pg_buf_puts(&text, "\n"
		    "mode = loud\n"				/* 4 */
		    "\n"					/* 5 */
		    "[tag \"v*\"]\n"				/* 6 */
		    "oops\n");					/* 7 */
	write_file("c.ini", text.ptr);
	cfg = load_bad("c.ini");
	expect_ndiags(cfg, 3);
	expect_diag(cfg, "c.ini", 3, "line is longer than 4096 bytes");
	expect_diag(cfg, "c.ini", 4, "mode must be 'enforce' or 'warn', not 'loud'");
	expect_diag(cfg, "c.ini", 7, "expected 'key = value'");
	assert_int_equal(cfg->nrules, 2);
	pg_config_free(cfg);

	/* A very long line (several times the limit), then more. */
	pg_buf_reset(&text);
	pg_buf_puts(&text, "[core]\n; ");
	for (n = 0; n < 20000; n++)
		pg_buf_putc(&text, ';');
	pg_buf_puts(&text, "\n[bad\n");
	write_file("c.ini", text.ptr);
	cfg = load_bad("c.ini");
	expect_ndiags(cfg, 2);
	expect_diag(cfg, "c.ini", 2, "line is longer than 4096 bytes");
	expect_diag(cfg, "c.ini", 3, "without a closing ']'");
	pg_config_free(cfg);

	/* A header that is too long: its keys are not put in the section above. */
	pg_buf_reset(&text);
	pg_buf_puts(&text, "[core]\n[branch \"");
	for (n = 0; n < 5000; n++)
		pg_buf_putc(&text, 'b');
	pg_buf_puts(&text, "\"]\npush = alice\n[tag \"v*\"]\nfoo = 1\n");
	write_file("c.ini", text.ptr);
	cfg = load_bad("c.ini");
	expect_ndiags(cfg, 2);
	expect_diag(cfg, "c.ini", 2, "line is longer than 4096 bytes");
	expect_diag(cfg, "c.ini", 5, "unknown key 'foo'");
	pg_config_free(cfg);
	pg_buf_free(&text);
}

static void test_nul_byte(void **state)
{
	static const char text[] =
		"[branch \"main\"]\n"		/* 1 */
		"push = alice\0 ; evil\n"	/* 2 */
		"create = bob\n"		/* 3 */
		"bogus\n";			/* 4 */
	struct pg_config *cfg;

	(void)state;
	write_bytes("c.ini", text, sizeof(text) - 1, 0600);
	cfg = load_bad("c.ini");
	expect_ndiags(cfg, 2);
	expect_diag(cfg, "c.ini", 2, "NUL byte");
	expect_diag(cfg, "c.ini", 4, "expected 'key = value'");
	assert_false(cfg->rules[0].push.set);
	expect_names(&cfg->rules[0].create, "bob");
	pg_config_free(cfg);
}

static void test_crlf(void **state)
{
	struct pg_config *cfg;

	(void)state;
	write_file("c.ini",
		   "[core]\r\n"
		   "repos_root = /srv/git\r\n"
		   "atomic = no\r\n"
		   "[branch \"main\"]\r\n"
		   "push = alice, bob\r\n"
		   "help = first\r\n"
		   "  second\r\n"
		   "control = X:1\r\n");
	cfg = load_ok("c.ini");
	assert_string_equal(cfg->repos_root, "/srv/git");
	assert_int_equal(cfg->atomic, 0);
	assert_string_equal(cfg->rules[0].pattern, "main");
	expect_names(&cfg->rules[0].push, "alice, bob");
	assert_string_equal(cfg->rules[0].push.names[1], "bob");
	assert_int_equal(cfg->rules[0].nhelp, 2);
	assert_string_equal(cfg->rules[0].help[1], "second");
	assert_string_equal(cfg->rules[0].control, "X:1");
	pg_config_free(cfg);

	expect_one("[core]\r\n\r\natomic = yes\r\n[x]\r\n", 4, "unknown section [x]");
}

static void test_bom(void **state)
{
	struct pg_config *cfg;

	(void)state;
	write_file("c.ini", "\xEF\xBB\xBF[core]\natomic = no\n[branch \"main\"]\n");
	cfg = load_ok("c.ini");
	assert_int_equal(cfg->atomic, 0);
	assert_int_equal(cfg->nrules, 1);
	assert_int_equal(cfg->rules[0].line, 3);
	pg_config_free(cfg);

	/* Only at the start of the file. */
	write_file("c.ini", "\xEF\xBB\xBF[core]\n\xEF\xBB\xBF[core]\n");
	cfg = load_bad("c.ini");
	assert_non_null(find_diag(cfg, "c.ini", 2, ""));
	assert_null(find_diag(cfg, "c.ini", 1, ""));
	pg_config_free(cfg);
}

static void test_continuation_lines(void **state)
{
	struct pg_config *cfg;
	const struct pg_rule *r;
	const struct pg_group *g;

	(void)state;
	write_file("c.ini",
		   "[group \"team\"]\n"			/* 1 */
		   "members = alice, bob,\n"		/* 2 */
		   "  carol\n"				/* 3 */
		   "\t@ops ; inline comment\n"		/* 4 */
		   "; a comment does not end the list\n"	/* 5 */
		   "  dave\n"				/* 6 */
		   "[group \"ops\"]\n"			/* 7 */
		   "members =\n"			/* 8 */
		   "    erin\n"				/* 9 */
		   "    frank\n"			/* 10 */
		   "[branch \"main\"]\n"		/* 11 */
		   "push = @team\n"			/* 12 */
		   "  grace\n"				/* 13 */
		   "repos = a/*\n"			/* 14 */
		   "  b/**\n"				/* 15 */
		   "help = Changes to main go through a pull request,\n"	/* 16 */
		   "  see https://wiki/merging\n"	/* 17 */
		   "\n"					/* 18 */
		   "  or ask #release\n"		/* 19 */
		   "[core]\n"				/* 20 */
		   "identity = gitea,\n"		/* 21 */
		   "  env:PUSHGATE_USER\n");		/* 22 */
	cfg = load_ok("c.ini");
	g = group(cfg, "team");
	expect_names(&g->members, "alice, bob, carol, @ops, dave");
	assert_int_equal(g->members.line, 2);
	g = group(cfg, "ops");
	expect_names(&g->members, "erin, frank");
	assert_int_equal(g->members.line, 8);
	r = &cfg->rules[0];
	expect_names(&r->push, "@team, grace");
	assert_int_equal(r->push.line, 12);
	assert_int_equal(r->nrepos, 2);
	assert_string_equal(r->repos[1], "b/**");
	assert_int_equal(r->nhelp, 3);
	assert_string_equal(r->help[0], "Changes to main go through a pull request,");
	assert_string_equal(r->help[1], "see https://wiki/merging");
	assert_string_equal(r->help[2], "or ask #release");
	assert_int_equal(cfg->nsources, 2);
	assert_int_equal(cfg->sources[1].kind, PG_SRC_ENV);
	pg_config_free(cfg);

	/* Errors in continuation lines are reported at their own line. */
	expect_one("[branch \"main\"]\npush = alice\n  bob\n  b@d!\n", 4, "'b@d!' is not a user name");
}

/* ---- includes ---- */

static void test_include_relative(void **state)
{
	struct pg_config *cfg;
	const struct pg_group *g;

	(void)state;
	make_dir("etc");
	make_dir("etc/sub");
	make_dir("etc/other");
	write_file("etc/top.ini",
		   "[core]\n"
		   "include = sub/groups.ini\n"
		   "atomic = no\n"
		   "[branch \"main\"]\n"
		   "push = @team\n");
	/* Relative to sub/, where this file is, not to the top file. */
	write_file("etc/sub/groups.ini",
		   "[group \"team\"]\n"
		   "members = alice, @more\n"
		   "[core]\n"
		   "include = more.ini\n");
	write_file("etc/sub/more.ini", "[group \"more\"]\nmembers = bob\n");
	write_file("etc/more.ini", "[group \"more\"]\nmembers = WRONG\n");
	cfg = load_ok("etc/top.ini");
	assert_int_equal(cfg->ngroups, 2);
	g = group(cfg, "team");
	assert_string_equal(g->file, path_of("etc/sub/groups.ini"));
	assert_int_equal(g->line, 1);
	g = group(cfg, "more");
	assert_string_equal(g->file, path_of("etc/sub/more.ini"));
	expect_names(&g->members, "bob");
	assert_int_equal(cfg->atomic, 0);
	assert_int_equal(cfg->nrules, 1);
	assert_string_equal(cfg->rules[0].file, path_of("etc/top.ini"));
	assert_true(pg_members_contains(cfg, &cfg->rules[0].push, "bob"));
	pg_config_free(cfg);

	/* An absolute include; a problem inside it is at ITS file:line. */
	{
		struct pg_buf text = PG_BUF_INIT;

		write_file("etc/other/abs.ini", "[tag \"v*\"]\n\nupdate = ev!l\n");
		pg_buf_printf(&text, "[core]\ninclude = %s\n", path_of("etc/other/abs.ini"));
		write_file("etc/top.ini", text.ptr);
		pg_buf_free(&text);
	}
	cfg = load_bad("etc/top.ini");
	expect_ndiags(cfg, 1);
	expect_diag(cfg, "etc/other/abs.ini", 3, "'ev!l' is not a user name");
	pg_config_free(cfg);
}

static void test_include_cycle(void **state)
{
	struct pg_config *cfg;

	(void)state;
	write_file("a.ini", "[core]\ninclude = b.ini\n[branch \"a\"]\n");
	write_file("b.ini", "[core]\natomic = yes\ninclude = a.ini\n[branch \"b\"]\n");
	cfg = load_bad("a.ini");
	expect_ndiags(cfg, 1);
	expect_diag(cfg, "b.ini", 3, "include cycle");
	/* Both files were read once. */
	assert_int_equal(cfg->nrules, 2);
	pg_config_free(cfg);

	expect_one("[core]\n\ninclude = c.ini\n", 3, "include cycle");
	/* The same file twice, not nested, is no cycle. */
	write_file("g.ini", "[branch \"g\"]\n");
	write_file("c.ini", "[core]\ninclude = g.ini\ninclude = g.ini\n");
	cfg = load_ok("c.ini");
	assert_int_equal(cfg->nrules, 2);
	pg_config_free(cfg);
}

static void test_include_depth(void **state)
{
	char name[32], text[64];
	struct pg_config *cfg;

	(void)state;
	/* f0 includes f1 ... f8 includes f9: f9 is 9 deep. */
	for (int i = 0; i <= 9; i++) {
		snprintf(name, sizeof(name), "f%d.ini", i);
		if (i < 9)
			snprintf(text, sizeof(text), "[core]\n; depth %d\ninclude = f%d.ini\n", i, i + 1);
		else
			snprintf(text, sizeof(text), "[branch \"deep\"]\n");
		write_file(name, text);
	}
	/* From f1, f9 is 8 deep: allowed. */
	cfg = load_ok("f1.ini");
	assert_int_equal(cfg->nrules, 1);
	pg_config_free(cfg);

	cfg = load_bad("f0.ini");
	expect_ndiags(cfg, 1);
	expect_diag(cfg, "f8.ini", 3, "nested more than 8 deep");
	assert_int_equal(cfg->nrules, 0);
	pg_config_free(cfg);
}

static void test_include_missing(void **state)
{
	struct pg_config *cfg;

	(void)state;
	write_file("c.ini", "[core]\natomic = no\ninclude = nope.ini\n");
	cfg = load_bad("c.ini");
	expect_ndiags(cfg, 2);
	expect_diag(cfg, "nope.ini", 0, "cannot open");
	expect_diag(cfg, "c.ini", 3, "cannot include");
	pg_config_free(cfg);

	expect_one("[core]\ninclude =\n", 2, "'include' is empty");
}

static void test_missing_top_file(void **state)
{
	struct pg_config *cfg = NULL;

	(void)state;
	assert_int_equal(pg_config_load(&cfg, path_of("absent.ini")), -1);
	assert_non_null(cfg);
	expect_ndiags(cfg, 1);
	expect_diag(cfg, "absent.ini", 0, "cannot open");
	assert_int_equal(cfg->nrules, 0);
	pg_config_free(cfg);

	/* A directory is not a configuration file. */
	make_dir("d.ini");
	cfg = load_bad("d.ini");
	expect_diag(cfg, "d.ini", 0, "not a regular file");
	pg_config_free(cfg);
}

static void test_writable_refused(void **state)
{
	static const char text[] = "[branch \"main\"]\n";
	struct pg_config *cfg;

	(void)state;
	write_bytes("c.ini", text, sizeof(text) - 1, 0620);
	cfg = load_bad("c.ini");
	expect_ndiags(cfg, 1);
	expect_diag(cfg, "c.ini", 0, "writable by others than its owner (mode 0620)");
	pg_config_free(cfg);

	write_bytes("c.ini", text, sizeof(text) - 1, 0646);
	cfg = load_bad("c.ini");
	expect_diag(cfg, "c.ini", 0, "writable by others than its owner");
	pg_config_free(cfg);

	/* Readable by all is fine. */
	write_bytes("c.ini", text, sizeof(text) - 1, 0644);
	pg_config_free(load_ok("c.ini"));

	/* An included file is checked the same way. */
	write_bytes("inc.ini", text, sizeof(text) - 1, 0666);
	write_file("top.ini", "[core]\ninclude = inc.ini\n");
	cfg = load_bad("top.ini");
	expect_diag(cfg, "inc.ini", 0, "writable by others than its owner");
	pg_config_free(cfg);

	/* A directory anyone may write to, without the sticky bit... */
	make_dir("open");
	write_bytes("open/c.ini", text, sizeof(text) - 1, 0600);
	assert_int_equal(chmod(path_of("open"), 0777), 0);
	cfg = load_bad("open/c.ini");
	expect_ndiags(cfg, 1);
	expect_diag(cfg, "open/c.ini", 0, "is writable by anyone");
	pg_config_free(cfg);
	/* ... but with it (as /tmp) only the owner can replace the file. */
	assert_int_equal(chmod(path_of("open"), 01777), 0);
	pg_config_free(load_ok("open/c.ini"));
	assert_int_equal(chmod(path_of("open"), 0700), 0);
}

static void test_several_errors(void **state)
{
	struct pg_config *cfg;

	(void)state;
	write_file("c.ini",
		   "[core]\n"				/* 1 */
		   "atomic = sometimes\n"		/* 2 */
		   "colour = blue\n"			/* 3 */
		   "[group \"dev\"]\n"			/* 4 */
		   "members = alice, @nobody\n"		/* 5 */
		   "[branch \"main\"]\n"		/* 6 */
		   "push = @dev\n"			/* 7 */
		   "mode = maybe\n"			/* 8 */
		   "not a key\n"			/* 9 */
		   "[tag \"v*\"]\n"			/* 10 */
		   "force_push = none\n"		/* 11 */
		   "[branch \"refs/heads/x\"]\n"	/* 12 */
		   "[nope]\n"				/* 13 */
		   "[branch \"ok\"]\n"			/* 14 */
		   "delete = none, bob\n");		/* 15 */
	cfg = load_bad("c.ini");
	expect_ndiags(cfg, 9);
	expect_diag(cfg, "c.ini", 2, "atomic must be yes or no");
	expect_diag(cfg, "c.ini", 3, "unknown key 'colour' in [core]");
	expect_diag(cfg, "c.ini", 5, "undefined group @nobody");
	expect_diag(cfg, "c.ini", 8, "mode must be");
	expect_diag(cfg, "c.ini", 9, "expected 'key = value'");
	expect_diag(cfg, "c.ini", 11, "'force_push' does not belong in [tag \"v*\"]");
	expect_diag(cfg, "c.ini", 12, "below refs/heads/");
	expect_diag(cfg, "c.ini", 13, "unknown section [nope]");
	expect_diag(cfg, "c.ini", 15, "mixes 'none'");
	pg_config_free(cfg);
}

/* ---- [path], commit policy, signers ---- */

/* Ed25519 public keys (from test_signers.c) for allowed_signers files. */
#define KEY_A "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJdSHbkmx8lhvN4s7hXFwa/KRb4phSjSqvDzmyR3lPSr"
#define KEY_B "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFxM3nmP6S/lrvUMgG9TEpoGHeanxiMV8ZY/dLHMWVUv"

static void test_path_section_valid(void **state)
{
	struct pg_config *cfg;
	const struct pg_rule *r;

	(void)state;
	write_file("c.ini",
		   "[group \"security\"]\n"			/* 1 */
		   "members = carol\n"				/* 2 */
		   "[path \"src/crypto/**\"]  ; path glob\n"	/* 3 */
		   "refs  = refs/heads/main, refs/heads/release/*\n"	/* 4 */
		   "  refs/tags/v*\n"				/* 5 */
		   "write = @security, dave\n"			/* 6 */
		   "mode = warn\n"				/* 7 */
		   "control = ISO27001:8.4\n"			/* 8 */
		   "help = Crypto changes are reviewed.\n"	/* 9 */
		   "  Ask #security.\n"				/* 10 */
		   "repos = acme/*\n"				/* 11 */
		   "[path \"secrets/**\"]\n"			/* 12 */
		   "deny = yes\n"				/* 13 */
		   "[path \"docs/*.md\"]\n"			/* 14 */
		   "deny = no\n"				/* 15 */
		   "write = *\n"				/* 16 */
		   "[path \"refs/heads/x\"]\n");		/* 17 */
	cfg = load_ok("c.ini");
	assert_int_equal(cfg->nrules, 4);

	r = &cfg->rules[0];
	assert_int_equal(r->kind, PG_RULE_PATH);
	assert_string_equal(r->pattern, "src/crypto/**");
	assert_int_equal(r->line, 3);
	assert_string_equal(r->file, path_of("c.ini"));
	assert_int_equal(r->nrefs, 3);
	assert_string_equal(r->refs[0], "refs/heads/main");
	assert_string_equal(r->refs[1], "refs/heads/release/*");
	assert_string_equal(r->refs[2], "refs/tags/v*");
	assert_true(r->write.set);
	assert_int_equal(r->write.line, 6);
	assert_string_equal(r->write.file, path_of("c.ini"));
	assert_int_equal(r->write.nnames, 2);
	expect_names(&r->write, "@security, dave");
	assert_true(pg_members_contains(cfg, &r->write, "carol"));
	assert_true(pg_members_contains(cfg, &r->write, "dave"));
	assert_false(pg_members_contains(cfg, &r->write, "bob"));
	assert_false(r->deny);
	assert_int_equal(r->deny_line, 0);
	assert_int_equal(r->mode, PG_MODE_WARN);
	assert_string_equal(r->control, "ISO27001:8.4");
	assert_int_equal(r->nhelp, 2);
	assert_string_equal(r->help[0], "Crypto changes are reviewed.");
	assert_string_equal(r->help[1], "Ask #security.");
	assert_int_equal(r->nrepos, 1);
	assert_string_equal(r->repos[0], "acme/*");
	/* No branch keys on a path rule. */
	assert_false(r->push.set);
	assert_false(r->require_signed.set);
	assert_null(r->subject.text);

	r = &cfg->rules[1];
	assert_int_equal(r->kind, PG_RULE_PATH);
	assert_string_equal(r->pattern, "secrets/**");
	assert_int_equal(r->line, 12);
	assert_true(r->deny);
	assert_int_equal(r->deny_line, 13);
	assert_false(r->write.set);
	assert_int_equal(r->nrefs, 0);		/* all refs */
	assert_int_equal(r->mode, PG_MODE_ENFORCE);
	assert_null(r->control);

	/* deny = no goes with write. */
	r = &cfg->rules[2];
	assert_string_equal(r->pattern, "docs/*.md");
	assert_false(r->deny);
	assert_int_equal(r->deny_line, 15);
	assert_true(r->write.everyone);

	/* A tree path may look like a ref name: [path] is not below refs/. */
	r = &cfg->rules[3];
	assert_int_equal(r->kind, PG_RULE_PATH);
	assert_string_equal(r->pattern, "refs/heads/x");
	assert_int_equal(r->line, 17);

	{
		struct pg_buf t = PG_BUF_INIT;

		pg_rule_title(&t, &cfg->rules[0]);
		assert_string_equal(pg_buf_cstr(&t), "[path \"src/crypto/**\"]");
		pg_buf_free(&t);
	}
	pg_config_free(cfg);
}

static void test_path_refs_values(void **state)
{
	struct pg_config *cfg;

	(void)state;
	expect_one("[path \"a/**\"]\nrefs = heads/*\n", 2,
		   "refs: 'heads/*' is not a full ref name pattern such as refs/heads/*");
	expect_one("[path \"a/**\"]\nrefs = main\n", 2, "refs: 'main' is not a full ref name pattern");
	expect_one("[path \"a/**\"]\nrefs = refs\n", 2, "refs: 'refs' is not a full ref name pattern");
	/* On a continuation line, at that line. */
	expect_one("[path \"a/**\"]\nrefs = refs/heads/*\n  tags/v*\n", 3,
		   "refs: 'tags/v*' is not a full ref name pattern");
	/* Bad globs. */
	expect_one("[path \"a/**\"]\nrefs = refs//heads\n", 2,
		   "refs: glob pattern 'refs//heads' has an empty component");
	expect_one("[path \"a/**\"]\nrefs = refs/heads/\n", 2,
		   "refs: glob pattern 'refs/heads/' has an empty component");
	expect_one("[path \"a/**\"]\nrefs = refs/heads/[ab\n", 2,
		   "refs: glob pattern 'refs/heads/[ab' has an unclosed '['");
	expect_one("[path \"a/**\"]\nrefs = refs/heads/x**\n", 2,
		   "refs: glob pattern 'refs/heads/x**': '**' must be a whole component");
	expect_one("[path \"a/**\"]\nrefs =\n", 2, "'refs' is empty");
	expect_one("[path \"a/**\"]\nrefs = refs/heads/*\n\nrefs = refs/tags/*\n", 4,
		   "'refs' is given twice (first at line 2)");

	/* Each bad item is its own problem; the good ones are kept. */
	write_file("c.ini", "[path \"a/**\"]\nrefs = heads/x, refs/heads/ok, refs//y\n");
	cfg = load_bad("c.ini");
	expect_ndiags(cfg, 2);
	expect_diag(cfg, "c.ini", 2, "refs: 'heads/x' is not a full ref name pattern");
	expect_diag(cfg, "c.ini", 2, "refs: glob pattern 'refs//y' has an empty component");
	assert_int_equal(cfg->rules[0].nrefs, 1);
	assert_string_equal(cfg->rules[0].refs[0], "refs/heads/ok");
	pg_config_free(cfg);

	/* ** over whole ref names. */
	write_file("c.ini", "[path \"a/**\"]\nrefs = refs/**\n");
	cfg = load_ok("c.ini");
	assert_int_equal(cfg->rules[0].nrefs, 1);
	assert_string_equal(cfg->rules[0].refs[0], "refs/**");
	pg_config_free(cfg);
}

static void test_path_bad_pattern(void **state)
{
	(void)state;
	expect_one("[path \"src//crypto\"]\n", 1,
		   "glob pattern 'src//crypto' has an empty component");
	expect_one("[core]\n[path \"/etc/passwd\"]\n", 2,
		   "glob pattern '/etc/passwd' has an empty component");
	expect_one("[path \"src/\"]\n", 1, "has an empty component");
	expect_one("[path \"src/[a\"]\n", 1, "glob pattern 'src/[a' has an unclosed '['");
	expect_one("[path \"src/a**\"]\n", 1, "'**' must be a whole component");
	expect_one("[path \"\"]\n", 1, "glob pattern is empty");
	expect_one("[path]\n", 1, "section [path] needs an argument");
	expect_one("[path src]\n", 1, "section name must be quoted: [path \"src\"]");
	/* The refused section's keys are not reported. */
	expect_one("[path \"a//b\"]\nwrite = ev!l\ndeny = maybe\n", 1, "empty component");
}

static void test_path_deny_write(void **state)
{
	struct pg_config *cfg;

	(void)state;
	/* At the deny line, whichever comes first. */
	expect_one("[path \"secrets/**\"]\nwrite = alice\ndeny = yes\n", 3,
		   "deny = yes and write exclude each other: nobody may write");
	expect_one("[path \"secrets/**\"]\ndeny = yes\n\nwrite = alice\n", 2,
		   "deny = yes and write exclude each other");
	expect_one("[path \"secrets/**\"]\ndeny = true\nwrite = none\n", 2,
		   "deny = yes and write exclude each other");
	expect_one("[path \"secrets/**\"]\ndeny = maybe\n", 2, "deny must be yes or no, not 'maybe'");
	expect_one("[path \"secrets/**\"]\ndeny =\n", 2, "deny must be yes or no, not ''");
	expect_one("[path \"secrets/**\"]\ndeny = yes\ndeny = yes\n", 3,
		   "'deny' is given twice (first at line 2)");
	expect_one("[path \"secrets/**\"]\ndeny = yes\n  no\n", 3, "'deny' takes a single value");
	expect_one("[path \"secrets/**\"]\nwrite = a\nwrite = b\n", 3,
		   "'write' is given twice (first at line 2)");
	expect_one("[path \"secrets/**\"]\nwrite =\n", 2, "'write' is empty; write 'none' for nobody");
	expect_one("[path \"secrets/**\"]\nwrite = @ghost\n", 2, "undefined group @ghost");

	/* The booleans' spellings. */
	write_file("c.ini", "[path \"a\"]\ndeny = On\n[path \"b\"]\ndeny = 0\n");
	cfg = load_ok("c.ini");
	assert_true(cfg->rules[0].deny);
	assert_false(cfg->rules[1].deny);
	assert_int_equal(cfg->rules[1].deny_line, 4);
	pg_config_free(cfg);
}

static void write_signers(const char *name)
{
	write_file(name, "# team keys\nalice " KEY_A "\nbob " KEY_B "\n");
}

static void test_require_signed_values(void **state)
{
	struct pg_config *cfg;
	const struct pg_rule *r;

	(void)state;
	write_signers("allowed_signers");
	write_file("c.ini",
		   "[core]\n"					/* 1 */
		   "signers = allowed_signers\n"		/* 2 */
		   "[branch \"main\"]\n"			/* 3 */
		   "require_signed = yes\n"			/* 4 */
		   "[branch \"dev\"]\n"				/* 5 */
		   "require_signed = no\n"			/* 6 */
		   "[branch \"release/*\"]\n"			/* 7 */
		   "require_signed = alice, @grp\n"		/* 8 */
		   "[group \"grp\"]\n"				/* 9 */
		   "members = bob, @sub\n"			/* 10 */
		   "[group \"sub\"]\n"				/* 11 */
		   "members = carol\n"				/* 12 */
		   "[tag \"v*\"]\n"				/* 13 */
		   "require_signed = yes\n"			/* 14 */
		   "[tag \"rel-*\"]\n"				/* 15 */
		   "require_signed = alice\n"			/* 16 */
		   "  @grp\n"					/* 17 */
		   "[branch \"plain\"]\n");			/* 18 */
	cfg = load_ok("c.ini");
	assert_string_equal(cfg->signers.value, path_of("allowed_signers"));
	assert_string_equal(cfg->signers.file, path_of("c.ini"));
	assert_int_equal(cfg->signers.line, 2);
	assert_non_null(cfg->allowed);
	assert_int_equal(cfg->allowed->nentries, 2);
	assert_int_equal(cfg->allowed->nproblems, 0);
	assert_int_equal(cfg->nrules, 6);

	r = &cfg->rules[0];
	assert_true(r->require_signed.set);
	assert_true(r->require_signed.any);
	assert_int_equal(r->require_signed.line, 4);
	assert_false(r->require_signed.by.set);

	r = &cfg->rules[1];				/* no: the default */
	assert_false(r->require_signed.set);
	assert_false(r->require_signed.any);
	assert_false(r->require_signed.by.set);

	r = &cfg->rules[2];
	assert_true(r->require_signed.set);
	assert_false(r->require_signed.any);
	assert_int_equal(r->require_signed.line, 8);
	assert_true(r->require_signed.by.set);
	assert_int_equal(r->require_signed.by.line, 8);
	assert_string_equal(r->require_signed.by.file, path_of("c.ini"));
	assert_int_equal(r->require_signed.by.nnames, 2);
	assert_string_equal(r->require_signed.by.names[0], "alice");
	assert_string_equal(r->require_signed.by.names[1], "@grp");
	expect_names(&r->require_signed.by, "alice, @grp");
	assert_true(pg_members_contains(cfg, &r->require_signed.by, "alice"));
	assert_true(pg_members_contains(cfg, &r->require_signed.by, "bob"));
	assert_true(pg_members_contains(cfg, &r->require_signed.by, "carol"));
	assert_false(pg_members_contains(cfg, &r->require_signed.by, "dave"));
	assert_false(pg_members_contains(cfg, &r->require_signed.by, "grp"));

	r = &cfg->rules[3];
	assert_int_equal(r->kind, PG_RULE_TAG);
	assert_true(r->require_signed.set);
	assert_true(r->require_signed.any);
	assert_int_equal(r->require_signed.line, 14);

	r = &cfg->rules[4];				/* a list over two lines */
	assert_int_equal(r->kind, PG_RULE_TAG);
	assert_true(r->require_signed.set);
	assert_false(r->require_signed.any);
	expect_names(&r->require_signed.by, "alice, @grp");
	assert_int_equal(r->require_signed.by.line, 16);

	r = &cfg->rules[5];
	assert_false(r->require_signed.set);
	pg_config_free(cfg);

	/* Spellings of yes and no. */
	write_file("c.ini", "[core]\nsigners = allowed_signers\n"
		   "[branch \"a\"]\nrequire_signed = True\n[branch \"b\"]\nrequire_signed = off\n");
	cfg = load_ok("c.ini");
	assert_true(cfg->rules[0].require_signed.any);
	assert_false(cfg->rules[1].require_signed.set);
	pg_config_free(cfg);

	/* require_signed = no needs no signers file. */
	expect_valid("[branch \"main\"]\nrequire_signed = no\n");
}

static void test_require_signed_errors(void **state)
{
	struct pg_config *cfg;

	(void)state;
	write_signers("allowed_signers");
	/* An undefined group, at the line that names it. */
	expect_one("[core]\nsigners = allowed_signers\n[branch \"main\"]\n"
		   "require_signed = alice, @ghost\n", 4, "undefined group @ghost");
	expect_one("[core]\nsigners = allowed_signers\n[tag \"v*\"]\n"
		   "require_signed = alice,\n  @ghost\n", 4, "undefined group @ghost");
	expect_one("[core]\nsigners = allowed_signers\n[branch \"main\"]\n"
		   "require_signed = alice ev!l\n", 4,
		   "'ev!l' is not a user name, @group, '*' or 'none'");
	expect_one("[core]\nsigners = allowed_signers\n[branch \"main\"]\n"
		   "require_signed = none, alice\n", 4, "'require_signed' mixes 'none' with members");
	expect_one("[core]\nsigners = allowed_signers\n[branch \"main\"]\n"
		   "require_signed =\n", 4, "'require_signed' is empty");

	/* Given twice: whatever the values. */
	expect_one("[core]\nsigners = allowed_signers\n[branch \"main\"]\n"
		   "require_signed = yes\nrequire_signed = alice\n", 5,
		   "'require_signed' is given twice (first at line 4)");
	expect_one("[core]\nsigners = allowed_signers\n[branch \"main\"]\n"
		   "require_signed = alice\n\nrequire_signed = yes\n", 6,
		   "'require_signed' is given twice (first at line 4)");
	expect_one("[core]\nsigners = allowed_signers\n[branch \"main\"]\n"
		   "require_signed = no\nrequire_signed = yes\n", 5,
		   "'require_signed' is given twice (first at line 4)");
	expect_one("[branch \"main\"]\nrequire_signed = no\nrequire_signed = no\n", 3,
		   "'require_signed' is given twice (first at line 2)");
	/* yes or no cannot go on over an indented line. */
	expect_one("[core]\nsigners = allowed_signers\n[branch \"main\"]\n"
		   "require_signed = yes\n  alice\n", 5,
		   "'require_signed' takes yes or no, or a member list");

	/* Without [core] signers: at the require_signed line. */
	expect_one("[branch \"main\"]\n\nrequire_signed = yes\n", 3,
		   "require_signed needs [core] signers, the allowed_signers file");
	expect_one("[tag \"v*\"]\ncreate = *\nrequire_signed = yes\n", 3,
		   "require_signed needs [core] signers");
	expect_one("[branch \"main\"]\nrequire_signed = alice\n", 2,
		   "require_signed needs [core] signers");
	/* One problem per rule that asks for it. */
	write_file("c.ini", "[branch \"a\"]\nrequire_signed = yes\n[tag \"b\"]\nrequire_signed = yes\n");
	cfg = load_bad("c.ini");
	expect_ndiags(cfg, 2);
	expect_diag(cfg, "c.ini", 2, "require_signed needs [core] signers");
	expect_diag(cfg, "c.ini", 4, "require_signed needs [core] signers");
	pg_config_free(cfg);
	/* In a rule of an included file: at that file's line. */
	write_file("inc.ini", "[branch \"x\"]\n\nrequire_signed = yes\n");
	write_file("c.ini", "[core]\ninclude = inc.ini\n");
	cfg = load_bad("c.ini");
	expect_ndiags(cfg, 1);
	expect_diag(cfg, "inc.ini", 3, "require_signed needs [core] signers");
	pg_config_free(cfg);
}

static void test_signers_file(void **state)
{
	struct pg_config *cfg;

	(void)state;
	/* Missing: at the signers file, line 0. */
	write_file("c.ini", "[core]\nsigners = missing_signers\n[branch \"main\"]\n"
		   "require_signed = yes\n");
	cfg = load_bad("c.ini");
	expect_ndiags(cfg, 1);
	expect_diag(cfg, "missing_signers", 0, "cannot open");
	assert_string_equal(cfg->signers.value, path_of("missing_signers"));
	assert_non_null(cfg->allowed);
	assert_int_equal(cfg->allowed->nentries, 0);
	pg_config_free(cfg);

	/* Named but used by no rule: still read, still checked. */
	write_file("c.ini", "[core]\n\nsigners = nodir/allowed_signers\n");
	cfg = load_bad("c.ini");
	expect_ndiags(cfg, 1);
	expect_diag(cfg, "nodir/allowed_signers", 0, "cannot open");
	pg_config_free(cfg);

	/*
	 * One bad line: a warning at signers-file:LINE, the line skipped, the
	 * other lines load and the policy stays valid (skipping a line only
	 * trusts fewer keys).
	 */
	write_file("allowed_signers",
		   "# team keys\n"			/* 1 */
		   "alice " KEY_A "\n"			/* 2 */
		   "\n"					/* 3 */
		   "carol sk-ssh-ed25519@openssh.com AAAA\n"	/* 4 */
		   "bob " KEY_B " bob@example\n");	/* 5 */
	write_file("c.ini", "[core]\nsigners = allowed_signers\n[branch \"main\"]\n"
		   "require_signed = yes\n");
	cfg = load_ok("c.ini");
	expect_warning(cfg, "allowed_signers", 4,
		       "key type sk-ssh-ed25519@openssh.com is not supported");
	assert_int_equal(cfg->nwarnings, 1);
	assert_int_equal(cfg->allowed->nentries, 2);
	assert_int_equal(cfg->allowed->entries[0].line, 2);
	assert_int_equal(cfg->allowed->entries[1].line, 5);
	pg_config_free(cfg);

	write_file("allowed_signers", "alice " KEY_A "\nbob ssh-ed25519\n");
	cfg = load_ok("c.ini");
	expect_warning(cfg, "allowed_signers", 2, "the base64 key is missing");
	assert_int_equal(cfg->allowed->nentries, 1);
	pg_config_free(cfg);

	/* Writable by others: refused whole, at line 0. */
	write_bytes("allowed_signers", "alice " KEY_A "\n", strlen("alice " KEY_A "\n"), 0666);
	cfg = load_bad("c.ini");
	expect_ndiags(cfg, 1);
	expect_diag(cfg, "allowed_signers", 0, "writable by others than its owner");
	assert_int_equal(cfg->allowed->nentries, 0);
	pg_config_free(cfg);

	/* Readable by all is fine; an absolute path is taken as is. */
	write_bytes("allowed_signers", "alice " KEY_A "\n", strlen("alice " KEY_A "\n"), 0644);
	{
		struct pg_buf text = PG_BUF_INIT;

		pg_buf_printf(&text, "[core]\nsigners = %s\n", path_of("allowed_signers"));
		write_file("c.ini", text.ptr);
		pg_buf_free(&text);
	}
	cfg = load_ok("c.ini");
	assert_string_equal(cfg->signers.value, path_of("allowed_signers"));
	assert_int_equal(cfg->allowed->nentries, 1);
	pg_config_free(cfg);

	expect_one("[core]\nsigners =\n", 2, "'signers' is empty");
	expect_one("[core]\nsigners = allowed_signers\nsigners = allowed_signers\n", 3,
		   "'signers' is given twice (first at line 2)");
	expect_one("[core]\nsigners = allowed_signers\n  more\n", 3, "'signers' takes a single value");
	expect_one("[branch \"main\"]\nsigners = allowed_signers\n", 2,
		   "'signers' does not belong in [branch \"main\"]");
}

static void test_signers_relative_to_include(void **state)
{
	struct pg_config *cfg;

	(void)state;
	make_dir("etc");
	make_dir("etc/sub");
	make_dir("etc/sub/keys");
	write_file("etc/top.ini",
		   "[core]\n"
		   "include = sub/core.ini\n"
		   "[branch \"main\"]\n"
		   "require_signed = yes\n");
	write_file("etc/sub/core.ini", "; shared\n[core]\nsigners = keys/allowed\n");
	write_signers("etc/sub/keys/allowed");
	/* Not this one, beside the top file. */
	make_dir("etc/keys");
	write_file("etc/keys/allowed", "this is not an allowed signers line\n");
	cfg = load_ok("etc/top.ini");
	assert_string_equal(cfg->signers.value, path_of("etc/sub/keys/allowed"));
	assert_string_equal(cfg->signers.file, path_of("etc/sub/core.ini"));
	assert_int_equal(cfg->signers.line, 3);
	assert_int_equal(cfg->allowed->nentries, 2);
	pg_config_free(cfg);

	/* A bad line there is reported (and skipped) at that file, not at the config. */
	write_file("etc/sub/keys/allowed", "alice " KEY_A "\n\"bob " KEY_B "\n");
	cfg = load_ok("etc/top.ini");
	expect_warning(cfg, "etc/sub/keys/allowed", 2, "unterminated quote");
	pg_config_free(cfg);
}

static void test_regex_values(void **state)
{
	struct pg_config *cfg;
	const struct pg_rule *r;

	(void)state;
	write_file("c.ini",
		   "[branch \"chg/*\"]\n"				/* 1 */
		   "subject = ^(CHG|INC)-[0-9]+: ; a comment\n"		/* 2 */
		   "message = ^Refs: [A-Z]+-[0-9]+$\n"			/* 3 */
		   "linear  = yes\n"					/* 4 */
		   "[branch \"main\"]\n"				/* 5 */
		   "subject = ^.{1,50}$\n"				/* 6 */
		   "linear = no\n");					/* 7 */
	cfg = load_ok("c.ini");
	r = &cfg->rules[0];
	assert_string_equal(r->subject.text, "^(CHG|INC)-[0-9]+:");
	assert_int_equal(r->subject.line, 2);
	assert_string_equal(r->message.text, "^Refs: [A-Z]+-[0-9]+$");
	assert_int_equal(r->message.line, 3);
	assert_true(r->linear);
	assert_int_equal(r->linear_line, 4);

	/* The subject: an extended regular expression, case-sensitive. */
	assert_int_equal(regexec(&r->subject.re, "CHG-12: fix the parser", 0, NULL, 0), 0);
	assert_int_equal(regexec(&r->subject.re, "INC-7:", 0, NULL, 0), 0);
	assert_int_equal(regexec(&r->subject.re, "fix CHG-12: the parser", 0, NULL, 0), REG_NOMATCH);
	assert_int_equal(regexec(&r->subject.re, "chg-12: fix", 0, NULL, 0), REG_NOMATCH);
	assert_int_equal(regexec(&r->subject.re, "CHG-: fix", 0, NULL, 0), REG_NOMATCH);
	assert_int_equal(regexec(&r->subject.re, "CHG-12 fix", 0, NULL, 0), REG_NOMATCH);

	/* The message: ^ and $ match at each line. */
	assert_int_equal(regexec(&r->message.re,
				 "CHG-1: fix\n\nLonger text.\nRefs: ABC-123\n", 0, NULL, 0), 0);
	assert_int_equal(regexec(&r->message.re,
				 "CHG-1: fix\n\nRefs: ABC-123\nSigned-off-by: x\n", 0, NULL, 0), 0);
	assert_int_equal(regexec(&r->message.re, "Refs: ABC-123", 0, NULL, 0), 0);
	assert_int_equal(regexec(&r->message.re,
				 "CHG-1: fix\n\nsee Refs: ABC-123\n", 0, NULL, 0), REG_NOMATCH);
	assert_int_equal(regexec(&r->message.re,
				 "CHG-1: fix\n\nRefs: ABC-123 and more\n", 0, NULL, 0), REG_NOMATCH);
	assert_int_equal(regexec(&r->message.re,
				 "CHG-1: fix\n\nRefs: abc-123\n", 0, NULL, 0), REG_NOMATCH);

	r = &cfg->rules[1];
	assert_string_equal(r->subject.text, "^.{1,50}$");
	assert_int_equal(r->subject.line, 6);
	assert_null(r->message.text);
	assert_int_equal(r->message.line, 0);
	assert_false(r->linear);
	assert_int_equal(r->linear_line, 7);
	assert_int_equal(regexec(&r->subject.re, "short", 0, NULL, 0), 0);
	assert_int_equal(regexec(&r->subject.re,
				 "a subject line that goes on for far more than fifty characters",
				 0, NULL, 0), REG_NOMATCH);
	assert_int_equal(regexec(&r->subject.re, "", 0, NULL, 0), REG_NOMATCH);
	/* Without REG_NEWLINE, the subject's $ is the end of the text only. */
	assert_int_equal(regexec(&r->subject.re, "one\ntwo", 0, NULL, 0), 0);
	pg_config_free(cfg);

	/* message with '.': REG_NEWLINE keeps it within a line. */
	write_file("c.ini", "[branch \"x\"]\nmessage = ^Fixes: .+$\n");
	cfg = load_ok("c.ini");
	r = &cfg->rules[0];
	assert_int_equal(regexec(&r->message.re, "a\nFixes: 1\nb\n", 0, NULL, 0), 0);
	assert_int_equal(regexec(&r->message.re, "a\nFixes: \nb\n", 0, NULL, 0), REG_NOMATCH);
	pg_config_free(cfg);
}

/* glibc's regcomp grows exponentially with stacked repetitions: refused first. */
static void test_regex_too_costly(void **state)
{
	(void)state;
	expect_one("[branch \"a\"]\nsubject = a++++++++++++++++++++++++++++\n", 2,
		   "subject: two repetitions in a row (such as '++'): too costly to compile");
	expect_one("[branch \"a\"]\nmessage = x{2}{3}\n", 2, "two repetitions in a row");
	expect_one("[branch \"a\"]\nsubject = ((a{999}){999}){999}\n", 2,
		   "its repetitions expand it past 10,000 atoms");
	/* A character class closes its own bracket first (fuzz_config). */
	expect_one("[branch \"a\"]\nsubject = ((a{999}[[:digit:])][[:digit:])]){999}){999}\n", 2,
		   "its repetitions expand it past 10,000 atoms");
	expect_one("[branch \"a\"]\nsubject = (((((((((((((((a+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)\n", 2,
		   "its repetitions expand it past 10,000 atoms");
}

static void test_regex_errors(void **state)
{
	struct pg_config *cfg;

	(void)state;
	expect_one("[branch \"main\"]\nsubject = (\n", 2,
		   "subject: not a POSIX extended regular expression: ");
	expect_one("[branch \"main\"]\npush = *\n\nmessage = ^Refs: [A-Z\n", 4,
		   "message: not a POSIX extended regular expression: ");
	expect_one("[branch \"main\"]\nsubject = a{2,1}\n", 2,
		   "subject: not a POSIX extended regular expression");
	expect_one("[branch \"main\"]\nsubject = ^(CHG|INC\n", 2,
		   "subject: not a POSIX extended regular expression");
	expect_one("[branch \"main\"]\nsubject =\n", 2, "'subject' is empty");
	expect_one("[branch \"main\"]\nmessage =\n", 2, "'message' is empty");
	expect_one("[branch \"main\"]\nsubject = ^a\nsubject = ^b\n", 3,
		   "'subject' is given twice (first at line 2)");
	/* A bad first one still counts as written. */
	write_file("c.ini", "[branch \"main\"]\nmessage = (\nmessage = [\n");
	cfg = load_bad("c.ini");
	expect_ndiags(cfg, 2);
	expect_diag(cfg, "c.ini", 2, "message: not a POSIX extended regular expression");
	expect_diag(cfg, "c.ini", 3, "'message' is given twice (first at line 2)");
	assert_null(cfg->rules[0].message.text);
	pg_config_free(cfg);
	expect_one("[branch \"main\"]\nmessage = ^a$\nmessage = ^b$\n", 3,
		   "'message' is given twice (first at line 2)");
	expect_one("[branch \"main\"]\nsubject = ^CHG-\n  CHG-[0-9]+\n", 3,
		   "'subject' takes a single value");
	/* Per section: another rule may have its own. */
	write_file("c.ini", "[branch \"a\"]\nsubject = ^a\n[branch \"b\"]\nsubject = ^b\n");
	cfg = load_ok("c.ini");
	assert_string_equal(cfg->rules[1].subject.text, "^b");
	pg_config_free(cfg);
}

static void test_linear_values(void **state)
{
	(void)state;
	expect_one("[branch \"main\"]\nlinear = sometimes\n", 2,
		   "linear must be yes or no, not 'sometimes'");
	expect_one("[branch \"main\"]\nlinear =\n", 2, "linear must be yes or no");
	expect_one("[branch \"main\"]\nlinear = yes\nlinear = no\n", 3,
		   "'linear' is given twice (first at line 2)");
	expect_one("[branch \"main\"]\nlinear = yes\n  no\n", 3, "'linear' takes a single value");
}

static void test_new_keys_wrong_section(void **state)
{
	(void)state;
	expect_one("[branch \"main\"]\npush = a\nwrite = alice\n", 3,
		   "'write' does not belong in [branch \"main\"]");
	expect_one("[branch \"main\"]\ndeny = yes\n", 2, "'deny' does not belong in [branch \"main\"]");
	expect_one("[branch \"main\"]\nrefs = refs/heads/*\n", 2,
		   "'refs' does not belong in [branch \"main\"]");
	expect_one("[tag \"v*\"]\nsubject = ^v\n", 2, "'subject' does not belong in [tag \"v*\"]");
	expect_one("[tag \"v*\"]\nmessage = ^v\n", 2, "'message' does not belong in [tag \"v*\"]");
	expect_one("[tag \"v*\"]\nlinear = yes\n", 2, "'linear' does not belong in [tag \"v*\"]");
	expect_one("[tag \"v*\"]\nwrite = alice\n", 2, "'write' does not belong in [tag \"v*\"]");
	expect_one("[path \"src/**\"]\nlinear = yes\n", 2,
		   "'linear' does not belong in [path \"src/**\"]");
	expect_one("[path \"src/**\"]\nsubject = ^x\n", 2,
		   "'subject' does not belong in [path \"src/**\"]");
	expect_one("[path \"src/**\"]\nrequire_signed = yes\n", 2,
		   "'require_signed' does not belong in [path \"src/**\"]");
	expect_one("[path \"src/**\"]\npush = alice\n", 2,
		   "'push' does not belong in [path \"src/**\"]");
	expect_one("[path \"src/**\"]\ncreate = alice\n", 2,
		   "'create' does not belong in [path \"src/**\"]");
	expect_one("[path \"src/**\"]\nrelease = yes\n", 2,
		   "'release' does not belong in [path \"src/**\"]");
	expect_one("[core]\nrequire_signed = yes\n", 2, "'require_signed' does not belong in [core]");
	expect_one("[core]\nwrite = alice\n", 2, "'write' does not belong in [core]");
	expect_one("[group \"g\"]\nmembers = a\ndeny = yes\n", 3,
		   "'deny' does not belong in [group \"g\"]");
	/* The misplaced key's continuation is not reported again. */
	expect_one("[branch \"main\"]\nwrite = alice,\n  bob\n", 2, "'write' does not belong in");
}

/* The whole commit policy of the spec's example, in one file. */
static void test_commit_policy_example(void **state)
{
	struct pg_config *cfg;
	const struct pg_rule *r;

	(void)state;
	write_signers("allowed_signers");
	write_file("c.ini",
		   "[core]\n"							/* 1 */
		   "identity = env:PUSHGATE_USER\n"				/* 2 */
		   "signers  = allowed_signers   ; commit and tag signers\n"	/* 3 */
		   "[group \"security\"]\n"					/* 4 */
		   "members = carol\n"						/* 5 */
		   "[branch \"main\"]\n"					/* 6 */
		   "push           = @security\n"				/* 7 */
		   "require_signed = yes              ; every new commit\n"	/* 8 */
		   "subject        = ^(CHG|INC)-[0-9]+: ; first line\n"	/* 9 */
		   "message        = ^Refs: [A-Z]+-[0-9]+$ ; whole message\n"	/* 10 */
		   "linear         = yes              ; no merges\n"		/* 11 */
		   "[tag \"v*\"]\n"						/* 12 */
		   "require_signed = yes\n"					/* 13 */
		   "[path \"src/crypto/**\"]\n"					/* 14 */
		   "refs  = refs/heads/*\n"					/* 15 */
		   "write = @security\n");					/* 16 */
	cfg = load_ok("c.ini");
	assert_int_equal(cfg->nrules, 3);
	r = &cfg->rules[0];
	assert_int_equal(r->require_signed.line, 8);
	assert_true(r->require_signed.any);
	assert_string_equal(r->subject.text, "^(CHG|INC)-[0-9]+:");
	assert_string_equal(r->message.text, "^Refs: [A-Z]+-[0-9]+$");
	assert_true(r->linear);
	assert_int_equal(r->linear_line, 11);
	r = &cfg->rules[1];
	assert_int_equal(r->require_signed.line, 13);
	r = &cfg->rules[2];
	assert_string_equal(r->refs[0], "refs/heads/*");
	expect_names(&r->write, "@security");
	pg_config_free(cfg);
}

/* ---- pg_members_contains, pg_rule_title ---- */

static void test_members_contains(void **state)
{
	struct pg_config *cfg;
	const struct pg_rule *r;

	(void)state;
	write_file("c.ini",
		   "[branch \"nested\"]\n"
		   "push = @maintainers, zed\n"
		   "force_push = *\n"
		   "delete = none\n"
		   "create = Alice\n"
		   "[group \"maintainers\"]\n"
		   "members = alice, bob, @release\n"
		   "[group \"release\"]\n"
		   "members = carol, @ops\n"
		   "[group \"ops\"]\n"
		   "members = dave\n"
		   "[group \"all\"]\n"
		   "members = *\n"
		   "[group \"nobody\"]\n"
		   "members = none\n"
		   "[tag \"x\"]\n"
		   "create = @all\n"
		   "update = @nobody, erin\n");
	cfg = load_ok("c.ini");
	r = &cfg->rules[0];
	assert_true(pg_members_contains(cfg, &r->push, "alice"));
	assert_true(pg_members_contains(cfg, &r->push, "zed"));
	assert_true(pg_members_contains(cfg, &r->push, "carol"));	/* one group down */
	assert_true(pg_members_contains(cfg, &r->push, "dave"));	/* two down */
	assert_false(pg_members_contains(cfg, &r->push, "erin"));
	assert_false(pg_members_contains(cfg, &r->push, "release"));	/* a group is no user */
	assert_false(pg_members_contains(cfg, &r->push, "@release"));
	assert_false(pg_members_contains(cfg, &r->push, "ALICE"));	/* exact */
	assert_false(pg_members_contains(cfg, &r->push, "alic"));
	assert_false(pg_members_contains(cfg, &r->push, NULL));
	assert_true(pg_members_contains(cfg, &r->force_push, "anyone"));
	assert_false(pg_members_contains(cfg, &r->force_push, NULL));	/* '*': identified */
	assert_false(pg_members_contains(cfg, &r->del, "alice"));
	assert_false(pg_members_contains(cfg, &r->del, NULL));
	assert_true(pg_members_contains(cfg, &r->create, "Alice"));
	assert_false(pg_members_contains(cfg, &r->create, "alice"));
	r = &cfg->rules[1];
	assert_true(pg_members_contains(cfg, &r->create, "whoever"));	/* @all = '*' */
	assert_false(pg_members_contains(cfg, &r->create, NULL));
	assert_true(pg_members_contains(cfg, &r->update, "erin"));
	assert_false(pg_members_contains(cfg, &r->update, "alice"));	/* @nobody adds none */
	pg_config_free(cfg);
}

static void test_rule_title(void **state)
{
	struct pg_config *cfg;
	struct pg_buf t = PG_BUF_INIT;

	(void)state;
	write_file("c.ini", "[branch \"release/*\"]\n[tag \"v*\"]\n");
	cfg = load_ok("c.ini");
	pg_rule_title(&t, &cfg->rules[0]);
	assert_string_equal(pg_buf_cstr(&t), "[branch \"release/*\"]");
	pg_buf_reset(&t);
	pg_rule_title(&t, &cfg->rules[1]);
	assert_string_equal(pg_buf_cstr(&t), "[tag \"v*\"]");
	pg_buf_free(&t);
	pg_config_free(cfg);
	pg_config_free(NULL);	/* like free() */
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_full_valid),
		T(test_defaults),
		T(test_empty_sections_are_rules),
		T(test_bool_and_mode_values),
		T(test_member_list_forms),
		T(test_unknown_key),
		T(test_key_in_wrong_section),
		T(test_unknown_section),
		T(test_malformed_headers),
		T(test_header_never_swallows),
		T(test_brief_quotes_nothing),
		T(test_pusher_text),
		T(test_diag_bounded),
		T(test_member_list_boolean),
		T(test_key_outside_section),
		T(test_line_without_equals),
		T(test_bad_values),
		T(test_empty_member_list),
		T(test_none_mixed),
		T(test_invalid_member_token),
		T(test_undefined_group),
		T(test_group_cycle),
		T(test_group_defined_twice),
		T(test_duplicate_key),
		T(test_review_keys),
		T(test_change_control),
		T(test_content_rules),
		T(test_pattern_below_refs),
		T(test_bad_glob),
		T(test_long_line),
		T(test_nul_byte),
		T(test_crlf),
		T(test_bom),
		T(test_continuation_lines),
		T(test_include_relative),
		T(test_include_cycle),
		T(test_include_depth),
		T(test_include_missing),
		T(test_missing_top_file),
		T(test_writable_refused),
		T(test_several_errors),
		T(test_members_contains),
		T(test_rule_title),
		T(test_path_section_valid),
		T(test_path_refs_values),
		T(test_path_bad_pattern),
		T(test_path_deny_write),
		T(test_require_signed_values),
		T(test_require_signed_errors),
		T(test_signers_file),
		T(test_signers_relative_to_include),
		T(test_regex_values),
		T(test_regex_errors),
		T(test_regex_too_costly),
		T(test_linear_values),
		T(test_new_keys_wrong_section),
		T(test_commit_policy_example),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
