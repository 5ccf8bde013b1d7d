#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "buf.h"
#include "oidset.h"
#include "pathname.h"

static void assert_fold(const char *path, const char *want)
{
	struct pg_buf b = PG_BUF_INIT;

	pg_path_fold(&b, path, strlen(path));
	assert_string_equal(b.ptr ? b.ptr : "", want);
	pg_buf_free(&b);
}

static void assert_dotgit(const char *name, int want)
{
	if (pg_path_name_is_dotgit(name, strlen(name)) != want)
		fail_msg("pg_path_name_is_dotgit(\"%s\") != %d", name, want);
}

static void test_fold_case(void **state)
{
	(void)state;
	assert_fold("src/crypto/x.c", "src/crypto/x.c");
	assert_fold("SRC/Crypto/X.C", "src/crypto/x.c");
	/* Unicode simple case mapping: Ä (U+00C4) is ä (U+00E4). */
	assert_fold("src/\xc3\x84/x", "src/\xc3\xa4/x");
	/* Ill-formed UTF-8 stays as it is, bytes and all. */
	assert_fold("src/\xff\xfe/X", "src/\xff\xfe/x");
	/*
	 * In an ill-formed name (no Mac file system takes one) nothing is
	 * dropped: dropping U+200C here would join e2 80 and 89 into U+2009,
	 * and a second fold would differ from the first (found by fuzzing).
	 */
	assert_fold("x\xe2\x80\xe2\x80\x8c\x89", "x\xe2\x80\xe2\x80\x8c\x89");
}

static void test_fold_windows_and_mac_spellings(void **state)
{
	(void)state;
	assert_fold("src\\crypto\\x.c", "src/crypto/x.c");
	assert_fold("src/crypto./x.c", "src/crypto/x.c");
	assert_fold("src/crypto . ./x.c", "src/crypto/x.c");
	assert_fold("src/crypto:stream/x.c", "src/crypto/x.c");
	/* U+200C ZERO WIDTH NON-JOINER and U+FEFF are ignored by HFS+. */
	assert_fold("src/cry\xe2\x80\x8cpto/x.c", "src/crypto/x.c");
	assert_fold("src/\xef\xbb\xbf" "crypto/x.c", "src/crypto/x.c");
	/* Cutting must not leave an empty component. */
	assert_fold("src/.../x", "src/.../x");
}

static void test_fold_pattern_keeps_syntax(void **state)
{
	struct pg_buf b = PG_BUF_INIT;

	(void)state;
	pg_path_fold_pattern(&b, "Src/[A-Z]*/\\*X/**");
	assert_string_equal(b.ptr, "src/[a-z]*/\\*x/**");
	pg_buf_free(&b);
}

static void test_dotgit_aliases(void **state)
{
	(void)state;
	assert_dotgit(".git", 1);
	assert_dotgit(".GIT", 1);
	assert_dotgit(".Git", 1);
	assert_dotgit("git~1", 1);
	assert_dotgit("GIT~1", 1);
	assert_dotgit(".git.", 1);
	assert_dotgit(".git ", 1);
	assert_dotgit(".git. . ", 1);
	assert_dotgit(".git::$INDEX_ALLOCATION", 1);
	assert_dotgit(".g\xe2\x80\x8cit", 1);
	assert_dotgit("\xef\xbb\xbf.git", 1);
	assert_dotgit(".", 1);
	assert_dotgit("..", 1);
	assert_dotgit("", 1);
	assert_dotgit("a\\.git", 1);
	assert_dotgit("..\\x", 1);
	/* Names that only look alike. */
	assert_dotgit(".gitignore", 0);
	assert_dotgit(".gitmodules", 0);
	assert_dotgit("git~2", 0);
	assert_dotgit("git", 0);
	assert_dotgit(".git2", 0);
	assert_dotgit("...", 0);
	assert_dotgit("x.git", 0);
}

static void assert_dotfile(const char *name, int want)
{
	if (pg_path_name_is_dotfile(name, strlen(name)) != want)
		fail_msg("pg_path_name_is_dotfile(\"%s\") != %d", name, want);
}

