#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "signers.h"
#include "sshsig.h"
#include "wire.h"

/* Public keys made with ssh-keygen 9.2 (-t ed25519, -t rsa -b 1024, -t ecdsa). */
#define ALICE "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJdSHbkmx8lhvN4s7hXFwa/KRb4phSjSqvDzmyR3lPSr"
#define OTHER "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDx7vMbfJR7OrS4iBDStX93z+mfb3MkaAGPOSmCadLA+"
#define BOB "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFxM3nmP6S/lrvUMgG9TEpoGHeanxiMV8ZY/dLHMWVUv"
#define RSA_B64 "AAAAB3NzaC1yc2EAAAADAQABAAAAgQDK0fLzIxUbyXGg08ZzTF8u04Ss9JVplEnmSsaRteA0" \
	"b6phN+wtQfWSg5/1unqrMEgLeJI/QYIsMEb+O+Y1g0E0A/cC7b+PeDKasnsI0/ApdimxO4QuzitRKEvw8jkU" \
	"yf9fgqYNUbztiSrYHnUQydVJs1yatYPzUXKKLMFIO45obw=="
#define RSA "ssh-rsa " RSA_B64
#define ECDSA "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBNYZ" \
	"TXx8Fl9RBs6S92ND0vPuGatgSqOIF/Jip/bo4npm1uvYg/D5LM/QAUyG8ZelkHrKHhNLTqPpiS846rBYvoo="

/* ALICE's signature of a commit payload: `ssh-keygen -Y sign -f key -n git msg`. */
static const char MSG_COMMIT[] =
	"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n"
	"author A <a@x> 1700000000 +0000\n"
	"committer A <a@x> 1700000000 +0000\n"
	"\n"
	"hello\n";
static const char SIG_GIT[] =
	"-----BEGIN SSH SIGNATURE-----\n"
	"U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgl1IduSbHyWG83izuFcXBr8pFvi\n"
	"mFKNKq8PObJHeU9KsAAAADZ2l0AAAAAAAAAAZzaGE1MTIAAABTAAAAC3NzaC1lZDI1NTE5\n"
	"AAAAQJEMfmhx0AmbMUQXLZcFROt+N8CoiqowYXRvLDgX0bftg+8lh52+LApUnht/NHqDHC\n"
	"lsKiVNHou8y7ro+Wr8nwI=\n"
	"-----END SSH SIGNATURE-----\n";

#define T_2024 ((time_t)1704067200)	/* 2024-01-01T00:00:00Z */
#define T_2025 ((time_t)1735689600)	/* 2025-01-01T00:00:00Z */
#define T_NOW T_2024

static uint8_t pk_alice[32], pk_other[32], pk_bob[32];

/* The 32 key bytes of an "ssh-ed25519 BASE64" line. */
static void pk_of(uint8_t pk[32], const char *line)
{
	struct pg_buf b = PG_BUF_INIT;
	const char *b64 = strchr(line, ' ') + 1;

	assert_int_equal(pg_base64_decode(&b, b64, strlen(b64)), 0);
	assert_int_equal(b.len, 51);
	memcpy(pk, b.ptr + 19, 32);
	pg_buf_free(&b);
}

static int setup_keys(void **state)
{
	(void)state;
	pk_of(pk_alice, ALICE);
	pk_of(pk_other, OTHER);
	pk_of(pk_bob, BOB);
	return 0;
}

static struct pg_signers *parse(const char *text, int want_rc)
{
	struct pg_signers *s = NULL;

	assert_int_equal(pg_signers_parse(&s, "allowed_signers", text, strlen(text)), want_rc);
	assert_non_null(s);
	return s;
}

static void print_problems(const struct pg_signers *s)
{
	for (size_t i = 0; i < s->nproblems; i++)
		print_message("  %s:%d: %s%s\n", s->problems[i].file, s->problems[i].line,
			      s->problems[i].msg, s->problems[i].unsupported ? " [unsupported]" : "");
}

/* Problem number I is at LINE, says WANT and has the given UNSUPPORTED flag. */
static void expect_problem(const struct pg_signers *s, size_t i, int line,
			   const char *want, int unsupported)
{
	if (i >= s->nproblems || s->problems[i].line != line ||
	    !strstr(s->problems[i].msg, want) ||
	    s->problems[i].unsupported != unsupported) {
		print_problems(s);
		fail_msg("wanted problem %zu at line %d with \"%s\"", i, line, want);
	}
	assert_string_equal(s->problems[i].file, s->path);
}

