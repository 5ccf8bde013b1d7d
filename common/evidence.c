/* Audit evidence: the verified release log of a period beside the policy's controls. */
#include "evidence.h"
#include "error.h"
#include "releaselog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_or_null(const char *s)
{
	return s ? pg_xstrdup(s) : NULL;
}

/* "[branch \"main\"]" -> "branch \"main\"", as the log names rules. */
static char *rule_title(const struct pg_rule *r)
{
	struct pg_buf b = PG_BUF_INIT;

	pg_rule_title(&b, r);
	memmove(b.ptr, b.ptr + 1, b.len - 2);
	b.len -= 2;
	b.ptr[b.len] = '\0';
	return pg_buf_detach(&b);
}

static struct pg_ev_control *control_get(struct pg_evidence *ev, const char *name)
{
	size_t i;

	for (i = 0; i < ev->ncontrols; i++)
		if (!strcmp(ev->controls[i].name, name))
			return &ev->controls[i];
	ev->controls = pg_xrealloc(ev->controls, (i + 1) * sizeof(*ev->controls));
	memset(&ev->controls[i], 0, sizeof(ev->controls[i]));
	ev->controls[i].name = pg_xstrdup(name);
	ev->ncontrols++;
	return &ev->controls[i];
}

static void control_add(struct pg_evidence *ev, const struct pg_rule *r, char *title)
{
	struct pg_ev_control *c = control_get(ev, r->control);
	struct pg_ev_rule *er;

	c->rules = pg_xrealloc(c->rules, (c->nrules + 1) * sizeof(*c->rules));
	er = &c->rules[c->nrules++];
	memset(er, 0, sizeof(*er));
	er->title = title;
	er->file = r->file;
	er->line = r->line;
	er->warn = r->mode == PG_MODE_WARN;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct pg_ev_control *)a)->name,
		      ((const struct pg_ev_control *)b)->name);
}

static void gather_controls(struct pg_evidence *ev, const struct pg_config *cfg)
{
	for (size_t i = 0; i < cfg->nrules; i++)
		if (cfg->rules[i].control)
			control_add(ev, &cfg->rules[i], rule_title(&cfg->rules[i]));
	if (cfg->secrets && cfg->secrets->rule.control)
		control_add(ev, &cfg->secrets->rule, pg_xstrdup("secrets"));
	if (ev->ncontrols)
		qsort(ev->controls, ev->ncontrols, sizeof(*ev->controls), by_name);
}

static void count(struct pg_ev_count **list, size_t *n, const char *key)
{
	for (size_t i = 0; i < *n; i++) {
		if (!strcmp((*list)[i].key, key)) {
			(*list)[i].n++;
			return;
		}
	}
	*list = pg_xrealloc(*list, (*n + 1) * sizeof(**list));
	(*list)[*n].key = pg_xstrdup(key);
	(*list)[*n].n = 1;
	(*n)++;
}

static int most_first(const void *a, const void *b)
{
	const struct pg_ev_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->key, y->key);
}

static struct pg_ev_day *day_get(struct pg_evidence *ev, const char *time)
{
	size_t i = ev->ndays;

	/* The log is in time order, so the day is the last one or a new one. */
	if (i && !strncmp(ev->days[i - 1].day, time, 10))
		return &ev->days[i - 1];
	ev->days = pg_xrealloc(ev->days, (i + 1) * sizeof(*ev->days));
	memset(&ev->days[i], 0, sizeof(ev->days[i]));
	memcpy(ev->days[i].day, time, 10);
	ev->ndays++;
	return &ev->days[i];
}

/* The reason shows an exception the pusher asked for and was granted. */
static int is_exception(const char *reason)
{
	return reason && (strstr(reason, "break-glass: ") || strstr(reason, "import: ") ||
			  strstr(reason, "secret-ok: "));
}

/* Tally E for the controls whose rules it names. */
static void charge_rules(struct pg_evidence *ev, const struct pg_ev_entry *e)
{
	for (size_t i = 0; e->rule && i < ev->ncontrols; i++) {
		for (size_t j = 0; j < ev->controls[i].nrules; j++) {
			struct pg_ev_rule *r = &ev->controls[i].rules[j];

			if (strcmp(r->title, e->rule))
				continue;
			if (!strcmp(e->event, "update"))
				r->releases++;
			else if (!strcmp(e->event, "rejected"))
				r->rejections++;
			else if (!strcmp(e->event, "warning"))
				r->warnings++;
			r->exceptions += (size_t)e->exception;
		}
	}
}

/* Does a section named TITLE (as the log names it) require signed commits? */
static int requires_signed(const struct pg_config *cfg, const char *title)
{
	int found = 0;

	for (size_t i = 0; title && i < cfg->nrules && !found; i++) {
		char *t;

		if (cfg->rules[i].kind != PG_RULE_BRANCH || !cfg->rules[i].require_signed.set)
			continue;
		t = rule_title(&cfg->rules[i]);
		found = !strcmp(t, title) && (cfg->rules[i].require_signed.any ||
					      cfg->rules[i].require_signed.by.set);
		free(t);
	}
	return found;
}

