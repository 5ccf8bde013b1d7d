/*
 * Every byte that came from a pusher (ref names, paths, messages, push
 * options) is shown through this, so no terminal escape reaches a screen.
 */
#ifndef PG_ESCAPE_H
#define PG_ESCAPE_H

#include <stddef.h>

#include "buf.h"

/*
 * Append LEN bytes of S to B.  Printable ASCII and well-formed printable
 * UTF-8 pass unchanged.  A backslash becomes "\\"; \n, \r and \t become
 * "\n", "\r", "\t"; every other C0 control byte, DEL, an encoded C1 control
 * (U+0080..U+009F) and every byte of ill-formed UTF-8 (overlong, surrogate,
 * above U+10FFFF, truncated) becomes "\xNN" per byte.
 */
void pg_escape_put(struct pg_buf *b, const char *s, size_t len);

/*
 * Length of the well-formed UTF-8 sequence (RFC 3629) at S, 2 to 4, with
 * its code point in *CP; 0 when the bytes there are ill-formed or cut off
 * by the end of the input (AVAIL bytes).  For a byte >= 0x80 only.
 */
size_t pg_utf8_seq(const unsigned char *s, size_t avail, unsigned *cp);

/* The same for a NUL-terminated string. */
void pg_escape_puts(struct pg_buf *b, const char *s);

#endif
