/*
 * The builtin secret rules: each finds a vector of its own kind and not a
 * near-miss; masking, entropy, fingerprints, rules files and allowlists.
 * Vectors are generated (a fixed pseudo-random sequence) rather than
 * written out, so this file holds nothing that looks like a credential.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "allowlist.h"
#include "buf.h"
#include "error.h"
#include "secrules.h"
#include "secscan.h"

#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
#define B64 ALNUM "+/"
#define URLSAFE ALNUM "_-"
#define B32 "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

static struct pg_secrules *builtin;
static unsigned long seed = 12345;

/* N characters of ALPHABET, from a fixed sequence, appended to B. */
static void rnd(struct pg_buf *b, size_t n, const char *alphabet)
{
	size_t k = strlen(alphabet);

	for (size_t i = 0; i < n; i++) {
		seed = seed * 6364136223846793005ul + 1442695040888963407ul;
		pg_buf_putc(b, alphabet[(seed >> 33) % k]);
	}
}

/* "PREFIX" + N of ALPHABET + "SUFFIX", in a line of text. */
static char *make(const char *before, size_t n, const char *alphabet, const char *after)
{
	struct pg_buf b = PG_BUF_INIT;

	pg_buf_puts(&b, "line one\nconfig: ");
	pg_buf_puts(&b, before);
	rnd(&b, n, alphabet);
	pg_buf_puts(&b, after);
	pg_buf_puts(&b, "\nlast line\n");
	return pg_buf_detach(&b);
}

static int setup(void **state)
{
	(void)state;
	builtin = pg_secrules_new();
	pg_secrules_add_builtin(builtin);
	if (builtin->nproblems) {
		for (size_t i = 0; i < builtin->nproblems; i++)
			fprintf(stderr, "%s:%d: %s\n", builtin->problems[i].file,
				builtin->problems[i].line, builtin->problems[i].msg);
		return -1;
	}
	return pg_secrules_compile(builtin);
}

static int teardown(void **state)
{
	(void)state;
	pg_secrules_free(builtin);
	return 0;
}

/* The rules that TEXT triggers, as "name@line,..." */
static char *found(const char *text)
{
	struct pg_secret_hits h = { NULL, 0 };
	struct pg_buf b = PG_BUF_INIT;

	assert_int_equal(pg_secscan(builtin, (const unsigned char *)text, strlen(text), &h), 0);
	for (size_t i = 0; i < h.n; i++)
		pg_buf_printf(&b, "%s%s@%zu", i ? "," : "", builtin->rules[h.hit[i].rule].name,
			      h.hit[i].line);
	pg_secret_hits_clear(&h);
	if (!b.len)
		pg_buf_puts(&b, "");
	return pg_buf_detach(&b);
}

static void expect(char *text, const char *want)
{
	char *got = found(text);

	if (strcmp(got, want))
		fprintf(stderr, "text: %s\n", text);
	assert_string_equal(got, want);
	free(got);
	free(text);
}

static void test_private_keys(void **state)
{
	struct pg_buf b = PG_BUF_INIT;

	(void)state;
	expect(make("-----BEGIN OPENSSH PRIVATE KEY-----\n", 70, B64, "\n"), "private-key@2");
	expect(make("-----BEGIN RSA PRIVATE KEY-----\r\n", 64, B64, "\r\n"), "private-key@2");
	expect(make("-----BEGIN PRIVATE KEY-----\n", 64, B64, ""), "private-key@2");
	expect(make("-----BEGIN ENCRYPTED PRIVATE KEY-----\n", 64, B64, ""), "private-key@2");
	expect(make("-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
		    "DEK-Info: AES-128-CBC,0F3A\n\n", 64, B64, ""), "private-key@2");
	expect(make("-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\n\n", 64, B64, ""),
	       "private-key@2");
	/* A service account's JSON: the newlines are "\n" in a string. */
	expect(make("{\"private_key\": \"-----BEGIN PRIVATE KEY-----\\n", 64, B64, "\\n\"}"),
	       "private-key@2");
	expect(make("---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nComment: \"k\"\n", 64, B64, ""),
	       "ssh2-private-key@2");
	pg_buf_puts(&b, "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n"
		    "Comment: k\nPublic-Lines: 2\n");
	rnd(&b, 64, B64);
	pg_buf_puts(&b, "\n");
	rnd(&b, 20, B64);
	pg_buf_puts(&b, "\nPrivate-Lines: 1\n");
	expect(make(b.ptr, 64, B64, ""), "putty-private-key@2");
	pg_buf_free(&b);
	/* Near-misses: code that looks for a header, a public key. */
	expect(pg_xstrdup("const char *hdr = \"-----BEGIN RSA PRIVATE KEY-----\\n\";\n"
			  "return strncmp(buf, hdr, 31) == 0;\n"), "");
	expect(make("-----BEGIN PUBLIC KEY-----\n", 64, B64, ""), "");
	expect(make("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI", 40, B64, " alice"), "");
}

