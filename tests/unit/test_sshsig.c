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
#include <unistd.h>

#include "testkey.h"

/* Where an ssh-ed25519 key blob holds its 32 bytes: after "ssh-ed25519" and a length. */
#define ED25519_PK_AT (4 + 11 + 4)
#include "buf.h"
#include "error.h"
#include "sshsig.h"
#include "wire.h"

/*
 * Test vectors made once with OpenSSH 9.2's ssh-keygen and pasted here, so
 * the tests need no ssh-keygen and check us against the real thing.
 * Ed25519 is deterministic: signing MSG_COMMIT with KEY_PRIV must give
 * SIG_GIT byte for byte.
 */

#define KEY_PRIV TEST_KEY_PRIV

/* ssh-keygen -t ed25519 -N pass -C enc -f enc */
static const char KEY_ENC[] =
	"-----BEGIN OPENSSH PRIVATE KEY-----\n"
	"b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABA4SDDmHW\n"
	"916SAOgmBueJrcAAAAEAAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5AAAAIBVXWLueUkjMJzxV\n"
	"5FslZWJPeqUSjm+f0ShDUass6Kv/AAAAkKQ+zVBJVkqryrZbXSQO3hqFdC+dt4hdgZxU20\n"
	"DJW3fbef0arnipRIKq2/tMLuyJaiLrIhYWFefJ4w331YjBsCOJrJ5nOcOhTbN7CuE1rIa9\n"
	"s9Ihs7u3F/mdB+8mgzc/5swUi6OYDNXu29LN8hNGH39GXdFHMoToKun3mvduWC1wG1ZavN\n"
	"yAv04WiTh/1iS03g==\n"
	"-----END OPENSSH PRIVATE KEY-----\n";

/* ssh-keygen -t ecdsa -N '' -C ecdsa -f ec */
static const char KEY_ECDSA[] =
	"-----BEGIN OPENSSH PRIVATE KEY-----\n"
	"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAaAAAABNlY2RzYS\n"
	"1zaGEyLW5pc3RwMjU2AAAACG5pc3RwMjU2AAAAQQTWGU18fBZfUQbOkvdjQ9Lz7hmrYEqj\n"
	"iBfyYqf26OJ6Ztbr2IPw+SzP0AFMhvGXpZB6yh4TS06j6YkvOOqwWL6KAAAAoNjKdfvYyn\n"
	"X7AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBNYZTXx8Fl9RBs6S\n"
	"92ND0vPuGatgSqOIF/Jip/bo4npm1uvYg/D5LM/QAUyG8ZelkHrKHhNLTqPpiS846rBYvo\n"
	"oAAAAhANG+4SLTYduAhadAA6tICz+kjWQGC+zb98oddUY3MW36AAAABWVjZHNhAQI=\n"
	"-----END OPENSSH PRIVATE KEY-----\n";

/* msg: a commit object's payload */
static const char MSG_COMMIT[] =
	"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n"
	"author A <a@x> 1700000000 +0000\n"
	"committer A <a@x> 1700000000 +0000\n"
	"\n"
	"hello\n";

/* ssh-keygen -Y sign -f key -n git msg */
static const char SIG_GIT[] =
	"-----BEGIN SSH SIGNATURE-----\n"
	"U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgl1IduSbHyWG83izuFcXBr8pFvi\n"
	"mFKNKq8PObJHeU9KsAAAADZ2l0AAAAAAAAAAZzaGE1MTIAAABTAAAAC3NzaC1lZDI1NTE5\n"
	"AAAAQJEMfmhx0AmbMUQXLZcFROt+N8CoiqowYXRvLDgX0bftg+8lh52+LApUnht/NHqDHC\n"
	"lsKiVNHou8y7ro+Wr8nwI=\n"
	"-----END SSH SIGNATURE-----\n";

/* ssh-keygen -Y sign -f key -n git -O hashalg=sha256 msg */
static const char SIG_GIT_SHA256[] =
	"-----BEGIN SSH SIGNATURE-----\n"
	"U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgl1IduSbHyWG83izuFcXBr8pFvi\n"
	"mFKNKq8PObJHeU9KsAAAADZ2l0AAAAAAAAAAZzaGEyNTYAAABTAAAAC3NzaC1lZDI1NTE5\n"
	"AAAAQCExfVZtCFw4hxiJMst8VIDOxU+IhWI9JiIxanYWQIc4AFsp/5vVffg209/omAwRpN\n"
	"GlgTHt7iXCTYq8wSljaww=\n"
	"-----END SSH SIGNATURE-----\n";

/* ssh-keygen -Y sign -f key -n pushgate-release-log msg */
static const char SIG_COMMIT_LOG[] =
	"-----BEGIN SSH SIGNATURE-----\n"
	"U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgl1IduSbHyWG83izuFcXBr8pFvi\n"
	"mFKNKq8PObJHeU9KsAAAAUcHVzaGdhdGUtcmVsZWFzZS1sb2cAAAAAAAAABnNoYTUxMgAA\n"
	"AFMAAAALc3NoLWVkMjU1MTkAAABAUVULXjY0s7YEoAzPvtGPz2/NUMhtUgtUzYU/996Rwm\n"
	"dTINMnH+TIntE38HQeoPbTuMLdsBI8Eo9V1Omy4ClzDw==\n"
	"-----END SSH SIGNATURE-----\n";

/* ssh-keygen -t rsa -b 1024 -f rsa; ssh-keygen -Y sign -f rsa -n git msg */
static const char SIG_RSA[] =
	"-----BEGIN SSH SIGNATURE-----\n"
	"U1NIU0lHAAAAAQAAAJcAAAAHc3NoLXJzYQAAAAMBAAEAAACBAMrR8vMjFRvJcaDTxnNMXy\n"
	"7ThKz0lWmUSeZKxpG14DRvqmE37C1B9ZKDn/W6eqswSAt4kj9BgiwwRv475jWDQTQD9wLt\n"
	"v494MpqyewjT8Cl2KbE7hC7OK1EoS/DyORTJ/1+Cpg1RvO2JKtgedRDJ1UmzXJq1g/NRco\n"
	"oswUg7jmhvAAAAA2dpdAAAAAAAAAAGc2hhNTEyAAAAlAAAAAxyc2Etc2hhMi01MTIAAACA\n"
	"ZYwmaXfHYMngdZYN3KuTXLNizvRflt0+kD3JCy2rlFAMp0le96u7V0H1zqb3KfOqeLxpsR\n"
	"Uj4gLIHEwrzAYMzPvZRTd23zotx27WlFMvJUjECGl8tM3DEcXZGDbYfdPCofocapC5PHMh\n"
	"S+JNqtOrnjdVgu0s9CG+c/Lp5zTLmPs=\n"
	"-----END SSH SIGNATURE-----\n";

/* entry.msg: a release log line without its sig member or newline */
static const char MSG_ENTRY[] =
	"{\"seq\":1,\"time\":\"2026-11-29T15:20:07Z\",\"event\":\"update\","
	"\"repo\":\"acme/app\",\"ref\":\"refs/tags/v1.2.0\","
	"\"old\":\"0000000000000000000000000000000000000000\","
	"\"new\":\"3f2a1c9e8d7b6a5f4e3d2c1b0a9f8e7d6c5b4a39\","
	"\"pusher\":\"alice\",\"via\":\"gitea\",\"rule\":\"tag \\\"v*\\\"\","
	"\"reason\":null,\"push_options\":[],"
	"\"prev\":\"0000000000000000000000000000000000000000000000000000000000000000\"}";

/* ssh-keygen -Y sign -f key -n pushgate-release-log entry.msg */
static const char SIG_ENTRY[] =
	"-----BEGIN SSH SIGNATURE-----\n"
	"U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgl1IduSbHyWG83izuFcXBr8pFvi\n"
	"mFKNKq8PObJHeU9KsAAAAUcHVzaGdhdGUtcmVsZWFzZS1sb2cAAAAAAAAABnNoYTUxMgAA\n"
	"AFMAAAALc3NoLWVkMjU1MTkAAABAVVf3EF+4kICIVJNE99ooPKRmQbtTWaKCrxc4smjpiq\n"
	"/gNx+VeuPDyxvxBDlcK4zeOMQw6kI7//xe+C8BdoxRBg==\n"
	"-----END SSH SIGNATURE-----\n";

