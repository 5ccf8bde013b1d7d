#include "wire.h"
#include "error.h"
#include "escape.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

/*
 * Nothing read through here is anywhere near this long (an Ed25519
 * signature is under 300 bytes of base64); the cap keeps sizes far from
 * EVP_DecodeBlock's int and from any overflow in the arithmetic below.
 */
#define MAX_BASE64 (1 << 24)

void pg_wire_init(struct pg_wire *w, const void *data, size_t len, const char *what)
{
	w->p = data;
	w->left = data ? len : 0;
	w->what = what;
}

int pg_wire_get_raw(struct pg_wire *w, const uint8_t **p, size_t n, const char *field)
{
	if (w->left < n) {
		pg_error_set("%s: truncated in the %s (%zu bytes needed, %zu left)",
			     w->what, field, n, w->left);
		return -1;
	}
	*p = w->p;
	w->p += n;
	w->left -= n;
	return 0;
}

int pg_wire_get_u32(struct pg_wire *w, uint32_t *v, const char *field)
{
	const uint8_t *p;

	if (pg_wire_get_raw(w, &p, 4, field) < 0)
		return -1;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return 0;
}

int pg_wire_get_string(struct pg_wire *w, const uint8_t **p, size_t *len,
		       const char *field)
{
	struct pg_wire save = *w;
	uint32_t n;

	if (pg_wire_get_u32(w, &n, field) < 0)
		return -1;
	/* Compared before use: a length of 0xffffffff must not wrap anything. */
	if (n > w->left) {
		pg_error_set("%s: truncated in the %s (a string of %u bytes, %zu left)",
			     w->what, field, (unsigned)n, w->left);
		*w = save;
		return -1;
	}
	*p = w->p;
	*len = n;
	w->p += n;
	w->left -= n;
	return 0;
}

int pg_wire_get_fixed(struct pg_wire *w, const uint8_t **p, size_t n, const char *field)
{
	struct pg_wire save = *w;
	size_t len;

	if (pg_wire_get_string(w, p, &len, field) < 0)
		return -1;
	if (len != n) {
		pg_error_set("%s: the %s is %zu bytes long, not %zu", w->what, field, len, n);
		*w = save;
		return -1;
	}
	return 0;
}

int pg_wire_eq(const uint8_t *p, size_t len, const char *s)
{
	return strlen(s) == len && memcmp(p, s, len) == 0;
}

int pg_wire_expect(struct pg_wire *w, const char *want, const char *field)
{
	struct pg_wire save = *w;
	struct pg_buf shown = PG_BUF_INIT;
	const uint8_t *p;
	size_t len;

	if (pg_wire_get_string(w, &p, &len, field) < 0)
		return -1;
	if (pg_wire_eq(p, len, want))
		return 0;
	/* The bytes may be a pusher's: escaped, and cut short. */
	pg_escape_put(&shown, (const char *)p, len > 64 ? 64 : len);
	pg_error_set("%s: the %s is \"%s%s\", expected \"%s\"", w->what, field,
		     pg_buf_cstr(&shown), len > 64 ? "..." : "", want);
	pg_buf_free(&shown);
	*w = save;
	return -1;
}

int pg_wire_end(const struct pg_wire *w, const char *field)
{
	if (w->left) {
		pg_error_set("%s: %zu bytes of trailing data after the %s",
			     w->what, w->left, field);
		return -1;
	}
	return 0;
}

void pg_wire_put_u32(struct pg_buf *b, uint32_t v)
{
	char be[4];

	be[0] = (char)(v >> 24);
	be[1] = (char)(v >> 16);
	be[2] = (char)(v >> 8);
	be[3] = (char)v;
	pg_buf_put(b, be, 4);
}

void pg_wire_put_string(struct pg_buf *b, const void *p, size_t len)
{
	pg_wire_put_u32(b, (uint32_t)len);
	pg_buf_put(b, p, len);
}

void pg_wire_put_cstring(struct pg_buf *b, const char *s)
{
	pg_wire_put_string(b, s, strlen(s));
}

static int is_b64(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/';
}

int pg_base64_decode(struct pg_buf *out, const char *text, size_t len)
{
	unsigned char *compact;
	size_t n = 0, pad = 0;
	int got;

	if (len > MAX_BASE64) {
		pg_error_set("base64: longer than %d bytes", MAX_BASE64);
		return -1;
	}
	/*
	 * EVP_DecodeBlock takes no line breaks inside, and it accepts bytes
	 * that are not base64 at all in some places: check every character
	 * here and hand it only a clean, unbroken run.
	 */
	compact = pg_xmalloc(len + 1);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			pad++;
		} else if (!is_b64(c)) {
			pg_error_set("base64: invalid character 0x%02x", c);
			goto fail;
		} else if (pad) {
			pg_error_set("base64: data after the '=' padding");
			goto fail;
		}
		compact[n++] = c;
	}
	if (n % 4 || pad > 2) {
		pg_error_set("base64: %s", pad > 2 ? "more than two '=' of padding"
			     : "the length is not a multiple of 4");
		goto fail;
	}
	compact[n] = '\0';
	if (n == 0) {
		free(compact);
		return 0;
	}
	pg_buf_grow(out, n / 4 * 3);
	got = EVP_DecodeBlock((unsigned char *)out->ptr + out->len, compact, (int)n);
	if (got < 0 || (size_t)got != n / 4 * 3) {
		pg_error_set("base64: cannot decode");
		goto fail;
	}
	/* EVP_DecodeBlock counts each '=' as a zero byte: drop them. */
	out->len += (size_t)got - pad;
	out->ptr[out->len] = '\0';
	OPENSSL_cleanse(compact, len + 1);
	free(compact);
	return 0;
fail:
	/* The text may be a private key: leave none of it behind. */
	OPENSSL_cleanse(compact, len + 1);
	free(compact);
	return -1;
}

void pg_base64_encode(struct pg_buf *out, const void *data, size_t len)
{
	size_t n;

	if (len > MAX_BASE64)
		pg_xmalloc((size_t)-1);	/* dies: nothing here is ever this large */
	n = (len + 2) / 3 * 4;
	pg_buf_grow(out, n);
	EVP_EncodeBlock((unsigned char *)out->ptr + out->len, data, (int)len);
	out->len += n;
	out->ptr[out->len] = '\0';
}
