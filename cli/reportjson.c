/* pushgate report --format json: the evidence for other tools. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "buf.h"
#include "evidence.h"
#include "json.h"

static void key(struct pg_buf *b, const char *k, int first)
{
	pg_buf_printf(b, "%s\"%s\":", first ? "" : ",", k);
}

static void str(struct pg_buf *b, const char *k, const char *v, int first)
{
	key(b, k, first);
	pg_json_put_cstring(b, v);
}

static void num(struct pg_buf *b, const char *k, size_t v, int first)
{
	key(b, k, first);
	pg_buf_printf(b, "%zu", v);
}

/* A share as a fraction with four decimals, or null when there is nothing to share. */
static void share(struct pg_buf *b, const char *k, size_t part, size_t whole)
{
	key(b, k, 0);
	if (whole)
		pg_buf_printf(b, "%.4f", (double)part / (double)whole);
	else
		pg_buf_puts(b, "null");
}

static void entry(struct pg_buf *b, const struct pg_ev_entry *e)
{
	pg_buf_printf(b, "{\"seq\":%lld", e->seq);
	str(b, "time", e->time, 0);
	str(b, "event", e->event, 0);
	str(b, "repo", e->repo, 0);
	str(b, "ref", e->ref, 0);
	str(b, "old", e->old_hex, 0);
	str(b, "new", e->new_hex, 0);
	str(b, "pusher", e->pusher, 0);
	str(b, "via", e->via, 0);
	str(b, "rule", e->rule, 0);
	str(b, "reason", e->reason, 0);
	key(b, "approvals", 0);
	pg_buf_putc(b, '[');
	for (size_t i = 0; i < e->napprovals; i++) {
		if (i)
			pg_buf_putc(b, ',');
		pg_json_put_cstring(b, e->approvals[i]);
	}
	pg_buf_putc(b, ']');
	str(b, "push_cert", e->push_cert, 0);
	pg_buf_puts(b, e->exception ? ",\"exception\":true}" : ",\"exception\":false}");
}

/* The entries of event EVENT (NULL: exceptions). */
static void entries(struct pg_buf *b, const char *k, const struct pg_evidence *ev,
		    const char *event)
{
	int first = 1;

	key(b, k, 0);
	pg_buf_putc(b, '[');
	for (size_t i = 0; i < ev->nentries; i++) {
		const struct pg_ev_entry *e = &ev->entries[i];

		if (event ? strcmp(e->event, event) != 0 : !e->exception)
			continue;
		if (!first)
			pg_buf_putc(b, ',');
		first = 0;
		entry(b, e);
	}
	pg_buf_putc(b, ']');
}