/* ssh-keygen -Y sign -f key -n pushgate-release-log empty (0 bytes) */
static const char SIG_EMPTY[] =
	"-----BEGIN SSH SIGNATURE-----\n"
	"U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgl1IduSbHyWG83izuFcXBr8pFvi\n"
	"mFKNKq8PObJHeU9KsAAAAUcHVzaGdhdGUtcmVsZWFzZS1sb2cAAAAAAAAABnNoYTUxMgAA\n"
	"AFMAAAALc3NoLWVkMjU1MTkAAABAnPzg5K7hjiW3pbnxpwqVVm4RBa5ghO7BU99vsQqhns\n"
	"o+Fwkcvz1UpdqYqciG2QWkqr8CgGTaatnuZnUQnqcxAg==\n"
	"-----END SSH SIGNATURE-----\n";

/* `ssh-keygen -l -f key.pub` and the key line of key.pub. */
#define KEY_PUB "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJdSHbkmx8lhvN4s7hXFwa/KRb4phSjSqvDzmyR3lPSr"
#define KEY_FP "SHA256:EfbCGq9tGqAWbjwGQgGDGlwVeXHKmRn5Xr7GeDv0xFc"

#define LEN(s) (sizeof(s) - 1)

/* rc must be -1 and the message must hold WANT (shown when it does not). */
static void expect_error(int rc, const char *want)
{
	if (rc != -1 || !strstr(pg_error_last(), want))
		fail_msg("rc %d, message \"%s\", wanted one with \"%s\"", rc,
			 pg_error_last(), want);
}

/* The SSHSIG blob inside an armored signature. */
static void blob_of(struct pg_buf *blob, const char *armored)
{
	const char *body = strchr(armored, '\n') + 1;
	const char *end = strstr(armored, "-----END");

	pg_buf_reset(blob);
	assert_int_equal(pg_base64_decode(blob, body, (size_t)(end - body)), 0);
}

/*
 * Parse LEN bytes of BLOB from a heap copy of exactly that size, so that
 * AddressSanitizer sees any read past its end.
 */
static int parse_exact(struct pg_sshsig *sig, const void *blob, size_t len)
{
	void *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, blob, len);
	rc = pg_sshsig_parse_blob(sig, copy, len);
	free(copy);
	return rc;
}

static int parse_armored_exact(struct pg_sshsig *sig, const char *text, size_t len)
{
	char *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, text, len);
	rc = pg_sshsig_parse_armored(sig, copy, len);
	free(copy);
	return rc;
}

static void put_u32_at(struct pg_buf *b, size_t off, uint32_t v)
{
	b->ptr[off] = (char)(v >> 24);
	b->ptr[off + 1] = (char)(v >> 16);
	b->ptr[off + 2] = (char)(v >> 8);
	b->ptr[off + 3] = (char)v;
}

/*
 * An SSHSIG blob put together field by field, each one replaceable, for
 * the malformed cases.  NULL: the value of SIG_GIT.
 */
struct blobspec {
	const char *magic;
	uint32_t version;
	const char *key_type;
	size_t pk_len;
	const void *ns;
	size_t ns_len;
	const char *reserved;
	const char *hash;
	const char *sig_type;
	size_t sig_len;
	const char *trailing;
};

static void build_blob(struct pg_buf *out, const struct blobspec *bs)
{
	struct pg_sshsig good;
	struct pg_buf part = PG_BUF_INIT, big = PG_BUF_INIT;

	assert_int_equal(pg_sshsig_parse_armored(&good, SIG_GIT, LEN(SIG_GIT)), 0);
	pg_buf_reset(out);
	pg_buf_puts(out, bs->magic ? bs->magic : "SSHSIG");
	pg_wire_put_u32(out, bs->version ? bs->version : 1);
	pg_wire_put_cstring(&part, bs->key_type ? bs->key_type : "ssh-ed25519");
	pg_buf_put(&big, good.key.blob + ED25519_PK_AT, 32);
	while (big.len < 64)
		pg_buf_putc(&big, 'k');
	pg_wire_put_string(&part, big.ptr, bs->pk_len ? bs->pk_len : 32);
	pg_wire_put_string(out, part.ptr, part.len);
	if (bs->ns)
		pg_wire_put_string(out, bs->ns, bs->ns_len);
	else
		pg_wire_put_cstring(out, "git");
	pg_wire_put_cstring(out, bs->reserved ? bs->reserved : "");
	pg_wire_put_cstring(out, bs->hash ? bs->hash : "sha512");
	pg_buf_reset(&part);
	pg_buf_reset(&big);
	pg_wire_put_cstring(&part, bs->sig_type ? bs->sig_type : "ssh-ed25519");
	pg_buf_put(&big, good.sig + ED25519_PK_AT, 64);
	while (big.len < 80)
		pg_buf_putc(&big, 's');
	pg_wire_put_string(&part, big.ptr, bs->sig_len ? bs->sig_len : 64);
	pg_wire_put_string(out, part.ptr, part.len);
	if (bs->trailing)
		pg_buf_puts(out, bs->trailing);
	pg_buf_free(&part);
	pg_buf_free(&big);
}

/* ---- verifying ---- */

static void test_good_git(void **state)
{
	struct pg_sshsig sig;
	struct pg_buf b = PG_BUF_INIT;

	(void)state;
	assert_int_equal(pg_sshsig_parse_armored(&sig, SIG_GIT, LEN(SIG_GIT)), 0);
	assert_string_equal(sig.namespace, "git");
	assert_int_equal(sig.namespace_len, 3);
	assert_string_equal(sig.hash_alg, "sha512");
	pg_pubkey_line(&b, &sig.key);
	assert_string_equal(pg_buf_cstr(&b), KEY_PUB);
	assert_int_equal(pg_sshsig_verify(&sig, "git", MSG_COMMIT, LEN(MSG_COMMIT)), 0);
	pg_buf_free(&b);
}

static void test_good_release_log(void **state)
{
	struct pg_sshsig sig;

	(void)state;
	assert_int_equal(pg_sshsig_parse_armored(&sig, SIG_ENTRY, LEN(SIG_ENTRY)), 0);
	assert_string_equal(sig.namespace, "pushgate-release-log");
	assert_int_equal(pg_sshsig_verify(&sig, "pushgate-release-log", MSG_ENTRY,
					  LEN(MSG_ENTRY)), 0);
	assert_int_equal(pg_sshsig_parse_armored(&sig, SIG_COMMIT_LOG,
						 LEN(SIG_COMMIT_LOG)), 0);
	assert_int_equal(pg_sshsig_verify(&sig, "pushgate-release-log", MSG_COMMIT,
					  LEN(MSG_COMMIT)), 0);
	/* An empty message is a message like any other. */
	assert_int_equal(pg_sshsig_parse_armored(&sig, SIG_EMPTY, LEN(SIG_EMPTY)), 0);
	assert_int_equal(pg_sshsig_verify(&sig, "pushgate-release-log", NULL, 0), 0);
	assert_int_equal(pg_sshsig_verify(&sig, "pushgate-release-log", "", 0), 0);
	expect_error(pg_sshsig_verify(&sig, "pushgate-release-log", "\n", 1), "does not verify");
}

static void test_good_sha256(void **state)
{
	struct pg_sshsig sig;

	(void)state;
	assert_int_equal(pg_sshsig_parse_armored(&sig, SIG_GIT_SHA256, LEN(SIG_GIT_SHA256)), 0);
	assert_string_equal(sig.hash_alg, "sha256");
	assert_int_equal(pg_sshsig_verify(&sig, "git", MSG_COMMIT, LEN(MSG_COMMIT)), 0);
	expect_error(pg_sshsig_verify(&sig, "git", MSG_COMMIT, LEN(MSG_COMMIT) - 1),
		     "does not verify");
}

static void test_tampered_message(void **state)
{
	struct pg_sshsig sig;
	char msg[sizeof(MSG_COMMIT)];

	(void)state;
	assert_int_equal(pg_sshsig_parse_armored(&sig, SIG_GIT, LEN(SIG_GIT)), 0);
	/* Every byte matters, and so does the length. */
	for (size_t i = 0; i < LEN(MSG_COMMIT); i++) {
		memcpy(msg, MSG_COMMIT, sizeof(msg));
		msg[i] ^= 0x01;
		expect_error(pg_sshsig_verify(&sig, "git", msg, LEN(MSG_COMMIT)),
			     "does not verify");
	}
	expect_error(pg_sshsig_verify(&sig, "git", MSG_COMMIT, LEN(MSG_COMMIT) - 1),
		     "does not verify");
	expect_error(pg_sshsig_verify(&sig, "git", MSG_COMMIT, LEN(MSG_COMMIT) + 1),
		     "does not verify");
	expect_error(pg_sshsig_verify(&sig, "git", MSG_ENTRY, LEN(MSG_ENTRY)),
		     "does not verify");
	/* The message names the key. */
	expect_error(pg_sshsig_verify(&sig, "git", "x", 1), KEY_FP);
}

