#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char last_error[1024];

void pg_error_set(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
}

const char *pg_error_last(void)
{
	return last_error[0] ? last_error : "unknown error";
}

void pg_error_clear(void)
{
	last_error[0] = '\0';
}

static void die_oom(size_t n)
{
	fprintf(stderr, "pushgate: out of memory allocating %zu bytes\n", n);
	abort();
}

void *pg_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die_oom(n);
	return p;
}

void *pg_xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		die_oom(nmemb * size);
	return p;
}

void *pg_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		die_oom(n);
	return q;
}

char *pg_xstrdup(const char *s)
{
	return pg_xstrndup(s, strlen(s));
}

char *pg_xstrndup(const char *s, size_t n)
{
	char *p = pg_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}
