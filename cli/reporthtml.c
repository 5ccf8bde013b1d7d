/*
 * pushgate report --format html: one self-contained page for an auditor.
 * Inline CSS, the chart as inline SVG, no script and nothing fetched; it
 * prints as it shows.  Every byte that came from a pusher is escaped twice
 * over: control characters as pg_escape shows them, then HTML's specials.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "buf.h"
#include "error.h"
#include "escape.h"
#include "evidence.h"

#define CHART_W 720
#define CHART_H 160
#define ROWS_SHOWN 500

static const char style[] =
	"body{font:14px/1.45 system-ui,sans-serif;color:#1b1f24;margin:2em auto;max-width:72em;"
	"padding:0 1em}"
	"h1{font-size:1.6em;margin:0 0 .2em}h2{font-size:1.2em;margin:1.6em 0 .4em;"
	"border-bottom:1px solid #d0d7de;padding-bottom:.2em}"
	"table{border-collapse:collapse;width:100%;margin:.4em 0}"
	"th,td{text-align:left;padding:.25em .5em;border-bottom:1px solid #eaeef2;"
	"vertical-align:top}"
	"th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums}"
	"td.t{white-space:nowrap}"
	"code{font:12px ui-monospace,monospace;overflow-wrap:anywhere}"
	".ok{background:#dafbe1;border:1px solid #4ac26b;padding:.6em 1em;border-radius:6px}"
	".bad{background:#ffebe9;border:1px solid #ff8182;padding:.6em 1em;border-radius:6px}"
	".banner{position:fixed;top:0;left:0;right:0;background:#cf222e;color:#fff;"
	"text-align:center;font-weight:bold;padding:.2em}"
	".cards{display:flex;flex-wrap:wrap;gap:.6em}.card{border:1px solid #d0d7de;"
	"border-radius:6px;padding:.5em .9em;min-width:9em}.card b{display:block;font-size:1.5em}"
	".muted{color:#57606a}"
	"@media print{body{margin:0;max-width:none}h2{break-after:avoid}tr{break-inside:avoid}}";

/* S (from the log or the policy) as HTML text. */
static void text(struct pg_buf *b, const char *s)
{
	struct pg_buf e = PG_BUF_INIT;

	if (!s) {
		pg_buf_puts(b, "<span class=\"muted\">&ndash;</span>");
		return;
	}
	pg_escape_puts(&e, s);
	for (size_t i = 0; i < e.len; i++) {
		switch (e.ptr[i]) {
		case '&': pg_buf_puts(b, "&amp;"); break;
		case '<': pg_buf_puts(b, "&lt;"); break;
		case '>': pg_buf_puts(b, "&gt;"); break;
		case '"': pg_buf_puts(b, "&quot;"); break;
		case '\'': pg_buf_puts(b, "&#39;"); break;
		default: pg_buf_putc(b, e.ptr[i]);
		}
	}
	pg_buf_free(&e);
}

static void cell(struct pg_buf *b, const char *s)
{
	pg_buf_puts(b, "<td>");
	text(b, s);
	pg_buf_puts(b, "</td>");
}

static void code_cell(struct pg_buf *b, const char *s, size_t maxlen)
{
	char cut[80];

	pg_buf_puts(b, "<td><code>");
	if (s && maxlen && strlen(s) > maxlen) {
		snprintf(cut, sizeof(cut), "%.*s", (int)maxlen, s);
		text(b, cut);
	} else {
		text(b, s);
	}
	pg_buf_puts(b, "</code></td>");
}

static void num_cell(struct pg_buf *b, size_t n)
{
	pg_buf_printf(b, "<td class=\"n\">%zu</td>", n);
}

static void card(struct pg_buf *b, const char *label, size_t n)
{
	pg_buf_printf(b, "<div class=\"card\"><b>%zu</b>%s</div>", n, label);
}

static void share_card(struct pg_buf *b, const char *label, size_t part, size_t whole)
{
	if (whole)
		pg_buf_printf(b, "<div class=\"card\"><b>%.0f%%</b>%s</div>",
			      100.0 * (double)part / (double)whole, label);
	else
		pg_buf_printf(b, "<div class=\"card\"><b>&ndash;</b>%s</div>", label);
}

#define CHART_RULES 6	/* rules with a colour of their own; the rest are "other" */

static const char *const palette[CHART_RULES + 1] = {
	"#cf222e", "#bf8700", "#8250df", "#0969da", "#1a7f37", "#bc4c00", "#8c959f"
};

/* The colour of refusals by RULE: its place among the most refused, or "other". */
static size_t rule_slot(const struct pg_evidence *ev, const char *rule)
{
	for (size_t i = 0; i < ev->nby_rule && i < CHART_RULES; i++)
		if (!strcmp(ev->by_rule[i].key, rule ? rule : "(no rule)"))
			return i;
	return CHART_RULES;
}

