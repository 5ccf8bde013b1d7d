#include "buf.h"
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pg_buf_grow(struct pg_buf *b, size_t extra)
{
	size_t need;

	if (extra > (size_t)-1 - b->len - 1)
		pg_xmalloc((size_t)-1); /* dies: the size cannot be represented */
	need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	if (b->cap && need < b->cap * 2)
		need = b->cap * 2;
	if (need < 64)
		need = 64;
	b->ptr = pg_xrealloc(b->ptr, need);
	b->cap = need;
}

void pg_buf_put(struct pg_buf *b, const void *data, size_t len)
{
	pg_buf_grow(b, len);
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
}

void pg_buf_puts(struct pg_buf *b, const char *s)
{
	pg_buf_put(b, s, strlen(s));
}

void pg_buf_putc(struct pg_buf *b, char c)
{
	pg_buf_put(b, &c, 1);
}

void pg_buf_vprintf(struct pg_buf *b, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	pg_buf_grow(b, 64);
	va_copy(again, ap);
	n = vsnprintf(b->ptr + b->len, b->cap - b->len, fmt, ap);
	if (n >= 0 && (size_t)n >= b->cap - b->len) {
		pg_buf_grow(b, (size_t)n);
		vsnprintf(b->ptr + b->len, b->cap - b->len, fmt, again);
	}
	va_end(again);
	if (n < 0) {
		b->ptr[b->len] = '\0';
		return;
	}
	b->len += (size_t)n;
}

void pg_buf_printf(struct pg_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pg_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void pg_buf_reset(struct pg_buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

void pg_buf_free(struct pg_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
}

char *pg_buf_detach(struct pg_buf *b)
{
	char *p = b->ptr ? b->ptr : pg_xstrdup("");

	b->ptr = NULL;
	b->len = b->cap = 0;
	return p;
}

const char *pg_buf_cstr(const struct pg_buf *b)
{
	return b->ptr ? b->ptr : "";
}
