/*
 * libFuzzer harness for the SSHSIG parsers (common/sshsig.c, wire.c):
 * the bytes of a commit's or tag's signature come from a pusher.
 *
 * The input is tried as armored text and as a binary blob; whatever parses
 * is verified against a fixed message, in the blob's own namespace (so the
 * Ed25519 check itself runs) and in "git".  Verification may fail; it must
 * not crash.  The same bytes also go through the private key reader
 * (pg_sshkey_load_private_mem), which reads an admin-written file with the
 * same dearmor and wire code.
 *
 * The corpus (tests/fuzz/corpus/sshsig) holds real `ssh-keygen -Y sign`
 * signatures of FUZZ_MSG, so the good-signature path is reached too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "sshsig.h"
#include "wire.h"

/* What the corpus signatures sign: printf 'fuzz message\n' | ssh-keygen -Y sign ... */
#define FUZZ_MSG "fuzz message\n"

static void check_parsed(const struct pg_sshsig *sig)
{
	/* The header promises a C string of namespace_len bytes and a known hash. */
	if (sig->namespace_len > PG_SSHSIG_NAMESPACE_MAX ||
	    strlen(sig->namespace) != sig->namespace_len)
		abort();
	if (strcmp(sig->hash_alg, "sha256") != 0 && strcmp(sig->hash_alg, "sha512") != 0)
		abort();
}

static void try_verify(const struct pg_sshsig *sig)
{
	struct pg_buf b = PG_BUF_INIT;

	check_parsed(sig);
	if (sig->namespace_len)
		(void)pg_sshsig_verify(sig, sig->namespace, FUZZ_MSG, strlen(FUZZ_MSG));
	(void)pg_sshsig_verify(sig, "git", FUZZ_MSG, strlen(FUZZ_MSG));
	(void)pg_sshsig_verify(sig, "git", "", 0);
	/* What messages and `pushgate` print about the signer. */
	pg_pubkey_fingerprint(&b, &sig->key);
	pg_pubkey_line(&b, &sig->key);
	pg_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pg_sshsig sig;
	struct pg_sshkey key;

	if (pg_sshsig_parse_armored(&sig, (const char *)data, size) == 0)
		try_verify(&sig);
	else
		(void)pg_error_last();

	if (pg_sshsig_parse_blob(&sig, data, size) == 0) {
		struct pg_buf armored = PG_BUF_INIT;
		struct pg_sshsig again;

		try_verify(&sig);
		/*
		 * A blob that parses must parse again once armored, to the same
		 * (the reserved field may be long: armor over 64 KiB is refused).
		 */
		pg_sshsig_armor(&armored, data, size);
		if (armored.len <= 60000 &&
		    (pg_sshsig_parse_armored(&again, armored.ptr, armored.len) != 0 ||
		     memcmp(&again, &sig, sizeof(sig)) != 0))
			abort();
		pg_buf_free(&armored);
	}

	if (pg_sshkey_load_private_mem(&key, (const char *)data, size) == 0) {
		struct pg_buf out = PG_BUF_INIT;

		/* A key that loads must sign, and its signature must verify. */
		if (pg_sshsig_sign_blob(&out, &key, "git", FUZZ_MSG, strlen(FUZZ_MSG)) != 0 ||
		    pg_sshsig_parse_blob(&sig, out.ptr, out.len) != 0 ||
		    sig.key.type != PG_KEY_ED25519 || memcmp(sig.key.blob + 19, key.pk, 32) != 0 ||
		    pg_sshsig_verify(&sig, "git", FUZZ_MSG, strlen(FUZZ_MSG)) != 0)
			abort();
		pg_buf_free(&out);
	}
	pg_sshkey_clear(&key);
	return 0;
}
