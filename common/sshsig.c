#include "sshsig.h"
#include "error.h"
#include "escape.h"
#include "readfile.h"
#include "wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#define SIG_BEGIN "-----BEGIN SSH SIGNATURE-----"
#define SIG_END "-----END SSH SIGNATURE-----"
#define KEY_BEGIN "-----BEGIN OPENSSH PRIVATE KEY-----"
#define KEY_END "-----END OPENSSH PRIVATE KEY-----"
#define KEY_MAGIC "openssh-key-v1"	/* followed by a NUL in the file */
#define SIG_MAGIC "SSHSIG"
#define SIG_MAGIC_LEN 6
#define ED25519 "ssh-ed25519"

/*
 * An Ed25519 signature is about 300 bytes of armor and a key file about
 * 400: anything near these caps is not what we are looking for, and the
 * caps keep a huge gpgsig header from costing more than a bounded copy.
 */
#define MAX_ARMORED (64 * 1024)
#define MAX_KEY_FILE (64 * 1024)

/* "PREFIX: <the message already set>", for errors from a lower layer. */
static int fail_prefixed(const char *prefix)
{
	char why[768];

	snprintf(why, sizeof(why), "%s", pg_error_last());
	pg_error_set("%s: %s", prefix, why);
	return -1;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int starts_with(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

/*
 * Decode the base64 between the BEGIN and END lines into OUT, which must be
 * empty (so that growing it never leaves a copy of a secret behind).  Only
 * white space may come before BEGIN and after END; line breaks may be LF or
 * CRLF.
 */
static int dearmor(struct pg_buf *out, const char *text, size_t len,
		   const char *begin, const char *end, const char *what)
{
	size_t i = 0, blen = strlen(begin), elen = strlen(end), body, stop;

	while (i < len && is_space(text[i]))
		i++;
	if (!starts_with(text + i, len - i, begin)) {
		pg_error_set("%s: missing the %s line", what, begin);
		return -1;
	}
	i += blen;
	if (i < len && text[i] == '\r')
		i++;
	if (i >= len || text[i] != '\n') {
		pg_error_set("%s: the %s line is not followed by a line break", what, begin);
		return -1;
	}
	body = ++i;
	/* END must start a line: find "\nEND" from the LF that ended BEGIN. */
	for (stop = body - 1;; stop++) {
		const char *nl = memchr(text + stop, '\n', len - stop);

		if (!nl) {
			pg_error_set("%s: missing the %s line", what, end);
			return -1;
		}
		stop = (size_t)(nl - text);
		if (starts_with(nl + 1, len - stop - 1, end))
			break;
	}
	for (i = stop + 1 + elen; i < len; i++) {
		if (!is_space(text[i])) {
			pg_error_set("%s: data after the %s line", what, end);
			return -1;
		}
	}
	if (stop < body) {
		pg_error_set("%s: nothing between the BEGIN and END lines", what);
		return -1;
	}
	if (pg_base64_decode(out, text + body, stop - body) < 0)
		return fail_prefixed(what);
	if (!out->len) {
		pg_error_set("%s: nothing between the BEGIN and END lines", what);
		return -1;
	}
	return 0;
}

/* For messages: BYTES escaped (they may be a pusher's), at most 64 of them. */
static const char *shown(struct pg_buf *b, const uint8_t *bytes, size_t len)
{
	pg_buf_reset(b);
	pg_escape_put(b, (const char *)bytes, len > 64 ? 64 : len);
	if (len > 64)
		pg_buf_puts(b, "...");
	return pg_buf_cstr(b);
}

/*
 * "string ssh-ed25519, string pk[32]" and nothing more: an SSH public key
 * blob.  WHAT and FIELD name it in messages.
 */
int pg_sshsig_parse_blob(struct pg_sshsig *out, const void *blob, size_t len)
{
	const char *what = "SSH signature";
	struct pg_buf b = PG_BUF_INIT;
	struct pg_wire w;
	const uint8_t *p;
	size_t n;
	uint32_t version;

	memset(out, 0, sizeof(*out));
	pg_wire_init(&w, blob, len, what);
	if (pg_wire_get_raw(&w, &p, SIG_MAGIC_LEN, "magic") < 0)
		return -1;
	if (memcmp(p, SIG_MAGIC, SIG_MAGIC_LEN) != 0) {
		pg_error_set("%s: not an SSHSIG blob (it does not start with \"SSHSIG\")", what);
		return -1;
	}
	if (pg_wire_get_u32(&w, &version, "version") < 0)
		return -1;
	if (version != 1) {
		pg_error_set("%s: version %u is not supported (only 1)", what, (unsigned)version);
		return -1;
	}
	if (pg_wire_get_string(&w, &p, &n, "public key") < 0 ||
	    pg_pubkey_parse(&out->key, p, n, what) < 0)
		goto fail;

	if (pg_wire_get_string(&w, &p, &n, "namespace") < 0)
		goto fail;
	/* OpenSSH reads it as a C string: a NUL inside is malformed. */
	if (memchr(p, '\0', n)) {
		pg_error_set("%s: the namespace holds a NUL byte", what);
		goto fail;
	}
	if (n > PG_SSHSIG_NAMESPACE_MAX) {
		pg_error_set("%s: the namespace is longer than %d bytes", what,
			     PG_SSHSIG_NAMESPACE_MAX);
		goto fail;
	}
	memcpy(out->namespace, p, n);
	out->namespace[n] = '\0';
	out->namespace_len = n;

	/*
	 * PROTOCOL.sshsig: verifiers ignore the reserved field, and OpenSSH
	 * verifies against an empty one whatever the blob holds; so do we.
	 */
	if (pg_wire_get_string(&w, &p, &n, "reserved field") < 0)
		goto fail;

	if (pg_wire_get_string(&w, &p, &n, "hash algorithm") < 0)
		goto fail;
	if (!pg_wire_eq(p, n, "sha512") && !pg_wire_eq(p, n, "sha256")) {
		pg_error_set("%s: hash algorithm \"%s\" is not supported (sha256 or sha512)",
			     what, shown(&b, p, n));
		goto fail;
	}
	memcpy(out->hash_alg, p, n);
	out->hash_alg[n] = '\0';

	if (pg_wire_get_string(&w, &p, &n, "signature") < 0)
		goto fail;
	if (n > PG_SIGBLOB_MAX) {
		pg_error_set("%s: the signature is longer than %d bytes", what, PG_SIGBLOB_MAX);
		goto fail;
	}
	if (pg_pubkey_sig_form(&out->key, p, n) < 0)
		goto fail;
	memcpy(out->sig, p, n);
	out->sig_len = n;
	if (pg_wire_end(&w, "signature") < 0)
		goto fail;
	pg_buf_free(&b);
	return 0;
fail:
	pg_buf_free(&b);
	memset(out, 0, sizeof(*out));
	return -1;
}

int pg_sshsig_parse_armored(struct pg_sshsig *out, const char *text, size_t len)
{
	struct pg_buf blob = PG_BUF_INIT;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len > MAX_ARMORED) {
		pg_error_set("SSH signature: longer than %d bytes", MAX_ARMORED);
		return -1;
	}
	if (dearmor(&blob, text, len, SIG_BEGIN, SIG_END, "SSH signature") < 0) {
		pg_buf_free(&blob);
		return -1;
	}
	rc = pg_sshsig_parse_blob(out, blob.ptr, blob.len);
	pg_buf_free(&blob);
	return rc;
}

static const EVP_MD *hash_md(const char *name)
{
	if (!strcmp(name, "sha512"))
		return EVP_sha512();
	if (!strcmp(name, "sha256"))
		return EVP_sha256();
	return NULL;
}

/*
 * What Ed25519 signs (PROTOCOL.sshsig): the magic, the namespace, an empty
 * reserved field, the hash's name and the hash of the message.  Pure
 * Ed25519 hashes again inside, so the message's own hash is what keeps a
 * large message cheap to pass around.
 */
static int signed_data(struct pg_buf *out, const char *namespace, size_t ns_len,
		       const char *hash_alg, const void *msg, size_t len)
{
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int hlen = 0;
	const EVP_MD *md = hash_md(hash_alg);

	if (!md) {
		pg_error_set("SSH signature: hash algorithm \"%s\" is not supported", hash_alg);
		return -1;
	}
	if (EVP_Digest(len ? msg : "", len, h, &hlen, md, NULL) != 1) {
		ERR_clear_error();
		pg_error_set("SSH signature: cannot compute %s", hash_alg);
		return -1;
	}
	pg_buf_put(out, SIG_MAGIC, SIG_MAGIC_LEN);
	pg_wire_put_string(out, namespace, ns_len);
	pg_wire_put_string(out, "", 0);
	pg_wire_put_cstring(out, hash_alg);
	pg_wire_put_string(out, h, hlen);
	return 0;
}

int pg_sshsig_verify(const struct pg_sshsig *sig, const char *namespace,
		     const void *msg, size_t len)
{
	struct pg_buf tbs = PG_BUF_INIT, b = PG_BUF_INIT;
	int rc = -1;

	if (!namespace || !*namespace) {
		pg_error_set("SSH signature: no namespace to check it against");
		return -1;
	}
	if (sig->namespace_len != strlen(namespace) ||
	    memcmp(sig->namespace, namespace, sig->namespace_len) != 0) {
		pg_error_set("SSH signature is for namespace \"%s\", not \"%s\"",
			     shown(&b, (const uint8_t *)sig->namespace, sig->namespace_len),
			     namespace);
		pg_buf_free(&b);
		return -1;
	}
	if (signed_data(&tbs, sig->namespace, sig->namespace_len, sig->hash_alg,
			msg, len) < 0)
		goto out;
	if (pg_pubkey_verify(&sig->key, sig->sig, sig->sig_len, tbs.ptr, tbs.len) < 0)
		goto out;
	rc = 0;
out:
	pg_buf_free(&tbs);
	pg_buf_free(&b);
	return rc;
}

/* ---- private keys ---- */

void pg_sshkey_clear(struct pg_sshkey *key)
{
	OPENSSL_cleanse(key, sizeof(*key));
}

/*
 * The Ed25519 public key that SEED derives, into PK; 0 or -1.  Used to
 * check a loaded key and, before signing, that key->pk is the one that
 * will go into the signature.
 */
static int derive_pk(uint8_t pk[32], const uint8_t seed[32])
{
	EVP_PKEY *pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
	size_t n = 32;
	int rc = -1;

	if (pkey && EVP_PKEY_get_raw_public_key(pkey, pk, &n) == 1 && n == 32)
		rc = 0;
	EVP_PKEY_free(pkey);
	ERR_clear_error();
	return rc;
}

/*
 * The private section of openssh-key-v1 (PROTOCOL.key), unencrypted:
 * check1 check2 (equal), the key type, pk, sk (seed || pk), a comment, then
 * padding 1, 2, 3... up to a multiple of 8 bytes.
 */
static int parse_private_section(struct pg_sshkey *out, const uint8_t *sec, size_t len,
				 const uint8_t outer_pk[32])
{
	const char *what = "private key";
	struct pg_wire w;
	const uint8_t *p, *pk, *sk;
	size_t n;
	uint32_t check1, check2;

	if (len % 8 != 0) {
		pg_error_set("%s: corrupt: the private section is not padded to 8 bytes", what);
		return -1;
	}
	pg_wire_init(&w, sec, len, what);
	if (pg_wire_get_u32(&w, &check1, "check number") < 0 ||
	    pg_wire_get_u32(&w, &check2, "check number") < 0)
		return -1;
	if (check1 != check2) {
		pg_error_set("%s: corrupt: the check numbers differ", what);
		return -1;
	}
	if (pg_wire_expect(&w, ED25519, "private key type") < 0 ||
	    pg_wire_get_fixed(&w, &pk, 32, "public key") < 0 ||
	    pg_wire_get_fixed(&w, &sk, 64, "private key") < 0 ||
	    pg_wire_get_string(&w, &p, &n, "comment") < 0)
		return -1;
	for (uint8_t i = 1; w.left; i++) {
		if (pg_wire_get_raw(&w, &p, 1, "padding") < 0)
			return -1;
		if (*p != i || i >= 8) {
			pg_error_set("%s: corrupt: bad padding after the key", what);
			return -1;
		}
	}
	if (memcmp(pk, outer_pk, 32) != 0 || memcmp(sk + 32, pk, 32) != 0) {
		pg_error_set("%s: corrupt: its copies of the public key differ", what);
		return -1;
	}
	memcpy(out->seed, sk, 32);
	memcpy(out->pk, pk, 32);
	return 0;
}

/* NAME: the file, for the hint in messages; NULL when there is none. */
/* The 32 bytes of the ssh-ed25519 public key blob BLOB[0..LEN). */
static int ed25519_pk(uint8_t pk[32], const uint8_t *blob, size_t len, const char *what)
{
	struct pg_wire w;
	const uint8_t *p;

	pg_wire_init(&w, blob, len, what);
	if (pg_wire_expect(&w, ED25519, "public key type") < 0 ||
	    pg_wire_get_fixed(&w, &p, 32, "public key") < 0 || pg_wire_end(&w, "public key") < 0)
		return -1;
	memcpy(pk, p, 32);
	return 0;
}

static int parse_private(struct pg_sshkey *out, const char *text, size_t len,
			 const char *name)
{
	const char *what = "private key";
	struct pg_buf raw = PG_BUF_INIT, b = PG_BUF_INIT;
	struct pg_wire w;
	const uint8_t *p, *cipher, *kdf, *sec;
	size_t n, cipher_len, kdf_len, sec_len, i = 0;
	uint32_t nkeys;
	uint8_t pk[32], derived[32];
	int rc = -1;

	pg_sshkey_clear(out);
	while (i < len && is_space(text[i]))
		i++;
	if (starts_with(text + i, len - i, "ssh-") || starts_with(text + i, len - i, "ecdsa-")) {
		pg_error_set("this is a public key; the private key file is needed");
		return -1;
	}
	if (starts_with(text + i, len - i, "-----BEGIN ") &&
	    !starts_with(text + i, len - i, KEY_BEGIN)) {
		pg_error_set("not an OpenSSH private key (a PEM or PKCS#8 key?); "
			     "make one with ssh-keygen -t ed25519 -N ''");
		return -1;
	}
	if (dearmor(&raw, text, len, KEY_BEGIN, KEY_END, what) < 0)
		goto out;

	pg_wire_init(&w, raw.ptr, raw.len, what);
	if (pg_wire_get_raw(&w, &p, sizeof(KEY_MAGIC), "magic") < 0)
		goto out;
	if (memcmp(p, KEY_MAGIC, sizeof(KEY_MAGIC)) != 0) {
		pg_error_set("%s: not in the openssh-key-v1 format", what);
		goto out;
	}
	if (pg_wire_get_string(&w, &cipher, &cipher_len, "cipher name") < 0 ||
	    pg_wire_get_string(&w, &kdf, &kdf_len, "KDF name") < 0 ||
	    pg_wire_get_string(&w, &p, &n, "KDF options") < 0)
		goto out;
	if (!pg_wire_eq(cipher, cipher_len, "none") || !pg_wire_eq(kdf, kdf_len, "none")) {
		pg_error_set("encrypted keys are not supported; remove the passphrase "
			     "(ssh-keygen -p -N '' -f %s) and protect the file with "
			     "mode 0600 instead", name ? name : "KEYFILE");
		goto out;
	}
	if (pg_wire_get_u32(&w, &nkeys, "number of keys") < 0)
		goto out;
	if (nkeys != 1) {
		pg_error_set("%s: the file holds %u keys, expected one", what, (unsigned)nkeys);
		goto out;
	}
	if (pg_wire_get_string(&w, &p, &n, "public key") < 0)
		goto out;
	{
		struct pg_wire kw;
		const uint8_t *t;
		size_t tlen;

		pg_wire_init(&kw, p, n, what);
		if (pg_wire_get_string(&kw, &t, &tlen, "public key type") < 0)
			goto out;
		if (!pg_wire_eq(t, tlen, ED25519)) {
			pg_error_set("key type %s is not supported: a signing key must be "
				     ED25519 " (ssh-keygen -t ed25519)", shown(&b, t, tlen));
			goto out;
		}
	}
	if (ed25519_pk(pk, p, n, what) < 0 ||
	    pg_wire_get_string(&w, &sec, &sec_len, "private section") < 0 ||
	    pg_wire_end(&w, "private section") < 0 ||
	    parse_private_section(out, sec, sec_len, pk) < 0)
		goto out;
	if (derive_pk(derived, out->seed) < 0 || memcmp(derived, out->pk, 32) != 0) {
		pg_error_set("%s: corrupt: the private key does not match its public key", what);
		goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		pg_sshkey_clear(out);
	if (raw.ptr)
		OPENSSL_cleanse(raw.ptr, raw.cap);
	pg_buf_free(&raw);
	pg_buf_free(&b);
	return rc;
}

int pg_sshkey_load_private_mem(struct pg_sshkey *out, const char *text, size_t len)
{
	return parse_private(out, text, len, NULL);
}

int pg_sshkey_load_private(struct pg_sshkey *out, const char *path)
{
	struct pg_buf why = PG_BUF_INIT;
	struct stat st;
	char *text;
	size_t len;
	int rc;

	pg_sshkey_clear(out);
	/* Read once into a buffer sized once: nothing is left behind to wipe. */
	if (pg_file_read(path, MAX_KEY_FILE, &text, &len, &st) < 0)
		return fail_prefixed(path);
	/* Whoever else can read it can sign releases; ssh draws the same line. */
	if (pg_file_owner_only(path, &st, S_IRWXG | S_IRWXO, &why) < 0) {
		why.ptr[strcspn(why.ptr, "\n")] = '\0';
		pg_error_set("%s: %s", path, why.ptr);
		pg_buf_free(&why);
		OPENSSL_cleanse(text, len + 1);
		free(text);
		return -1;
	}
	pg_buf_free(&why);
	rc = parse_private(out, text, len, path);
	OPENSSL_cleanse(text, len + 1);
	free(text);
	if (rc < 0)
		return fail_prefixed(path);
	return 0;
}

/* ---- signing ---- */

int pg_sshsig_sign_blob(struct pg_buf *out, const struct pg_sshkey *key,
			const char *namespace, const void *msg, size_t len)
{
	struct pg_buf tbs = PG_BUF_INIT, part = PG_BUF_INIT;
	struct pg_pubkey pub;
	EVP_PKEY *pkey = NULL;
	EVP_MD_CTX *ctx = NULL;
	unsigned char sig[64];
	size_t siglen = sizeof(sig);
	uint8_t derived[32];
	int rc = -1;

	if (!namespace || !*namespace || strlen(namespace) > PG_SSHSIG_NAMESPACE_MAX) {
		pg_error_set("SSH signature: the namespace must be 1 to %d bytes long",
			     PG_SSHSIG_NAMESPACE_MAX);
		return -1;
	}
	/* Never emit a signature whose public key would not verify it. */
	if (derive_pk(derived, key->seed) < 0 || memcmp(derived, key->pk, 32) != 0) {
		pg_error_set("SSH signature: the private key does not match its public key");
		return -1;
	}
	if (signed_data(&tbs, namespace, strlen(namespace), "sha512", msg, len) < 0)
		goto out;
	pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, key->seed, 32);
	ctx = EVP_MD_CTX_new();
	if (!pkey || !ctx || EVP_DigestSignInit(ctx, NULL, NULL, NULL, pkey) != 1 ||
	    EVP_DigestSign(ctx, sig, &siglen, (const unsigned char *)tbs.ptr, tbs.len) != 1 ||
	    siglen != sizeof(sig)) {
		pg_error_set("SSH signature: OpenSSL cannot sign with the Ed25519 key");
		goto out;
	}
	pg_buf_put(out, SIG_MAGIC, SIG_MAGIC_LEN);
	pg_wire_put_u32(out, 1);
	pg_pubkey_from_ed25519(&pub, key->pk);
	pg_wire_put_string(out, pub.blob, pub.len);
	pg_wire_put_cstring(out, namespace);
	pg_wire_put_string(out, "", 0);
	pg_wire_put_cstring(out, "sha512");
	pg_buf_reset(&part);
	pg_wire_put_cstring(&part, ED25519);
	pg_wire_put_string(&part, sig, sizeof(sig));
	pg_wire_put_string(out, part.ptr, part.len);
	rc = 0;
out:
	ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	pg_buf_free(&tbs);
	pg_buf_free(&part);
	return rc;
}

void pg_sshsig_armor(struct pg_buf *out, const void *blob, size_t len)
{
	struct pg_buf b64 = PG_BUF_INIT;

	pg_base64_encode(&b64, blob, len);
	pg_buf_puts(out, SIG_BEGIN "\n");
	/* ssh-keygen (sshbuf_dtob64) breaks after every 70th character. */
	for (size_t i = 0; i < b64.len; i += 70) {
		pg_buf_put(out, b64.ptr + i, b64.len - i < 70 ? b64.len - i : 70);
		pg_buf_putc(out, '\n');
	}
	pg_buf_puts(out, SIG_END "\n");
	pg_buf_free(&b64);
}

int pg_sshsig_sign(struct pg_buf *armored_out, const struct pg_sshkey *key,
		   const char *namespace, const void *msg, size_t len)
{
	struct pg_buf blob = PG_BUF_INIT;

	if (pg_sshsig_sign_blob(&blob, key, namespace, msg, len) < 0) {
		pg_buf_free(&blob);
		return -1;
	}
	pg_sshsig_armor(armored_out, blob.ptr, blob.len);
	pg_buf_free(&blob);
	return 0;
}