/* The ssh-ed25519 key of 32 bytes PK (a few at a time may be live). */
static const struct pg_pubkey *K(const uint8_t *pk)
{
	static struct pg_pubkey keys[4];
	static int next;

	next = (next + 1) % 4;
	pg_pubkey_from_ed25519(&keys[next], pk);
	return &keys[next];
}

/* pg_signers_find, expected to answer RC; WANT is in the reason or the principal. */
static void expect_find(const struct pg_signers *s, const uint8_t *pk, const char *ns,
			time_t when, int rc, const char *want)
{
	struct pg_buf why = PG_BUF_INIT;
	const char *principal = "unset";
	int got = pg_signers_find(s, K(pk), ns, when, &principal, &why);

	if (got != rc)
		fail_msg("find: rc %d (%s), wanted %d", got, pg_buf_cstr(&why), rc);
	if (rc == 0) {
		assert_string_equal(principal, want);
		assert_int_equal(why.len, 0);
	} else {
		assert_null(principal);
		if (!strstr(pg_buf_cstr(&why), want))
			fail_msg("find: reason \"%s\", wanted \"%s\"", pg_buf_cstr(&why), want);
	}
	pg_buf_free(&why);
}

static void expect_allowed(const struct pg_signers *s, const uint8_t *pk, const char *who,
			   const char *ns, time_t when, int rc, const char *want)
{
	struct pg_buf why = PG_BUF_INIT;
	int got = pg_signers_principal_allowed(s, K(pk), who, ns, when, &why);

	if (got != rc)
		fail_msg("%s: rc %d (%s), wanted %d", who ? who : "(null)", got,
			 pg_buf_cstr(&why), rc);
	if (rc == 0)
		assert_int_equal(why.len, 0);
	else if (!strstr(pg_buf_cstr(&why), want))
		fail_msg("%s: reason \"%s\", wanted \"%s\"", who ? who : "(null)",
			 pg_buf_cstr(&why), want);
	pg_buf_free(&why);
}

/* ---- the format ---- */

static void test_good_file(void **state)
{
	struct pg_signers *s;

	(void)state;
	s = parse("# pushgate signers\n"
		  "\n"
		  "   \t\n"
		  "  # indented comment\n"
		  "alice@example.com " ALICE " alice's laptop key\n"
		  "bob@example.com,bob\t" BOB "\r\n"
		  "release namespaces=\"pushgate-release-log\" " OTHER, 0);
	assert_int_equal(s->nproblems, 0);
	assert_int_equal(s->nentries, 3);
	assert_int_equal(s->entries[0].line, 5);
	assert_int_equal(s->entries[1].line, 6);
	assert_int_equal(s->entries[2].line, 7);
	assert_true(pg_pubkey_equal(&s->entries[0].key, K(pk_alice)));
	assert_string_equal(s->entries[1].principals, "bob@example.com,bob");
	expect_find(s, pk_alice, "git", T_NOW, 0, "alice@example.com");
	expect_find(s, pk_bob, "git", T_NOW, 0, "bob@example.com,bob");
	expect_find(s, pk_other, "pushgate-release-log", T_NOW, 0, "release");
	/* Found without WHY or PRINCIPAL_OUT as well. */
	assert_int_equal(pg_signers_find(s, K(pk_alice), "git", T_NOW, NULL, NULL), 0);
	pg_signers_free(s);

	/* An empty file, and one of comments only, hold nobody. */
	s = parse("", 0);
	assert_int_equal(s->nentries, 0);
	expect_find(s, pk_alice, "git", T_NOW, 1, "key not in signers (allowed_signers)");
	pg_signers_free(s);
	s = parse("#\n# nobody\n", 0);
	assert_int_equal(s->nentries, 0);
	pg_signers_free(s);
	pg_signers_free(NULL);
}

