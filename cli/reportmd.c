/* pushgate report --format md: the evidence as Markdown, for a ticket or a wiki. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "buf.h"
#include "escape.h"
#include "evidence.h"

#define ROWS_SHOWN 500

/* S as table text: control characters escaped, '|' and '`' taken out of play. */
static void text(struct pg_buf *b, const char *s)
{
	struct pg_buf e = PG_BUF_INIT;

	if (!s) {
		pg_buf_puts(b, "-");
		return;
	}
	pg_escape_puts(&e, s);
	for (size_t i = 0; i < e.len; i++) {
		if (e.ptr[i] == '|' || e.ptr[i] == '`' || e.ptr[i] == '*' || e.ptr[i] == '_' ||
		    e.ptr[i] == '<' || e.ptr[i] == '[')
			pg_buf_putc(b, '\\');
		pg_buf_putc(b, e.ptr[i]);
	}
	pg_buf_free(&e);
}

static void unverified(struct pg_buf *b, const struct pg_evidence *ev)
{
	if (!ev->verified)
		pg_buf_puts(b, "> **UNVERIFIED: the release log does not verify; this is not "
			       "evidence.**\n\n");
}

static void entries(struct pg_buf *b, const struct pg_evidence *ev, const char *title,
		    const char *event)
{
	size_t total = 0;

	pg_buf_printf(b, "## %s\n\n", title);
	unverified(b, ev);
	for (size_t i = 0; i < ev->nentries; i++) {
		const struct pg_ev_entry *e = &ev->entries[i];

		if (event ? strcmp(e->event, event) != 0 : !e->exception)
			continue;
		if (total++ == 0)
			pg_buf_puts(b, "| seq | time (UTC) | repository | ref | old..new | pusher | "
				       "rule | reason | approved by | signed push |\n"
				       "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
		if (total > ROWS_SHOWN)
			continue;
		pg_buf_printf(b, "| %lld | %s | ", e->seq, e->time);
		text(b, e->repo);
		pg_buf_puts(b, " | ");
		text(b, e->ref);
		if (e->old_hex && e->new_hex)
			pg_buf_printf(b, " | %.7s..%.7s | ", e->old_hex, e->new_hex);
		else
			pg_buf_puts(b, " | - | ");
		text(b, e->pusher);
		pg_buf_puts(b, " | ");
		text(b, e->rule);
		pg_buf_puts(b, " | ");
		text(b, e->reason);
		pg_buf_puts(b, " | ");
		for (size_t j = 0; j < e->napprovals; j++) {
			char who[160];

			snprintf(who, sizeof(who), "%.*s", (int)strcspn(e->approvals[j], " "),
				 e->approvals[j]);
			if (j)
				pg_buf_puts(b, ", ");
			text(b, who);
		}
		pg_buf_printf(b, "%s | %s |\n", e->napprovals ? "" : "-", e->push_cert ? "yes" : "-");
	}
	if (!total)
		pg_buf_puts(b, "None in the period.\n");
	else if (total > ROWS_SHOWN)
		pg_buf_printf(b, "\nThe first %d of %zu; the JSON report has them all.\n", ROWS_SHOWN,
			      total);
	pg_buf_putc(b, '\n');
}

static void pct(struct pg_buf *b, const char *label, size_t part, size_t whole)
{
	if (whole)
		pg_buf_printf(b, "| %s | %.0f%% (%zu of %zu) |\n", label,
			      100.0 * (double)part / (double)whole, part, whole);
	else
		pg_buf_printf(b, "| %s | - |\n", label);
}

void pg_report_md(FILE *out, const struct pg_evidence *ev, const struct pg_report_meta *m)
{
	struct pg_buf b = PG_BUF_INIT;

	pg_buf_puts(&b, "# pushgate evidence report\n\n");
	unverified(&b, ev);
	pg_buf_puts(&b, "Policy ");
	text(&b, m->config_path);
	pg_buf_puts(&b, ", release log ");
	text(&b, ev->log_path);
	pg_buf_printf(&b, ". Period: %s to %s (UTC). Generated %s.\n\n",
		      ev->since[0] ? ev->since : "the first entry",
		      ev->until[0] ? ev->until : "the last entry", m->generated);
	pg_buf_puts(&b, "## Log verification\n\n");
	if (ev->verified)
		pg_buf_printf(&b, "Intact: %zu entries. Head hash `%s`.\n\n", ev->log_entries,
			      ev->head);
	else {
		pg_buf_printf(&b, "**NOT INTACT** after %zu good entries (head `%s`): ",
			      ev->log_entries, ev->head);
		text(&b, ev->verify_why);
		pg_buf_puts(&b, "\n\n");
	}
	pg_buf_puts(&b, "## Summary\n\n| figure | value |\n| --- | --- |\n");
	pg_buf_printf(&b, "| releases | %zu |\n| refusals | %zu |\n| exceptions | %zu |\n"
		      "| warnings | %zu |\n", ev->releases, ev->rejections, ev->exceptions,
		      ev->warnings);
	pct(&b, "releases by signed push", ev->signed_pushes, ev->releases);
	pct(&b, "releases with approvals", ev->approved, ev->releases);
	pct(&b, "releases by a rule requiring signed commits", ev->signed_commits_rule,
	    ev->releases);
	pg_buf_puts(&b, "\nHow each figure is counted: docs/report.md.\n\n");
	pg_buf_puts(&b, "## Controls\n\n");
	unverified(&b, ev);
	if (!ev->ncontrols)
		pg_buf_puts(&b, "The policy names no control.\n\n");
	else
		pg_buf_puts(&b, "| control | rule | defined at | mode | releases | refusals | "
				"warnings | exceptions |\n| --- | --- | --- | --- | --- | --- | --- "
				"| --- |\n");
	for (size_t i = 0; i < ev->ncontrols; i++) {
		for (size_t j = 0; j < ev->controls[i].nrules; j++) {
			const struct pg_ev_rule *r = &ev->controls[i].rules[j];

			pg_buf_puts(&b, "| ");
			text(&b, ev->controls[i].name);
			pg_buf_puts(&b, " | ");
			text(&b, r->title);
			pg_buf_puts(&b, " | ");
			text(&b, r->file);
			pg_buf_printf(&b, ":%d | %s | %zu | %zu | %zu | %zu |\n", r->line,
				      r->warn ? "warn" : "enforce", r->releases, r->rejections,
				      r->warnings, r->exceptions);
		}
	}
	if (ev->nby_rule) {
		pg_buf_puts(&b, "\n| refused by rule | refusals |\n| --- | --- |\n");
		for (size_t i = 0; i < ev->nby_rule; i++) {
			pg_buf_puts(&b, "| ");
			text(&b, ev->by_rule[i].key);
			pg_buf_printf(&b, " | %zu |\n", ev->by_rule[i].n);
		}
	}
	pg_buf_putc(&b, '\n');
	entries(&b, ev, "Exceptions: break-glass, import, secret-ok", NULL);
	entries(&b, ev, "Releases", "update");
	entries(&b, ev, "Refusals", "rejected");
	entries(&b, ev, "Warnings (mode = warn)", "warning");
	fwrite(b.ptr, 1, b.len, out);
	pg_buf_free(&b);
}