static void take(struct pg_evidence *ev, const struct pg_config *cfg,
		 const struct pg_log_record *rec)
{
	struct pg_ev_entry *e;
	struct pg_ev_day *d;
	struct pg_buf key = PG_BUF_INIT;

	ev->entries = pg_xrealloc(ev->entries, (ev->nentries + 1) * sizeof(*ev->entries));
	e = &ev->entries[ev->nentries++];
	memset(e, 0, sizeof(*e));
	e->seq = rec->seq;
	e->time = pg_xstrdup(rec->time);
	e->event = pg_xstrdup(rec->event);
	e->repo = dup_or_null(rec->repo);
	e->ref = dup_or_null(rec->ref);
	e->old_hex = dup_or_null(rec->old_hex);
	e->new_hex = dup_or_null(rec->new_hex);
	e->pusher = dup_or_null(rec->pusher);
	e->via = dup_or_null(rec->via);
	e->rule = dup_or_null(rec->rule);
	e->reason = dup_or_null(rec->reason);
	e->push_cert = dup_or_null(rec->push_cert);
	if (rec->napprovals) {
		e->approvals = pg_xcalloc(rec->napprovals, sizeof(*e->approvals));
		for (size_t i = 0; i < rec->napprovals; i++)
			e->approvals[i] = pg_xstrdup(rec->approvals[i]);
		e->napprovals = rec->napprovals;
	}
	e->exception = is_exception(e->reason);

	d = day_get(ev, e->time);
	ev->exceptions += (size_t)e->exception;
	d->exceptions += (size_t)e->exception;
	if (!strcmp(e->event, "update")) {
		ev->releases++;
		d->releases++;
		ev->signed_pushes += e->push_cert != NULL;
		ev->approved += e->napprovals > 0;
		ev->signed_commits_rule += (size_t)requires_signed(cfg, e->rule);
		pg_buf_printf(&key, "%s\t%s\t%s", e->repo, e->ref, e->pusher ? e->pusher : "-");
		count(&ev->pushers, &ev->npushers, key.ptr);
	} else if (!strcmp(e->event, "rejected")) {
		ev->rejections++;
		d->rejections++;
		count(&ev->by_rule, &ev->nby_rule, e->rule ? e->rule : "(no rule)");
	} else if (!strcmp(e->event, "warning")) {
		ev->warnings++;
	} else {
		ev->recovered++;
	}
	charge_rules(ev, e);
	pg_buf_free(&key);
}

static int in_period(const struct pg_evidence *ev, const char *time)
{
	return (!ev->since[0] || strcmp(time, ev->since) >= 0) &&
	       (!ev->until[0] || strcmp(time, ev->until) < 0);
}

int pg_evidence_collect(struct pg_evidence *ev, const struct pg_config *cfg, const char *log,
			const struct pg_signers *signers, const char *since, const char *until)
{
	struct pg_log_record rec = PG_LOG_RECORD_INIT;
	struct pg_log_report r;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc;
	FILE *f;

	memset(ev, 0, sizeof(*ev));
	snprintf(ev->since, sizeof(ev->since), "%s", since ? since : "");
	snprintf(ev->until, sizeof(ev->until), "%s", until ? until : "");
	ev->log_path = log;
	gather_controls(ev, cfg);
	rc = pg_log_verify(log, signers, &r);
	if (rc < 0) {
		pg_log_report_free(&r);
		return -1;
	}
	ev->verified = rc == 0;
	ev->log_entries = r.entries;
	memcpy(ev->head, r.head, sizeof(ev->head));
	ev->bad_seq = r.bad_seq;
	ev->verify_why = r.why ? pg_xstrdup(r.why) : NULL;
	pg_log_report_free(&r);

	f = fopen(log, "re");
	if (!f) {
		pg_error_set("%s: %s", log, strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		size_t len = (size_t)n;

		if (line[len - 1] != '\n')
			break;		/* torn: verify has said so */
		if (pg_log_parse_line(&rec, line, len - 1) < 0 || !in_period(ev, rec.time))
			continue;
		take(ev, cfg, &rec);
	}
	rc = ferror(f) ? -1 : 0;
	if (rc < 0)
		pg_error_set("%s: cannot read: %s", log, strerror(errno ? errno : EIO));
	fclose(f);
	free(line);
	pg_log_record_free(&rec);
	if (ev->nby_rule)
		qsort(ev->by_rule, ev->nby_rule, sizeof(*ev->by_rule), most_first);
	if (ev->npushers)
		qsort(ev->pushers, ev->npushers, sizeof(*ev->pushers), most_first);
	return rc;
}

static void free_counts(struct pg_ev_count *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(c[i].key);
	free(c);
}

void pg_evidence_free(struct pg_evidence *ev)
{
	for (size_t i = 0; i < ev->nentries; i++) {
		struct pg_ev_entry *e = &ev->entries[i];

		free(e->time);
		free(e->event);
		free(e->repo);
		free(e->ref);
		free(e->old_hex);
		free(e->new_hex);
		free(e->pusher);
		free(e->via);
		free(e->rule);
		free(e->reason);
		free(e->push_cert);
		for (size_t j = 0; j < e->napprovals; j++)
			free(e->approvals[j]);
		free(e->approvals);
	}
	free(ev->entries);
	for (size_t i = 0; i < ev->ncontrols; i++) {
		for (size_t j = 0; j < ev->controls[i].nrules; j++)
			free(ev->controls[i].rules[j].title);
		free(ev->controls[i].rules);
		free(ev->controls[i].name);
	}
	free(ev->controls);
	free_counts(ev->by_rule, ev->nby_rule);
	free_counts(ev->pushers, ev->npushers);
	free(ev->days);
	free(ev->verify_why);
	memset(ev, 0, sizeof(*ev));
}