static void legend(struct pg_buf *b, double x, int y, const char *colour, const char *label)
{
	pg_buf_printf(b, "<rect x=\"%.1f\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
		      "<text x=\"%.1f\" y=\"%d\" font-size=\"11\">", x, y, colour, x + 14, y + 9);
	text(b, label);
	pg_buf_puts(b, "</text>");
}

/*
 * Releases per day (a green bar) and refusals per day stacked by rule (the
 * six most refused in colour, the rest grey), with a legend.
 */
static void chart(struct pg_buf *b, const struct pg_evidence *ev)
{
	size_t n = ev->ndays, max = 1, d = 0, slots = ev->nby_rule < CHART_RULES ? ev->nby_rule
									   : CHART_RULES;
	size_t (*per)[CHART_RULES + 1];
	double w;
	int legend_y = CHART_H + 22, height;

	if (!n) {
		pg_buf_puts(b, "<p class=\"muted\">Nothing in the period.</p>");
		return;
	}
	per = pg_xcalloc(n, sizeof(*per));
	/* Entries and days are both in time order: one pass. */
	for (size_t i = 0; i < ev->nentries; i++) {
		const struct pg_ev_entry *e = &ev->entries[i];

		while (d < n && strncmp(ev->days[d].day, e->time, 10) != 0)
			d++;
		if (d == n)
			break;
		if (!strcmp(e->event, "rejected"))
			per[d][rule_slot(ev, e->rule)]++;
	}
	for (size_t i = 0; i < n; i++) {
		if (ev->days[i].rejections > max)
			max = ev->days[i].rejections;
		if (ev->days[i].releases > max)
			max = ev->days[i].releases;
	}
	height = legend_y + 16 * (int)((slots + (ev->nby_rule > CHART_RULES) + 2) / 2) + 4;
	w = (double)(CHART_W - 40) / (double)n;
	pg_buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		      "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"releases and refusals by "
		      "rule per day\"><title>Releases, and refusals by rule, per day</title>",
		      CHART_W, height, CHART_W, height);
	pg_buf_printf(b, "<line x1=\"30\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#8c959f\"/>",
		      CHART_H, CHART_W, CHART_H);
	pg_buf_printf(b, "<text x=\"0\" y=\"12\" font-size=\"11\" fill=\"#57606a\">%zu</text>", max);
	for (size_t i = 0; i < n; i++) {
		const struct pg_ev_day *dy = &ev->days[i];
		double x = 34 + w * (double)i, bw = w / 2 - 2 > 1 ? w / 2 - 2 : 1, top = CHART_H;
		double hr = (double)(CHART_H - 16) * (double)dy->releases / (double)max;

		if (bw > 24)
			bw = 24;	/* a short period: bars, not walls */
		pg_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			      "fill=\"#2da44e\"><title>%s: %zu releases</title></rect>",
			      x, CHART_H - hr, bw, hr, dy->day, dy->releases);
		for (size_t k = 0; k <= CHART_RULES; k++) {
			double h = (double)(CHART_H - 16) * (double)per[i][k] / (double)max;

			if (!per[i][k])
				continue;
			top -= h;
			pg_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				      "fill=\"%s\"><title>%s: %zu refused by ", x + bw + 1, top, bw, h,
				      palette[k], dy->day, per[i][k]);
			text(b, k < CHART_RULES ? ev->by_rule[k].key : "other rules");
			pg_buf_puts(b, "</title></rect>");
		}
		if (n <= 14 || i == 0 || i == n - 1)
			pg_buf_printf(b, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" "
				      "fill=\"#57606a\">%.5s</text>", x, CHART_H + 14, dy->day + 5);
	}
	legend(b, 34, legend_y, "#2da44e", "releases");
	for (size_t k = 0; k < slots; k++) {
		struct pg_buf label = PG_BUF_INIT;

		pg_buf_printf(&label, "refused by %s", ev->by_rule[k].key);
		legend(b, 34 + (double)((k + 1) % 2) * 340, legend_y + 16 * (int)((k + 1) / 2),
		       palette[k], label.ptr);
		pg_buf_free(&label);
	}
	if (ev->nby_rule > CHART_RULES)
		legend(b, 34 + (double)((slots + 1) % 2) * 340, legend_y + 16 * (int)((slots + 1) / 2),
		       palette[CHART_RULES], "refused by other rules");
	pg_buf_puts(b, "</svg>");
	free(per);
}