static void test_wrong_namespace(void **state)
{
	struct pg_sshsig sig;

	(void)state;
	assert_int_equal(pg_sshsig_parse_armored(&sig, SIG_GIT, LEN(SIG_GIT)), 0);
	expect_error(pg_sshsig_verify(&sig, "pushgate-release-log", MSG_COMMIT,
				      LEN(MSG_COMMIT)),
		     "SSH signature is for namespace \"git\", not \"pushgate-release-log\"");
	expect_error(pg_sshsig_verify(&sig, "gi", MSG_COMMIT, LEN(MSG_COMMIT)), "namespace");
	expect_error(pg_sshsig_verify(&sig, "gitx", MSG_COMMIT, LEN(MSG_COMMIT)), "namespace");
	expect_error(pg_sshsig_verify(&sig, "", MSG_COMMIT, LEN(MSG_COMMIT)), "no namespace");
	expect_error(pg_sshsig_verify(&sig, NULL, MSG_COMMIT, LEN(MSG_COMMIT)), "no namespace");

	/* The same message signed for the log is no commit signature. */
	assert_int_equal(pg_sshsig_parse_armored(&sig, SIG_COMMIT_LOG, LEN(SIG_COMMIT_LOG)), 0);
	expect_error(pg_sshsig_verify(&sig, "git", MSG_COMMIT, LEN(MSG_COMMIT)),
		     "namespace \"pushgate-release-log\", not \"git\"");

	/* Relabelling the namespace does not help: it is signed. */
	memcpy(sig.namespace, "git", 4);
	sig.namespace_len = 3;
	expect_error(pg_sshsig_verify(&sig, "git", MSG_COMMIT, LEN(MSG_COMMIT)),
		     "does not verify");
}

static void test_tampered_signature(void **state)
{
	struct pg_sshsig good, sig;

	(void)state;
	assert_int_equal(pg_sshsig_parse_armored(&good, SIG_GIT, LEN(SIG_GIT)), 0);
	for (size_t i = 0; i < 64; i++) {
		for (int bit = 0; bit < 8; bit += 7) {
			sig = good;
			sig.sig[ED25519_PK_AT + i] ^= (uint8_t)(1u << bit);
			expect_error(pg_sshsig_verify(&sig, "git", MSG_COMMIT, LEN(MSG_COMMIT)),
				     "does not verify");
		}
	}
	for (size_t i = 0; i < 32; i++) {
		sig = good;
		sig.key.blob[ED25519_PK_AT + i] ^= 0x10;
		expect_error(pg_sshsig_verify(&sig, "git", MSG_COMMIT, LEN(MSG_COMMIT)),
			     "does not verify");
	}
	/* The hash algorithm's name is signed too. */
	sig = good;
	strcpy(sig.hash_alg, "sha256");
	expect_error(pg_sshsig_verify(&sig, "git", MSG_COMMIT, LEN(MSG_COMMIT)),
		     "does not verify");
	sig = good;
	strcpy(sig.hash_alg, "md5");
	expect_error(pg_sshsig_verify(&sig, "git", MSG_COMMIT, LEN(MSG_COMMIT)),
		     "not supported");

	/* A byte changed inside the armor. */
	{
		char text[sizeof(SIG_GIT)];
		struct pg_sshsig parsed;
		size_t at = strlen("-----BEGIN SSH SIGNATURE-----\n") + 3 * 71 + 5;

		memcpy(text, SIG_GIT, sizeof(text));
		text[at] = text[at] == 'A' ? 'B' : 'A';
		assert_int_equal(pg_sshsig_parse_armored(&parsed, text, LEN(SIG_GIT)), 0);
		expect_error(pg_sshsig_verify(&parsed, "git", MSG_COMMIT, LEN(MSG_COMMIT)),
			     "does not verify");
	}
}

static void test_truncated_blob(void **state)
{
	struct pg_buf blob = PG_BUF_INIT;
	struct pg_sshsig sig;

	(void)state;
	blob_of(&blob, SIG_GIT);
	assert_int_equal(parse_exact(&sig, blob.ptr, blob.len), 0);
	/* Every cut, from nothing to one byte short. */
	for (size_t n = 0; n < blob.len; n++) {
		assert_int_equal(parse_exact(&sig, blob.ptr, n), -1);
		assert_non_null(strstr(pg_error_last(), "SSH signature: "));
	}
	expect_error(parse_exact(&sig, blob.ptr, 0), "truncated in the magic");
	expect_error(parse_exact(&sig, blob.ptr, 8), "truncated in the version");
	expect_error(parse_exact(&sig, blob.ptr, 20), "truncated in the public key");
	expect_error(parse_exact(&sig, blob.ptr, blob.len - 1), "truncated in the signature");
	/* And one byte too many. */
	pg_buf_putc(&blob, 0);
	expect_error(parse_exact(&sig, blob.ptr, blob.len), "trailing data");
	pg_buf_free(&blob);
}

static void test_truncated_armored(void **state)
{
	struct pg_sshsig sig;
	const size_t cuts[] = { 0, 1, 10, 29, 30, 31, 100, 101, 200, 250, 260,
				LEN(SIG_GIT) - 29, LEN(SIG_GIT) - 2 };

	(void)state;
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++)
		assert_int_equal(parse_armored_exact(&sig, SIG_GIT, cuts[i]), -1);
	/* Every cut at all, under the sanitizers. */
	for (size_t n = 0; n < LEN(SIG_GIT) - 1; n++)
		assert_int_equal(parse_armored_exact(&sig, SIG_GIT, n), -1);
	/* Without its final newline it is still whole. */
	assert_int_equal(parse_armored_exact(&sig, SIG_GIT, LEN(SIG_GIT) - 1), 0);
}

static void test_lying_lengths(void **state)
{
	struct pg_buf blob = PG_BUF_INIT;
	struct pg_sshsig sig;

	(void)state;
	blob_of(&blob, SIG_GIT);
	/* The public key string's length, then the namespace's, made huge. */
	put_u32_at(&blob, 10, 0xffffffffu);
	expect_error(parse_exact(&sig, blob.ptr, blob.len), "truncated in the public key");
	blob_of(&blob, SIG_GIT);
	put_u32_at(&blob, 10 + 4 + 51, 0x7fffffffu);
	expect_error(parse_exact(&sig, blob.ptr, blob.len), "truncated in the namespace");
	blob_of(&blob, SIG_GIT);
	put_u32_at(&blob, 10 + 4 + 51, 0);
	expect_error(parse_exact(&sig, blob.ptr, blob.len), "SSH signature: ");
	/* The inner key type's length, past the end of its key blob. */
	blob_of(&blob, SIG_GIT);
	put_u32_at(&blob, 14, 52);
	expect_error(parse_exact(&sig, blob.ptr, blob.len), "truncated in the key type");
	pg_buf_free(&blob);
}

static void test_bad_magic_and_version(void **state)
{
	struct pg_buf blob = PG_BUF_INIT;
	struct pg_sshsig sig;
	struct blobspec bs;

	(void)state;
	memset(&bs, 0, sizeof(bs));
	build_blob(&blob, &bs);
	/* The builder's defaults are SIG_GIT itself. */
	assert_int_equal(parse_exact(&sig, blob.ptr, blob.len), 0);
	assert_int_equal(pg_sshsig_verify(&sig, "git", MSG_COMMIT, LEN(MSG_COMMIT)), 0);

	bs.magic = "SSHSIH";
	build_blob(&blob, &bs);
	expect_error(parse_exact(&sig, blob.ptr, blob.len), "not an SSHSIG blob");
	bs.magic = "sshsig";
	build_blob(&blob, &bs);
	expect_error(parse_exact(&sig, blob.ptr, blob.len), "not an SSHSIG blob");

	memset(&bs, 0, sizeof(bs));
	bs.version = 2;
	build_blob(&blob, &bs);
	expect_error(parse_exact(&sig, blob.ptr, blob.len), "version 2 is not supported");
	bs.version = 0x01000000;
	build_blob(&blob, &bs);
	expect_error(parse_exact(&sig, blob.ptr, blob.len), "version 16777216");
	pg_buf_free(&blob);
}

/* `ssh-keygen -Y sign -n git` of MSG_KEYS by an RSA 3072 key and ECDSA P-256, P-384 and P-521 keys. */
static const char MSG_KEYS[] =
	"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n"
	"author T <t@example.com> 1700000000 +0000\n"
	"committer T <t@example.com> 1700000000 +0000\n"
	"\n"
	"signed\n";