static void test_principal_patterns(void **state)
{
	struct pg_signers *s;

	(void)state;
	s = parse("*@example.com " ALICE "\n"
		  "?ob,robert " BOB "\n"
		  "a[1],x\\y " OTHER "\n", 0);
	expect_allowed(s, pk_alice, "alice@example.com", "git", T_NOW, 0, NULL);
	expect_allowed(s, pk_alice, "anyone.at.all@example.com", "git", T_NOW, 0, NULL);
	expect_allowed(s, pk_alice, "alice@example.com.evil", "git", T_NOW, 1,
		       "key not allowed for principal alice@example.com.evil");
	expect_allowed(s, pk_alice, "alice@EXAMPLE.COM", "git", T_NOW, 1, "principal");
	expect_allowed(s, pk_alice, "", "git", T_NOW, 1, "principal");
	expect_allowed(s, pk_bob, "bob", "git", T_NOW, 0, NULL);
	expect_allowed(s, pk_bob, "rob", "git", T_NOW, 0, NULL);
	expect_allowed(s, pk_bob, "robert", "git", T_NOW, 0, NULL);
	expect_allowed(s, pk_bob, "bobb", "git", T_NOW, 1, "principal");
	expect_allowed(s, pk_bob, "ob", "git", T_NOW, 1, "principal");
	/* Only '*' and '?' are wildcards, as in ssh-keygen: '[' and '\' are themselves. */
	expect_allowed(s, pk_other, "a[1]", "git", T_NOW, 0, NULL);
	expect_allowed(s, pk_other, "a1", "git", T_NOW, 1, "principal");
	expect_allowed(s, pk_other, "x\\y", "git", T_NOW, 0, NULL);
	expect_allowed(s, pk_other, "xy", "git", T_NOW, 1, "principal");
	/* A principal's key is not another's. */
	expect_allowed(s, pk_bob, "alice@example.com", "git", T_NOW, 1,
		       "key not allowed for principal alice@example.com");
	expect_allowed(s, pk_alice, NULL, "git", T_NOW, 1, "no principal");
	pg_signers_free(s);
}

static void test_negation(void **state)
{
	struct pg_signers *s;

	(void)state;
	/* ssh-keygen's pattern lists: a matching negated pattern excludes. */
	s = parse("*,!mallory,!eve@* " ALICE "\n", 0);
	expect_allowed(s, pk_alice, "alice", "git", T_NOW, 0, NULL);
	expect_allowed(s, pk_alice, "mallory", "git", T_NOW, 1, "principal mallory");
	expect_allowed(s, pk_alice, "eve@example.com", "git", T_NOW, 1, "principal");
	pg_signers_free(s);
	/* Only negated: matches nobody. */
	s = parse("!mallory " ALICE "\n", 0);
	expect_allowed(s, pk_alice, "alice", "git", T_NOW, 1, "principal");
	pg_signers_free(s);
}

static void test_quoted_principals(void **state)
{
	struct pg_signers *s;

	(void)state;
	s = parse("\"Alice Example,alice\" " ALICE "\n", 0);
	expect_allowed(s, pk_alice, "Alice Example", "git", T_NOW, 0, NULL);
	expect_allowed(s, pk_alice, "alice", "git", T_NOW, 0, NULL);
	pg_signers_free(s);
	s = parse("\"alice " ALICE "\n"
		  "al\"ice " ALICE "\n"
		  "\"alice\"x " ALICE "\n", -1);
	assert_int_equal(s->nentries, 0);
	expect_problem(s, 0, 1, "unterminated quote", 0);
	expect_problem(s, 1, 2, "a quote inside the principals", 0);
	expect_problem(s, 2, 3, "white space after the quoted principals", 0);
	pg_signers_free(s);
}

static void test_namespaces(void **state)
{
	struct pg_signers *s;

	(void)state;
	s = parse("alice namespaces=\"git\" " ALICE "\n"
		  "bob NAMESPACES=\"pushgate-*,file\" " BOB "\n"
		  "other Namespaces=\"*,!git\" " OTHER "\n", 0);
	expect_find(s, pk_alice, "git", T_NOW, 0, "alice");
	expect_find(s, pk_alice, "pushgate-release-log", T_NOW, 1,
		    "key not allowed for namespace pushgate-release-log (allowed_signers:1)");
	expect_find(s, pk_alice, "gitx", T_NOW, 1, "namespace gitx");
	expect_find(s, pk_bob, "pushgate-release-log", T_NOW, 0, "bob");
	expect_find(s, pk_bob, "file", T_NOW, 0, "bob");
	expect_find(s, pk_bob, "git", T_NOW, 1, "namespace git");
	expect_find(s, pk_other, "pushgate-release-log", T_NOW, 0, "other");
	expect_find(s, pk_other, "git", T_NOW, 1, "namespace git");
	/* No namespace never passes a namespaces= restriction. */
	expect_find(s, pk_alice, NULL, T_NOW, 1, "namespace");
	expect_allowed(s, pk_alice, "alice", "pushgate-release-log", T_NOW, 1, "namespace");
	expect_allowed(s, pk_alice, "alice", "git", T_NOW, 0, NULL);
	pg_signers_free(s);

	/* Without namespaces= a key is good for every namespace. */
	s = parse("alice " ALICE "\n", 0);
	expect_find(s, pk_alice, "anything", T_NOW, 0, "alice");
	expect_find(s, pk_alice, NULL, T_NOW, 0, "alice");
	pg_signers_free(s);
}

