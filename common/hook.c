#include "hook.h"
#include "report.h"

#include <stdio.h>

int pg_hook_finish(struct pg_buf *out, size_t rejected, size_t total, int atomic)
{
	if (rejected && total > 1) {
		struct pg_buf line = PG_BUF_INIT;

		pg_buf_printf(&line, "the whole push is refused (%s): "
			      "%zu of %zu ref updates were rejected",
			      atomic ? "atomic = yes" : "new commits are checked for the whole push",
			      rejected, total);
		pg_report_line(out, line.ptr);
		pg_buf_free(&line);
	}
	/* git sends a hook's stderr to the pusher; one write keeps it together. */
	if (out->len)
		fwrite(out->ptr, 1, out->len, stderr);
	fflush(stderr);
	return rejected ? 1 : 0;
}
