#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "policy.h"

#define OLD "8e1d0b2aa1c54f3e9d3b2a1f0e9d8c7b6a594837"
#define NEW "3f2a1c9bb2d65e4f0a1b2c3d4e5f60718293a4b5"
#define ZERO "0000000000000000000000000000000000000000"

/*
 * Each test writes its policy to p.ini in a fresh mkdtemp() directory and
 * loads it with pg_config_load, as the hooks do.
 */
static char tmpdir[PATH_MAX];
static char ini_path[PATH_MAX + 16];
static struct pg_config *cfg;
static struct pg_verdict v;

static int setup(void **state)
{
	const char *base = getenv("TMPDIR");

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/pg-policy-XXXXXX",
		 base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir))
		return -1;
	if (snprintf(ini_path, sizeof(ini_path), "%s/p.ini", tmpdir) >= (int)sizeof(ini_path))
		return -1;
	cfg = NULL;
	memset(&v, 0, sizeof(v));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	pg_verdict_clear(&v);
	pg_config_free(cfg);
	cfg = NULL;
	unlink(ini_path);
	return rmdir(tmpdir);
}

static void print_diags(void)
{
	for (size_t i = 0; i < cfg->ndiags; i++)
		print_message("  %s:%d: %s\n", cfg->diags[i].file, cfg->diags[i].line,
			      cfg->diags[i].msg);
}

