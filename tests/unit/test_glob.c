#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "glob.h"
#include "error.h"

#define MATCH(p, n) assert_int_equal(pg_glob_match((p), (n)), 1)
#define NO_MATCH(p, n) assert_int_equal(pg_glob_match((p), (n)), 0)

static void test_literal(void **state)
{
	(void)state;
	MATCH("main", "main");
	NO_MATCH("main", "main2");
	NO_MATCH("main", "mai");
	NO_MATCH("main", "Main");
	MATCH("refs/heads/main", "refs/heads/main");
	NO_MATCH("refs/heads/main", "refs/heads/main/x");
	NO_MATCH("refs/heads/main", "refs/heads");
	NO_MATCH("main", "");
}

static void test_star_one_component(void **state)
{
	(void)state;
	MATCH("release/*", "release/1.0");
	NO_MATCH("release/*", "release/1/x");
	NO_MATCH("release/*", "release");
	NO_MATCH("release/*", "releases/1.0");
	MATCH("*", "main");
	NO_MATCH("*", "a/b");
	MATCH("feature-*", "feature-x");
	NO_MATCH("feature-*", "bugfix-x");
	MATCH("v*.*", "v1.2");
	NO_MATCH("v*.*", "v12");
	/* '*' matches a leading '.', as in git refspecs. */
	MATCH("release/*", "release/.hidden");
}

static void test_question_and_class(void **state)
{
	(void)state;
	MATCH("[ab]c", "ac");
	MATCH("[ab]c", "bc");
	NO_MATCH("[ab]c", "cc");
	NO_MATCH("[ab]c", "abc");
	MATCH("[!ab]c", "cc");
	NO_MATCH("[!ab]c", "ac");
	MATCH("v[0-9]", "v7");
	NO_MATCH("v[0-9]", "vx");
	MATCH("[[:digit:]]x", "4x");
	MATCH("v?", "v1");
	NO_MATCH("v?", "v");
	NO_MATCH("v?", "v12");
	NO_MATCH("a?b", "a/b");
}

static void test_dstar_trailing(void **state)
{
	(void)state;
	MATCH("src/**", "src/a");
	MATCH("src/**", "src/a/b");
	MATCH("src/**", "src/a/b/c");
	/* Unlike gitignore: src itself too (a symlink or submodule there). */
	MATCH("src/**", "src");
	MATCH("src/crypto/**", "src/crypto");
	NO_MATCH("src/crypto/**", "src");
	NO_MATCH("src/**", "srcx/a");
	NO_MATCH("src/**", "other/src/a");
	MATCH("**", "a");
	MATCH("**", "a/b/c");
}

static void test_dstar_leading_and_middle(void **state)
{
	(void)state;
	MATCH("**/x", "x");
	MATCH("**/x", "a/x");
	MATCH("**/x", "a/b/c/x");
	NO_MATCH("**/x", "a/xy");
	NO_MATCH("**/x", "x/a");
	MATCH("a/**/b", "a/b");
	MATCH("a/**/b", "a/x/b");
	MATCH("a/**/b", "a/x/y/b");
	NO_MATCH("a/**/b", "a/x/y/c");
	NO_MATCH("a/**/b", "b");
	NO_MATCH("a/**/b", "a");
	MATCH("a/**/b/**/c", "a/b/c");
	MATCH("a/**/b/**/c", "a/1/b/2/3/c");
	NO_MATCH("a/**/b/**/c", "a/1/c");
	MATCH("**/**/x", "x");
	MATCH("refs/heads/**/wip-*", "refs/heads/alice/wip-1");
	NO_MATCH("refs/heads/**/wip-*", "refs/heads/alice/done");
	/* Backtracking: the first "b" is not the one that fits. */
	MATCH("**/b/c", "b/b/c");
	MATCH("a/**/b/c", "a/b/x/b/c");
}

static void test_dstar_no_blowup(void **state)
{
	char name[4096];
	size_t i;

	(void)state;
	/* "a/a/.../a" with 2000 components and no final "x". */
	for (i = 0; i < 2000; i++) {
		name[2 * i] = 'a';
		name[2 * i + 1] = '/';
	}
	name[2 * 2000 - 1] = '\0';
	NO_MATCH("**/**/**/**/**/**/**/**/x", name);
	MATCH("**/**/**/**/**/**/**/**/a", name);
	NO_MATCH("**/a/**/a/**/a/**/b", name);
}

static void test_utf8(void **state)
{
	(void)state;
	MATCH("gitweb/test/Märchen", "gitweb/test/Märchen");
	NO_MATCH("gitweb/test/Märchen", "gitweb/test/Marchen");
	MATCH("gitweb/test/M*rchen", "gitweb/test/Märchen");
	MATCH("gitweb/**", "gitweb/test/Märchen");
	MATCH("*/*/Märchen", "gitweb/test/Märchen");
}

