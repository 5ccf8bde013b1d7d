/*
 * One way to report errors, as libgit2 does: a function that fails
 * returns -1 and leaves a message that pg_error_last() hands back.
 * Hooks are single-threaded, so one static buffer is enough.
 */
#ifndef PG_ERROR_H
#define PG_ERROR_H

#include <stddef.h>

void pg_error_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *pg_error_last(void);
void pg_error_clear(void);

/*
 * Out of memory is not a policy decision: die, as git's xmalloc does.
 * A hook that dies exits non-zero, which git treats as a rejection.
 */
void *pg_xmalloc(size_t n);
void *pg_xcalloc(size_t nmemb, size_t size);
void *pg_xrealloc(void *p, size_t n);
char *pg_xstrdup(const char *s);
char *pg_xstrndup(const char *s, size_t n);

#endif