static void policy(const char *text)
{
	int fd = open(ini_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(close(fd), 0);
	pg_config_free(cfg);
	cfg = NULL;
	if (pg_config_load(&cfg, ini_path) != 0) {
		print_diags();
		fail_msg("the test policy is not valid");
	}
}

/* Decide one update into the global verdict (cleared first). */
static void decide_full(const char *ref, enum pg_change change, const char *user,
			const char *repo, const char *via, const char *why)
{
	struct pg_request req;

	pg_verdict_clear(&v);
	memset(&req, 0, sizeof(req));
	req.ref = ref;
	req.old_hex = change == PG_CHANGE_CREATE ? ZERO : OLD;
	req.new_hex = change == PG_CHANGE_DELETE ? ZERO : NEW;
	req.change = change;
	req.repo = repo;
	req.user = user;
	req.via = via;
	req.no_user_why = why;
	pg_policy_decide(cfg, &req, &v);
}

static void decide(const char *ref, enum pg_change change, const char *user)
{
	decide_full(ref, change, user, "acme/app", "env:PUSHGATE_USER", NULL);
}

/* "TEXT (P.INI:LINE)REST": a list as policy describes it, then more. */
static const char *at(const char *text, int line, const char *rest)
{
	static char bufs[4][PATH_MAX + 512];
	static int next;
	char *b = bufs[next++ % 4];
	int n = snprintf(b, sizeof(bufs[0]), "%s (%s:%d)%s", text, ini_path, line, rest);

	assert_true(n > 0 && (size_t)n < sizeof(bufs[0]));
	return b;
}

/* printf into one of a few static buffers, used in turn. */
static const char *S(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *S(const char *fmt, ...)
{
	static char bufs[4][PATH_MAX + 512];
	static int next;
	char *b = bufs[next++ % 4];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b, sizeof(bufs[0]), fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(bufs[0]));
	return b;
}

static void expect_accepted(size_t napplied)
{
	if (v.nfindings) {
		print_message("unexpected finding: %s\n", v.findings[0].reason);
		fail();
	}
	assert_int_equal(v.rejected, 0);
	assert_int_equal(v.protected, napplied > 0);
	assert_int_equal(v.napplied, napplied);
	for (size_t i = 0; i < napplied; i++)
		assert_true(v.applied[i].ok);
}

/* Exactly one finding, by RULE, not a warning; returns it. */
static const struct pg_finding *expect_rejected(const struct pg_rule *rule, const char *reason)
{
	assert_int_equal(v.rejected, 1);
	assert_int_equal(v.protected, 1);
	assert_int_equal(v.nfindings, 1);
	assert_ptr_equal(v.findings[0].rule, rule);
	assert_int_equal(v.findings[0].warn, 0);
	assert_string_equal(v.findings[0].reason, reason);
	return &v.findings[0];
}

/* Line I of F, which must have it. */
static const char *L(const struct pg_finding *f, size_t i)
{
	assert_true(i < f->nlines);
	return f->lines[i];
}

static void expect_lines(const struct pg_finding *f, size_t n, ...)
{
	va_list ap;

	assert_int_equal(f->nlines, n);
	va_start(ap, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(f->lines[i], va_arg(ap, const char *));
	va_end(ap);
}

/* ---- branches ---- */

static void test_branch_defaults(void **state)
{
	const struct pg_finding *f;
	const struct pg_rule *r;

	(void)state;
	policy("[branch \"main\"]\n");
	r = &cfg->rules[0];

	/* Identified pushers may create and push... */
	decide("refs/heads/main", PG_CHANGE_CREATE, "alice");
	expect_accepted(1);
	assert_ptr_equal(v.applied[0].rule, r);
	assert_string_equal(v.applied[0].what, "create = * (default): allowed");
	decide("refs/heads/main", PG_CHANGE_FASTFORWARD, "bob");
	expect_accepted(1);
	assert_string_equal(v.applied[0].what, "push = * (default): allowed");

	/* ... nobody force-pushes ... */
	decide("refs/heads/main", PG_CHANGE_REWRITE, "alice");
	f = expect_rejected(r, "force-push is not allowed");
	expect_lines(f, 2, "3f2a1c9 is not a descendant of 8e1d0b2, the current tip",
		     "force_push = none (default); ask an admin, or fetch and rebase onto origin/main");
	assert_false(v.applied[0].ok);
	assert_string_equal(v.applied[0].what, "force_push = none (default): rejects");

	/* ... or deletes. */
	decide("refs/heads/main", PG_CHANGE_DELETE, "alice");
	f = expect_rejected(r, "deleting this branch is not allowed");
	expect_lines(f, 2, "the push deletes it; it was at 8e1d0b2",
		     "delete = none (default); protected branches stay; ask an admin");
}

static void test_branch_no_identity(void **state)
{
	const struct pg_finding *f;
	const struct pg_rule *r;
	static const char why[] =
		"no identity source answered: GITEA_PUSHER_NAME, GL_USER are not set";

	(void)state;
	policy("[branch \"main\"]\n[branch \"dev\"]\npush = alice\n");
	r = &cfg->rules[0];
	/* '*' is everyone identified: nobody identified is not in it. */
	decide_full("refs/heads/main", PG_CHANGE_FASTFORWARD, NULL, "acme/app", NULL, why);
	f = expect_rejected(r, "the pusher is not identified");
	expect_lines(f, 2, why,
		     "push = * (default); an admin must set [core] identity to a source this server provides");
	decide_full("refs/heads/main", PG_CHANGE_CREATE, NULL, "acme/app", NULL, why);
	f = expect_rejected(r, "the pusher is not identified");
	assert_string_equal(L(f, 0), why);
	/* Nor in an explicit list. */
	decide_full("refs/heads/dev", PG_CHANGE_FASTFORWARD, NULL, "acme/app", NULL, why);
	f = expect_rejected(&cfg->rules[1], "the pusher is not identified");
	expect_lines(f, 2, why,
		     at("push = alice", 3,
			"; an admin must set [core] identity to a source this server provides"));
	/* Without a reason from the caller, a generic one. */
	decide_full("refs/heads/main", PG_CHANGE_FASTFORWARD, NULL, "acme/app", NULL, NULL);
	f = expect_rejected(r, "the pusher is not identified");
	assert_string_equal(L(f, 0), "no identity source answered");
	/* Where the list is 'none', that is the reason, identity or not. */
	decide_full("refs/heads/main", PG_CHANGE_REWRITE, NULL, "acme/app", NULL, why);
	expect_rejected(r, "force-push is not allowed");
}


static void test_branch_explicit_lists(void **state)
{
	const struct pg_finding *f;
	const struct pg_rule *r;

	(void)state;
	policy("[group \"maintainers\"]\n"		/* 1 */
	       "members = alice, @release\n"		/* 2 */
	       "[group \"release\"]\n"			/* 3 */
	       "members = carol\n"			/* 4 */
	       "[branch \"main\"]\n"			/* 5 */
	       "push       = @maintainers\n"		/* 6 */
	       "force_push = alice\n"			/* 7 */
	       "delete     = bob, carol\n"		/* 8 */
	       "create     = *\n");			/* 9 */
	r = &cfg->rules[0];

	decide("refs/heads/main", PG_CHANGE_FASTFORWARD, "alice");
	expect_accepted(1);
	assert_string_equal(v.applied[0].what, at("push = @maintainers", 6, ": allowed"));
	decide("refs/heads/main", PG_CHANGE_FASTFORWARD, "carol");	/* via @release */
	expect_accepted(1);
	decide("refs/heads/main", PG_CHANGE_FASTFORWARD, "dave");
	f = expect_rejected(r, "dave may not push to this branch");
	expect_lines(f, 3, "the push moves it from 8e1d0b2 to 3f2a1c9",
		     "pusher dave (via env:PUSHGATE_USER) is not in @maintainers",
		     at("push = @maintainers", 6,
			"; ask an admin to add you, or push to another branch and open a pull request"));
	assert_string_equal(v.applied[0].what, at("push = @maintainers", 6, ": rejects"));

	decide("refs/heads/main", PG_CHANGE_REWRITE, "alice");
	expect_accepted(1);
	decide("refs/heads/main", PG_CHANGE_REWRITE, "carol");
	f = expect_rejected(r, "carol may not force-push to this branch");
	expect_lines(f, 3, "3f2a1c9 is not a descendant of 8e1d0b2, the current tip",
		     "pusher carol (via env:PUSHGATE_USER) is not in alice",
		     at("force_push = alice", 7,
			"; ask an admin, or fetch and rebase onto origin/main"));

	decide("refs/heads/main", PG_CHANGE_DELETE, "bob");
	expect_accepted(1);
	decide("refs/heads/main", PG_CHANGE_DELETE, "alice");
	f = expect_rejected(r, "alice may not delete this branch");
	expect_lines(f, 3, "the push deletes it; it was at 8e1d0b2",
		     "pusher alice (via env:PUSHGATE_USER) is not in bob, carol",
		     at("delete = bob, carol", 8, "; ask an admin"));

	decide("refs/heads/main", PG_CHANGE_CREATE, "zoe");
	expect_accepted(1);
	assert_string_equal(v.applied[0].what, at("create = *", 9, ": allowed"));

	/* The source that answered is named; "?" when the caller has none. */
	decide_full("refs/heads/main", PG_CHANGE_FASTFORWARD, "dave", "acme/app", NULL, NULL);
	f = expect_rejected(r, "dave may not push to this branch");
	assert_string_equal(L(f, 1), "pusher dave (via ?) is not in @maintainers");
}

static void test_branch_rule_names_none(void **state)
{
	const struct pg_finding *f;

	(void)state;
	policy("[branch \"main\"]\n"
	       "push = none\n"
	       "create = none\n");
	decide("refs/heads/main", PG_CHANGE_FASTFORWARD, "alice");
	f = expect_rejected(&cfg->rules[0], "pushing to this branch is not allowed");
	expect_lines(f, 2, "the push moves it from 8e1d0b2 to 3f2a1c9",
		     at("push = none", 2, "; ask an admin"));
	decide("refs/heads/main", PG_CHANGE_CREATE, "alice");
	f = expect_rejected(&cfg->rules[0], "creating this branch is not allowed");
	expect_lines(f, 2, "the push creates it at 3f2a1c9", at("create = none", 3, "; ask an admin"));
}

static void test_create_defaults_to_push(void **state)
{
	const struct pg_finding *f;

	(void)state;
	policy("[group \"maintainers\"]\n"		/* 1 */
	       "members = alice\n"			/* 2 */
	       "[branch \"main\"]\n"			/* 3 */
	       "push = @maintainers\n"			/* 4 */
	       "[branch \"dev\"]\n"			/* 5 */
	       "push = @maintainers\n"			/* 6 */
	       "create = dave\n"			/* 7 */
	       "[branch \"open\"]\n"			/* 8 */
	       "force_push = alice\n");			/* 9 */

	/* Without 'create', creating needs what pushing needs. */
	decide("refs/heads/main", PG_CHANGE_CREATE, "alice");
	expect_accepted(1);
	assert_string_equal(v.applied[0].what,
			    S("create = @maintainers (from push at %s:4): allowed", ini_path));
	decide("refs/heads/main", PG_CHANGE_CREATE, "dave");
	f = expect_rejected(&cfg->rules[0], "dave may not create this branch");
	expect_lines(f, 3, "the push creates it at 3f2a1c9",
		     "pusher dave (via env:PUSHGATE_USER) is not in @maintainers",
		     S("create = @maintainers (from push at %s:4); "
		       "ask an admin to add you, or push to another branch", ini_path));

	/* With it, 'create' alone counts: push members may not create. */
	decide("refs/heads/dev", PG_CHANGE_CREATE, "dave");
	expect_accepted(1);
	assert_string_equal(v.applied[0].what, at("create = dave", 7, ": allowed"));
	decide("refs/heads/dev", PG_CHANGE_CREATE, "alice");
	f = expect_rejected(&cfg->rules[1], "alice may not create this branch");
	assert_string_equal(L(f, 2),
			    at("create = dave", 7, "; ask an admin to add you, or push to another branch"));
	decide("refs/heads/dev", PG_CHANGE_FASTFORWARD, "dave");
	expect_rejected(&cfg->rules[1], "dave may not push to this branch");

	/* Neither written: '*'. */
	decide("refs/heads/open", PG_CHANGE_CREATE, "zoe");
	expect_accepted(1);
	assert_string_equal(v.applied[0].what, "create = * (default): allowed");
}

/* ---- tags ---- */

static void test_tag_defaults(void **state)
{
	const struct pg_finding *f;
	const struct pg_rule *r;

	(void)state;
	policy("[tag \"v*\"]\n");
	r = &cfg->rules[0];

	decide("refs/tags/v1.0", PG_CHANGE_CREATE, "alice");
	expect_accepted(1);
	assert_string_equal(v.applied[0].what, "create = * (default): allowed");

	/* Immutable: moving it either way, or deleting it, is refused. */
	decide("refs/tags/v1.0", PG_CHANGE_FASTFORWARD, "alice");
	f = expect_rejected(r, "the tag is immutable: moving it is not allowed");
	expect_lines(f, 2, "the tag is at 8e1d0b2; the push moves it to 3f2a1c9",
		     "update = none (default); create a new tag instead");
	decide("refs/tags/v1.0", PG_CHANGE_REWRITE, "alice");
	f = expect_rejected(r, "the tag is immutable: moving it is not allowed");
	expect_lines(f, 2, "the tag is at 8e1d0b2; the push moves it to 3f2a1c9",
		     "update = none (default); create a new tag instead");
	decide("refs/tags/v1.0", PG_CHANGE_DELETE, "alice");
	f = expect_rejected(r, "deleting this tag is not allowed");
	expect_lines(f, 2, "the push deletes it; it was at 8e1d0b2",
		     "delete = none (default); release tags stay; ask an admin");

	/* Creating still needs an identity. */
	decide_full("refs/tags/v1.0", PG_CHANGE_CREATE, NULL, "acme/app", NULL, "tried: unix");
	f = expect_rejected(r, "the pusher is not identified");
	assert_string_equal(L(f, 0), "tried: unix");

	/* The pattern is below refs/tags/ only. */
	decide("refs/heads/v1.0", PG_CHANGE_DELETE, "alice");
	expect_accepted(0);
	decide("refs/tags/x1.0", PG_CHANGE_DELETE, "alice");
	expect_accepted(0);
}

static void test_tag_explicit_lists(void **state)
{
	const struct pg_finding *f;
	const struct pg_rule *r;

	(void)state;
	policy("[group \"release\"]\n"		/* 1 */
	       "members = carol\n"		/* 2 */
	       "[tag \"v*\"]\n"			/* 3 */
	       "create = @release\n"		/* 4 */
	       "update = alice\n"		/* 5 */
	       "delete = bob\n");		/* 6 */
	r = &cfg->rules[0];

	decide("refs/tags/v2", PG_CHANGE_CREATE, "carol");
	expect_accepted(1);
	decide("refs/tags/v2", PG_CHANGE_CREATE, "dave");
	f = expect_rejected(r, "dave may not create this tag");
	expect_lines(f, 3, "the push creates it at 3f2a1c9",
		     "pusher dave (via env:PUSHGATE_USER) is not in @release",
		     at("create = @release", 4, "; ask one of them to create the tag"));

	decide("refs/tags/v2", PG_CHANGE_FASTFORWARD, "alice");
	expect_accepted(1);
	decide("refs/tags/v2", PG_CHANGE_REWRITE, "alice");
	expect_accepted(1);
	decide("refs/tags/v2", PG_CHANGE_REWRITE, "carol");
	f = expect_rejected(r, "carol may not move this tag");
	assert_string_equal(L(f, 2), at("update = alice", 5, "; create a new tag instead"));

	decide("refs/tags/v2", PG_CHANGE_DELETE, "bob");
	expect_accepted(1);
	decide("refs/tags/v2", PG_CHANGE_DELETE, "alice");
	f = expect_rejected(r, "alice may not delete this tag");
	assert_string_equal(L(f, 2), at("delete = bob", 6, "; ask an admin"));
}

/* ---- modes, several rules, repos ---- */

static void test_mode_warn(void **state)
{
	const struct pg_finding *f;

	(void)state;
	policy("[branch \"main\"]\n"
	       "mode = warn\n"
	       "control = ISO27001:8.32\n"
	       "help = Use a pull request\n");
	decide("refs/heads/main", PG_CHANGE_REWRITE, "alice");
	assert_int_equal(v.rejected, 0);
	assert_int_equal(v.protected, 1);
	assert_int_equal(v.nfindings, 1);
	f = &v.findings[0];
	assert_int_equal(f->warn, 1);
	assert_ptr_equal(f->rule, &cfg->rules[0]);
	assert_string_equal(f->reason, "force-push is not allowed");
	assert_string_equal(f->rule->control, "ISO27001:8.32");
	assert_int_equal(v.napplied, 1);
	assert_false(v.applied[0].ok);
	assert_string_equal(v.applied[0].what,
			    "force_push = none (default): would reject (mode = warn)");

	/* What the rule allows gives no warning. */
	decide("refs/heads/main", PG_CHANGE_FASTFORWARD, "alice");
	expect_accepted(1);

	/* Unidentified: a warning too. */
	decide_full("refs/heads/main", PG_CHANGE_FASTFORWARD, NULL, "acme/app", NULL, NULL);
	assert_int_equal(v.rejected, 0);
	assert_int_equal(v.nfindings, 1);
	assert_int_equal(v.findings[0].warn, 1);
}

static void test_several_rules(void **state)
{
	(void)state;
	policy("[branch \"**\"]\n"		/* 1 */
	       "force_push = alice, bob\n"	/* 2 */
	       "[branch \"main\"]\n"		/* 3 */
	       "force_push = alice\n"		/* 4 */
	       "[branch \"ma*\"]\n"		/* 5 */
	       "mode = warn\n"			/* 6 */
	       "[tag \"main\"]\n"		/* 7 */
	       "[branch \"release/*\"]\n");	/* 8 */

	/* Three rules match main: alice is allowed by two, warned by one. */
	decide("refs/heads/main", PG_CHANGE_REWRITE, "alice");
	assert_int_equal(v.rejected, 0);
	assert_int_equal(v.protected, 1);
	assert_int_equal(v.napplied, 3);
	assert_ptr_equal(v.applied[0].rule, &cfg->rules[0]);
	assert_ptr_equal(v.applied[1].rule, &cfg->rules[1]);
	assert_ptr_equal(v.applied[2].rule, &cfg->rules[2]);
	assert_true(v.applied[0].ok);
	assert_true(v.applied[1].ok);
	assert_false(v.applied[2].ok);
	assert_int_equal(v.nfindings, 1);
	assert_int_equal(v.findings[0].warn, 1);
	assert_ptr_equal(v.findings[0].rule, &cfg->rules[2]);

	/* bob: the broad rule allows, the narrow one rejects: rejected. */
	decide("refs/heads/main", PG_CHANGE_REWRITE, "bob");
	assert_int_equal(v.rejected, 1);
	assert_int_equal(v.nfindings, 2);
	assert_ptr_equal(v.findings[0].rule, &cfg->rules[1]);
	assert_int_equal(v.findings[0].warn, 0);
	assert_string_equal(v.findings[0].reason, "bob may not force-push to this branch");
	assert_string_equal(L(&v.findings[0], 2),
			    at("force_push = alice", 4,
			       "; ask an admin, or fetch and rebase onto origin/main"));
	assert_ptr_equal(v.findings[1].rule, &cfg->rules[2]);
	assert_int_equal(v.findings[1].warn, 1);

	/* carol: every rule rejects: one finding per rule. */
	decide("refs/heads/main", PG_CHANGE_REWRITE, "carol");
	assert_int_equal(v.rejected, 1);
	assert_int_equal(v.nfindings, 3);
	assert_ptr_equal(v.findings[0].rule, &cfg->rules[0]);
	assert_ptr_equal(v.findings[1].rule, &cfg->rules[1]);
	assert_ptr_equal(v.findings[2].rule, &cfg->rules[2]);
	assert_string_equal(L(&v.findings[0], 1),
			    "pusher carol (via env:PUSHGATE_USER) is not in alice, bob");
	assert_string_equal(v.findings[2].reason, "force-push is not allowed");

	/* release/1.0: the "**" rule and the release one */
	decide("refs/heads/release/1.0", PG_CHANGE_REWRITE, "bob");
	assert_int_equal(v.napplied, 2);
	assert_int_equal(v.nfindings, 1);
	assert_ptr_equal(v.findings[0].rule, &cfg->rules[4]);
	assert_string_equal(L(&v.findings[0], 1),
			    "force_push = none (default); ask an admin, or fetch and rebase onto origin/release/1.0");

	/* Only "**" for a deep branch, which it allows. */
	decide("refs/heads/feature/x/y", PG_CHANGE_REWRITE, "bob");
	expect_accepted(1);
	/* A tag named main meets only the tag rule. */
	decide("refs/tags/main", PG_CHANGE_CREATE, "bob");
	expect_accepted(1);
	assert_ptr_equal(v.applied[0].rule, &cfg->rules[3]);
}

static void test_repos_glob(void **state)
{
	(void)state;
	policy("[branch \"main\"]\n"
	       "repos = acme/*, tools/**\n"
	       "[tag \"v*\"]\n"
	       "repos = solo\n");

	decide_full("refs/heads/main", PG_CHANGE_REWRITE, "alice", "acme/app", NULL, NULL);
	expect_rejected(&cfg->rules[0], "force-push is not allowed");
	decide_full("refs/heads/main", PG_CHANGE_REWRITE, "alice", "tools/a/b", NULL, NULL);
	expect_rejected(&cfg->rules[0], "force-push is not allowed");
	/* Other repositories: the rule does not apply, the branch is unprotected. */
	decide_full("refs/heads/main", PG_CHANGE_REWRITE, "alice", "other/app", NULL, NULL);
	expect_accepted(0);
	decide_full("refs/heads/main", PG_CHANGE_REWRITE, "alice", "acme/app/sub", NULL, NULL);
	expect_accepted(0);
	decide_full("refs/heads/main", PG_CHANGE_REWRITE, "alice", "acme", NULL, NULL);
	expect_accepted(0);
	decide_full("refs/tags/v1", PG_CHANGE_DELETE, "alice", "solo", NULL, NULL);
	expect_rejected(&cfg->rules[1], "deleting this tag is not allowed");
	decide_full("refs/tags/v1", PG_CHANGE_DELETE, "alice", "solo2", NULL, NULL);
	expect_accepted(0);

	assert_true(pg_policy_protects(cfg, "refs/heads/main", "acme/app"));
	assert_false(pg_policy_protects(cfg, "refs/heads/main", "other/app"));
	assert_true(pg_policy_protects(cfg, "refs/tags/v9", "solo"));
	assert_false(pg_policy_protects(cfg, "refs/tags/v9", "acme/app"));
}

static void test_unprotected(void **state)
{
	(void)state;
	policy("[branch \"main\"]\n[branch \"release/*\"]\n[tag \"v*\"]\n");

	decide("refs/notes/x", PG_CHANGE_DELETE, "alice");
	expect_accepted(0);
	decide("refs/heads/feature", PG_CHANGE_REWRITE, "alice");
	expect_accepted(0);
	decide("refs/heads/mainline", PG_CHANGE_DELETE, "alice");
	expect_accepted(0);
	decide("refs/heads/release/1/x", PG_CHANGE_DELETE, "alice");	/* '*' is one component */
	expect_accepted(0);
	decide("refs/heads/refs/heads/main", PG_CHANGE_DELETE, "alice");
	expect_accepted(0);
	decide("refs/remotes/origin/main", PG_CHANGE_DELETE, "alice");
	expect_accepted(0);
	/* Nobody identified does not matter where no rule applies. */
	decide_full("refs/heads/feature", PG_CHANGE_REWRITE, NULL, "acme/app", NULL, NULL);
	expect_accepted(0);

	assert_false(pg_policy_protects(cfg, "refs/notes/x", "acme/app"));
	assert_false(pg_policy_protects(cfg, "refs/heads/feature", "acme/app"));
	assert_true(pg_policy_protects(cfg, "refs/heads/main", "acme/app"));
	assert_true(pg_policy_protects(cfg, "refs/heads/release/2", "acme/app"));
	assert_true(pg_policy_protects(cfg, "refs/tags/v1", "acme/app"));

	/* No rules at all. */
	policy("[core]\natomic = yes\n");
	decide("refs/heads/main", PG_CHANGE_DELETE, "alice");
	expect_accepted(0);
}

/* Refs are files on clients: a spelling that lands on a protected ref there is protected. */
static void test_ref_case_variants(void **state)
{
	(void)state;
	policy("[branch \"main\"]\npush = alice\n[tag \"v*\"]\n"
	       "[path \"src/**\"]\nrefs = refs/heads/release/*\nwrite = carol\n");

	assert_true(pg_policy_protects(cfg, "refs/heads/Main", "acme/app"));
	assert_true(pg_policy_protects(cfg, "refs/heads/MAIN", "acme/app"));
	assert_true(pg_policy_protects(cfg, "refs/Heads/main", "acme/app"));
	assert_true(pg_policy_protects(cfg, "refs/tags/V1.0", "acme/app"));
	/* U+200C is ignored by HFS+: "ma<ZWNJ>in" is main there. */
	assert_true(pg_policy_protects(cfg, "refs/heads/ma\xe2\x80\x8cin", "acme/app"));
	assert_false(pg_policy_protects(cfg, "refs/heads/mainx", "acme/app"));
	assert_false(pg_policy_protects(cfg, "refs/heads/feature", "acme/app"));
	decide("refs/heads/Main", PG_CHANGE_CREATE, "bob");
	expect_rejected(&cfg->rules[0], "bob may not create this branch");
	/* A force-push to a spelling outside refs/heads/ names the ref as pushed. */
	decide("refs/Heads/main", PG_CHANGE_REWRITE, "alice");
	{
		const struct pg_finding *f = expect_rejected(&cfg->rules[0], "force-push is not allowed");

		for (size_t i = 0; i < f->nlines; i++)
			assert_null(strstr(f->lines[i], "(null)"));
		assert_non_null(strstr(f->lines[f->nlines - 1], "origin/refs/Heads/main"));
	}
	assert_true(pg_rule_applies(&cfg->rules[2], "refs/heads/Release/1", "acme/app"));
	assert_false(pg_rule_applies(&cfg->rules[2], "refs/heads/releases/1", "acme/app"));

	policy("[branch \"main\"]\ncase = sensitive\n");
	assert_true(pg_policy_protects(cfg, "refs/heads/main", "acme/app"));
	assert_false(pg_policy_protects(cfg, "refs/heads/Main", "acme/app"));
}

/* ---- helpers ---- */

static void test_abbrev(void **state)
{
	char out[8];

	(void)state;
	pg_abbrev(out, OLD);
	assert_string_equal(out, "8e1d0b2");
	pg_abbrev(out, "abc");
	assert_string_equal(out, "abc");
	pg_abbrev(out, NULL);
	assert_string_equal(out, "0000000");
}

static void test_verdict_add_and_clear(void **state)
{
	struct pg_finding *f;

	(void)state;
	f = pg_verdict_add(&v, NULL, 1, "warned %d", 1);
	pg_finding_addf(f, "line %s", "one");
	assert_int_equal(v.rejected, 0);
	f = pg_verdict_add(&v, NULL, 0, "%s", "refused");
	assert_int_equal(v.rejected, 1);
	assert_int_equal(v.nfindings, 2);
	assert_string_equal(v.findings[0].reason, "warned 1");
	assert_int_equal(v.findings[0].nlines, 1);
	assert_string_equal(L(&v.findings[0], 0), "line one");
	assert_null(v.findings[1].rule);
	assert_int_equal(f->nlines, 0);
	pg_verdict_clear(&v);
	assert_int_equal(v.nfindings, 0);
	assert_null(v.findings);
	assert_int_equal(v.rejected, 0);
	assert_int_equal(v.protected, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_branch_defaults),
		T(test_branch_no_identity),
		T(test_branch_explicit_lists),
		T(test_branch_rule_names_none),
		T(test_create_defaults_to_push),
		T(test_tag_defaults),
		T(test_tag_explicit_lists),
		T(test_mode_warn),
		T(test_several_rules),
		T(test_repos_glob),
		T(test_unprotected),
		T(test_ref_case_variants),
		T(test_abbrev),
		T(test_verdict_add_and_clear),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