static void test_validity_boundaries(void **state)
{
	struct pg_signers *s;

	(void)state;
	/* Both ends included, as in ssh-keygen -Y verify. */
	s = parse("alice valid-after=\"20240101Z\",valid-before=\"20250101Z\" " ALICE "\n", 0);
	assert_int_equal(s->entries[0].valid_after, (int64_t)T_2024);
	assert_int_equal(s->entries[0].valid_before, (int64_t)T_2025);
	expect_find(s, pk_alice, "git", T_2024 - 1, 1,
		    "key not yet valid until 2024-01-01T00:00:00Z (allowed_signers:1)");
	expect_find(s, pk_alice, "git", T_2024, 0, "alice");
	expect_find(s, pk_alice, "git", T_2025, 0, "alice");
	expect_find(s, pk_alice, "git", T_2025 + 1, 1,
		    "key expired at 2025-01-01T00:00:00Z (allowed_signers:1)");
	expect_find(s, pk_alice, "git", 0, 1, "not yet valid");
	expect_allowed(s, pk_alice, "alice", "git", T_2025 + 1, 1, "key expired at 2025");
	pg_signers_free(s);

	/* One bound alone. */
	s = parse("alice valid-before=\"20250101Z\" " ALICE "\n"
		  "bob valid-after=\"20250101Z\" " BOB "\n", 0);
	expect_find(s, pk_alice, "git", 0, 0, "alice");
	expect_find(s, pk_alice, "git", T_2025 + 1, 1, "expired");
	expect_find(s, pk_bob, "git", T_2025 - 1, 1, "not yet valid until 2025-01-01T00:00:00Z");
	expect_find(s, pk_bob, "git", (time_t)4102444800, 0, "bob");	/* 2100 */
	pg_signers_free(s);
}

static void test_time_forms(void **state)
{
	struct pg_signers *s;

	(void)state;
	s = parse("a valid-after=\"202401011230Z\" " ALICE "\n"
		  "b valid-after=\"20240101123045Z\" " BOB "\n"
		  "c valid-after=\"20240229z\",valid-before=\"20240301000000UTC\" " OTHER "\n", 0);
	assert_int_equal(s->entries[0].valid_after, 1704112200);
	assert_int_equal(s->entries[1].valid_after, 1704112245);
	assert_int_equal(s->entries[2].valid_after, 1709164800);
	assert_int_equal(s->entries[2].valid_before, 1709164800 + 86400);
	expect_find(s, pk_bob, "git", 1704112244, 1, "until 2024-01-01T12:30:45Z");
	expect_find(s, pk_bob, "git", 1704112245, 0, "b");
	pg_signers_free(s);

	s = parse("a valid-after=\"2024-01-01\" " ALICE "\n"
		  "a valid-after=\"20240230Z\" " ALICE "\n"
		  "a valid-after=\"20230229Z\" " ALICE "\n"
		  "a valid-after=\"20241301Z\" " ALICE "\n"
		  "a valid-after=\"202401012400Z\" " ALICE "\n"
		  "a valid-after=\"20240101126000Z\" " ALICE "\n"
		  "a valid-after=\"2024010Z\" " ALICE "\n"
		  "a valid-after=\"19691231Z\" " ALICE "\n"
		  "a valid-after=\"Z\" " ALICE "\n"
		  "a valid-after=\"\" " ALICE "\n"
		  "a valid-after=\"2024010112Z\" " ALICE "\n", -1);
	assert_int_equal(s->nentries, 0);
	assert_int_equal(s->nproblems, 11);
	for (size_t i = 0; i < 11; i++)
		expect_problem(s, i, (int)i + 1, "valid-after=\"", 0);
	expect_problem(s, 0, 1, "expected YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS", 0);
	pg_signers_free(s);
}