static void test_dotfiles(void **state)
{
	(void)state;
	assert_dotfile(".gitmodules", 1);
	assert_dotfile(".GitModules", 1);
	assert_dotfile(".gitmodules. ", 1);
	assert_dotfile(".gitmodules:$DATA", 1);
	assert_dotfile("gitmod~1", 1);
	assert_dotfile("GITMOD~4", 1);
	assert_dotfile("gi7eba~1", 1);
	assert_dotfile("gi7eb~12", 1);
	assert_dotfile(".git\xe2\x80\x8cmodules", 1);
	assert_dotfile(".gitattributes", 1);
	assert_dotfile("gi7d29~1", 1);
	assert_dotfile(".gitignore", 1);
	assert_dotfile("gi250a~1", 1);
	assert_dotfile(".mailmap", 1);
	assert_dotfile("maba30~1", 1);
	assert_dotfile("mailma~1", 1);
	/* Near misses. */
	assert_dotfile("gitmodules", 0);
	assert_dotfile(".gitmodulesx", 0);
	assert_dotfile("gitmod~5", 0);
	assert_dotfile("gitmod~0", 0);
	assert_dotfile("gi7eba~0", 0);
	assert_dotfile("gi7ebb~1", 0);
	assert_dotfile("gi7eba~1x", 0);
	assert_dotfile(".gitmodule", 0);
	assert_dotfile(".git", 0);
	assert_dotfile("", 0);
}

static void test_oidset(void **state)
{
	struct pg_oidset *s = pg_oidset_new();
	git_oid a, b;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	assert_int_equal(pg_oidset_contains(s, &a), 0);
	/* Many ids that share a prefix, past any initial table size. */
	for (unsigned i = 0; i < 5000; i++) {
		memcpy(a.id + sizeof(a.id) - sizeof(i), &i, sizeof(i));
		pg_oidset_add(s, &a);
		pg_oidset_add(s, &a);
	}
	assert_int_equal(pg_oidset_count(s), 5000);
	for (unsigned i = 0; i < 5000; i++) {
		memcpy(a.id + sizeof(a.id) - sizeof(i), &i, sizeof(i));
		assert_int_equal(pg_oidset_contains(s, &a), 1);
	}
	b.id[0] = 1;
	assert_int_equal(pg_oidset_contains(s, &b), 0);
	/* insert says whether the id is new; the zero id (i = 0 above) is kept too. */
	assert_int_equal(pg_oidset_insert(s, &b), 1);
	assert_int_equal(pg_oidset_insert(s, &b), 0);
	memset(&a, 0, sizeof(a));
	assert_int_equal(pg_oidset_contains(s, &a), 1);
	assert_int_equal(pg_oidset_insert(s, &a), 0);
	assert_int_equal(pg_oidset_count(s), 5001);
	pg_oidset_free(s);

	/* A bounded set forgets everything when full, then goes on. */
	s = pg_oidset_new_bounded(100);
	memset(&a, 0, sizeof(a));
	a.id[0] = 7;
	for (unsigned i = 0; i < 100; i++) {
		memcpy(a.id + sizeof(a.id) - sizeof(i), &i, sizeof(i));
		assert_int_equal(pg_oidset_insert(s, &a), 1);
	}
	assert_int_equal(pg_oidset_count(s), 100);
	assert_int_equal(pg_oidset_insert(s, &b), 1);
	assert_int_equal(pg_oidset_count(s), 1);
	assert_int_equal(pg_oidset_contains(s, &a), 0);
	assert_int_equal(pg_oidset_contains(s, &b), 1);
	pg_oidset_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold_case),
		cmocka_unit_test(test_fold_windows_and_mac_spellings),
		cmocka_unit_test(test_fold_pattern_keeps_syntax),
		cmocka_unit_test(test_dotgit_aliases),
		cmocka_unit_test(test_dotfiles),
		cmocka_unit_test(test_oidset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
