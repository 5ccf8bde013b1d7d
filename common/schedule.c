#include "schedule.h"
#include "error.h"
#include "pushopt.h"
#include "window.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static int timed(const struct pg_rule *r)
{
	return r->nwindows || r->nfreezes;
}

static const char *ref_word(const struct pg_rule *r)
{
	return r->kind == PG_RULE_TAG ? "tag" : "branch";
}

/* "Mon-Fri 08:00-16:00, Sat 10:00-12:00" */
static void window_list(struct pg_buf *out, const struct pg_rule *r)
{
	for (size_t i = 0; i < r->nwindows; i++)
		pg_buf_printf(out, "%s%s", i ? ", " : "", r->windows[i].text);
}

/* "window = ... (FILE:LINE)" or "freeze = ... (FILE:LINE)": what closed it. */
static void closing_key(struct pg_buf *out, const struct pg_rule *r, const struct pg_schedule *s)
{
	if (s->frozen)
		pg_buf_printf(out, "freeze = %s (%s:%d)", s->freeze->text, r->file, s->freeze->line);
	else
		pg_buf_printf(out, "window = %s (%s:%d)", r->windows[0].text, r->file,
			      r->windows[0].line);
}

/* Why the rule is closed now: the reason line and what was found. */
static void closed_reason(struct pg_buf *out, const struct pg_rule *r, const struct pg_schedule *s)
{
	if (s->frozen)
		pg_buf_printf(out, "the %s is frozen (freeze %s)%s", ref_word(r), s->freeze->text,
			      s->outside ? " and outside its change windows" : "");
	else
		pg_buf_puts(out, "pushes are allowed only inside the change windows");
}

static void when_open(struct pg_buf *out, const char *zone, const struct pg_rule *r,
		      const struct pg_schedule *s)
{
	if (s->frozen)
		pg_buf_printf(out, "the freeze lasts through %.4ld-%.2ld-%.2ld; ",
			      s->freeze->to / 10000, s->freeze->to / 100 % 100, s->freeze->to % 100);
	if (!s->has_next) {
		pg_buf_puts(out, "no window opens in the next two years");
		return;
	}
	pg_buf_printf(out, "the %s opens again ", ref_word(r));
	pg_time_format(out, zone, s->next);
}

static void forward(struct pg_buf *out, const struct pg_rule *r)
{
	if (r->break_glass.set && !r->break_glass.nobody)
		pg_buf_printf(out, "wait; in an emergency, break_glass = %s (%s:%d) may push "
			      "with -o break-glass=REASON", r->break_glass.text, r->break_glass.file,
			      r->break_glass.line);
	else
		pg_buf_puts(out, "wait, or ask an admin");
}

static void refuse(struct pg_verdict *v, const struct pg_rule *r, const char *zone,
		   const char *when, const struct pg_schedule *s)
{
	struct pg_buf b = PG_BUF_INIT;
	struct pg_finding *f;

	closed_reason(&b, r, s);
	f = pg_verdict_add(v, r, r->mode == PG_MODE_WARN, "%s", b.ptr);
	pg_buf_reset(&b);
	pg_buf_printf(&b, "it is %s (%s)", when, zone);
	if (r->nwindows) {
		pg_buf_puts(&b, "; the windows are ");
		window_list(&b, r);
	}
	pg_finding_addf(f, "%s", b.ptr);
	pg_buf_reset(&b);
	when_open(&b, zone, r, s);
	pg_finding_addf(f, "%s", b.ptr);
	pg_buf_reset(&b);
	closing_key(&b, r, s);
	pg_buf_puts(&b, "; ");
	forward(&b, r);
	pg_finding_addf(f, "%s", b.ptr);
	pg_buf_free(&b);
}

/* The notice a granted break-glass gets: it must never pass unnoticed. */
static void notice(struct pg_verdict *v, const struct pg_request *req, const struct pg_rule *r,
		   const char *reason, const char *bypassed)
{
	struct pg_finding *f = pg_verdict_add(v, r, 1, "break-glass by %s", req->user);

	f->notice = 1;
	pg_finding_addf(f, "reason: %s", reason);
	if (bypassed)
		pg_finding_addf(f, "it bypasses: %s", bypassed);
	else
		pg_finding_addf(f, "nothing was closed: the windows and freezes allowed this push");
	pg_finding_addf(f, "break_glass = %s (%s:%d); the update is written to the release log "
			"with this reason", r->break_glass.text, r->break_glass.file,
			r->break_glass.line);
	v->break_glass = r;
}