static void test_local_time(void **state)
{
	struct pg_signers *s;
	char *old = getenv("TZ") ? strdup(getenv("TZ")) : NULL;

	(void)state;
	/* A POSIX TZ string: no tzdata needed.  UTC+2, and +3 in summer. */
	setenv("TZ", "EET-2EEST,M3.5.0/3,M10.5.0/4", 1);
	tzset();
	s = parse("a valid-after=\"20240101\" " ALICE "\n"
		  "b valid-after=\"20240701\" " BOB "\n"
		  "c valid-after=\"202407010130\",valid-before=\"20240701Z\" " OTHER "\n", 0);
	assert_int_equal(s->entries[0].valid_after, T_2024 - 2 * 3600);
	/* Local midnight in summer is 21:00 UTC (ssh-keygen 9.2 says 22:00). */
	assert_int_equal(s->entries[1].valid_after, 1719781200);
	assert_int_equal(s->entries[2].valid_after, 1719781200 + 5400);
	expect_find(s, pk_bob, "git", 1719781199, 1, "until 2024-06-30T21:00:00Z");
	expect_find(s, pk_bob, "git", 1719781200, 0, "b");
	pg_signers_free(s);

	/* valid-before not after valid-after, once the zone is applied. */
	s = parse("c valid-after=\"202407010300\",valid-before=\"20240701Z\" " OTHER "\n", -1);
	expect_problem(s, 0, 1, "valid-before is not later than valid-after", 0);
	pg_signers_free(s);

	if (old)
		setenv("TZ", old, 1);
	else
		unsetenv("TZ");
	tzset();
	free(old);
}

static void test_first_allowed_line_wins(void **state)
{
	struct pg_signers *s;

	(void)state;
	s = parse("old valid-before=\"20240101Z\" " ALICE "\n"
		  "log namespaces=\"pushgate-release-log\" " ALICE "\n"
		  "alice,al valid-after=\"20240101Z\" " ALICE "\n"
		  "later " ALICE "\n", 0);
	expect_find(s, pk_alice, "git", T_2024 - 1, 0, "old");
	expect_find(s, pk_alice, "git", T_2025, 0, "alice,al");
	expect_find(s, pk_alice, "pushgate-release-log", T_2025, 0, "log");
	expect_allowed(s, pk_alice, "later", "git", T_2025, 0, NULL);
	expect_allowed(s, pk_alice, "old", "git", T_2025, 1,
		       "key expired at 2024-01-01T00:00:00Z (allowed_signers:1)");
	pg_signers_free(s);

	/* The first refusing line gives the reason. */
	s = parse("x namespaces=\"file\" " ALICE "\n"
		  "y valid-before=\"20240101Z\" " ALICE "\n", 0);
	expect_find(s, pk_alice, "git", T_2025, 1,
		    "key not allowed for namespace git (allowed_signers:1)");
	expect_allowed(s, pk_alice, "y", "git", T_2025, 1, "expired at 2024-01-01T00:00:00Z (allowed_signers:2)");
	pg_signers_free(s);
}

static void test_bad_lines_reported(void **state)
{
	struct pg_signers *s;

	(void)state;
	s = parse("# line 1\n"
		  "alice " ALICE "\n"
		  "lonely\n"
		  "bob ssh-ed25519\n"
		  "carol ssh-ed25519 !!!!\n"
		  "\n"
		  "dave ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJdSHbkmx8lhvN4s7hXFwa/KRb4phSjSqvDzmyR3lPS\n"
		  "erin foo=\"bar\" " ALICE "\n"
		  ",frank " ALICE "\n"
		  "gina, " ALICE "\n"
		  "hank namespaces=\"git\"\n"
		  "bob " BOB "\n"
		  "ivan ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJdSHbkmx8lhvN4s7hXFwa/KRb4phSjSqvDzmyR3lPSrAAAA\n"
		  "last " OTHER, -1);
	/* The good lines load all the same. */
	assert_int_equal(s->nentries, 3);
	assert_int_equal(s->entries[0].line, 2);
	assert_int_equal(s->entries[1].line, 12);
	assert_int_equal(s->entries[2].line, 14);
	expect_find(s, pk_bob, "git", T_NOW, 0, "bob");
	expect_find(s, pk_other, "git", T_NOW, 0, "last");
	expect_problem(s, 0, 3, "the key is missing", 0);
	expect_problem(s, 1, 4, "the base64 key is missing after ssh-ed25519", 0);
	expect_problem(s, 2, 5, "not valid base64", 0);
	expect_problem(s, 3, 7, "not a multiple of 4", 0);
	expect_problem(s, 4, 8, "unknown option \"foo\"", 0);
	expect_problem(s, 5, 9, "principals: an empty pattern", 0);
	expect_problem(s, 6, 10, "principals: an empty pattern", 0);
	expect_problem(s, 7, 11, "the key is missing after the options", 0);
	expect_problem(s, 8, 13, "trailing data", 0);
	assert_int_equal(s->nproblems, 9);
	pg_signers_free(s);

	/* A NUL byte spoils its line only. */
	{
		const char text[] = "alice " ALICE "\nnul\0 " BOB "\nbob " BOB;

		assert_int_equal(pg_signers_parse(&s, "f", text, sizeof(text) - 1), -1);
		assert_int_equal(s->nentries, 2);
		expect_problem(s, 0, 2, "a NUL byte", 0);
		pg_signers_free(s);
	}
}