/* The entries of EVENT (with EXCEPTIONS: the exceptions), of REPO only when not NULL. */
static void entry_rows(struct pg_buf *b, const struct pg_evidence *ev, const char *event,
		       int exceptions, const char *repo)
{
	size_t shown = 0, total = 0;

	pg_buf_puts(b, "<table><tr><th>seq</th><th>time (UTC)</th><th>repository</th><th>ref</th>"
		       "<th>old..new</th><th>pusher</th><th>rule</th><th>reason</th>"
		       "<th>approved by</th><th>signed push</th></tr>");
	for (size_t i = 0; i < ev->nentries; i++) {
		const struct pg_ev_entry *e = &ev->entries[i];
		struct pg_buf ids = PG_BUF_INIT, who = PG_BUF_INIT;

		if (exceptions ? !e->exception : strcmp(e->event, event) != 0)
			continue;
		if (repo && (!e->repo || strcmp(e->repo, repo)))
			continue;
		if (total++ >= ROWS_SHOWN)
			continue;
		shown++;
		pg_buf_printf(b, "<tr><td class=\"n\">%lld</td><td class=\"t\">%s</td>", e->seq,
			      e->time);
		cell(b, e->repo);
		code_cell(b, e->ref, 0);
		if (e->old_hex && e->new_hex)
			pg_buf_printf(&ids, "%.7s..%.7s", e->old_hex, e->new_hex);
		code_cell(b, ids.len ? ids.ptr : NULL, 0);
		cell(b, e->pusher);
		cell(b, e->rule);
		cell(b, e->reason);
		for (size_t j = 0; j < e->napprovals; j++)
			pg_buf_printf(&who, "%s%.*s", j ? ", " : "",
				      (int)strcspn(e->approvals[j], " "), e->approvals[j]);
		cell(b, who.len ? who.ptr : NULL);
		cell(b, e->push_cert ? "yes" : NULL);
		pg_buf_puts(b, "</tr>");
		pg_buf_free(&ids);
		pg_buf_free(&who);
	}
	pg_buf_puts(b, "</table>");
	if (!total)
		pg_buf_puts(b, "<p class=\"muted\">None in the period.</p>");
	else if (shown < total)
		pg_buf_printf(b, "<p class=\"muted\">The first %zu of %zu; the JSON report has them "
			      "all.</p>", shown, total);
}

/* Each repository's releases in time order, under its name. */
static void releases(struct pg_buf *b, const struct pg_evidence *ev)
{
	const char **seen = pg_xcalloc(ev->nentries ? ev->nentries : 1, sizeof(*seen));
	size_t nseen = 0;

	for (size_t i = 0; i < ev->nentries; i++) {
		const struct pg_ev_entry *e = &ev->entries[i];
		int dup = 0;

		if (strcmp(e->event, "update") || !e->repo)
			continue;
		for (size_t j = 0; j < nseen && !dup; j++)
			dup = !strcmp(seen[j], e->repo);
		if (dup)
			continue;
		seen[nseen++] = e->repo;
		pg_buf_puts(b, "<h3>");
		text(b, e->repo);
		pg_buf_puts(b, "</h3>");
		entry_rows(b, ev, "update", 0, e->repo);
	}
	if (!nseen)
		pg_buf_puts(b, "<p class=\"muted\">None in the period.</p>");
	free(seen);
}