static void test_cloud_keys(void **state)
{
	(void)state;
	expect(make("key = AK" "IA", 16, B32, "\n"), "aws-access-key-id@2");
	expect(make("key = AS" "IA", 16, B32, "\n"), "aws-access-key-id@2");
	expect(make("key = AK" "IA", 15, B32, "\n"), "");
	expect(make("key = AK" "IA", 17, B32, "\n"), "");
	expect(make("aws_secret_access_key = \"", 40, B64, "\""), "aws-secret-access-key@2");
	expect(make("AWS_SECRET_ACCESS_KEY=", 40, B64, ""), "aws-secret-access-key@2");
	expect(pg_xstrdup("aws_secret_access_key = \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"\n"),
	       "");
	expect(make("aws_secret_access_key = ", 30, B64, ""), "");
	expect(make("key: AI" "za", 35, URLSAFE, "\n"), "google-api-key@2");
	expect(make("key: AI" "za", 20, URLSAFE, "\n"), "");
	expect(make("secret: GOCSPX" "-", 28, URLSAFE, "\n"), "google-oauth-client-secret@2");
	expect(make("secret: GOCSPX" "-", 10, URLSAFE, "\n"), "");
	expect(make("DefaultEndpointsProtocol=https;AccountKey=", 86, B64, "==;"),
	       "azure-storage-key@2");
	expect(make("AccountKey=", 20, B64, "=="), "");
}

static void test_forge_tokens(void **state)
{
	(void)state;
	expect(make("token = gh" "p_", 36, ALNUM, "\n"), "github-token@2");
	expect(make("token = gh" "s_", 36, ALNUM, "\n"), "github-token@2");
	expect(make("token = gh" "p_", 20, ALNUM, "\n"), "");
	expect(make("token = github" "_pat_", 82, ALNUM "_", "\n"), "github-fine-grained-token@2");
	expect(make("token = github" "_pat_", 40, ALNUM "_", "\n"), "");
	expect(make("token = glpat" "-", 20, URLSAFE, "\n"), "gitlab-token@2");
	expect(make("token = glpat" "-", 10, URLSAFE, "\n"), "");
	expect(make("slack = xo" "xb-1234567890-", 24, ALNUM, "\n"), "slack-token@2");
	expect(make("slack = xo" "xb-", 5, ALNUM, "\n"), "");
	expect(make("url = https://hooks.slack.com/services/T0ABCDEFG/B0ABCDEFG/", 24, ALNUM, ""),
	       "slack-webhook@2");
	expect(make("url = https://hooks.slack.com/services/T0AB/B0AB/", 24, ALNUM, ""), "");
	expect(make("stripe = sk" "_live_", 24, ALNUM, "\n"), "stripe-secret-key@2");
	expect(make("stripe = pk" "_live_", 24, ALNUM, "\n"), "");
	expect(make("npm = np" "m_", 36, ALNUM, "\n"), "npm-token@2");
	expect(make("npm = np" "m_", 20, ALNUM, "\n"), "");
	expect(make("pypi = pypi" "-AgEIcHlwaS5vcmc", 60, URLSAFE, "\n"), "pypi-token@2");
	expect(make("pypi = pypi" "-AgEIcHlwaS5vcmc", 10, URLSAFE, "\n"), "");
	expect(make("sg = SG" ".abcdefghijklmnopqrstuv.", 43, URLSAFE, "\n"), "sendgrid-api-key@2");
	expect(make("sg = SG" ".", 22, URLSAFE, "\n"), "");
}

static void test_generic(void **state)
{
	(void)state;
	expect(make("jwt = eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.", 43, URLSAFE, ""),
	       "jwt@2");
	expect(pg_xstrdup("jwt = eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0\n"), "");
	expect(pg_xstrdup("db = postgres://app:Xk9mQ2vL8pR4@db.internal/prod\n"), "url-password@1");
	expect(pg_xstrdup("db = https://user:${PASS}@host/x\n"), "");
	expect(pg_xstrdup("db_password = \"Xk9#mQ2$vL8pR4wZ\"\n"), "generic-password@1");
	expect(pg_xstrdup("api_key: 'q8Fz2LmW9xKp4TnR7vYc'\n"), "generic-password@1");
	expect(pg_xstrdup("password = \"changeme1\"\n"), "");
	expect(pg_xstrdup("password = os.environ[\"DB_PASSWORD\"]\n"), "");
}

/* Every builtin rule is exercised above: a new one needs its vector. */
static void test_every_rule_has_a_vector(void **state)
{
	static const char *const covered[] = {
		"private-key", "ssh2-private-key", "putty-private-key", "aws-access-key-id",
		"aws-secret-access-key", "github-token", "github-fine-grained-token",
		"gitlab-token", "slack-token", "slack-webhook", "stripe-secret-key",
		"google-api-key", "google-oauth-client-secret", "jwt", "npm-token",
		"pypi-token", "sendgrid-api-key", "azure-storage-key", "url-password",
		"generic-password",
	};
	(void)state;
	assert_int_equal(builtin->n, sizeof(covered) / sizeof(covered[0]));
	for (size_t i = 0; i < builtin->n; i++)
		assert_string_equal(builtin->rules[i].name, covered[i]);
}

static void test_lines_and_repeats(void **state)
{
	struct pg_buf b = PG_BUF_INIT;
	char *got;

	(void)state;
	for (int i = 0; i < 5; i++)
		pg_buf_puts(&b, "nothing here\n");
	pg_buf_puts(&b, "a = AK" "IAZ7QF3KXM2PLN4W5R b = AK" "IAZ7QF3KXM2PLN4W5Q\n\n");
	pg_buf_puts(&b, "c = AK" "IAZ7QF3KXM2PLN4W5R\n");
	got = found(b.ptr);
	/* One finding per rule and line. */
	assert_string_equal(got, "aws-access-key-id@6,aws-access-key-id@8");
	free(got);
	pg_buf_free(&b);
}

static void test_mask(void **state)
{
	char m[PG_SECRET_MASKED_MAX];

	(void)state;
	pg_secret_mask(m, (const unsigned char *)"AKIAZ7QF3KXM2PLN4W5R", 20);
	assert_string_equal(m, "AKIA****************");
	pg_secret_mask(m, (const unsigned char *)"abc", 3);
	assert_string_equal(m, "abc");
	pg_secret_mask(m, (const unsigned char *)"abcdefghijklmnopqrstuvwxyz0123456789", 36);
	assert_string_equal(m, "abcd********************");
	pg_secret_mask(m, (const unsigned char *)"a\0cdef", 6);
	assert_string_equal(m, "a?cd**");
}

static void test_entropy_and_binary(void **state)
{
	unsigned char bin[100] = { 'a', 'b', 0, 'c' };

	(void)state;
	assert_true(pg_entropy((const unsigned char *)"aaaa", 4) == 0.0);
	assert_true(pg_entropy((const unsigned char *)"abab", 4) == 1.0);
	assert_true(pg_entropy((const unsigned char *)"abcdefgh", 8) == 3.0);
	assert_int_equal(pg_secscan_binary(bin, sizeof(bin)), 1);
	assert_int_equal(pg_secscan_binary((const unsigned char *)"text", 4), 0);
}

static char *write_tmp(const char *text)
{
	char *path = pg_xstrdup("/tmp/pg_secrules_XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	chmod(path, 0644);
	return path;
}

/* The problems of a rules file holding TEXT, as "LINE: msg|..." */
static char *problems(const char *text, int compile)
{
	char *path = write_tmp(text);
	struct pg_secrules *s = pg_secrules_new();
	struct pg_buf b = PG_BUF_INIT;

	pg_secrules_add_file(s, path);
	if (compile && !s->nproblems)
		pg_secrules_compile(s);
	for (size_t i = 0; i < s->nproblems; i++)
		pg_buf_printf(&b, "%s%d: %s", i ? "|" : "", s->problems[i].line, s->problems[i].msg);
	pg_secrules_free(s);
	unlink(path);
	free(path);
	if (!b.len)
		pg_buf_puts(&b, "");
	return pg_buf_detach(&b);
}

#define PROBLEM(text, want)                                                             \
	do {                                                                            \
		char *p_ = problems(text, 1);                                           \
		if (!strstr(p_, want))                                                  \
			fprintf(stderr, "got: %s\n", p_);                               \
		assert_non_null(strstr(p_, want));                                      \
		free(p_);                                                               \
	} while (0)

static void test_rules_file_errors(void **state)
{
	char *p;

	(void)state;
	p = problems("[rule \"ok\"]\nregex = ab+c\nkeywords = x, y\nentropy = 2.5\n"
		     "paths = src/**\nhelp = fix it\n", 1);
	assert_string_equal(p, "");
	free(p);
	PROBLEM("[rule \"a\"]\nregex = (ab\n", "2: regex: missing closing parenthesis");
	PROBLEM("[rule \"a\"]\nregex = (a)(b)\n", "2: regex: 2 capture groups");
	PROBLEM("[rule \"a\"]\nregex = a\nkeywords = x,,y\n", "3: keywords: an empty keyword");
	PROBLEM("[rule \"a\"]\nregex = a\nkeywords =\n", "3: 'keywords' is empty");
	PROBLEM("[rule \"a\"]\nregex = a\ncolour = red\n", "3: unknown key 'colour'");
	PROBLEM("[rule \"a\"]\nkeywords = x\n", "1: rule \"a\" has no 'regex'");
	PROBLEM("[rule \"a:b\"]\nregex = a\n", "1: rule name must be");
	PROBLEM("[rule \"a\"]\nregex = a\n[rule \"a\"]\nregex = b\n", "3: rule \"a\" is defined twice");
	PROBLEM("[rule \"a\"]\nregex = a\nentropy = lots\n", "3: entropy must be a number");
	PROBLEM("[secret \"a\"]\nregex = a\n", "1: a rules file holds [rule \"NAME\"] sections only");
	PROBLEM("regex = a\n", "1: 'regex' is outside of any [rule \"NAME\"]");
	/* PCRE2 takes it, Hyperscan does not: said at the regex's line. */
	PROBLEM("[rule \"a\"]\nregex = x\n[rule \"b\"]\nregex = (a)\\1\n",
		"4: regex of rule \"b\": Hyperscan cannot compile it");
	PROBLEM("[rule \"a\"]\nregex = x?\n", "2: regex of rule \"a\": Hyperscan cannot compile it");
}

static void test_rules_file_mode(void **state)
{
	char *path = write_tmp("[rule \"a\"]\nregex = a\n");
	struct pg_secrules *s = pg_secrules_new();

	(void)state;
	chmod(path, 0666);
	pg_secrules_add_file(s, path);
	assert_true(s->nproblems > 0);
	assert_int_equal(s->problems[0].line, 0);
	pg_secrules_free(s);
	unlink(path);
	free(path);
	s = pg_secrules_new();
	pg_secrules_add_file(s, "/nonexistent/rules.ini");
	assert_int_equal(s->nproblems, 1);
	pg_secrules_free(s);
}

static void test_fingerprints_and_allowlist(void **state)
{
	const char *fp = "0123456789abcdef0123456789abcdef01234567:aws-access-key-id:12";
	struct pg_allowlist *a;
	struct pg_buf b = PG_BUF_INIT;
	char *path;

	(void)state;
	assert_int_equal(pg_fingerprint_valid(fp, strlen(fp)), 1);
	assert_int_equal(pg_fingerprint_valid("0123:x:1", 8), 0);
	assert_int_equal(pg_fingerprint_valid(fp, strlen(fp) - 3), 0);	/* no line */
	assert_int_equal(pg_fingerprint_valid("0123456789abcdef0123456789abcdef01234567:x:0", 44), 0);
	assert_int_equal(pg_fingerprint_valid("0123456789ABCDEF0123456789abcdef01234567:x:1", 44), 0);
	pg_buf_printf(&b, "# test keys\n\n%s  # the AWS docs' example\n"
		      "0123456789abcdef0123456789abcdef01234567:jwt:3\n"
		      "not-a-fingerprint # x\n%s trailing\n", fp, fp);
	path = write_tmp(b.ptr);
	assert_int_equal(pg_allowlist_load(&a, path), 0);
	assert_int_equal(a->n, 2);
	assert_int_equal(pg_allowlist_has(a, fp), 1);
	assert_int_equal(pg_allowlist_has(a, "0123456789abcdef0123456789abcdef01234567:jwt:4"), 0);
	assert_int_equal(a->nproblems, 3);
	assert_int_equal(a->problems[0].line, 4);	/* no comment: a warning */
	assert_int_equal(a->problems[0].warning, 1);
	assert_int_equal(a->problems[1].line, 5);
	assert_int_equal(a->problems[1].warning, 0);
	assert_int_equal(a->problems[2].line, 6);
	pg_allowlist_free(a);
	unlink(path);
	free(path);
	pg_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_private_keys),
		cmocka_unit_test(test_cloud_keys),
		cmocka_unit_test(test_forge_tokens),
		cmocka_unit_test(test_generic),
		cmocka_unit_test(test_every_rule_has_a_vector),
		cmocka_unit_test(test_lines_and_repeats),
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_entropy_and_binary),
		cmocka_unit_test(test_rules_file_errors),
		cmocka_unit_test(test_rules_file_mode),
		cmocka_unit_test(test_fingerprints_and_allowlist),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
