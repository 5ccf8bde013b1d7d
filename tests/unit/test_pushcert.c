#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "pushcert.h"
#include "signers.h"

/*
 * A push certificate as git writes one, signed once with OpenSSH 9.2's
 * `ssh-keygen -Y sign -n git` by test_sshsig.c's key (Ed25519 signatures
 * are deterministic), and the same payload signed in namespace "file".
 */
static const char PAYLOAD[] =
	"certificate version 0.1\n"
	"pusher SHA256:EfbCGq9tGqAWbjwGQgGDGlwVeXHKmRn5Xr7GeDv0xFc 1796587233 +0000\n"
	"pushee /srv/git/app.git\n"
	"nonce 1796587233-6b7e53b9d1889eab7591081238ee36cd024b1527\n"
	"push-option ci.skip\n"
	"\n"
	"0000000000000000000000000000000000000000 a5e9c3e430183461c5a4c300f6731ed04eef3417 refs/heads/main\n"
	"1111111111111111111111111111111111111111 2222222222222222222222222222222222222222 refs/tags/v1\n";

static const char SIG_GIT[] =
	"-----BEGIN SSH SIGNATURE-----\n"
	"U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgl1IduSbHyWG83izuFcXBr8pFvi\n"
	"mFKNKq8PObJHeU9KsAAAADZ2l0AAAAAAAAAAZzaGE1MTIAAABTAAAAC3NzaC1lZDI1NTE5\n"
	"AAAAQARkb8c5JtNaYB2bwVvh2zZ/UCopi3s7Cu3KQ4QoSjpdpKNsxlvOQ3Crv73BDwjuPF\n"
	"65m7KWwRslgdkuQY2bqw4=\n"
	"-----END SSH SIGNATURE-----\n";

static const char SIG_FILE[] =
	"-----BEGIN SSH SIGNATURE-----\n"
	"U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgl1IduSbHyWG83izuFcXBr8pFvi\n"
	"mFKNKq8PObJHeU9KsAAAAEZmlsZQAAAAAAAAAGc2hhNTEyAAAAUwAAAAtzc2gtZWQyNTUx\n"
	"OQAAAECgLAht4BdMB9hWTaqPEjhv7MAyZiVOlnLdWXEbhSM9HbKOQwZUMuZaPTcjmwKe3t\n"
	"iEbD87vbhboA9VfGHQSqAN\n"
	"-----END SSH SIGNATURE-----\n";

static const char SIGNERS[] = "alice namespaces=\"git\" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJdSHbkmx8lhvN4s7hXFwa/KRb4phSjSqvDzmyR3lPSr\n";

#define ZERO "0000000000000000000000000000000000000000"
#define MAIN_NEW "a5e9c3e430183461c5a4c300f6731ed04eef3417"

static struct pg_update updates[2];

static void set_updates(void)
{
	pg_update_set(&updates[0], "refs/heads/main", ZERO, MAIN_NEW);
	pg_update_set(&updates[1], "refs/tags/v1", "1111111111111111111111111111111111111111",
		      "2222222222222222222222222222222222222222");
}

static void free_updates(void)
{
	free(updates[0].ref);
	free(updates[1].ref);
	memset(updates, 0, sizeof(updates));
}

static char *cert_text(const char *payload, const char *sig)
{
	struct pg_buf b = PG_BUF_INIT;

	pg_buf_puts(&b, payload);
	pg_buf_puts(&b, sig);
	return pg_buf_detach(&b);
}

/* Check TEXT as pushed by USER with nonce STATUS: the result, the reason in *WHY. */
static int check(const char *text, const char *status, const char *user, size_t n,
		 struct pg_buf *why)
{
	struct pg_signers *s;
	struct pg_push_cert c;
	int rc;

	assert_int_equal(pg_signers_parse(&s, "signers", SIGNERS, strlen(SIGNERS)), 0);
	assert_int_equal(pg_push_cert_parse(&c, text, strlen(text)), 0);
	c.nonce_status = status ? strdup(status) : NULL;
	set_updates();
	rc = pg_push_cert_check(&c, s, user, 1796587233, updates, n, NULL, why);
	free_updates();
	pg_push_cert_clear(&c);
	pg_signers_free(s);
	return rc;
}

static void test_parse(void **state)
{
	char *text = cert_text(PAYLOAD, SIG_GIT);
	struct pg_push_cert c;

	(void)state;
	assert_int_equal(pg_push_cert_parse(&c, text, strlen(text)), 0);
	assert_string_equal(c.pusher, "SHA256:EfbCGq9tGqAWbjwGQgGDGlwVeXHKmRn5Xr7GeDv0xFc 1796587233 +0000");
	assert_string_equal(c.nonce, "1796587233-6b7e53b9d1889eab7591081238ee36cd024b1527");
	assert_int_equal(c.ncmds, 2);
	assert_string_equal(c.cmds[0].u.ref, "refs/heads/main");
	assert_string_equal(c.cmds[0].u.new_hex, MAIN_NEW);
	assert_string_equal(c.cmds[1].u.ref, "refs/tags/v1");
	assert_int_equal(c.payload_len, strlen(PAYLOAD));
	pg_push_cert_clear(&c);
	free(text);
}