void pg_report_html(FILE *out, const struct pg_evidence *ev, const struct pg_report_meta *m)
{
	struct pg_buf b = PG_BUF_INIT;

	pg_buf_printf(&b, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
		      "<meta name=\"viewport\" content=\"width=device-width\">"
		      "<title>pushgate evidence report</title><style>%s</style></head><body>",
		      style);
	if (!ev->verified)
		pg_buf_puts(&b, "<div class=\"banner\">UNVERIFIED: the release log does not verify; "
				"this report is not evidence</div>");
	pg_buf_puts(&b, "<h1>pushgate evidence report</h1><p class=\"muted\">Policy ");
	text(&b, m->config_path);
	pg_buf_puts(&b, ", release log ");
	text(&b, ev->log_path);
	pg_buf_printf(&b, ". Period: %s to %s (UTC). Generated %s.</p>",
		      ev->since[0] ? ev->since : "the first entry",
		      ev->until[0] ? ev->until : "the last entry", m->generated);

	pg_buf_puts(&b, "<h2 id=\"verification\">Log verification</h2>");
	if (ev->verified)
		pg_buf_printf(&b, "<div class=\"ok\">Intact: %zu entries, each signed and chained to "
			      "the one before. Head hash <code>%s</code>.</div>",
			      ev->log_entries, ev->head);
	else {
		pg_buf_printf(&b, "<div class=\"bad\">NOT INTACT after %zu good entries "
			      "(head of the good part <code>%s</code>): ", ev->log_entries, ev->head);
		text(&b, ev->verify_why);
		pg_buf_puts(&b, "</div>");
	}

	pg_buf_puts(&b, "<h2 id=\"summary\">Summary</h2><div class=\"cards\">");
	card(&b, "releases", ev->releases);
	card(&b, "refusals", ev->rejections);
	card(&b, "exceptions", ev->exceptions);
	card(&b, "warnings", ev->warnings);
	share_card(&b, "of releases by signed push", ev->signed_pushes, ev->releases);
	share_card(&b, "of releases with approvals", ev->approved, ev->releases);
	share_card(&b, "of releases by a rule requiring signed commits", ev->signed_commits_rule,
		   ev->releases);
	pg_buf_puts(&b, "</div><p class=\"muted\">How each figure is counted: docs/report.md."
			"</p>");

	pg_buf_puts(&b, "<h2 id=\"controls\">Controls and the rules that enforce them</h2>");
	if (!ev->ncontrols)
		pg_buf_puts(&b, "<p class=\"muted\">The policy names no control: add "
				"<code>control = ISO27001:8.32</code> to a section.</p>");
	else
		pg_buf_puts(&b, "<table><tr><th>control</th><th>rule</th><th>defined at</th>"
				"<th>mode</th><th>releases</th><th>refusals</th><th>warnings</th>"
				"<th>exceptions</th></tr>");
	for (size_t i = 0; i < ev->ncontrols; i++) {
		const struct pg_ev_control *c = &ev->controls[i];

		for (size_t j = 0; j < c->nrules; j++) {
			const struct pg_ev_rule *r = &c->rules[j];
			struct pg_buf at = PG_BUF_INIT;

			pg_buf_printf(&at, "%s:%d", r->file, r->line);
			pg_buf_puts(&b, "<tr>");
			if (j == 0) {
				pg_buf_printf(&b, "<td rowspan=\"%zu\"><b>", c->nrules);
				text(&b, c->name);
				pg_buf_puts(&b, "</b></td>");
			}
			code_cell(&b, r->title, 0);
			code_cell(&b, at.ptr, 0);
			cell(&b, r->warn ? "warn" : "enforce");
			num_cell(&b, r->releases);
			num_cell(&b, r->rejections);
			num_cell(&b, r->warnings);
			num_cell(&b, r->exceptions);
			pg_buf_puts(&b, "</tr>");
			pg_buf_free(&at);
		}
	}
	if (ev->ncontrols)
		pg_buf_puts(&b, "</table>");

	pg_buf_puts(&b, "<h2 id=\"timeline\">Releases, and refusals by rule, per day</h2>");
	chart(&b, ev);
	if (ev->nby_rule) {
		pg_buf_puts(&b, "<table><tr><th>refused by rule</th><th>refusals</th></tr>");
		for (size_t i = 0; i < ev->nby_rule; i++) {
			pg_buf_puts(&b, "<tr>");
			code_cell(&b, ev->by_rule[i].key, 0);
			num_cell(&b, ev->by_rule[i].n);
			pg_buf_puts(&b, "</tr>");
		}
		pg_buf_puts(&b, "</table>");
	}

	pg_buf_puts(&b, "<h2 id=\"exceptions\">Exceptions: break-glass, import, secret-ok</h2>");
	entry_rows(&b, ev, NULL, 1, NULL);
	pg_buf_puts(&b, "<h2 id=\"releases\">Releases, per repository</h2>");
	releases(&b, ev);
	pg_buf_puts(&b, "<h2 id=\"pushers\">Who pushed to each protected ref</h2>");
	if (!ev->npushers)
		pg_buf_puts(&b, "<p class=\"muted\">No release in the period.</p>");
	else
		pg_buf_puts(&b, "<table><tr><th>repository</th><th>ref</th><th>pusher</th>"
				"<th>releases</th></tr>");
	for (size_t i = 0; i < ev->npushers; i++) {
		char *k = pg_xstrdup(ev->pushers[i].key), *t1 = strchr(k, '\t'), *t2;

		*t1++ = '\0';
		t2 = strchr(t1, '\t');
		*t2++ = '\0';
		pg_buf_puts(&b, "<tr>");
		cell(&b, k);
		code_cell(&b, t1, 0);
		cell(&b, t2);
		num_cell(&b, ev->pushers[i].n);
		pg_buf_puts(&b, "</tr>");
		free(k);
	}
	if (ev->npushers)
		pg_buf_puts(&b, "</table>");
	pg_buf_puts(&b, "<h2 id=\"refusals\">Refusals</h2>");
	entry_rows(&b, ev, "rejected", 0, NULL);
	pg_buf_puts(&b, "<h2 id=\"warnings\">Warnings (mode = warn)</h2>");
	entry_rows(&b, ev, "warning", 0, NULL);
	pg_buf_puts(&b, "</body></html>\n");
	fwrite(b.ptr, 1, b.len, out);
	pg_buf_free(&b);
}