static void test_bad_options(void **state)
{
	struct pg_signers *s;

	(void)state;
	s = parse("a namespaces=git " ALICE "\n"
		  "a namespaces=\"git " ALICE "\n"
		  "a namespaces=\"git\",namespaces=\"file\" " ALICE "\n"
		  "a namespaces=\"\" " ALICE "\n"
		  "a namespaces=\"git,\" " ALICE "\n"
		  "a namespaces=\"git\", " ALICE "\n"
		  "a namespaces=\"git\"x " ALICE "\n"
		  "a valid-after=\"20240101Z\",valid-after=\"20240102Z\" " ALICE "\n"
		  "a valid-after=\"20250101Z\",valid-before=\"20240101Z\" " ALICE "\n"
		  "a valid-after=\"20240101Z\",valid-before=\"20240101Z\" " ALICE "\n"
		  "a namespace=\"git\" " ALICE "\n"
		  "a no-touch-required " ALICE "\n"
		  "a namespaces=\"a b\",valid-before=\"20300101Z\" " ALICE "\n"
		  "a valid-before=20300101Z " ALICE "\n", -1);
	expect_problem(s, 0, 1, "namespaces= needs a value in double quotes", 0);
	expect_problem(s, 1, 2, "unterminated quote", 0);
	expect_problem(s, 2, 3, "namespaces given twice", 0);
	expect_problem(s, 3, 4, "namespaces: an empty pattern", 0);
	expect_problem(s, 4, 5, "namespaces: an empty pattern", 0);
	expect_problem(s, 5, 6, "the options end in ','", 0);
	expect_problem(s, 6, 7, "separated by ','", 0);
	expect_problem(s, 7, 8, "valid-after given twice", 0);
	expect_problem(s, 8, 9, "valid-before is not later than valid-after", 0);
	expect_problem(s, 9, 10, "valid-before is not later than valid-after", 0);
	expect_problem(s, 10, 11, "unknown option \"namespace\"", 0);
	expect_problem(s, 11, 12, "unknown option \"no-touch-required\"", 0);
	expect_problem(s, 12, 14, "valid-before= needs a value in double quotes", 0);
	assert_int_equal(s->nproblems, 13);
	/* Quoted white space belongs to the value. */
	assert_int_equal(s->nentries, 1);
	assert_int_equal(s->entries[0].line, 13);
	expect_find(s, pk_alice, "a b", T_NOW, 0, "a");
	pg_signers_free(s);
}

static void test_cert_authority(void **state)
{
	struct pg_signers *s;

	(void)state;
	s = parse("*@example.com cert-authority " ALICE "\n"
		  "bob " BOB "\n"
		  "*@example.com namespaces=\"git\",CERT-AUTHORITY " OTHER "\n", -1);
	assert_int_equal(s->nentries, 1);
	expect_problem(s, 0, 1, "cert-authority is not supported", 1);
	expect_problem(s, 1, 3, "cert-authority is not supported", 1);
	/* Skipped: the CA key signs nothing itself. */
	expect_find(s, pk_alice, "git", T_NOW, 1, "key not in signers");
	expect_find(s, pk_bob, "git", T_NOW, 0, "bob");
	pg_signers_free(s);
}

