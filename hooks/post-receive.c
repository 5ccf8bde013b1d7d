/*
 * post-receive: runs after the refs moved, with the refs that really
 * moved on stdin; its exit code cannot undo a push.  It appends the signed
 * release log entries for updates a rule with release = yes covers (and
 * sends them to the replica); pre-receive made sure the log could take
 * them before any ref moved.
 */
#include <stdio.h>

#include "engine.h"
#include "error.h"
#include "hook.h"

int main(void)
{
	struct pg_engine_opts opts = { 0 };
	struct pg_buf out = PG_BUF_INIT;
	struct pg_update *u;
	struct pg_engine *e;
	size_t n;

	if (pg_updates_read(stdin, &u, &n) < 0) {
		fprintf(stderr, "pushgate: post-receive: %s; nothing was logged\n", pg_error_last());
		return 1;
	}
	pg_engine_open(&e, &opts);
	pg_engine_record(e, u, n, &out);
	pg_hook_finish(&out, 0, n, 1);
	pg_buf_free(&out);
	pg_engine_free(e);
	pg_updates_free(u, n);
	return 0;
}