static void test_good(void **state)
{
	struct pg_buf why = PG_BUF_INIT;
	char *text = cert_text(PAYLOAD, SIG_GIT);

	(void)state;
	assert_int_equal(check(text, "OK", "alice", 2, &why), 0);
	free(text);
	pg_buf_free(&why);
}

static void expect_refused(const char *text, const char *status, const char *user, size_t n,
			   const char *want)
{
	struct pg_buf why = PG_BUF_INIT;

	assert_int_equal(check(text, status, user, n, &why), 1);
	if (!why.ptr || !strstr(why.ptr, want))
		fail_msg("\"%s\" does not say \"%s\"", why.ptr ? why.ptr : "", want);
	pg_buf_free(&why);
}

static void test_refused(void **state)
{
	char *good = cert_text(PAYLOAD, SIG_GIT), *file = cert_text(PAYLOAD, SIG_FILE);
	struct pg_buf b = PG_BUF_INIT;

	(void)state;
	expect_refused(good, "BAD", "alice", 2, "good for one push only");
	expect_refused(good, "SLOP", "alice", 2, "good for one push only");
	expect_refused(good, NULL, "alice", 2, "receive.certNonceSeed");
	expect_refused(good, "OK", "bob", 2, "not allow for bob");
	expect_refused(good, "OK", NULL, 2, "not identified");
	expect_refused(good, "OK", "alice", 1, "other ref updates");
	expect_refused(file, "OK", "alice", 2, "does not verify");
	/* One byte of the signed part changed: main moved elsewhere. */
	pg_buf_puts(&b, good);
	b.ptr[strstr(b.ptr, MAIN_NEW) - b.ptr] = 'b';
	expect_refused(b.ptr, "OK", "alice", 2, "does not verify");
	pg_buf_free(&b);
	free(good);
	free(file);
}

static void expect_malformed(const char *text, const char *want)
{
	struct pg_push_cert c;

	assert_int_equal(pg_push_cert_parse(&c, text, strlen(text)), -1);
	if (!strstr(pg_error_last(), want))
		fail_msg("\"%s\" does not say \"%s\"", pg_error_last(), want);
}

static void test_malformed(void **state)
{
	struct pg_buf b = PG_BUF_INIT;

	(void)state;
	expect_malformed(PAYLOAD, "no SSH signature");
	expect_malformed("certificate version 0.1\n-----BEGIN PGP SIGNATURE-----\nx\n"
			 "-----END PGP SIGNATURE-----\n", "GPG-signed");
	pg_buf_printf(&b, "certificate version 0.2\n%s", SIG_GIT);
	expect_malformed(b.ptr, "certificate version 0.1");
	pg_buf_reset(&b);
	pg_buf_printf(&b, "certificate version 0.1\nnonce 1\n\n" ZERO " " MAIN_NEW
		      " refs/heads/main\n%s", SIG_GIT);
	expect_malformed(b.ptr, "no pusher header");
	pg_buf_reset(&b);
	pg_buf_printf(&b, "certificate version 0.1\npusher a\npusher b\nnonce 1\n\n%s", SIG_GIT);
	expect_malformed(b.ptr, "two pusher headers");
	pg_buf_reset(&b);
	pg_buf_printf(&b, "certificate version 0.1\npusher a\nnonce 1\n\n%s", SIG_GIT);
	expect_malformed(b.ptr, "no ref updates");
	pg_buf_reset(&b);
	pg_buf_printf(&b, "certificate version 0.1\npusher a\nnonce 1\n\n" ZERO " " MAIN_NEW
		      "\n%s", SIG_GIT);
	expect_malformed(b.ptr, "not OLD NEW REF");
	pg_buf_reset(&b);
	pg_buf_printf(&b, "certificate version 0.1\npusher a\nnonce 1\n\nzz " MAIN_NEW
		      " refs/heads/main\n%s", SIG_GIT);
	expect_malformed(b.ptr, "push certificate:");
	pg_buf_reset(&b);
	pg_buf_printf(&b, "certificate version 0.1\npusher a\nnonce 1\nsneaky x\n\n" ZERO " "
		      MAIN_NEW " refs/heads/main\n%s", SIG_GIT);
	expect_malformed(b.ptr, "unknown header");
	pg_buf_reset(&b);
	pg_buf_printf(&b, "%s%strailing\n", PAYLOAD, SIG_GIT);
	expect_malformed(b.ptr, "push certificate:");
	pg_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
