/*
 * A growable byte buffer with an explicit length, like git's strbuf and
 * OpenSSH's sshbuf.  ptr is always NUL-terminated so it can be printed,
 * but len, not the NUL, is the truth: pushed data may contain NULs.
 */
#ifndef PG_BUF_H
#define PG_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct pg_buf {
	char *ptr;
	size_t len;
	size_t cap;
};

#define PG_BUF_INIT { NULL, 0, 0 }

void pg_buf_grow(struct pg_buf *b, size_t extra);
void pg_buf_put(struct pg_buf *b, const void *data, size_t len);
void pg_buf_puts(struct pg_buf *b, const char *s);
void pg_buf_putc(struct pg_buf *b, char c);
void pg_buf_printf(struct pg_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pg_buf_vprintf(struct pg_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
void pg_buf_reset(struct pg_buf *b);
void pg_buf_free(struct pg_buf *b);
/* Hands the string to the caller, who frees it; b is left empty. */
char *pg_buf_detach(struct pg_buf *b);
/* ptr as a C string, "" when nothing was ever put. */
const char *pg_buf_cstr(const struct pg_buf *b);

#endif
