/*
 * pre-receive: runs once per push, before any ref moves, with the pushed
 * objects still in quarantine.  With atomic = yes (the default) it decides
 * for the whole push; with atomic = no it checks only the new commits (for
 * the whole push) and leaves each ref's permissions to the update hook.
 */
#include <stdio.h>

#include "engine.h"
#include "error.h"
#include "hook.h"
#include "report.h"

int main(void)
{
	struct pg_engine_opts opts = { 0 };
	struct pg_buf out = PG_BUF_INIT;
	struct pg_update *u;
	struct pg_engine *e;
	size_t n, rejected;
	int rc, atomic;

	if (pg_updates_read(stdin, &u, &n) < 0) {
		fprintf(stderr, "pushgate: REJECTED the whole push: cannot read it (%s); failing closed\n",
			pg_error_last());
		return 1;
	}
	pg_engine_open(&e, &opts);
	atomic = pg_engine_atomic(e);
	rejected = pg_engine_check(e, u, n, atomic ? PG_SCOPE_ALL : PG_SCOPE_COMMITS, &out);
	rc = pg_hook_finish(&out, rejected, n, atomic);
	pg_buf_free(&out);
	pg_engine_free(e);
	pg_updates_free(u, n);
	return rc;
}
