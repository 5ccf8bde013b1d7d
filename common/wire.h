/*
 * The SSH wire format (RFC 4251 section 5) and base64, as OpenSSH's
 * signatures and key files use them: "uint32" is four bytes big-endian and
 * "string" is a uint32 length followed by that many bytes.
 *
 * The reader is for bytes that may come from a pusher (a commit's
 * signature) or from a damaged file: every get checks the length that is
 * left before it touches a byte, fails with a message naming the field,
 * and never reads past the end however large a length field claims to be.
 */
#ifndef PG_WIRE_H
#define PG_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct pg_wire {
	const uint8_t *p;	/* the next unread byte */
	size_t left;		/* bytes from p to the end */
	const char *what;	/* "SSH signature", to start every message */
};

void pg_wire_init(struct pg_wire *w, const void *data, size_t len, const char *what);

/*
 * Each returns 0, or -1 with pg_error_set() ("WHAT: truncated in FIELD"
 * and the like), leaving *w where it was.
 */
int pg_wire_get_u32(struct pg_wire *w, uint32_t *v, const char *field);
/* N raw bytes, no length prefix. */
int pg_wire_get_raw(struct pg_wire *w, const uint8_t **p, size_t n, const char *field);
/* A string; *p points into the input, it is not copied. */
int pg_wire_get_string(struct pg_wire *w, const uint8_t **p, size_t *len,
		       const char *field);
/* A string that must be exactly N bytes long. */
int pg_wire_get_fixed(struct pg_wire *w, const uint8_t **p, size_t n, const char *field);
/* A string that must equal WANT; the message shows what was there instead. */
int pg_wire_expect(struct pg_wire *w, const char *want, const char *field);
/* -1 when bytes are left over after the last field (FIELD names the blob). */
int pg_wire_end(const struct pg_wire *w, const char *field);

/* 1 when the LEN bytes at P are exactly the C string S. */
int pg_wire_eq(const uint8_t *p, size_t len, const char *s);

void pg_wire_put_u32(struct pg_buf *b, uint32_t v);
void pg_wire_put_string(struct pg_buf *b, const void *p, size_t len);
void pg_wire_put_cstring(struct pg_buf *b, const char *s);

/*
 * Decode standard base64 (RFC 4648, with '=' padding) and append the bytes
 * to OUT.  Spaces, tabs, CR and LF anywhere are skipped, as OpenSSH does
 * for wrapped armor.  -1 with a message for any other character outside
 * the alphabet, misplaced padding or a length that is not a multiple of 4.
 */
int pg_base64_decode(struct pg_buf *out, const char *text, size_t len);

/* Append the base64 of LEN bytes to OUT, padded, on one line. */
void pg_base64_encode(struct pg_buf *out, const void *data, size_t len);

#endif