void pg_report_json(FILE *out, const struct pg_evidence *ev, const struct pg_report_meta *m)
{
	struct pg_buf b = PG_BUF_INIT;

	pg_buf_puts(&b, "{");
	str(&b, "generated", m->generated, 1);
	str(&b, "config", m->config_path, 0);
	str(&b, "log", ev->log_path, 0);
	pg_buf_puts(&b, ",\"period\":{");
	str(&b, "since", ev->since[0] ? ev->since : NULL, 1);
	str(&b, "until", ev->until[0] ? ev->until : NULL, 0);
	pg_buf_puts(&b, "},\"verification\":{");
	key(&b, "intact", 1);
	pg_buf_puts(&b, ev->verified ? "true" : "false");
	num(&b, "entries", ev->log_entries, 0);
	str(&b, "head", ev->head, 0);
	key(&b, "bad_seq", 0);
	if (ev->verified || ev->bad_seq < 0)
		pg_buf_puts(&b, "null");
	else
		pg_buf_printf(&b, "%ld", ev->bad_seq);
	str(&b, "why", ev->verify_why, 0);
	pg_buf_puts(&b, "}");
	pg_buf_puts(&b, ev->verified ? ",\"unverified\":false" : ",\"unverified\":true");
	pg_buf_puts(&b, ",\"totals\":{");
	num(&b, "entries", ev->nentries, 1);
	num(&b, "releases", ev->releases, 0);
	num(&b, "rejections", ev->rejections, 0);
	num(&b, "warnings", ev->warnings, 0);
	num(&b, "exceptions", ev->exceptions, 0);
	num(&b, "recovered", ev->recovered, 0);
	num(&b, "signed_pushes", ev->signed_pushes, 0);
	num(&b, "approved_releases", ev->approved, 0);
	num(&b, "releases_requiring_signed_commits", ev->signed_commits_rule, 0);
	pg_buf_puts(&b, "},\"metrics\":{");
	key(&b, "releases", 1);
	pg_buf_printf(&b, "%zu", ev->releases);
	share(&b, "signed_push_share", ev->signed_pushes, ev->releases);
	share(&b, "approved_share", ev->approved, ev->releases);
	share(&b, "signed_commit_share", ev->signed_commits_rule, ev->releases);
	share(&b, "exception_share", ev->exceptions, ev->releases + ev->warnings);
	share(&b, "refusal_share", ev->rejections, ev->releases + ev->rejections + ev->warnings);
	pg_buf_puts(&b, "},\"controls\":[");
	for (size_t i = 0; i < ev->ncontrols; i++) {
		const struct pg_ev_control *c = &ev->controls[i];

		pg_buf_puts(&b, i ? ",{" : "{");
		str(&b, "control", c->name, 1);
		pg_buf_puts(&b, ",\"rules\":[");
		for (size_t j = 0; j < c->nrules; j++) {
			const struct pg_ev_rule *r = &c->rules[j];

			pg_buf_puts(&b, j ? ",{" : "{");
			str(&b, "rule", r->title, 1);
			str(&b, "file", r->file, 0);
			num(&b, "line", (size_t)r->line, 0);
			str(&b, "mode", r->warn ? "warn" : "enforce", 0);
			num(&b, "releases", r->releases, 0);
			num(&b, "rejections", r->rejections, 0);
			num(&b, "warnings", r->warnings, 0);
			num(&b, "exceptions", r->exceptions, 0);
			pg_buf_putc(&b, '}');
		}
		pg_buf_puts(&b, "]}");
	}
	pg_buf_puts(&b, "],\"rejections_by_rule\":[");
	for (size_t i = 0; i < ev->nby_rule; i++) {
		pg_buf_puts(&b, i ? ",{" : "{");
		str(&b, "rule", ev->by_rule[i].key, 1);
		num(&b, "count", ev->by_rule[i].n, 0);
		pg_buf_putc(&b, '}');
	}
	pg_buf_puts(&b, "],\"days\":[");
	for (size_t i = 0; i < ev->ndays; i++) {
		pg_buf_puts(&b, i ? ",{" : "{");
		str(&b, "day", ev->days[i].day, 1);
		num(&b, "releases", ev->days[i].releases, 0);
		num(&b, "rejections", ev->days[i].rejections, 0);
		num(&b, "exceptions", ev->days[i].exceptions, 0);
		pg_buf_putc(&b, '}');
	}
	pg_buf_puts(&b, "],\"pushers\":[");
	for (size_t i = 0; i < ev->npushers; i++) {
		char *k = ev->pushers[i].key, *t1 = strchr(k, '\t'), *t2 = strchr(t1 + 1, '\t');

		pg_buf_puts(&b, i ? ",{" : "{");
		key(&b, "repo", 1);
		pg_json_put_string(&b, k, (size_t)(t1 - k));
		key(&b, "ref", 0);
		pg_json_put_string(&b, t1 + 1, (size_t)(t2 - t1 - 1));
		str(&b, "pusher", t2 + 1, 0);
		num(&b, "updates", ev->pushers[i].n, 0);
		pg_buf_putc(&b, '}');
	}
	pg_buf_putc(&b, ']');
	entries(&b, "releases", ev, "update");
	entries(&b, "exceptions", ev, NULL);
	entries(&b, "rejections", ev, "rejected");
	entries(&b, "warnings", ev, "warning");
	pg_buf_puts(&b, "}\n");
	fwrite(b.ptr, 1, b.len, out);
	pg_buf_free(&b);
}