static void test_key_types(void **state)
{
	struct pg_signers *s;

	(void)state;
	s = parse("rsa " RSA " rsa key\n"
		  "ec namespaces=\"git\" " ECDSA "\n"
		  "sk sk-ssh-ed25519@openssh.com AAAA\n"
		  "bob " BOB "\n"
		  "odd ssh-foo AAAA\n"
		  "liar ssh-ed25519 " RSA_B64 "\n"
		  "dsa ssh-dss AAAA\n", -1);
	/* ECDSA keys load; a 1024-bit RSA key is skipped as too small to trust. */
	assert_int_equal(s->nentries, 2);
	assert_string_equal(s->entries[0].principals, "ec");
	assert_int_equal(s->entries[0].key.type, PG_KEY_ECDSA_P256);
	expect_problem(s, 0, 1, "an RSA key of 1024 bits is too small (at least 2048); line skipped", 1);
	expect_problem(s, 1, 3, "key type sk-ssh-ed25519@openssh.com is not supported", 1);
	expect_problem(s, 2, 5, "unknown key type \"ssh-foo\"", 0);
	expect_problem(s, 3, 6, "the key type is \"ssh-rsa\", expected \"ssh-ed25519\"", 0);
	expect_problem(s, 4, 7, "key type ssh-dss is not supported", 1);
	assert_int_equal(s->nproblems, 5);
	expect_find(s, pk_bob, "git", T_NOW, 0, "bob");
	pg_signers_free(s);

	/* A key type word in the options' place is taken for options. */
	s = parse("a ssh-ed25519=\"x\" " ALICE "\n", -1);
	expect_problem(s, 0, 1, "unknown option \"ssh-ed25519\"", 0);
	pg_signers_free(s);
}

/* ---- files ---- */

static char tmpdir[PATH_MAX];

