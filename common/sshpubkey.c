/* OpenSSH public keys of every type pushgate verifies, and their signatures, through OpenSSL. */
#include "sshpubkey.h"
#include "error.h"
#include "escape.h"
#include "wire.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

static const struct {
	enum pg_key_type type;
	const char *name;
	const char *curve;	/* ECDSA: the blob's curve name, and OpenSSL's group */
	const char *group;
} types[] = {
	{ PG_KEY_ED25519, "ssh-ed25519", NULL, NULL },
	{ PG_KEY_RSA, "ssh-rsa", NULL, NULL },
	{ PG_KEY_ECDSA_P256, "ecdsa-sha2-nistp256", "nistp256", "P-256" },
	{ PG_KEY_ECDSA_P384, "ecdsa-sha2-nistp384", "nistp384", "P-384" },
	{ PG_KEY_ECDSA_P521, "ecdsa-sha2-nistp521", "nistp521", "P-521" },
};

static int type_index(enum pg_key_type t)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].type == t)
			return (int)i;
	return -1;
}

const char *pg_pubkey_type_name(const struct pg_pubkey *k)
{
	int i = type_index(k->type);

	return i < 0 ? "(none)" : types[i].name;
}

static const char *shown(struct pg_buf *b, const uint8_t *p, size_t n)
{
	pg_buf_reset(b);
	pg_escape_put(b, (const char *)p, n > 64 ? 64 : n);
	return pg_buf_cstr(b);
}

/* An SSH mpint that must be positive: its bytes without leading zeros. */
static int positive_mpint(struct pg_wire *w, const uint8_t **p, size_t *n, const char *field)
{
	if (pg_wire_get_string(w, p, n, field) < 0)
		return -1;
	if (*n == 0 || (**p & 0x80)) {
		pg_error_set("%s: %s is not a positive number", w->what, field);
		return -1;
	}
	while (*n > 1 && **p == 0) {
		(*p)++;
		(*n)--;
	}
	return 0;
}

/* The bits of the big-endian number P[0..N) that has no leading zero byte. */
static size_t bits(const uint8_t *p, size_t n)
{
	size_t top = 0;

	for (unsigned v = p[0]; v; v >>= 1)
		top++;
	return (n - 1) * 8 + top;
}

int pg_pubkey_parse(struct pg_pubkey *out, const void *blob, size_t len, const char *what)
{
	struct pg_buf b = PG_BUF_INIT;
	struct pg_wire w;
	const uint8_t *p, *q;
	size_t n, m;
	int i, found = -1;

	memset(out, 0, sizeof(*out));
	if (len > PG_PUBKEY_MAX) {
		pg_error_set("%s: the public key is longer than %d bytes", what, PG_PUBKEY_MAX);
		return -1;
	}
	pg_wire_init(&w, blob, len, what);
	if (pg_wire_get_string(&w, &p, &n, "key type") < 0)
		return -1;
	for (i = 0; i < (int)(sizeof(types) / sizeof(types[0])); i++)
		if (pg_wire_eq(p, n, types[i].name))
			found = i;
	if (found < 0) {
		pg_error_set("%s: key type \"%s\" is not supported (ssh-ed25519, ssh-rsa, "
			     "ecdsa-sha2-nistp256/384/521)", what, shown(&b, p, n));
		pg_buf_free(&b);
		return -1;
	}
	pg_buf_free(&b);
	switch (types[found].type) {
	case PG_KEY_ED25519:
		if (pg_wire_get_fixed(&w, &p, 32, "Ed25519 key") < 0)
			return -1;
		break;
	case PG_KEY_RSA:
		if (positive_mpint(&w, &p, &n, "RSA exponent") < 0 ||
		    positive_mpint(&w, &q, &m, "RSA modulus") < 0)
			return -1;
		if (bits(q, m) < PG_RSA_MIN_BITS) {
			pg_error_set("%s: an RSA key of %zu bits is too small (at least %d)", what,
				     bits(q, m), PG_RSA_MIN_BITS);
			return -1;
		}
		break;
	default:
		if (pg_wire_get_string(&w, &p, &n, "curve") < 0)
			return -1;
		if (!pg_wire_eq(p, n, types[found].curve)) {
			pg_error_set("%s: the curve does not match the key type %s", what,
				     types[found].name);
			return -1;
		}
		if (pg_wire_get_string(&w, &p, &n, "ECDSA point") < 0)
			return -1;
		if (n == 0 || p[0] != 0x04) {
			pg_error_set("%s: the ECDSA point is not uncompressed", what);
			return -1;
		}
		break;
	}
	if (pg_wire_end(&w, "public key") < 0)
		return -1;
	out->type = types[found].type;
	memcpy(out->blob, blob, len);
	out->len = len;
	return 0;
}

