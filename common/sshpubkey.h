/*
 * OpenSSH public keys and their signatures, for every key type pushgate
 * verifies: ssh-ed25519, ssh-rsa (signatures rsa-sha2-256 and
 * rsa-sha2-512, keys of 2048 bits or more), and ecdsa-sha2-nistp256, -384
 * and -521.  A key is kept as its wire blob (RFC 4253 section 6.6), the
 * bytes an allowed_signers line and an SSHSIG carry in base64, so two keys
 * are the same key exactly when their blobs are equal.
 *
 * Not verified: sk-ssh-ed25519@openssh.com and sk-ecdsa-sha2-nistp256
 * (security keys; their signatures carry flags and a counter), ssh-dss,
 * and certificates.  They are refused with their name, never accepted.
 */
#ifndef PG_SSHPUBKEY_H
#define PG_SSHPUBKEY_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define PG_PUBKEY_MAX 2100	/* an RSA key of 16384 bits, OpenSSH's largest */
#define PG_SIGBLOB_MAX 2100	/* its signature */
#define PG_RSA_MIN_BITS 2048

enum pg_key_type {
	PG_KEY_NONE = 0,
	PG_KEY_ED25519,
	PG_KEY_RSA,
	PG_KEY_ECDSA_P256,
	PG_KEY_ECDSA_P384,
	PG_KEY_ECDSA_P521
};

/* Plain data: copy it, compare it with pg_pubkey_equal, no need to free it. */
struct pg_pubkey {
	enum pg_key_type type;
	uint8_t blob[PG_PUBKEY_MAX];
	size_t len;
};

/*
 * Parse the wire blob BLOB[0..LEN) of a public key into OUT.  0, or -1
 * with pg_error_set() starting with WHAT: malformed, or a type pushgate
 * does not verify ("key type \"sk-ssh-ed25519@openssh.com\" is not
 * supported"), or an RSA key under PG_RSA_MIN_BITS.
 */
int pg_pubkey_parse(struct pg_pubkey *out, const void *blob, size_t len, const char *what);

/* The ssh-ed25519 key of the 32 bytes PK. */
void pg_pubkey_from_ed25519(struct pg_pubkey *out, const uint8_t pk[32]);

int pg_pubkey_equal(const struct pg_pubkey *a, const struct pg_pubkey *b);

/* "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", ... */
const char *pg_pubkey_type_name(const struct pg_pubkey *k);

/* Append "SHA256:..." as `ssh-keygen -l` shows it. */
void pg_pubkey_fingerprint(struct pg_buf *out, const struct pg_pubkey *k);

/* Append "TYPE BASE64", the key as allowed_signers has it. */
void pg_pubkey_line(struct pg_buf *out, const struct pg_pubkey *k);

/*
 * Check SIG[0..SIGLEN), an SSH signature blob (string type, string data),
 * over DATA[0..LEN) with key K.  The signature's type must fit the key
 * (rsa-sha2-256 or rsa-sha2-512 for RSA: SHA-1 "ssh-rsa" is refused).
 * 0 good; -1 with a message otherwise.
 */
/* Only the form of SIG: a type that fits K, and fields of the right sizes.  0 or -1. */
int pg_pubkey_sig_form(const struct pg_pubkey *k, const uint8_t *sig, size_t siglen);

int pg_pubkey_verify(const struct pg_pubkey *k, const uint8_t *sig, size_t siglen,
		     const void *data, size_t len);

#endif