static int setup_tmp(void **state)
{
	const char *base = getenv("TMPDIR");

	setup_keys(state);
	snprintf(tmpdir, sizeof(tmpdir), "%s/pg-signers-XXXXXX", base && *base ? base : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

/* TMPDIR/NAME, in a static buffer (one of a few, used in turn). */
static const char *path_of(const char *name)
{
	static char bufs[4][PATH_MAX + 64];
	static int next;
	char *path = bufs[next++ % 4];

	snprintf(path, sizeof(bufs[0]), "%s/%s", tmpdir, name);
	return path;
}

static int teardown_tmp(void **state)
{
	(void)state;
	chmod(tmpdir, 0700);
	unlink(path_of("sub/allowed_signers"));
	rmdir(path_of("sub"));
	unlink(path_of("allowed_signers"));
	return rmdir(tmpdir);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void test_load_file(void **state)
{
	struct pg_signers *s;
	const char *path = path_of("allowed_signers");

	(void)state;
	write_file(path, "# team\nalice@example.com " ALICE "\nbad\n", 0644);
	assert_int_equal(pg_signers_load(&s, path), -1);
	assert_string_equal(s->path, path);
	assert_int_equal(s->nentries, 1);
	expect_problem(s, 0, 3, "the key is missing", 0);
	expect_find(s, pk_alice, "git", T_NOW, 0, "alice@example.com");
	pg_signers_free(s);

	write_file(path, "alice@example.com " ALICE "\n", 0400);
	assert_int_equal(pg_signers_load(&s, path), 0);
	assert_int_equal(s->nproblems, 0);
	expect_find(s, pk_other, "git", T_NOW, 1, "key not in signers");
	pg_signers_free(s);
}

static void test_permissions(void **state)
{
	struct pg_signers *s;
	const char *path;
	char msg[PATH_MAX + 200];

	(void)state;
	path = path_of("allowed_signers");
	write_file(path, "alice " ALICE "\nbad\n", 0664);
	assert_int_equal(pg_signers_load(&s, path), -1);
	snprintf(msg, sizeof(msg), "writable by others than its owner (mode 0664); "
		 "refusing it: chmod go-w %s", path);
	expect_problem(s, 0, 0, msg, 0);
	/* Refused whole: no key is trusted, though the lines are still checked. */
	assert_int_equal(s->nentries, 0);
	expect_problem(s, 1, 2, "the key is missing", 0);
	expect_find(s, pk_alice, "git", T_NOW, 1, "key not in signers");
	pg_signers_free(s);

	assert_int_equal(chmod(path, 0602), 0);
	assert_int_equal(pg_signers_load(&s, path), -1);
	expect_problem(s, 0, 0, "(mode 0602); refusing it", 0);
	assert_int_equal(s->nentries, 0);
	pg_signers_free(s);

	/* Group and others may read it. */
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(pg_signers_load(&s, path), -1);
	assert_int_equal(s->nentries, 1);
	pg_signers_free(s);

	/* A directory anyone may write to: anyone could replace the file. */
	assert_int_equal(mkdir(path_of("sub"), 0700), 0);
	path = path_of("sub/allowed_signers");
	write_file(path, "alice " ALICE "\n", 0644);
	assert_int_equal(chmod(path_of("sub"), 0777), 0);
	assert_int_equal(pg_signers_load(&s, path), -1);
	snprintf(msg, sizeof(msg), "its directory %s is writable by anyone; refusing it",
		 path_of("sub"));
	expect_problem(s, 0, 0, msg, 0);
	assert_int_equal(s->nentries, 0);
	pg_signers_free(s);
	/* Unless it is sticky, like /tmp. */
	assert_int_equal(chmod(path_of("sub"), 01777), 0);
	assert_int_equal(pg_signers_load(&s, path), 0);
	assert_int_equal(s->nentries, 1);
	pg_signers_free(s);
}

static void test_load_errors(void **state)
{
	struct pg_signers *s;

	(void)state;
	assert_int_equal(pg_signers_load(&s, path_of("missing")), -1);
	expect_problem(s, 0, 0, "cannot open: No such file or directory", 0);
	assert_int_equal(s->nentries, 0);
	pg_signers_free(s);
	assert_int_equal(pg_signers_load(&s, tmpdir), -1);
	expect_problem(s, 0, 0, "not a regular file", 0);
	pg_signers_free(s);
}

/* ---- with signatures ---- */

static void test_verify_a_commit(void **state)
{
	struct pg_signers *s;
	struct pg_sshsig sig;
	const char *who = NULL;
	struct pg_buf why = PG_BUF_INIT;

	(void)state;
	/* git's two steps: the signature is good, then its key is allowed. */
	assert_int_equal(pg_sshsig_parse_armored(&sig, SIG_GIT, sizeof(SIG_GIT) - 1), 0);
	assert_int_equal(pg_sshsig_verify(&sig, "git", MSG_COMMIT, sizeof(MSG_COMMIT) - 1), 0);
	s = parse("bob " BOB "\n"
		  "alice@example.com namespaces=\"git\",valid-after=\"20230101Z\" " ALICE "\n", 0);
	assert_int_equal(pg_signers_find(s, &sig.key, sig.namespace, (time_t)1700000000,
					 &who, &why), 0);
	assert_string_equal(who, "alice@example.com");
	assert_int_equal(pg_signers_principal_allowed(s, &sig.key, "alice@example.com", "git",
						      (time_t)1700000000, &why), 0);
	assert_int_equal(pg_signers_principal_allowed(s, &sig.key, "bob", "git",
						      (time_t)1700000000, &why), 1);
	assert_string_equal(pg_buf_cstr(&why),
			    "key not allowed for principal bob (allowed_signers)");
	pg_buf_reset(&why);
	/* A commit dated before the key was valid. */
	assert_int_equal(pg_signers_find(s, &sig.key, "git", (time_t)1600000000, &who, &why), 1);
	assert_string_equal(pg_buf_cstr(&why),
			    "key not yet valid until 2023-01-01T00:00:00Z (allowed_signers:2)");
	pg_buf_free(&why);
	pg_signers_free(s);
}

static void test_messages_are_escaped(void **state)
{
	struct pg_signers *s;
	struct pg_buf why = PG_BUF_INIT;

	(void)state;
	s = parse("a namespaces=\"git\" " ALICE "\n"
		  "b ssh-\x1b[31m AAAA\n", -1);
	assert_int_equal(pg_signers_find(s, K(pk_alice), "x\x1b[2J", T_NOW, NULL, &why), 1);
	assert_string_equal(pg_buf_cstr(&why),
			    "key not allowed for namespace x\\x1b[2J (allowed_signers:1)");
	pg_buf_reset(&why);
	assert_int_equal(pg_signers_principal_allowed(s, K(pk_alice), "\x07", "git", T_NOW, &why), 1);
	assert_string_equal(pg_buf_cstr(&why),
			    "key not allowed for principal \\x07 (allowed_signers)");
	expect_problem(s, 0, 2, "unknown key type \"ssh-\\x1b[31m\"", 0);
	pg_buf_free(&why);
	pg_signers_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_principal_patterns),
		cmocka_unit_test(test_negation),
		cmocka_unit_test(test_quoted_principals),
		cmocka_unit_test(test_namespaces),
		cmocka_unit_test(test_validity_boundaries),
		cmocka_unit_test(test_time_forms),
		cmocka_unit_test(test_local_time),
		cmocka_unit_test(test_first_allowed_line_wins),
		cmocka_unit_test(test_bad_lines_reported),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_cert_authority),
		cmocka_unit_test(test_key_types),
		cmocka_unit_test_setup_teardown(test_load_file, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_permissions, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_load_errors, setup_tmp, teardown_tmp),
		cmocka_unit_test(test_verify_a_commit),
		cmocka_unit_test(test_messages_are_escaped),
	};

	return cmocka_run_group_tests(tests, setup_keys, NULL);
}