void pg_pubkey_from_ed25519(struct pg_pubkey *out, const uint8_t pk[32])
{
	struct pg_buf b = PG_BUF_INIT;

	pg_wire_put_cstring(&b, "ssh-ed25519");
	pg_wire_put_string(&b, pk, 32);
	memset(out, 0, sizeof(*out));
	out->type = PG_KEY_ED25519;
	memcpy(out->blob, b.ptr, b.len);
	out->len = b.len;
	pg_buf_free(&b);
}

int pg_pubkey_equal(const struct pg_pubkey *a, const struct pg_pubkey *b)
{
	return a->type == b->type && a->len == b->len && memcmp(a->blob, b->blob, a->len) == 0;
}

void pg_pubkey_fingerprint(struct pg_buf *out, const struct pg_pubkey *k)
{
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int hlen = 0;
	size_t start;

	pg_buf_puts(out, "SHA256:");
	if (EVP_Digest(k->blob, k->len, h, &hlen, EVP_sha256(), NULL) != 1) {
		ERR_clear_error();
		pg_buf_puts(out, "?");
		return;
	}
	start = out->len;
	pg_base64_encode(out, h, hlen);
	/* ssh-keygen shows it without the '=' padding. */
	while (out->len > start && out->ptr[out->len - 1] == '=')
		out->ptr[--out->len] = '\0';
}

void pg_pubkey_line(struct pg_buf *out, const struct pg_pubkey *k)
{
	pg_buf_printf(out, "%s ", pg_pubkey_type_name(k));
	pg_base64_encode(out, k->blob, k->len);
}

/* The key's fields again, past its type: the blob was checked by pg_pubkey_parse. */
static void fields(const struct pg_pubkey *k, const uint8_t **a, size_t *an, const uint8_t **b,
		   size_t *bn)
{
	struct pg_wire w;
	const uint8_t *p;
	size_t n;

	pg_wire_init(&w, k->blob, k->len, "public key");
	pg_wire_get_string(&w, &p, &n, "key type");
	if (k->type == PG_KEY_ED25519) {
		pg_wire_get_fixed(&w, a, 32, "Ed25519 key");
		*an = 32;
	} else if (k->type == PG_KEY_RSA) {
		positive_mpint(&w, a, an, "RSA exponent");
		positive_mpint(&w, b, bn, "RSA modulus");
	} else {
		pg_wire_get_string(&w, &p, &n, "curve");
		pg_wire_get_string(&w, a, an, "ECDSA point");
	}
}

static EVP_PKEY *load_key(const struct pg_pubkey *k)
{
	const uint8_t *a = NULL, *b = NULL;
	size_t an = 0, bn = 0;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	BIGNUM *e = NULL, *n = NULL;
	int i = type_index(k->type);

	fields(k, &a, &an, &b, &bn);
	if (k->type == PG_KEY_ED25519)
		return EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, a, 32);
	bld = OSSL_PARAM_BLD_new();
	if (!bld)
		return NULL;
	if (k->type == PG_KEY_RSA) {
		e = BN_bin2bn(a, (int)an, NULL);
		n = BN_bin2bn(b, (int)bn, NULL);
		if (!e || !n || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
			goto out;
		ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	} else {
		if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
						     types[i].group, 0) ||
		    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, a, an))
			goto out;
		ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	}
	params = OSSL_PARAM_BLD_to_param(bld);
	if (!ctx || !params || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pkey = NULL;
out:
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	BN_free(e);
	BN_free(n);
	return pkey;
}

/*
 * The signature bytes OpenSSL takes for K from the SSH signature SIG:
 * Ed25519 and RSA as they are, ECDSA's two mpints as DER.  *MD is the
 * digest the signature type names (NULL for Ed25519).
 */
static int signature_bytes(const struct pg_pubkey *k, const uint8_t *sig, size_t siglen,
			   struct pg_buf *out, const EVP_MD **md)
{
	const char *what = "SSH signature";
	struct pg_buf b = PG_BUF_INIT;
	struct pg_wire w, iw;
	const uint8_t *p, *r, *s;
	size_t n, rn, sn;
	ECDSA_SIG *es = NULL;
	unsigned char *der = NULL;
	int derlen, rc = -1;

