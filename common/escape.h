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
 * above U+10FFFF, truncated) becomes "\xNN" per byte.  A character that
 * reorders or hides text (pg_unicode_hidden) becomes "\u202e", or
 * "\U000e0041" above U+FFFF, lower-case hex.
 */
void pg_escape_put(struct pg_buf *b, const char *s, size_t len);

/*
 * 1 for a code point that changes how the text around it is shown while
 * showing nothing itself, so that what a reader sees is not what the
 * bytes say ("Trojan Source"): the bidirectional embeddings, overrides
 * and isolates (U+202A..U+202E, U+2066..U+2069), the marks U+200E, U+200F
 * and U+061C, zero-width and other invisible format characters (U+00AD,
 * U+180E, U+200B..U+200D, U+2060..U+206F, U+FEFF, U+FFF9..U+FFFB), the
 * line and paragraph separators U+2028 and U+2029, the Hangul fillers
 * that render blank (U+115F, U+1160, U+3164, U+FFA0), and the tag
 * characters U+E0000..U+E007F.
 */
int pg_unicode_hidden(unsigned cp);

/*
 * Length of the well-formed UTF-8 sequence (RFC 3629) at S, 2 to 4, with
 * its code point in *CP; 0 when the bytes there are ill-formed or cut off
 * by the end of the input (AVAIL bytes).  For a byte >= 0x80 only.
 */
size_t pg_utf8_seq(const unsigned char *s, size_t avail, unsigned *cp);

/* Append the code point CP (at most U+10FFFF) to B as UTF-8. */
void pg_utf8_put(struct pg_buf *b, unsigned cp);

/* The same for a NUL-terminated string. */
void pg_escape_puts(struct pg_buf *b, const char *s);

#endif