static const char PUB_RSA3072[] =
	"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQC9jfQwUy8OtAh40aCGf2EDcoF+4nD68NfblEHQtCVgi0EpEaJbTWAv1sWl+2rziUdlwSDxrRlOX9ZkhlKyid6qzAiZxO7800GjGJ0FpLLpoOG83LtKuUfsLHcP33dxygnW0G73BXy5EsKJxatmcAKt51hX72cUWA18Mmv5VQCyrsAFqECovOh0VmMxy5nHbt21ESBD0kiCU+gLiZEtOJZtE2ZFUFfkBatJjNnuPJcF+3LSlYpKcwxAFQLj1DfeZ1VuvY1nxGwYpZw+srJtuDe2hVq1LDDs6uUOQMDwcSIgaklr5sbX5P6RvIHEPuUT/xnz0A685bDwnwYESvMgOTiIFo+AQsvy7CWZNUpJD1wDeFLU48zCRDDpFcac6YuurlG8XFoi/ufPPymS+HTvqPeLvyUYBHFBj0b8tC05q9RTpzROEx/gzj62lzTpuQCIjw02UQCiGJuLnXlBkOzZFJus88DsZ5N7YkMJx7Zn990RhOJlY1HZvZr2JQMrXL346UU=";
static const char SIG_RSA3072[] =
	"-----BEGIN SSH SIGNATURE-----\n"
	"U1NIU0lHAAAAAQAAAZcAAAAHc3NoLXJzYQAAAAMBAAEAAAGBAL2N9DBTLw60CHjRoIZ/YQ\n"
	"NygX7icPrw19uUQdC0JWCLQSkRoltNYC/WxaX7avOJR2XBIPGtGU5f1mSGUrKJ3qrMCJnE\n"
	"7vzTQaMYnQWksumg4bzcu0q5R+wsdw/fd3HKCdbQbvcFfLkSwonFq2ZwAq3nWFfvZxRYDX\n"
	"wya/lVALKuwAWoQKi86HRWYzHLmcdu3bURIEPSSIJT6AuJkS04lm0TZkVQV+QFq0mM2e48\n"
	"lwX7ctKVikpzDEAVAuPUN95nVW69jWfEbBilnD6ysm24N7aFWrUsMOzq5Q5AwPBxIiBqSW\n"
	"vmxtfk/pG8gcQ+5RP/GfPQDrzlsPCfBgRK8yA5OIgWj4BCy/LsJZk1SkkPXAN4UtTjzMJE\n"
	"MOkVxpzpi66uUbxcWiL+588/KZL4dO+o94u/JRgEcUGPRvy0LTmr1FOnNE4TH+DOPraXNO\n"
	"m5AIiPDTZRAKIYm4udeUGQ7NkUm6zzwOxnk3tiQwnHtmf33RGE4mVjUdm9mvYlAytcvfjp\n"
	"RQAAAANnaXQAAAAAAAAABnNoYTUxMgAAAZQAAAAMcnNhLXNoYTItNTEyAAABgBjugBLKf7\n"
	"+NjMvCw3t8yvepwoV6rrrl0vCG/5dQz7fs8qd413z89TCXxGY7KX508fL2qG7I7wif++Dt\n"
	"VsqLb1zv5oxMi2uBGoEhgPXajiDz+BBiui5RBYhkl6MCqHui5ZXnUAEQcWGyHnJNQaTUaI\n"
	"5rNWgH57HJ3qu7blY4s93OCvUDLv8eTw6zJef+TlqjhuWUdPZGdekr/ossSfN31JHTuYnc\n"
	"KIv7Xgtf+Uo+rXsw8ZdvUtx2S7udKLwGSHMOGt7q63spvQXNo2RXmat/rU/yXGukAFupsm\n"
	"94lAn4DIJJIP34lIKKyjMhlEqZiwpTiQi9M4ZAPF9Gwj5CyrG2mcdJbyBG3HIoUg0cJw5A\n"
	"2qITfuPfmRhCiaV/94NFo/H6uLdBVXtm13BkT0uOIi+5/RqbtIvoPICpHDhcNCFAYjrFaO\n"
	"fnL+4IMPOUerpov3jxSqw4o8LsG/asxs6pLbues4Ovc674UkA6qaOW9ULn5Q2NnS13FWz1\n"
	"i7d+DsYEXzEgtw==\n"
	"-----END SSH SIGNATURE-----\n";
static const char PUB_P256[] =
	"ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBBuvUp8a8o5xdnZJVfLNTgDa47wS60IvRtzcpZpeucWw2tYfrk6l7xSvo8nAIcmksoaB8L1C9ykfXkroObMnDKA=";
static const char SIG_P256[] =
	"-----BEGIN SSH SIGNATURE-----\n"
	"U1NIU0lHAAAAAQAAAGgAAAATZWNkc2Etc2hhMi1uaXN0cDI1NgAAAAhuaXN0cDI1NgAAAE\n"
	"EEG69SnxryjnF2dklV8s1OANrjvBLrQi9G3Nylml65xbDa1h+uTqXvFK+jycAhyaSyhoHw\n"
	"vUL3KR9eSug5sycMoAAAAANnaXQAAAAAAAAABnNoYTUxMgAAAGUAAAATZWNkc2Etc2hhMi\n"
	"1uaXN0cDI1NgAAAEoAAAAhALoUPHweDVzAPXBuUOYMgzNIFXZ52+UP4YeCHxyLvcvnAAAA\n"
	"IQDQBeS8mUsgutwrY1D5Lfpa9nmnIVaR8YgE/6FhQ/vudw==\n"
	"-----END SSH SIGNATURE-----\n";
static const char PUB_P384[] =
	"ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBOreVmvPJJBDsbhcBCd4v0MCOZC5FOs3JspCRergW3st9epdj11slce6vzM5VViKE5EZXUzrFl8jfo2bYg0yq4wflZuRo55pIpZvncnevzw9/R5U820dItF1IzAUPUCQWA==";
static const char SIG_P384[] =
	"-----BEGIN SSH SIGNATURE-----\n"
	"U1NIU0lHAAAAAQAAAIgAAAATZWNkc2Etc2hhMi1uaXN0cDM4NAAAAAhuaXN0cDM4NAAAAG\n"
	"EE6t5Wa88kkEOxuFwEJ3i/QwI5kLkU6zcmykJF6uBbey316l2PXWyVx7q/MzlVWIoTkRld\n"
	"TOsWXyN+jZtiDTKrjB+Vm5Gjnmkilm+dyd6/PD39HlTzbR0i0XUjMBQ9QJBYAAAAA2dpdA\n"
	"AAAAAAAAAGc2hhNTEyAAAAhAAAABNlY2RzYS1zaGEyLW5pc3RwMzg0AAAAaQAAADEAlAl/\n"
	"Ptpa+s8v45nSsHyESFGQJHSy699LXfv9rD+GXP1K9ekvbfFRIaqek0US0tI6AAAAMGo5Vh\n"
	"rgpLIAV27pODRF3YMYF5MwDcIQqhbTeRgIgwi/5VOj50KCmncZ6WQjOWytOA==\n"
	"-----END SSH SIGNATURE-----\n";
static const char PUB_P521[] =
	"ecdsa-sha2-nistp521 AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBAG87ENZcrhQi8+aeNN/B4zqETgmjcOKL5DO43Mpbga0ZTu89lr38XWG0vu0fhkiPjqcx9da9ZQv4PlssAYE2LvBxABqIEFtA683Ifi1XwYu7XTtDeFYdWBBmG/QrtiyrWe5uAimDsodYGnp6Mq1Wg6HxGqvaG/e798OIS80URdVv7PUpw==";
static const char SIG_P521[] =
	"-----BEGIN SSH SIGNATURE-----\n"
	"U1NIU0lHAAAAAQAAAKwAAAATZWNkc2Etc2hhMi1uaXN0cDUyMQAAAAhuaXN0cDUyMQAAAI\n"
	"UEAbzsQ1lyuFCLz5p4038HjOoROCaNw4ovkM7jcyluBrRlO7z2WvfxdYbS+7R+GSI+OpzH\n"
	"11r1lC/g+WywBgTYu8HEAGogQW0Drzch+LVfBi7tdO0N4Vh1YEGYb9Cu2LKtZ7m4CKYOyh\n"
	"1gaenoyrVaDofEaq9ob97v3w4hLzRRF1W/s9SnAAAAA2dpdAAAAAAAAAAGc2hhNTEyAAAA\n"
	"pwAAABNlY2RzYS1zaGEyLW5pc3RwNTIxAAAAjAAAAEIBw/NjMjVcOSVPnkt/Bz6nE4ePmk\n"
	"4H2M3VBQh9p31xxOHvQFyt0tl30wT16YLffujRzybTYEubbaxCP6N2bLosvFYAAABCAaZ0\n"
	"wSOS3CMqIjSlc5Uq99Pb7tIi4hAFshj2ZgoxdakK/6JkWweW0Pj1eIoXkIMPfvwa3KXgl5\n"
	"pLL92EXrFXO7KY\n"
	"-----END SSH SIGNATURE-----\n";