static void test_weird_names(void **state)
{
	(void)state;
	/* Empty components must not crash, nor match a literal. */
	NO_MATCH("a/b", "a//b");
	NO_MATCH("a/b", "a/b/");
	NO_MATCH("a/b", "/a/b");
	MATCH("a/**", "a//b");
	NO_MATCH("a", "");
	NO_MATCH("a", "/");
	NO_MATCH(NULL, "a");
	NO_MATCH("a", NULL);
}

static void expect_check_ok(const char *p)
{
	pg_error_clear();
	if (pg_glob_check(p) != 0)
		fail_msg("pattern '%s' rejected: %s", p, pg_error_last());
}

static void expect_check_fail(const char *p, const char *msg_part)
{
	/* printf("%s", NULL) is undefined; the NULL case is tested too. */
	const char *shown = p ? p : "(null)";

	pg_error_clear();
	if (pg_glob_check(p) != -1)
		fail_msg("pattern '%s' accepted", shown);
	if (!strstr(pg_error_last(), msg_part))
		fail_msg("pattern '%s': error '%s' lacks '%s'", shown,
			 pg_error_last(), msg_part);
}

static void test_check_accepts(void **state)
{
	(void)state;
	expect_check_ok("main");
	expect_check_ok("refs/heads/*");
	expect_check_ok("release/*");
	expect_check_ok("**");
	expect_check_ok("**/x");
	expect_check_ok("a/**/b");
	expect_check_ok("src/**");
	expect_check_ok("[ab]c");
	expect_check_ok("[!ab]c");
	expect_check_ok("[]]x");
	expect_check_ok("[[:alpha:]]");
	expect_check_ok("v?.*");
	expect_check_ok("*a*");
	expect_check_ok("\\*\\*x");
	expect_check_ok("gitweb/test/Märchen");
}

static void test_check_rejects(void **state)
{
	(void)state;
	expect_check_fail("", "empty");
	expect_check_fail(NULL, "empty");
	expect_check_fail("a//b", "'a//b'");
	expect_check_fail("a//b", "empty component");
	expect_check_fail("/a", "'/a'");
	expect_check_fail("a/", "'a/'");
	expect_check_fail("/", "empty component");
	expect_check_fail("a**", "'a**'");
	expect_check_fail("a**", "whole component");
	expect_check_fail("**a", "whole component");
	expect_check_fail("***", "whole component");
	expect_check_fail("x/a**b/y", "whole component");
	expect_check_fail("a\x1b[31m", "control character 0x1b");
	expect_check_fail("a\tb", "control character 0x09");
	expect_check_fail("a\x7f", "control character 0x7f");
	expect_check_fail("[ab", "'[ab'");
	expect_check_fail("[ab", "unclosed '['");
	expect_check_fail("x/[a", "unclosed");
	/* '/' splits components, so it cannot close a bracket either. */
	expect_check_fail("[a/b]", "unclosed");
	expect_check_fail("[]", "unclosed");
	expect_check_fail("[!]", "unclosed");
	expect_check_fail("[[:alpha]", "unclosed");
	expect_check_fail("a\\", "dangling");
}

static void test_check_error_does_not_echo_control(void **state)
{
	(void)state;
	assert_int_equal(pg_glob_check("x\x1b]0;pwned\x07"), -1);
	assert_null(strchr(pg_error_last(), '\x1b'));
	assert_null(strchr(pg_error_last(), '\x07'));
}

static void test_may_match_below(void **state)
{
	(void)state;
	assert_int_equal(pg_glob_may_match_below("src/crypto/**", "src"), 1);
	assert_int_equal(pg_glob_may_match_below("src/crypto/**", "src/crypto"), 1);
	assert_int_equal(pg_glob_may_match_below("src/crypto/**", "src/crypto/a/b"), 1);
	assert_int_equal(pg_glob_may_match_below("src/crypto/**", "src/net"), 0);
	assert_int_equal(pg_glob_may_match_below("src/crypto/**", "lib"), 0);
	assert_int_equal(pg_glob_may_match_below("docs/*.md", "docs"), 1);
	assert_int_equal(pg_glob_may_match_below("docs/*.md", "docs/deep"), 0);
	/* The directory itself, with nothing below, is not enough. */
	assert_int_equal(pg_glob_may_match_below("docs", "docs"), 0);
	assert_int_equal(pg_glob_may_match_below("**/*.pem", "a/b/c"), 1);
	assert_int_equal(pg_glob_may_match_below("a/**/b", "a"), 1);
	assert_int_equal(pg_glob_may_match_below("a/**/b", "x"), 0);
	assert_int_equal(pg_glob_may_match_below("s*c/**", "src"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_literal),
		cmocka_unit_test(test_star_one_component),
		cmocka_unit_test(test_question_and_class),
		cmocka_unit_test(test_dstar_trailing),
		cmocka_unit_test(test_dstar_leading_and_middle),
		cmocka_unit_test(test_dstar_no_blowup),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_weird_names),
		cmocka_unit_test(test_check_accepts),
		cmocka_unit_test(test_check_rejects),
		cmocka_unit_test(test_check_error_does_not_echo_control),
		cmocka_unit_test(test_may_match_below),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
