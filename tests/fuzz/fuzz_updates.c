/*
 * libFuzzer harness for the ref update reader (common/update.c): the
 * "OLD NEW REF" lines git hands pre-receive, whose ref names a pusher
 * chooses.
 *
 * The input is read through fmemopen.  Checked besides sanitizer findings:
 * on success every update keeps update.h's promises (ids of one length,
 * 40 or 64 lowercase hex digits, not both zero; a non-empty ref of at most
 * 4096 bytes); on failure *out is NULL and n 0.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "update.h"

static int hex_ok(const char *h)
{
	size_t n = strlen(h);

	if (n != 40 && n != 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pg_update *u = (struct pg_update *)1;
	size_t n = 99, lines = 1;
	FILE *in;
	int rc;

	if (!size)
		return 0;	/* fmemopen may refuse an empty buffer */
	in = fmemopen((void *)data, size, "r");
	if (!in)
		abort();
	rc = pg_updates_read(in, &u, &n);
	fclose(in);

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (rc == 0) {
		if ((n && !u) || n > lines)
			abort();
		for (size_t i = 0; i < n; i++) {
			size_t rl = u[i].ref ? strlen(u[i].ref) : 0;

			if (!hex_ok(u[i].old_hex) || !hex_ok(u[i].new_hex) ||
			    strlen(u[i].old_hex) != strlen(u[i].new_hex) ||
			    (pg_hex_is_zero(u[i].old_hex) && pg_hex_is_zero(u[i].new_hex)) ||
			    rl == 0 || rl > 4096 || strchr(u[i].ref, '\n'))
				abort();
		}
		pg_updates_free(u, n);
	} else if (rc != -1 || u || n) {
		abort();
	}
	return 0;
}