/* Keys of every type OpenSSH users have: RSA and ECDSA signatures verify. */
static void test_rsa_and_ecdsa(void **state)
{
	static const struct {
		const char *pub, *sig, *fp;
		enum pg_key_type type;
	} v[] = {
		{ PUB_RSA3072, SIG_RSA3072, "SHA256:8WDowVa1Nf1Qwy37YRKzhvX/D8aFQfgMYiXH7X23NOY", PG_KEY_RSA },
		{ PUB_P256, SIG_P256, "SHA256:03JNSwph4ZGlmoZkia+S4CS1BhjUhX/mPLj3b+wXYQE", PG_KEY_ECDSA_P256 },
		{ PUB_P384, SIG_P384, "SHA256:ScWBcQoOOWyzsmCttCybXaMurs8xBYNR0QkYd9Yq3cQ", PG_KEY_ECDSA_P384 },
		{ PUB_P521, SIG_P521, "SHA256:OPTlyKWHTjBORcN9YfoAsX3WNWH9xwSaNvVkeCutFwE", PG_KEY_ECDSA_P521 },
	};
	struct pg_buf b = PG_BUF_INIT;
	struct pg_sshsig sig, bad;

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(pg_sshsig_parse_armored(&sig, v[i].sig, strlen(v[i].sig)), 0);
		assert_int_equal(sig.key.type, v[i].type);
		pg_buf_reset(&b);
		pg_pubkey_line(&b, &sig.key);
		assert_string_equal(b.ptr, v[i].pub);
		pg_buf_reset(&b);
		pg_pubkey_fingerprint(&b, &sig.key);
		assert_string_equal(b.ptr, v[i].fp);
		assert_int_equal(pg_sshsig_verify(&sig, "git", MSG_KEYS, LEN(MSG_KEYS)), 0);
		/* Another message, another namespace, a flipped signature bit: no. */
		expect_error(pg_sshsig_verify(&sig, "git", MSG_KEYS, LEN(MSG_KEYS) - 1),
			     "does not verify");
		expect_error(pg_sshsig_verify(&sig, "file", MSG_KEYS, LEN(MSG_KEYS)),
			     "is for namespace \"git\"");
		bad = sig;
		bad.sig[bad.sig_len - 3] ^= 0x01;
		expect_error(pg_sshsig_verify(&bad, "git", MSG_KEYS, LEN(MSG_KEYS)),
			     "does not verify");
	}
	/* A P-384 signature under a P-256 key does not fit it. */
	assert_int_equal(pg_sshsig_parse_armored(&sig, SIG_P256, LEN(SIG_P256)), 0);
	assert_int_equal(pg_sshsig_parse_armored(&bad, SIG_P384, LEN(SIG_P384)), 0);
	bad.key = sig.key;
	expect_error(pg_sshsig_verify(&bad, "git", MSG_KEYS, LEN(MSG_KEYS)), "does not fit");
	pg_buf_free(&b);
}

static void test_rsa_and_other_types(void **state)
{
	struct pg_buf blob = PG_BUF_INIT;
	struct pg_sshsig sig;
	struct blobspec bs;

	(void)state;
	/* A real RSA signature by ssh-keygen, but of a key too small to trust. */
	expect_error(pg_sshsig_parse_armored(&sig, SIG_RSA, LEN(SIG_RSA)),
		     "an RSA key of 1024 bits is too small (at least 2048)");

	memset(&bs, 0, sizeof(bs));
	bs.key_type = "ecdsa-sha2-nistp256";
	build_blob(&blob, &bs);
	expect_error(parse_exact(&sig, blob.ptr, blob.len),
		     "the curve does not match the key type ecdsa-sha2-nistp256");
	bs.key_type = "ssh-ed25519\x1b[31m";
	build_blob(&blob, &bs);
	/* A pusher's bytes come back escaped. */
	expect_error(parse_exact(&sig, blob.ptr, blob.len), "ssh-ed25519\\x1b[31m");

	memset(&bs, 0, sizeof(bs));
	bs.pk_len = 31;
	build_blob(&blob, &bs);
	expect_error(parse_exact(&sig, blob.ptr, blob.len), "31 bytes long, not 32");
	bs.pk_len = 33;
	build_blob(&blob, &bs);
	expect_error(parse_exact(&sig, blob.ptr, blob.len), "33 bytes long, not 32");

	memset(&bs, 0, sizeof(bs));
	bs.sig_type = "rsa-sha2-512";
	build_blob(&blob, &bs);
	expect_error(parse_exact(&sig, blob.ptr, blob.len), "signature type \"rsa-sha2-512\"");
	bs.sig_type = NULL;
	bs.sig_len = 63;
	build_blob(&blob, &bs);
	expect_error(parse_exact(&sig, blob.ptr, blob.len), "63 bytes long, not 64");
	bs.sig_len = 65;
	build_blob(&blob, &bs);
	expect_error(parse_exact(&sig, blob.ptr, blob.len), "65 bytes long, not 64");

	memset(&bs, 0, sizeof(bs));
	bs.hash = "sha1";
	build_blob(&blob, &bs);
	expect_error(parse_exact(&sig, blob.ptr, blob.len),
		     "hash algorithm \"sha1\" is not supported");
	bs.hash = "SHA512";
	build_blob(&blob, &bs);
	expect_error(parse_exact(&sig, blob.ptr, blob.len), "hash algorithm");
	bs.hash = "";
	build_blob(&blob, &bs);
	expect_error(parse_exact(&sig, blob.ptr, blob.len), "hash algorithm");

	memset(&bs, 0, sizeof(bs));
	bs.trailing = "x";
	build_blob(&blob, &bs);
	expect_error(parse_exact(&sig, blob.ptr, blob.len), "1 bytes of trailing data");
	pg_buf_free(&blob);
}

static void test_namespace_field(void **state)
{
	struct pg_buf blob = PG_BUF_INIT;
	struct pg_sshsig sig;
	struct blobspec bs;
	char longns[300];

	(void)state;
	memset(&bs, 0, sizeof(bs));
	bs.ns = "git\0evil";
	bs.ns_len = 8;
	build_blob(&blob, &bs);
	expect_error(parse_exact(&sig, blob.ptr, blob.len), "NUL byte");

	memset(longns, 'n', sizeof(longns));
	bs.ns = longns;
	bs.ns_len = 256;
	build_blob(&blob, &bs);
	expect_error(parse_exact(&sig, blob.ptr, blob.len), "longer than 255");
	bs.ns_len = 255;
	build_blob(&blob, &bs);
	assert_int_equal(parse_exact(&sig, blob.ptr, blob.len), 0);
	assert_int_equal(strlen(sig.namespace), 255);

	/* Another namespace parses; verifying it as "git" fails. */
	bs.ns = "gi\x1b";
	bs.ns_len = 3;
	build_blob(&blob, &bs);
	assert_int_equal(parse_exact(&sig, blob.ptr, blob.len), 0);
	expect_error(pg_sshsig_verify(&sig, "git", MSG_COMMIT, LEN(MSG_COMMIT)),
		     "namespace \"gi\\x1b\", not \"git\"");
	bs.ns = "";
	bs.ns_len = 0;
	build_blob(&blob, &bs);
	assert_int_equal(parse_exact(&sig, blob.ptr, blob.len), 0);
	expect_error(pg_sshsig_verify(&sig, "git", MSG_COMMIT, LEN(MSG_COMMIT)),
		     "namespace \"\", not \"git\"");
	pg_buf_free(&blob);
}

static void test_reserved_is_ignored(void **state)
{
	struct pg_buf blob = PG_BUF_INIT;
	struct pg_sshsig sig;
	struct blobspec bs;

	(void)state;
	/* As OpenSSH does: the field is skipped and an empty one is verified. */
	memset(&bs, 0, sizeof(bs));
	bs.reserved = "future";
	build_blob(&blob, &bs);
	assert_int_equal(parse_exact(&sig, blob.ptr, blob.len), 0);
	assert_int_equal(pg_sshsig_verify(&sig, "git", MSG_COMMIT, LEN(MSG_COMMIT)), 0);
	pg_buf_free(&blob);
}

