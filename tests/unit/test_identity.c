#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "identity.h"

/* A fake environment: NAME, VALUE pairs ending with a NULL name. */
struct fake_env {
	const char *kv[32];
};

static const char *fake_getenv(void *ctx, const char *name)
{
	const struct fake_env *env = ctx;
	size_t i;

	for (i = 0; env->kv[i]; i += 2)
		if (!strcmp(env->kv[i], name))
			return env->kv[i + 1];
	return NULL;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Parses the space-separated TOKENS into OUT; returns how many. */
static size_t parse_all(struct pg_source *out, size_t max, const char *tokens)
{
	char *copy = strdup(tokens), *tok, *save = NULL;
	size_t n = 0;

	assert_non_null(copy);
	for (tok = strtok_r(copy, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		assert_true(n < max);
		if (pg_source_parse(&out[n], tok) != 0)
			fail_msg("token '%s': %s", tok, pg_error_last());
		n++;
	}
	free(copy);
	return n;
}

static void clear_all(struct pg_source *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		pg_source_clear(&s[i]);
}

/*
 * Resolves with the sources in TOKENS against ENV; checks the return code
 * and, when it is 0, who answered and through which source.
 */
static void expect_resolve(const char *tokens, struct fake_env *env,
			   int want_rc, const char *want_user,
			   const char *want_via)
{
	struct pg_source srcs[8];
	struct pg_identity id = { (char *)"junk", (char *)"junk" };
	size_t n = parse_all(srcs, N(srcs), tokens);
	int rc;

	rc = pg_identity_resolve(&id, srcs, n, fake_getenv, env);
	assert_int_equal(rc, want_rc);
	if (rc == 0) {
		assert_string_equal(id.user, want_user);
		assert_string_equal(id.via, want_via);
	} else {
		assert_null(id.user);
		assert_null(id.via);
	}
	pg_identity_clear(&id);
	assert_null(id.user);
	assert_null(id.via);
	clear_all(srcs, n);
}

static void test_each_source_kind(void **state)
{
	struct fake_env env = { {
		"GITEA_PUSHER_NAME", "gitea-user",
		"GL_USER", "gitolite-user",
		"GL_USERNAME", "gitlab-user",
		"REMOTE_USER", "http-user",
		"PUSHGATE_USER", "env-user",
		NULL
	} };

	(void)state;
	expect_resolve("gitea", &env, 0, "gitea-user", "gitea");
	expect_resolve("gitolite", &env, 0, "gitolite-user", "gitolite");
	expect_resolve("gitlab", &env, 0, "gitlab-user", "gitlab");
	expect_resolve("http", &env, 0, "http-user", "http");
	expect_resolve("env:PUSHGATE_USER", &env, 0, "env-user",
		       "env:PUSHGATE_USER");
}

static void test_unix_source(void **state)
{
	/* The Unix source reads the passwd database, not $USER. */
	struct fake_env env = { { "USER", "not-from-env", NULL } };
	struct passwd *pw = getpwuid(geteuid());
	char *want;

	(void)state;
	if (!pw) {
		expect_resolve("unix", &env, 1, NULL, NULL);
		return;
	}
	/* expect_resolve's own lookups may reuse getpwuid's buffer. */
	want = strdup(pw->pw_name);
	assert_non_null(want);
	if (pg_identity_name_valid(want))
		expect_resolve("unix", &env, 0, want, "unix");
	else
		expect_resolve("unix", &env, -1, NULL, NULL);
	free(want);
}

static void test_order_matters(void **state)
{
	struct fake_env env = { {
		"GL_USER", "alice",
		"REMOTE_USER", "bob",
		NULL
	} };

	(void)state;
	expect_resolve("gitolite http", &env, 0, "alice", "gitolite");
	expect_resolve("http gitolite", &env, 0, "bob", "http");
	/* Unset sources are skipped, wherever they are. */
	expect_resolve("gitea gitlab http gitolite", &env, 0, "bob", "http");
}

static void test_empty_value_skipped(void **state)
{
	struct fake_env env = { {
		"GITEA_PUSHER_NAME", "",
		"REMOTE_USER", "carol",
		NULL
	} };

	(void)state;
	expect_resolve("gitea http", &env, 0, "carol", "http");
	expect_resolve("gitea", &env, 1, NULL, NULL);
}

static void test_invalid_fails_closed(void **state)
{
	struct fake_env env = { {
		"GITEA_PUSHER_NAME", "eve,admin",
		"REMOTE_USER", "dave",
		"X", "\x1b[2J",
		NULL
	} };

	(void)state;
	pg_error_clear();
	/* No fall through to http, which would have said "dave". */
	expect_resolve("gitea http", &env, -1, NULL, NULL);
	assert_non_null(strstr(pg_error_last(), "gitea"));
	assert_null(strstr(pg_error_last(), "eve"));

	pg_error_clear();
	expect_resolve("env:X http", &env, -1, NULL, NULL);
	assert_non_null(strstr(pg_error_last(), "env:X"));
	assert_null(strchr(pg_error_last(), '\x1b'));
}

static void test_none_answers(void **state)
{
	struct fake_env env = { { "UNRELATED", "x", NULL } };

	(void)state;
	expect_resolve("gitea gitolite gitlab http env:PUSHGATE_USER", &env, 1,
		       NULL, NULL);
	expect_resolve("", &env, 1, NULL, NULL);
}

static void test_source_parse_errors(void **state)
{
	static const char *const bad[] = {
		"env:", "env:1X", "env:A-B", "env:A B", "env", "foo", "",
		"Gitea", "gitea ", "env:X=1",
	};
	struct pg_source s;
	size_t i;

	(void)state;
	for (i = 0; i < N(bad); i++) {
		pg_error_clear();
		if (pg_source_parse(&s, bad[i]) != -1)
			fail_msg("token '%s' accepted", bad[i]);
		/* A failed parse leaves nothing to free. */
		assert_null(s.var);
		pg_source_clear(&s);
		if (bad[i][0] && !strstr(pg_error_last(), bad[i]))
			fail_msg("error '%s' does not name '%s'",
				 pg_error_last(), bad[i]);
	}
}

static void test_source_parse_env(void **state)
{
	struct pg_source s;

	(void)state;
	assert_int_equal(pg_source_parse(&s, "env:_x9"), 0);
	assert_int_equal(s.kind, PG_SRC_ENV);
	assert_string_equal(s.var, "_x9");
	pg_source_clear(&s);
	assert_null(s.var);
	assert_int_equal(pg_source_parse(&s, "unix"), 0);
	assert_int_equal(s.kind, PG_SRC_UNIX);
	assert_null(s.var);
	pg_source_clear(&s);
}

static void test_source_name_round_trip(void **state)
{
	static const char *const tokens[] = {
		"gitea", "gitolite", "gitlab", "http", "unix",
		"env:PUSHGATE_USER", "env:_",
	};
	struct pg_buf b = PG_BUF_INIT;
	struct pg_source s, again;
	size_t i;

	(void)state;
	for (i = 0; i < N(tokens); i++) {
		assert_int_equal(pg_source_parse(&s, tokens[i]), 0);
		pg_buf_reset(&b);
		pg_source_name(&b, &s);
		assert_string_equal(pg_buf_cstr(&b), tokens[i]);
		assert_int_equal(pg_source_parse(&again, pg_buf_cstr(&b)), 0);
		assert_int_equal(again.kind, s.kind);
		pg_source_clear(&again);
		pg_source_clear(&s);
	}
	pg_buf_free(&b);
}

static void test_name_valid(void **state)
{
	char name[200];

	(void)state;
	assert_true(pg_identity_name_valid("alice"));
	assert_true(pg_identity_name_valid("a"));
	assert_true(pg_identity_name_valid("Alice.Smith_2+ci@example.org"));
	assert_true(pg_identity_name_valid("a-b"));
	assert_true(pg_identity_name_valid("_svc"));
	assert_true(pg_identity_name_valid(".x"));

	assert_false(pg_identity_name_valid(""));
	assert_false(pg_identity_name_valid(NULL));
	assert_false(pg_identity_name_valid("@alice"));
	assert_false(pg_identity_name_valid("-alice"));
	assert_false(pg_identity_name_valid("alice,bob"));
	assert_false(pg_identity_name_valid("alice bob"));
	assert_false(pg_identity_name_valid("alice\n"));
	assert_false(pg_identity_name_valid("a\x1b"));
	assert_false(pg_identity_name_valid("a/b"));
	assert_false(pg_identity_name_valid("M\xc3\xa4rchen"));

	memset(name, 'a', 128);
	name[128] = '\0';
	assert_true(pg_identity_name_valid(name));
	name[128] = 'a';
	name[129] = '\0';
	assert_false(pg_identity_name_valid(name));
}

/* pg_repo_name with a fake environment, checked and freed. */
static void expect_repo(const char *want, const char *git_dir,
			const char *root, int gitea, int gitolite,
			struct fake_env *env)
{
	char *got = pg_repo_name(git_dir, root, gitea, gitolite, fake_getenv,
				 env);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_repo_name_gitea_gitolite(void **state)
{
	struct fake_env both = { {
		"GITEA_REPO_USER_NAME", "org",
		"GITEA_REPO_NAME", "proj",
		"GL_REPO", "team/proj",
		NULL
	} };
	struct fake_env half = { {
		"GITEA_REPO_USER_NAME", "org",
		"GITEA_REPO_NAME", "",
		"GL_REPO", "",
		NULL
	} };
	const char *dir = "/srv/git/group/x.git";

	(void)state;
	expect_repo("org/proj", dir, "/srv/git", 1, 1, &both);
	expect_repo("team/proj", dir, "/srv/git", 0, 1, &both);
	/* Neither is used unless asked for. */
	expect_repo("group/x", dir, "/srv/git", 0, 0, &both);
	/* Gitea needs both variables; an empty one counts as unset. */
	expect_repo("group/x", dir, "/srv/git", 1, 1, &half);
	expect_repo("x", dir, NULL, 1, 1, &half);
}

static void test_repo_name_paths(void **state)
{
	struct fake_env env = { { NULL } };

	(void)state;
	expect_repo("group/x", "/srv/git/group/x.git", "/srv/git", 0, 0, &env);
	expect_repo("group/x", "/srv/git/group/x.git", "/srv/git/", 0, 0, &env);
	expect_repo("group/x", "/srv/git/group/x.git", "/srv/git//", 0, 0,
		    &env);
	expect_repo("x", "/srv/git/x", "/srv/git", 0, 0, &env);
	/* Only one ".git" goes. */
	expect_repo("x.git", "/srv/git/x.git.git", "/srv/git", 0, 0, &env);
	/* Non-bare: the work tree's name. */
	expect_repo("group/x", "/srv/git/group/x/.git", "/srv/git", 0, 0, &env);
	expect_repo("x", "/srv/x/.git", NULL, 0, 0, &env);
	expect_repo("x", "/srv/x/.git", "/elsewhere", 0, 0, &env);
	/* Not below the root: a common prefix is not a parent. */
	expect_repo("x", "/srv/gitx/x.git", "/srv/git", 0, 0, &env);
	expect_repo("x", "/other/x.git", "/srv/git", 0, 0, &env);
	/* The root itself: fall back to its base name. */
	expect_repo("x", "/srv/git/x.git", "/srv/git/x.git", 0, 0, &env);
	expect_repo("x", "/srv/git/x.git", "/srv/git/x.git/", 0, 0, &env);
	/* Nothing left after ".git": fall back, never "". */
	expect_repo("git", "/srv/git/.git", "/srv/git", 0, 0, &env);
	expect_repo("x", "/x.git", NULL, 0, 0, &env);
	expect_repo("x", "/x.git", "/", 0, 0, &env);
	expect_repo("srv/x", "/srv/x.git", "/", 0, 0, &env);
	expect_repo(".git", "/.git", NULL, 0, 0, &env);
	expect_repo(".git", "/.git", "/", 0, 0, &env);
	expect_repo("/", "/", NULL, 0, 0, &env);
	/* An empty root is an unset option. */
	expect_repo("x", "/srv/git/group/x.git", "", 0, 0, &env);
	expect_repo("Märchen", "/srv/git/Märchen.git", "/srv/git", 0, 0, &env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_source_kind),
		cmocka_unit_test(test_unix_source),
		cmocka_unit_test(test_order_matters),
		cmocka_unit_test(test_empty_value_skipped),
		cmocka_unit_test(test_invalid_fails_closed),
		cmocka_unit_test(test_none_answers),
		cmocka_unit_test(test_source_parse_errors),
		cmocka_unit_test(test_source_parse_env),
		cmocka_unit_test(test_source_name_round_trip),
		cmocka_unit_test(test_name_valid),
		cmocka_unit_test(test_repo_name_gitea_gitolite),
		cmocka_unit_test(test_repo_name_paths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
