/*
 * libFuzzer harness for the allowed signers parser (common/signers.c): the
 * file is admin-written, and one bad line must never take the others (or
 * the process) down.
 *
 * The input is parsed as a whole file, then looked up with a fixed key at
 * a fixed time: the key is the one in the corpus's lines
 * (tests/fuzz/corpus/signers), so the fuzzer reaches the namespace, time
 * and principal checks of lines it mutates.
 *
 * Besides sanitizer findings it aborts when the documented contract of
 * signers.h breaks: the return value against the problem count, and
 * pg_signers_find's *principal_out and WHY.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "error.h"
#include "signers.h"
#include "wire.h"

/* ssh-keygen -t ed25519 -C fuzz-alice: the key of the corpus lines. */
#define FIXED_KEY_B64 "AAAAC3NzaC1lZDI1NTE5AAAAINc32In2ajAl5Lpek7BemvZ0LEs64X5UKwA/9ZxRzMzH"
/* 2026-11-29T15:20:07Z */
#define FIXED_TIME ((time_t)1795965607)

static struct pg_pubkey fixed_key;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct pg_buf blob = PG_BUF_INIT;

	(void)argc;
	(void)argv;
	if (pg_base64_decode(&blob, FIXED_KEY_B64, strlen(FIXED_KEY_B64)) < 0 ||
	    pg_pubkey_parse(&fixed_key, blob.ptr, blob.len, "fixed key") < 0)
		abort();
	pg_buf_free(&blob);
	return 0;
}

static void check_find(const struct pg_signers *s, const char *ns, time_t when)
{
	struct pg_buf why = PG_BUF_INIT;
	const char *principal = (const char *)1;
	int rc = pg_signers_find(s, &fixed_key, ns, when, &principal, &why);

	if (rc == 0) {
		if (!principal || why.len)
			abort();
		/* principal_out is one of the entries' principals, valid as long as S. */
		int found = 0;
		for (size_t i = 0; i < s->nentries; i++)
			if (s->entries[i].principals == principal)
				found = 1;
		if (!found)
			abort();
	} else if (rc == 1) {
		if (principal || !why.len)
			abort();
	} else {
		abort();
	}
	/* The same question without WHY or principal_out must get the same answer. */
	if (pg_signers_find(s, &fixed_key, ns, when, NULL, NULL) != rc)
		abort();
	pg_buf_free(&why);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pg_signers *s = NULL;
	struct pg_buf why = PG_BUF_INIT;
	int rc;

	rc = pg_signers_parse(&s, "fuzz", (const char *)data, size);
	if (!s)
		abort();
	if ((rc == 0) != (s->nproblems == 0) || (rc != 0 && rc != -1))
		abort();
	for (size_t i = 0; i < s->nproblems; i++)
		if (!s->problems[i].msg || s->problems[i].line < 1 ||
		    s->problems[i].file != s->path)
			abort();
	for (size_t i = 0; i < s->nentries; i++) {
		const struct pg_signer *e = &s->entries[i];

		if (!e->principals || !e->npats || !e->pats || e->line < 1 ||
		    (e->has_after && e->has_before && e->valid_before <= e->valid_after))
			abort();
	}

	check_find(s, "git", FIXED_TIME);
	check_find(s, "pushgate-release-log", FIXED_TIME);
	check_find(s, NULL, FIXED_TIME);
	check_find(s, "git", (time_t)0);
	(void)pg_signers_principal_allowed(s, &fixed_key, "alice", "git", FIXED_TIME, &why);
	(void)pg_signers_principal_allowed(s, &fixed_key, "pushgate", "pushgate-release-log",
					   FIXED_TIME, &why);
	pg_buf_free(&why);
	pg_signers_free(s);
	return 0;
}