/* "-----BEGIN SSH SIGNATURE-----\n" BODY "\n-----END SSH SIGNATURE-----\n" */
static int parse_body(struct pg_sshsig *sig, const char *body)
{
	struct pg_buf t = PG_BUF_INIT;
	int rc;

	pg_buf_printf(&t, "-----BEGIN SSH SIGNATURE-----\n%s\n-----END SSH SIGNATURE-----\n",
		      body);
	rc = parse_armored_exact(sig, t.ptr, t.len);
	pg_buf_free(&t);
	return rc;
}

static void test_armor_and_base64(void **state)
{
	struct pg_sshsig sig;
	struct pg_buf t = PG_BUF_INIT, blob = PG_BUF_INIT;
	const char *body = SIG_GIT + strlen("-----BEGIN SSH SIGNATURE-----\n");
	size_t body_len = (size_t)(strstr(SIG_GIT, "-----END") - body) - 1;
	char unwrapped[400];
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < body_len; i++)
		if (body[i] != '\n')
			unwrapped[n++] = body[i];
	unwrapped[n] = '\0';

	/* Other wrapping, CRLF and white space around the armor are fine. */
	assert_int_equal(parse_body(&sig, unwrapped), 0);
	assert_int_equal(pg_sshsig_verify(&sig, "git", MSG_COMMIT, LEN(MSG_COMMIT)), 0);
	pg_buf_puts(&t, "\n  \t");
	for (const char *p = SIG_GIT; *p; p++) {
		if (*p == '\n')
			pg_buf_putc(&t, '\r');
		pg_buf_putc(&t, *p);
	}
	pg_buf_puts(&t, "\n\n");
	assert_int_equal(parse_armored_exact(&sig, t.ptr, t.len), 0);

	/* Base64 garbage. */
	expect_error(parse_body(&sig, "!!!!"), "base64: invalid character 0x21");
	expect_error(parse_body(&sig, "U1NIU0lH*AAA"), "invalid character 0x2a");
	expect_error(parse_body(&sig, "U1NIU0l"), "not a multiple of 4");
	expect_error(parse_body(&sig, "U1NI=U0lH"), "after the '=' padding");
	expect_error(parse_body(&sig, "U1NIU0lHAAAAAQ==="), "padding");
	expect_error(parse_body(&sig, "U1NIU0lHAA=A"), "after the '=' padding");
	expect_error(parse_body(&sig, "===="), "padding");
	expect_error(parse_body(&sig, "U1NIU0lH\x01"), "invalid character 0x01");
	expect_error(parse_body(&sig, "U1NIU0lH\xc3\xa4"), "invalid character 0xc3");
	/* Good base64 of a blob that is not an SSHSIG. */
	expect_error(parse_body(&sig, "aGVsbG8gd29ybGQ="), "not an SSHSIG blob");
	/* '=' padding: EVP_DecodeBlock would count it as zero bytes. */
	expect_error(parse_body(&sig, "U1NIU0lHAAAAAQ=="),
		     "truncated in the public key (4 bytes needed, 0 left)");
	assert_int_equal(pg_base64_decode(&blob, "U1NIU0lHAAAAAQ==", 16), 0);
	assert_int_equal(blob.len, 10);
	pg_buf_reset(&blob);
	assert_int_equal(pg_base64_decode(&blob, "YQ==\nYWI=", 9), -1);
	assert_int_equal(pg_base64_decode(&blob, " Y W I = ", 9), 0);
	assert_int_equal(blob.len, 2);
	assert_memory_equal(blob.ptr, "ab", 2);
	pg_buf_reset(&blob);
	pg_base64_encode(&blob, "ab", 2);
	assert_string_equal(pg_buf_cstr(&blob), "YWI=");

	/* The armor lines. */
	expect_error(parse_body(&sig, ""), "nothing between");
	expect_error(pg_sshsig_parse_armored(&sig, unwrapped, n), "missing the -----BEGIN SSH SIGNATURE----- line");
	pg_buf_reset(&t);
	pg_buf_printf(&t, "-----BEGIN SSH SIGNATURE-----\n%s\n", unwrapped);
	expect_error(parse_armored_exact(&sig, t.ptr, t.len), "missing the -----END SSH SIGNATURE----- line");
	pg_buf_reset(&t);
	pg_buf_printf(&t, "-----BEGIN SSH SIGNATURE-----%s\n-----END SSH SIGNATURE-----\n", unwrapped);
	expect_error(parse_armored_exact(&sig, t.ptr, t.len), "not followed by a line break");
	pg_buf_reset(&t);
	pg_buf_printf(&t, "%sjunk\n", SIG_GIT);
	expect_error(parse_armored_exact(&sig, t.ptr, t.len), "data after the -----END");
	pg_buf_reset(&t);
	pg_buf_printf(&t, "x%s", SIG_GIT);
	expect_error(parse_armored_exact(&sig, t.ptr, t.len), "missing the -----BEGIN");
	/* END must start its own line. */
	pg_buf_reset(&t);
	pg_buf_printf(&t, "-----BEGIN SSH SIGNATURE-----\n%s-----END SSH SIGNATURE-----\n", unwrapped);
	expect_error(parse_armored_exact(&sig, t.ptr, t.len), "missing the -----END");
	/* Two signatures in one: the second BEGIN is no base64. */
	pg_buf_reset(&t);
	pg_buf_printf(&t, "-----BEGIN SSH SIGNATURE-----\n%s\n%s", unwrapped, SIG_GIT);
	expect_error(parse_armored_exact(&sig, t.ptr, t.len), "invalid character 0x2d");
	/* A NUL inside. */
	pg_buf_reset(&t);
	pg_buf_puts(&t, SIG_GIT);
	t.ptr[40] = '\0';
	expect_error(parse_armored_exact(&sig, t.ptr, t.len), "invalid character 0x00");
	pg_buf_free(&t);
	pg_buf_free(&blob);
}

/* ---- private keys ---- */

/* The decoded openssh-key-v1 blob of TEXT. */
static void key_blob(struct pg_buf *blob, const char *text)
{
	const char *body = strchr(text, '\n') + 1;
	const char *end = strstr(text, "-----END");

	pg_buf_reset(blob);
	assert_int_equal(pg_base64_decode(blob, body, (size_t)(end - body)), 0);
}

static void key_armor(struct pg_buf *text, const void *blob, size_t len)
{
	struct pg_buf b64 = PG_BUF_INIT;

	pg_buf_reset(text);
	pg_base64_encode(&b64, blob, len);
	pg_buf_puts(text, "-----BEGIN OPENSSH PRIVATE KEY-----\n");
	for (size_t i = 0; i < b64.len; i += 70) {
		pg_buf_put(text, b64.ptr + i, b64.len - i < 70 ? b64.len - i : 70);
		pg_buf_putc(text, '\n');
	}
	pg_buf_puts(text, "-----END OPENSSH PRIVATE KEY-----\n");
	pg_buf_free(&b64);
}

/* An openssh-key-v1 file put together field by field; 0 or NULL: KEY_PRIV's. */
struct keyspec {
	const char *cipher, *kdf;
	uint32_t nkeys;
	const char *outer_type, *inner_type;
	uint32_t check2;		/* check1 is 0x89aab751 */
	int flip_seed, flip_inner_pk, flip_sk_pk;
	size_t sk_len;
	const char *comment;	/* KEY_PRIV's needs no padding; "x" needs 4 bytes */
	int bad_padding, no_padding;
	const char *trailing;
};

static void build_key(struct pg_buf *text, const struct keyspec *ks)
{
	struct pg_sshkey k;
	struct pg_buf blob = PG_BUF_INIT, part = PG_BUF_INIT, priv = PG_BUF_INIT;
	uint8_t seed[32], pk[32], sk[70];

	assert_int_equal(pg_sshkey_load_private_mem(&k, KEY_PRIV, LEN(KEY_PRIV)), 0);
	memcpy(seed, k.seed, 32);
	memcpy(pk, k.pk, 32);
	pg_sshkey_clear(&k);

	pg_buf_put(&blob, "openssh-key-v1", 15);
	pg_wire_put_cstring(&blob, ks->cipher ? ks->cipher : "none");
	pg_wire_put_cstring(&blob, ks->kdf ? ks->kdf : "none");
	pg_wire_put_cstring(&blob, "");
	pg_wire_put_u32(&blob, ks->nkeys ? ks->nkeys : 1);
	pg_wire_put_cstring(&part, ks->outer_type ? ks->outer_type : "ssh-ed25519");
	pg_wire_put_string(&part, pk, 32);
	pg_wire_put_string(&blob, part.ptr, part.len);

	pg_wire_put_u32(&priv, 0x89aab751);
	pg_wire_put_u32(&priv, ks->check2 ? ks->check2 : 0x89aab751);
	pg_wire_put_cstring(&priv, ks->inner_type ? ks->inner_type : "ssh-ed25519");
	if (ks->flip_inner_pk)
		pk[0] ^= 1;
	pg_wire_put_string(&priv, pk, 32);
	if (ks->flip_inner_pk)
		pk[0] ^= 1;
	memset(sk, 0, sizeof(sk));
	memcpy(sk, seed, 32);
	memcpy(sk + 32, pk, 32);
	if (ks->flip_seed)
		sk[5] ^= 1;
	if (ks->flip_sk_pk)
		sk[40] ^= 1;
	pg_wire_put_string(&priv, sk, ks->sk_len ? ks->sk_len : 64);
	pg_wire_put_cstring(&priv, ks->comment ? ks->comment : "pushgate-test");
	for (uint8_t i = 1; !ks->no_padding && priv.len % 8; i++)
		pg_buf_putc(&priv, (char)(ks->bad_padding ? 0 : i));
	pg_wire_put_string(&blob, priv.ptr, priv.len);
	if (ks->trailing)
		pg_buf_puts(&blob, ks->trailing);
	key_armor(text, blob.ptr, blob.len);
	pg_buf_free(&blob);
	pg_buf_free(&part);
	pg_buf_free(&priv);
}

