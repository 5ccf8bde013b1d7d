/*
 * pre-receive: runs once per push, before any ref moves, with the pushed
 * objects still in quarantine.  With atomic = yes (the default) it decides
 * for the whole push; with atomic = no it leaves each ref to the update hook.
 */
#include <stdio.h>

#include "engine.h"
#include "error.h"
#include "hook.h"
#include "report.h"

int main(void)
{
	struct pg_engine_opts opts = { NULL, NULL, NULL };
	struct pg_buf out = PG_BUF_INIT;
	struct pg_update *u;
	struct pg_engine *e;
	size_t n, rejected;
	int rc;

	if (pg_updates_read(stdin, &u, &n) < 0) {
		fprintf(stderr, "pushgate: REJECTED the whole push: cannot read it (%s); failing closed\n",
			pg_error_last());
		return 1;
	}
	pg_engine_open(&e, &opts);
	if (!pg_engine_atomic(e)) {
		pg_engine_free(e);
		pg_updates_free(u, n);
		return 0;
	}
	rejected = pg_engine_check(e, u, n, &out);
	rc = pg_hook_finish(&out, rejected, n, 1);
	pg_buf_free(&out);
	pg_engine_free(e);
	pg_updates_free(u, n);
	return rc;
}
