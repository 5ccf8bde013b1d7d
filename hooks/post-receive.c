/*
 * post-receive: runs after the refs moved; its exit code cannot undo a
 * push.  It will append the release log; for now it only validates that
 * it can be started, so installations already have all three hooks.
 */
#include <stdio.h>

#include "error.h"
#include "update.h"

int main(void)
{
	struct pg_update *u;
	size_t n;

	if (pg_updates_read(stdin, &u, &n) < 0) {
		fprintf(stderr, "pushgate: post-receive: %s\n", pg_error_last());
		return 1;
	}
	pg_updates_free(u, n);
	return 0;
}
