/*
 * OpenSSH signatures (PROTOCOL.sshsig) by every key type sshpubkey.h
 * verifies; pushgate's own (the release log's) are Ed25519.  What git writes for
 * gpg.format=ssh and what `ssh-keygen -Y sign` makes, and the release log's
 * signatures, which stock `ssh-keygen -Y verify` can check.
 *
 * Verifying says only which key signed.  Whether that key may sign, for
 * whom, in which namespace and when, is the allowed signers file's
 * business: see signers.h.
 */
#ifndef PG_SSHSIG_H
#define PG_SSHSIG_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "sshpubkey.h"

#define PG_SSHSIG_NAMESPACE_MAX 255	/* ours are "git" and "pushgate-release-log" */

/* A parsed SSHSIG blob.  Plain data: copy it, no need to free it. */
struct pg_sshsig {
	struct pg_pubkey key;	/* the signer's public key */
	/* As in the blob; never holds a NUL, so it is also a C string. */
	char namespace[PG_SSHSIG_NAMESPACE_MAX + 1];
	size_t namespace_len;
	char hash_alg[8];	/* "sha256" or "sha512" */
	/* The signature proper: string type, string data (sshpubkey.h). */
	uint8_t sig[PG_SIGBLOB_MAX];
	size_t sig_len;
};

/*
 * Parse armored text: optional white space, "-----BEGIN SSH SIGNATURE-----",
 * base64 (line breaks anywhere), "-----END SSH SIGNATURE-----", optional
 * white space.  0, or -1 with pg_error_set() for anything malformed,
 * truncated, of another version, key type or hash.  This is the text
 * ssh-keygen writes; a commit's gpgsig header must first lose its "gpgsig "
 * and the space before each continuation line.
 */
int pg_sshsig_parse_armored(struct pg_sshsig *out, const char *text, size_t len);

/* The same for the binary blob (the release log keeps it as base64). */
int pg_sshsig_parse_blob(struct pg_sshsig *out, const void *blob, size_t len);

/*
 * 0 when SIG is a good signature of the LEN bytes at MSG in NAMESPACE by
 * sig->key; -1 with a message when the namespace differs or the
 * signature does not verify.
 */
int pg_sshsig_verify(const struct pg_sshsig *sig, const char *namespace,
		     const void *msg, size_t len);

/* An Ed25519 private key.  Secret: pg_sshkey_clear() it when done. */
struct pg_sshkey {
	uint8_t seed[32];	/* the private key proper (OpenSSH's sk[0..31]) */
	uint8_t pk[32];
};

/*
 * Load an unencrypted OpenSSH private key ("-----BEGIN OPENSSH PRIVATE
 * KEY-----", openssh-key-v1) of type ssh-ed25519, as `ssh-keygen -t
 * ed25519 -N ''` writes it.  The file must be a regular file that nobody
 * but its owner may read or write (mode 0600 or 0400), as ssh itself
 * insists.  0, or -1 with a message that starts with PATH; *out is
 * cleared on failure.  Encrypted keys are refused: their KDF,
 * bcrypt_pbkdf, is not in OpenSSL, and a hook has nobody to ask for a
 * passphrase anyway.
 */
int pg_sshkey_load_private(struct pg_sshkey *out, const char *path);

/* The same for the file's contents, without the file checks. */
int pg_sshkey_load_private_mem(struct pg_sshkey *out, const char *text, size_t len);

/* Wipe the key (OPENSSL_cleanse, which the compiler cannot drop). */
void pg_sshkey_clear(struct pg_sshkey *key);

/*
 * Sign LEN bytes at MSG in NAMESPACE with hash sha512 and append the
 * SSHSIG blob to OUT.  0, or -1 with a message (empty namespace, an
 * OpenSSL failure).
 */
int pg_sshsig_sign_blob(struct pg_buf *out, const struct pg_sshkey *key,
			const char *namespace, const void *msg, size_t len);

/*
 * The same, armored: appends exactly what `ssh-keygen -Y sign -f KEY -n
 * NAMESPACE` writes (base64 wrapped at 70 columns between the BEGIN and
 * END lines, each line ending in LF).  Ed25519 is deterministic, so the
 * bytes are identical.
 */
int pg_sshsig_sign(struct pg_buf *armored_out, const struct pg_sshkey *key,
		   const char *namespace, const void *msg, size_t len);

/* Append the armored form of an SSHSIG blob to OUT, as ssh-keygen writes it. */
void pg_sshsig_armor(struct pg_buf *out, const void *blob, size_t len);


#endif