static int load_built(struct pg_sshkey *k, const struct keyspec *ks)
{
	struct pg_buf text = PG_BUF_INIT;
	int rc;

	build_key(&text, ks);
	rc = pg_sshkey_load_private_mem(k, text.ptr, text.len);
	pg_buf_free(&text);
	return rc;
}

static int all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

static void test_private_key_good(void **state)
{
	struct pg_pubkey pub;
	struct pg_sshkey k;
	struct pg_buf b = PG_BUF_INIT, text = PG_BUF_INIT;
	struct keyspec ks;

	(void)state;
	assert_int_equal(pg_sshkey_load_private_mem(&k, KEY_PRIV, LEN(KEY_PRIV)), 0);
	pg_pubkey_from_ed25519(&pub, k.pk);
	pg_pubkey_line(&b, &pub);
	assert_string_equal(pg_buf_cstr(&b), KEY_PUB);
	pg_buf_reset(&b);
	pg_pubkey_fingerprint(&b, &pub);
	assert_string_equal(pg_buf_cstr(&b), KEY_FP);
	assert_false(all_zero(k.seed, 32));
	pg_sshkey_clear(&k);
	assert_true(all_zero(&k, sizeof(k)));

	/* The builder's defaults are KEY_PRIV, byte for byte. */
	memset(&ks, 0, sizeof(ks));
	build_key(&text, &ks);
	assert_string_equal(pg_buf_cstr(&text), KEY_PRIV);
	pg_buf_free(&text);
	pg_buf_free(&b);
}

static void test_private_key_encrypted(void **state)
{
	struct pg_sshkey k;
	struct keyspec ks;

	(void)state;
	memset(&k, 0xaa, sizeof(k));
	expect_error(pg_sshkey_load_private_mem(&k, KEY_ENC, LEN(KEY_ENC)),
		     "encrypted keys are not supported; ");
	assert_true(all_zero(&k, sizeof(k)));
	memset(&ks, 0, sizeof(ks));
	ks.cipher = "aes256-ctr";
	expect_error(load_built(&k, &ks), "encrypted keys are not supported");
	ks.cipher = NULL;
	ks.kdf = "bcrypt";
	expect_error(load_built(&k, &ks), "encrypted keys are not supported");
}

static void test_private_key_truncated(void **state)
{
	struct pg_sshkey k;
	struct pg_buf blob = PG_BUF_INIT, text = PG_BUF_INIT;

	(void)state;
	key_blob(&blob, KEY_PRIV);
	key_armor(&text, blob.ptr, blob.len);
	assert_string_equal(pg_buf_cstr(&text), KEY_PRIV);
	for (size_t n = 0; n < blob.len; n++) {
		key_armor(&text, blob.ptr, n);
		assert_int_equal(pg_sshkey_load_private_mem(&k, text.ptr, text.len), -1);
		assert_true(all_zero(&k, sizeof(k)));
	}
	expect_error(pg_sshkey_load_private_mem(&k, KEY_PRIV, 100),
		     "missing the -----END OPENSSH PRIVATE KEY----- line");
	expect_error(pg_sshkey_load_private_mem(&k, KEY_PRIV, 0),
		     "missing the -----BEGIN OPENSSH PRIVATE KEY----- line");
	key_armor(&text, blob.ptr, 10);
	expect_error(pg_sshkey_load_private_mem(&k, text.ptr, text.len), "truncated in the magic");
	key_armor(&text, blob.ptr, blob.len - 1);
	expect_error(pg_sshkey_load_private_mem(&k, text.ptr, text.len),
		     "truncated in the private section");
	pg_buf_free(&blob);
	pg_buf_free(&text);
}

static void test_private_key_wrong_type(void **state)
{
	struct pg_sshkey k;
	struct keyspec ks;
	const char pkcs8[] = "-----BEGIN PRIVATE KEY-----\n"
			     "MC4CAQAwBQYDK2VwBCIEIBLBfAwk16BgHHLoaEE8zxpZ/hedwPJWvDgjpIawEZ1w\n"
			     "-----END PRIVATE KEY-----\n";

	(void)state;
	expect_error(pg_sshkey_load_private_mem(&k, KEY_ECDSA, LEN(KEY_ECDSA)),
		     "key type ecdsa-sha2-nistp256 is not supported: a signing key must be ssh-ed25519");
	memset(&ks, 0, sizeof(ks));
	ks.outer_type = "ssh-rsa";
	expect_error(load_built(&k, &ks), "key type ssh-rsa is not supported");
	ks.outer_type = NULL;
	ks.inner_type = "ssh-rsa";
	expect_error(load_built(&k, &ks), "the private key type is \"ssh-rsa\", expected \"ssh-ed25519\"");
	expect_error(pg_sshkey_load_private_mem(&k, pkcs8, LEN(pkcs8)),
		     "not an OpenSSH private key");
	expect_error(pg_sshkey_load_private_mem(&k, KEY_PUB " x\n", LEN(KEY_PUB " x\n")),
		     "this is a public key");
	expect_error(pg_sshkey_load_private_mem(&k, SIG_GIT, LEN(SIG_GIT)),
		     "not an OpenSSH private key");
}

static void test_private_key_corrupt(void **state)
{
	struct pg_sshkey k;
	struct keyspec ks;

	(void)state;
	memset(&ks, 0, sizeof(ks));
	ks.nkeys = 2;
	expect_error(load_built(&k, &ks), "holds 2 keys");
	memset(&ks, 0, sizeof(ks));
	ks.check2 = 0x89aab752;
	expect_error(load_built(&k, &ks), "check numbers differ");
	memset(&ks, 0, sizeof(ks));
	ks.flip_seed = 1;
	expect_error(load_built(&k, &ks), "does not match its public key");
	memset(&ks, 0, sizeof(ks));
	ks.flip_inner_pk = 1;
	expect_error(load_built(&k, &ks), "copies of the public key differ");
	memset(&ks, 0, sizeof(ks));
	ks.flip_sk_pk = 1;
	expect_error(load_built(&k, &ks), "copies of the public key differ");
	memset(&ks, 0, sizeof(ks));
	ks.sk_len = 32;
	expect_error(load_built(&k, &ks), "32 bytes long, not 64");
	memset(&ks, 0, sizeof(ks));
	ks.comment = "x";
	assert_int_equal(load_built(&k, &ks), 0);
	pg_sshkey_clear(&k);
	ks.bad_padding = 1;
	expect_error(load_built(&k, &ks), "bad padding");
	ks.bad_padding = 0;
	ks.no_padding = 1;
	expect_error(load_built(&k, &ks), "not padded to 8 bytes");
	ks.no_padding = 0;
	ks.trailing = "x";
	expect_error(load_built(&k, &ks), "trailing data");
	memset(&ks, 0, sizeof(ks));
	ks.trailing = "x";
	expect_error(load_built(&k, &ks), "trailing data");
	assert_true(all_zero(&k, sizeof(k)));
}

static char tmpdir[PATH_MAX];