	pg_wire_init(&w, sig, siglen, what);
	if (pg_wire_get_string(&w, &p, &n, "signature type") < 0)
		return -1;
	*md = NULL;
	if (k->type == PG_KEY_ED25519 && pg_wire_eq(p, n, "ssh-ed25519")) {
		if (pg_wire_get_fixed(&w, &p, 64, "Ed25519 signature") < 0)
			return -1;
		pg_buf_put(out, p, 64);
	} else if (k->type == PG_KEY_RSA && (pg_wire_eq(p, n, "rsa-sha2-512") ||
					     pg_wire_eq(p, n, "rsa-sha2-256"))) {
		*md = pg_wire_eq(p, n, "rsa-sha2-512") ? EVP_sha512() : EVP_sha256();
		if (pg_wire_get_string(&w, &p, &n, "RSA signature") < 0)
			return -1;
		pg_buf_put(out, p, n);
	} else if (k->type >= PG_KEY_ECDSA_P256 && pg_wire_eq(p, n, pg_pubkey_type_name(k))) {
		*md = k->type == PG_KEY_ECDSA_P256 ? EVP_sha256()
		      : k->type == PG_KEY_ECDSA_P384 ? EVP_sha384() : EVP_sha512();
		if (pg_wire_get_string(&w, &p, &n, "ECDSA signature") < 0)
			return -1;
		pg_wire_init(&iw, p, n, what);
		if (positive_mpint(&iw, &r, &rn, "ECDSA r") < 0 ||
		    positive_mpint(&iw, &s, &sn, "ECDSA s") < 0 || pg_wire_end(&iw, "ECDSA s") < 0)
			return -1;
		es = ECDSA_SIG_new();
		if (!es || ECDSA_SIG_set0(es, BN_bin2bn(r, (int)rn, NULL),
					  BN_bin2bn(s, (int)sn, NULL)) != 1 ||
		    (derlen = i2d_ECDSA_SIG(es, &der)) <= 0) {
			pg_error_set("%s: OpenSSL cannot take the ECDSA signature", what);
			goto out;
		}
		pg_buf_put(out, der, (size_t)derlen);
	} else {
		pg_error_set("%s: signature type \"%s\" does not fit the %s key%s", what,
			     shown(&b, p, n), pg_pubkey_type_name(k),
			     pg_wire_eq(p, n, "ssh-rsa") ? " (SHA-1 RSA signatures are refused)" : "");
		goto out;
	}
	if (pg_wire_end(&w, "signature") < 0)
		goto out;
	rc = 0;
out:
	ECDSA_SIG_free(es);
	OPENSSL_free(der);
	pg_buf_free(&b);
	return rc;
}

int pg_pubkey_sig_form(const struct pg_pubkey *k, const uint8_t *sig, size_t siglen)
{
	struct pg_buf raw = PG_BUF_INIT;
	const EVP_MD *md;
	int rc = signature_bytes(k, sig, siglen, &raw, &md);

	pg_buf_free(&raw);
	return rc;
}

int pg_pubkey_verify(const struct pg_pubkey *k, const uint8_t *sig, size_t siglen,
		     const void *data, size_t len)
{
	struct pg_buf raw = PG_BUF_INIT, fp = PG_BUF_INIT;
	const EVP_MD *md = NULL;
	EVP_MD_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	int rc = -1;

	if (signature_bytes(k, sig, siglen, &raw, &md) < 0)
		goto out;
	pkey = load_key(k);
	ctx = EVP_MD_CTX_new();
	if (!pkey || !ctx) {
		pg_error_set("SSH signature: OpenSSL cannot load the %s public key",
			     pg_pubkey_type_name(k));
		goto out;
	}
	/* Ed25519 takes no digest (md NULL) and only the one-shot call. */
	if (EVP_DigestVerifyInit(ctx, NULL, md, NULL, pkey) != 1 ||
	    EVP_DigestVerify(ctx, (const unsigned char *)raw.ptr, raw.len, data, len) != 1) {
		pg_pubkey_fingerprint(&fp, k);
		pg_error_set("SSH signature does not verify (by %s key %s)", pg_pubkey_type_name(k),
			     fp.ptr);
		goto out;
	}
	rc = 0;
out:
	/* A failed verification leaves OpenSSL errors queued: drop them. */
	ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	pg_buf_free(&raw);
	pg_buf_free(&fp);
	return rc;
}
