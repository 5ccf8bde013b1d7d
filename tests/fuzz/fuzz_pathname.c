/*
 * libFuzzer harness for path folding (common/pathname.c): tree paths come
 * from pushers, byte for byte.  The contracts the path rules rely on:
 * folding never fails, its result is its own folding (a rule compares
 * folded paths with folded patterns, so a second fold must change
 * nothing), and the .git-alias test answers 0 or 1 for every component.
 * A broken contract aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "pathname.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pg_buf once = PG_BUF_INIT, twice = PG_BUF_INIT, pat = PG_BUF_INIT;
	const char *path = (const char *)data;
	char *cpath;
	size_t start = 0;

	pg_path_fold(&once, path, size);
	pg_path_fold(&twice, once.ptr ? once.ptr : "", once.len);
	if (once.len != twice.len || (once.len && memcmp(once.ptr, twice.ptr, once.len)))
		abort();

	for (size_t i = 0; i <= size; i++) {
		if (i < size && data[i] != '/')
			continue;
		int r = pg_path_name_is_dotgit(path + start, i - start);
		int d = pg_path_name_is_dotfile(path + start, i - start);

		if ((r != 0 && r != 1) || (d != 0 && d != 1))
			abort();
		start = i + 1;
	}

	/* Patterns are C strings: stop at the first NUL. */
	cpath = malloc(size + 1);
	if (!cpath)
		abort();
	memcpy(cpath, data, size);
	cpath[size] = '\0';
	pg_path_fold_pattern(&pat, cpath);
	free(cpath);

	pg_buf_free(&once);
	pg_buf_free(&twice);
	pg_buf_free(&pat);
	return 0;
}