/* A break-glass that is not granted: say why, and who may. */
static void refuse_break_glass(const struct pg_config *cfg, const struct pg_request *req,
			       const char *reason, struct pg_verdict *v)
{
	size_t off = offsetof(struct pg_rule, break_glass);
	const struct pg_rule *mine = req->user ?
		pg_policy_listed(cfg, req->ref, req->repo, off, req->user) : NULL;
	const struct pg_rule *any = pg_policy_listed(cfg, req->ref, req->repo, off, NULL);
	struct pg_finding *f;

	if (mine) {
		f = pg_verdict_add(v, mine, 0, "break-glass refused: %s", pg_reason_problem(reason));
		pg_finding_addf(f, "push again with -o break-glass=REASON, e.g. -o break-glass=\"INC-123: "
				"payment outage\"");
	} else if (any && !any->break_glass.nobody) {
		f = pg_verdict_add(v, any, 0, "%s may not use break-glass",
				   req->user ? req->user : "an unidentified pusher");
		pg_finding_addf(f, "break_glass = %s (%s:%d); only they may push with -o break-glass",
				any->break_glass.text, any->break_glass.file, any->break_glass.line);
	} else {
		f = pg_verdict_add(v, any, 0, "-o break-glass is not allowed on this ref");
		pg_finding_addf(f, "no rule for it lets anyone break the glass; an admin adds "
				"break_glass = MEMBERS to its section");
	}
}

int pg_schedule_decide(const struct pg_config *cfg, const struct pg_request *req,
		       const char *break_glass, time_t now, struct pg_verdict *v)
{
	const char *zone = pg_config_zone(cfg);
	const struct pg_rule *granted =
		pg_policy_exception(cfg, req->ref, req->repo, offsetof(struct pg_rule, break_glass),
				    req->user, break_glass);
	struct pg_buf bypassed = PG_BUF_INIT, when = PG_BUF_INIT;
	int any_timed = 0, rc = 0;

	for (size_t i = 0; i < cfg->nrules && rc == 0; i++) {
		const struct pg_rule *r = &cfg->rules[i];
		struct pg_schedule s;
		int closed, bypass;

		if (r->kind == PG_RULE_PATH || !timed(r) || !pg_rule_applies(r, req->ref, req->repo))
			continue;
		/* Read in the zone once, and only where some rule has a clock. */
		if (!any_timed)
			pg_time_format(&when, zone, now);
		any_timed = 1;
		if (pg_schedule_eval(&s, zone, r->windows, r->nwindows, r->freezes, r->nfreezes,
				     now) < 0) {
			rc = -1;
			break;
		}
		closed = s.frozen || s.outside;
		/* A rule's break_glass list bypasses that rule's windows, not another's. */
		bypass = closed && granted && req->user && r->break_glass.set &&
			 pg_members_contains(cfg, &r->break_glass, req->user);
		if (closed && !bypass)
			refuse(v, r, zone, when.ptr, &s);
		if (closed && bypass) {
			if (bypassed.len)
				pg_buf_puts(&bypassed, "; ");
			closed_reason(&bypassed, r, &s);
			pg_buf_printf(&bypassed, " at %s", when.ptr);
		}
		pg_verdict_note(v, r, !closed || bypass, "windows and freezes (%s) at %s: %s", zone,
				when.ptr, !closed ? "open" : bypass ? "closed, bypassed by break-glass" :
				r->mode == PG_MODE_WARN ? "closed; would reject (mode = warn)" :
				"closed; rejects");
	}
	if (rc == 0 && break_glass && granted)
		notice(v, req, granted, break_glass, bypassed.len ? bypassed.ptr : NULL);
	else if (rc == 0 && break_glass &&
		 (any_timed || pg_policy_listed(cfg, req->ref, req->repo,
						offsetof(struct pg_rule, break_glass), NULL)))
		refuse_break_glass(cfg, req, break_glass, v);
	pg_buf_free(&bypassed);
	pg_buf_free(&when);
	return rc;
}
