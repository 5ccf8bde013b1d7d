#include "report.h"
#include "escape.h"

#include <string.h>

#define PREFIX "pushgate: "

void pg_report_line(struct pg_buf *out, const char *text)
{
	pg_buf_puts(out, PREFIX);
	pg_escape_puts(out, text);
	pg_buf_putc(out, '\n');
}

static void detail(struct pg_buf *out, const char *text)
{
	pg_buf_puts(out, PREFIX "  ");
	pg_escape_puts(out, text);
	pg_buf_putc(out, '\n');
}

static void block(struct pg_buf *out, const char *ref, const struct pg_finding *f)
{
	struct pg_buf line = PG_BUF_INIT;

	pg_buf_printf(&line, "%s %s: %s", f->warn ? "WARNING" : "REJECTED", ref, f->reason);
	pg_report_line(out, line.ptr);
	if (f->rule) {
		pg_buf_reset(&line);
		pg_buf_puts(&line, "rule ");
		pg_rule_title(&line, f->rule);
		pg_buf_printf(&line, " at %s:%d", f->rule->file, f->rule->line);
		if (f->rule->control)
			pg_buf_printf(&line, " (%s)", f->rule->control);
		detail(out, line.ptr);
	}
	for (size_t i = 0; i < f->nlines; i++)
		detail(out, f->lines[i]);
	/* The help is for a refusal; a notice tells of an exception granted. */
	if (f->rule && !f->notice)
		for (size_t i = 0; i < f->rule->nhelp; i++)
			detail(out, f->rule->help[i]);
	pg_buf_free(&line);
}

void pg_report_verdict(struct pg_buf *out, const char *ref, const struct pg_verdict *v)
{
	struct pg_buf line = PG_BUF_INIT;

	for (size_t i = 0; i < v->nfindings; i++)
		block(out, ref, &v->findings[i]);
	/* An import skips rules: the pusher must not mistake it for a checked push. */
	if (v->imported && !v->rejected) {
		pg_buf_printf(&line, "IMPORT %s: the commit and path rules were skipped; "
			      "the update is written to the release log with its reason", ref);
		pg_report_line(out, line.ptr);
	}
	pg_buf_free(&line);
}