static int setup_tmp(void **state)
{
	const char *base = getenv("TMPDIR");

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/pg-sshsig-XXXXXX", base && *base ? base : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_tmp(void **state)
{
	char path[PATH_MAX + 16];

	(void)state;
	snprintf(path, sizeof(path), "%s/key", tmpdir);
	unlink(path);
	return rmdir(tmpdir);
}

static void test_private_key_file(void **state)
{
	char path[PATH_MAX + 16];
	struct pg_sshkey k;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/key", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(KEY_PRIV, 1, LEN(KEY_PRIV), f), LEN(KEY_PRIV));
	assert_int_equal(fclose(f), 0);

	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(pg_sshkey_load_private(&k, path), 0);
	pg_sshkey_clear(&k);
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(pg_sshkey_load_private(&k, path), 0);
	pg_sshkey_clear(&k);
	assert_int_equal(chmod(path, 0640), 0);
	expect_error(pg_sshkey_load_private(&k, path),
		     "readable or writable by others than its owner (mode 0640); refusing it");
	assert_true(all_zero(&k, sizeof(k)));
	assert_int_equal(chmod(path, 0604), 0);
	expect_error(pg_sshkey_load_private(&k, path), "(mode 0604)");
	assert_int_equal(chmod(path, 0620), 0);
	expect_error(pg_sshkey_load_private(&k, path), "(mode 0620)");

	/* Messages start with the file. */
	assert_int_equal(chmod(path, 0600), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(KEY_ENC, 1, LEN(KEY_ENC), f), LEN(KEY_ENC));
	assert_int_equal(fclose(f), 0);
	assert_int_equal(pg_sshkey_load_private(&k, path), -1);
	assert_int_equal(strncmp(pg_error_last(), path, strlen(path)), 0);
	assert_non_null(strstr(pg_error_last(), ": encrypted keys are not supported; "));

	expect_error(pg_sshkey_load_private(&k, tmpdir), "not a regular file");
	snprintf(path, sizeof(path), "%s/missing", tmpdir);
	expect_error(pg_sshkey_load_private(&k, path), "cannot open");
}

/* ---- signing ---- */

static void test_sign_is_ssh_keygen(void **state)
{
	struct pg_sshkey k;
	struct pg_buf out = PG_BUF_INIT;

	(void)state;
	assert_int_equal(pg_sshkey_load_private_mem(&k, KEY_PRIV, LEN(KEY_PRIV)), 0);
	assert_int_equal(pg_sshsig_sign(&out, &k, "git", MSG_COMMIT, LEN(MSG_COMMIT)), 0);
	assert_string_equal(pg_buf_cstr(&out), SIG_GIT);
	assert_int_equal(out.len, LEN(SIG_GIT));
	pg_buf_reset(&out);
	assert_int_equal(pg_sshsig_sign(&out, &k, "pushgate-release-log", MSG_COMMIT,
					LEN(MSG_COMMIT)), 0);
	assert_string_equal(pg_buf_cstr(&out), SIG_COMMIT_LOG);
	pg_buf_reset(&out);
	assert_int_equal(pg_sshsig_sign(&out, &k, "pushgate-release-log", MSG_ENTRY,
					LEN(MSG_ENTRY)), 0);
	assert_string_equal(pg_buf_cstr(&out), SIG_ENTRY);
	pg_buf_reset(&out);
	assert_int_equal(pg_sshsig_sign(&out, &k, "pushgate-release-log", NULL, 0), 0);
	assert_string_equal(pg_buf_cstr(&out), SIG_EMPTY);

	/* It appends. */
	pg_buf_reset(&out);
	pg_buf_puts(&out, "x");
	assert_int_equal(pg_sshsig_sign(&out, &k, "git", MSG_COMMIT, LEN(MSG_COMMIT)), 0);
	assert_string_equal(out.ptr + 1, SIG_GIT);
	pg_sshkey_clear(&k);
	pg_buf_free(&out);
}

static void test_sign_round_trip(void **state)
{
	struct pg_sshkey k;
	struct pg_buf blob = PG_BUF_INIT, armored = PG_BUF_INIT, msg = PG_BUF_INIT;
	struct pg_sshsig sig;

	(void)state;
	assert_int_equal(pg_sshkey_load_private_mem(&k, KEY_PRIV, LEN(KEY_PRIV)), 0);
	/* Messages of many lengths, NULs included; armor lines of any length. */
	for (size_t n = 0; n < 300; n += 7) {
		pg_buf_reset(&msg);
		for (size_t i = 0; i < n; i++)
			pg_buf_putc(&msg, (char)(i * 31));
		pg_buf_reset(&blob);
		assert_int_equal(pg_sshsig_sign_blob(&blob, &k, "pushgate-release-log",
						     msg.ptr, msg.len), 0);
		assert_int_equal(parse_exact(&sig, blob.ptr, blob.len), 0);
		assert_memory_equal(sig.key.blob + ED25519_PK_AT, k.pk, 32);
		assert_int_equal(pg_sshsig_verify(&sig, "pushgate-release-log", msg.ptr,
						  msg.len), 0);
		pg_buf_reset(&armored);
		pg_sshsig_armor(&armored, blob.ptr, blob.len);
		assert_int_equal(parse_armored_exact(&sig, armored.ptr, armored.len), 0);
		if (n)
			expect_error(pg_sshsig_verify(&sig, "pushgate-release-log", msg.ptr,
						      msg.len - 1), "does not verify");
	}
	/* A long namespace makes lines break in other places. */
	pg_buf_reset(&armored);
	assert_int_equal(pg_sshsig_sign(&armored, &k, "a-rather-long-namespace.example.com",
					"m", 1), 0);
	assert_int_equal(parse_armored_exact(&sig, armored.ptr, armored.len), 0);
	assert_int_equal(pg_sshsig_verify(&sig, "a-rather-long-namespace.example.com", "m", 1), 0);
	for (size_t i = 0; i < armored.len;) {
		size_t line = strcspn(armored.ptr + i, "\n");

		assert_true(line <= 70);
		i += line + 1;
	}
	pg_sshkey_clear(&k);
	pg_buf_free(&blob);
	pg_buf_free(&armored);
	pg_buf_free(&msg);
}

static void test_sign_errors(void **state)
{
	struct pg_sshkey k;
	struct pg_buf out = PG_BUF_INIT;
	char longns[300];

	(void)state;
	assert_int_equal(pg_sshkey_load_private_mem(&k, KEY_PRIV, LEN(KEY_PRIV)), 0);
	expect_error(pg_sshsig_sign(&out, &k, "", "m", 1), "namespace");
	expect_error(pg_sshsig_sign(&out, &k, NULL, "m", 1), "namespace");
	memset(longns, 'n', sizeof(longns) - 1);
	longns[sizeof(longns) - 1] = '\0';
	expect_error(pg_sshsig_sign(&out, &k, longns, "m", 1), "namespace");
	assert_int_equal(out.len, 0);
	/* A struct whose halves do not belong together signs nothing. */
	k.pk[0] ^= 1;
	expect_error(pg_sshsig_sign(&out, &k, "git", "m", 1), "does not match");
	assert_int_equal(out.len, 0);
	pg_sshkey_clear(&k);
	pg_buf_free(&out);
}

static void test_public_line(void **state)
{
	uint8_t pk[32];
	struct pg_buf b = PG_BUF_INIT;
	struct pg_pubkey pub;

	(void)state;
	memset(pk, 0, sizeof(pk));
	pg_pubkey_from_ed25519(&pub, pk);
	pg_buf_puts(&b, "alice ");
	pg_pubkey_line(&b, &pub);
	assert_string_equal(pg_buf_cstr(&b),
			    "alice ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	pg_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_git),
		cmocka_unit_test(test_good_release_log),
		cmocka_unit_test(test_good_sha256),
		cmocka_unit_test(test_tampered_message),
		cmocka_unit_test(test_wrong_namespace),
		cmocka_unit_test(test_tampered_signature),
		cmocka_unit_test(test_truncated_blob),
		cmocka_unit_test(test_truncated_armored),
		cmocka_unit_test(test_lying_lengths),
		cmocka_unit_test(test_bad_magic_and_version),
		cmocka_unit_test(test_rsa_and_ecdsa),
		cmocka_unit_test(test_rsa_and_other_types),
		cmocka_unit_test(test_namespace_field),
		cmocka_unit_test(test_reserved_is_ignored),
		cmocka_unit_test(test_armor_and_base64),
		cmocka_unit_test(test_private_key_good),
		cmocka_unit_test(test_private_key_encrypted),
		cmocka_unit_test(test_private_key_truncated),
		cmocka_unit_test(test_private_key_wrong_type),
		cmocka_unit_test(test_private_key_corrupt),
		cmocka_unit_test_setup_teardown(test_private_key_file, setup_tmp, teardown_tmp),
		cmocka_unit_test(test_sign_is_ssh_keygen),
		cmocka_unit_test(test_sign_round_trip),
		cmocka_unit_test(test_sign_errors),
		cmocka_unit_test(test_public_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
