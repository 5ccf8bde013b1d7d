/*
 * update: runs once per ref, after the objects left quarantine.  With
 * atomic = no it decides the ref's own permissions (pre-receive checked the
 * new commits); with atomic = yes pre-receive has decided everything.
 */
#include <stdio.h>
#include <stdlib.h>

#include "engine.h"
#include "error.h"
#include "hook.h"

int main(int argc, char **argv)
{
	struct pg_engine_opts opts = { 0 };
	struct pg_buf out = PG_BUF_INIT;
	struct pg_update u;
	struct pg_engine *e;
	size_t rejected;
	int rc;

	if (argc != 4 || pg_update_set(&u, argv[1], argv[2], argv[3]) < 0) {
		fprintf(stderr, "pushgate: REJECTED: the update hook expects REF OLD NEW (%s); failing closed\n",
			argc == 4 ? pg_error_last() : "wrong number of arguments");
		return 1;
	}
	pg_engine_open(&e, &opts);
	if (pg_engine_config_valid(e) && pg_engine_atomic(e)) {
		rc = 0;		/* pre-receive has decided for the whole push */
	} else {
		rejected = pg_engine_check(e, &u, 1, PG_SCOPE_REFS, &out);
		rc = pg_hook_finish(&out, rejected, 1, 0);
	}
	pg_buf_free(&out);
	pg_engine_free(e);
	free(u.ref);
	return rc;
}
