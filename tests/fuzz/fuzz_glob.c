/*
 * libFuzzer harness for the glob matcher (common/glob.c): patterns are
 * admin-written, names (ref names, tree paths) come from pushers.
 *
 * The input is PATTERN NUL NAME (no NUL: all pattern, empty name).  A
 * pattern that pg_glob_check refuses is never used, so only a checked one
 * is matched.  Then the contract the commit walk relies on (glob.h):
 * when pg_glob_match(PATTERN, NAME) is 1, pg_glob_may_match_below(PATTERN,
 * D) is 1 for every directory D above NAME (its leading components), or
 * the walk would skip a directory holding a path the rule covers.  Only
 * names a tree can hold are held to it: non-empty components, no leading
 * or trailing '/'.  A broken contract aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "glob.h"

/* A path a git tree can hold: components are non-empty. */
static int tree_path(const char *name)
{
	size_t len = strlen(name);

	if (!len || name[0] == '/' || name[len - 1] == '/' || strstr(name, "//"))
		return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *pattern, *name, *dir;
	const char *nul = memchr(data, '\0', size);
	size_t plen = nul ? (size_t)(nul - (const char *)data) : size;
	int m;

	pattern = pg_xstrndup((const char *)data, plen);
	name = nul ? pg_xstrndup(nul + 1, size - plen - 1) : pg_xstrdup("");
	/* NAME stops at a second NUL, if any: names are C strings. */

	if (pg_glob_check(pattern) < 0)
		goto out;

	m = pg_glob_may_match_below(pattern, name);
	if (m != 0 && m != 1)
		abort();
	m = pg_glob_match(pattern, name);
	if (m != 0 && m != 1)
		abort();

	if (m == 1 && tree_path(name)) {
		dir = pg_xstrdup(name);
		for (char *slash = strchr(dir, '/'); slash; slash = strchr(slash + 1, '/')) {
			*slash = '\0';
			if (pg_glob_may_match_below(pattern, dir) != 1)
				abort();
			*slash = '/';
		}
		free(dir);
	}
out:
	free(pattern);
	free(name);
	return 0;
}
