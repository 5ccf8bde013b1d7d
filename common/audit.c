#include "audit.h"
#include "logsyslog.h"
#include "error.h"
#include "pushopt.h"
#include "schedule.h"
#include "releaselog.h"
#include "replica.h"
#include "sshsig.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

const struct pg_rule *pg_audit_release_rule(const struct pg_config *cfg, const char *ref,
					    const char *repo)
{
	for (size_t i = 0; i < cfg->nrules; i++) {
		const struct pg_rule *r = &cfg->rules[i];

		if (r->release && r->kind != PG_RULE_PATH && pg_rule_applies(r, ref, repo))
			return r;
	}
	return NULL;
}

int pg_audit_ready(const struct pg_config *cfg)
{
	struct pg_sshkey key;

	if (!cfg->release_log.value)
		return 0;
	if (pg_log_writable(cfg->release_log.value) < 0)
		return -1;
	if (pg_sshkey_load_private(&key, cfg->signing_key.value) < 0)
		return -1;
	pg_sshkey_clear(&key);
	return 0;
}

/* "tag \"v*\"": the rule as the log names it (no brackets, no file). */
static char *rule_name(const struct pg_rule *r)
{
	struct pg_buf b = PG_BUF_INIT;

	if (!r)
		return NULL;
	pg_rule_title(&b, r);
	/* "[tag \"v*\"]" -> "tag \"v*\"" */
	memmove(b.ptr, b.ptr + 1, b.len - 2);
	b.len -= 2;
	b.ptr[b.len] = '\0';
	return pg_buf_detach(&b);
}

static void fill(struct pg_log_entry *e, const struct pg_audit_push *p,
		 const struct pg_update *u, const char *event)
{
	memset(e, 0, sizeof(*e));
	e->event = event;
	e->repo = p->repo;
	e->ref = u->ref;
	e->old_hex = u->old_hex;
	e->new_hex = u->new_hex;
	e->pusher = p->user;
	e->via = p->via;
	e->push_options = p->options;
	e->npush_options = p->noptions;
}

struct delivery {
	const struct pg_config *cfg;
	struct pg_buf *status;
};

/*
 * Runs while the log is still locked, so that syslog and the replica
 * receive lines in the log's own order even when two pushes append at
 * once.  The lines are safe locally by now: a problem of either is
 * reported, never fatal.
 */
static void deliver(void *ctx, const char *lines, size_t len)
{
	const struct delivery *d = ctx;
	const struct pg_config *cfg = d->cfg;
	const struct pg_replica_settings *rs = &d->cfg->replica;
	struct pg_replica_cfg rc = {
		rs->host.value, rs->port, rs->user.value, rs->key.value,
		rs->known_hosts.value, rs->path.value, 0
	};
	struct pg_buf queue = PG_BUF_INIT;

	if (cfg->syslog)
		pg_syslog_send(cfg->syslog_socket.value ? cfg->syslog_socket.value : PG_SYSLOG_SOCKET,
			       pg_syslog_facility(cfg->syslog_facility.value
							  ? cfg->syslog_facility.value : "user"),
			       lines, len, d->status);
	if (!rs->file)
		return;
	pg_buf_printf(&queue, "%s.replica-queue", d->cfg->release_log.value);
	pg_replica_deliver(&rc, queue.ptr, lines, len, d->status);
	pg_buf_free(&queue);
}

/* Sign and append; with syslog = yes and [replica], the same lines go there too. */
static int append(const struct pg_config *cfg, const struct pg_log_entry *entries, size_t n,
		  struct pg_buf *status)
{
	struct delivery d = { cfg, status };
	struct pg_sshkey key;
	int rc;

	if (!n)
		return 0;
	if (pg_sshkey_load_private(&key, cfg->signing_key.value) < 0)
		return -1;
	rc = pg_log_append_ex(cfg->release_log.value, &key, entries, n, NULL,
			      cfg->replica.file || cfg->syslog ? deliver : NULL, &d);
	pg_sshkey_clear(&key);
	return rc;
}

/* The entries of one append, and the rule names and reasons they point to. */
struct batch {
	struct pg_log_entry *entries;
	char **names;
	char **reasons;
	size_t n;
};

static void batch_init(struct batch *b, size_t cap)
{
	b->entries = pg_xcalloc(cap, sizeof(*b->entries));
	b->names = pg_xcalloc(cap, sizeof(*b->names));
	b->reasons = pg_xcalloc(cap, sizeof(*b->reasons));
	b->n = 0;
}

static struct pg_log_entry *batch_add(struct batch *b, const struct pg_audit_push *p,
				      const struct pg_update *u, const char *event,
				      const struct pg_rule *rule)
{
	struct pg_log_entry *e = &b->entries[b->n];

	fill(e, p, u, event);
	b->names[b->n] = rule_name(rule);
	e->rule = b->names[b->n];
	b->n++;
	return e;
}

/* Append the batch (nothing when empty) and free it. */
static int batch_flush(struct batch *b, const struct pg_config *cfg, struct pg_buf *status)
{
	int rc = append(cfg, b->entries, b->n, status);

	for (size_t i = 0; i < b->n; i++) {
		free(b->names[i]);
		free(b->reasons[i]);
	}
	free(b->names);
	free(b->reasons);
	free(b->entries);
	return rc;
}

int pg_audit_decisions(const struct pg_config *cfg, const struct pg_audit_push *p,
		       const struct pg_update *u, const struct pg_verdict *v, size_t n,
		       const char *whole_push, struct pg_buf *status)
{
	struct batch b;

	if (!cfg->release_log.value)
		return 0;
	batch_init(&b, n);
	for (size_t i = 0; i < n; i++) {
		const struct pg_finding *f = NULL;

		/* The first refusal, or with none the first warning, speaks for the update. */
		for (size_t j = 0; j < v[i].nfindings && !f; j++)
			if (!v[i].findings[j].warn)
				f = &v[i].findings[j];
		/* A granted break-glass is post-receive's to log, as the update it is. */
		for (size_t j = 0; j < v[i].nfindings && !f; j++)
			if (!v[i].findings[j].notice)
				f = &v[i].findings[j];
		if (whole_push && !v[i].rejected) {
			if (cfg->log_rejections)
				batch_add(&b, p, &u[i], "rejected", NULL)->reason = whole_push;
			continue;
		}
		if (!f || (v[i].rejected && !cfg->log_rejections))
			continue;
		batch_add(&b, p, &u[i], v[i].rejected ? "rejected" : "warning", f->rule)->reason =
			f->log_reason ? f->log_reason : f->reason;
	}
	return batch_flush(&b, cfg, status);
}

/*
 * post-receive: the exceptions pre-receive granted for U (decided again
 * from the same push options), as the entry's reason; NULL with none.
 */
static char *exceptions(const struct pg_config *cfg, const struct pg_audit_push *p,
			const struct pg_update *u, const struct pg_rule **rule)
{
	const char *import = pg_push_option(p->options, p->noptions, "import");
	const char *glass = pg_push_option(p->options, p->noptions, PG_BREAK_GLASS);
	const struct pg_rule *imp = NULL, *brk;
	struct pg_buf why = PG_BUF_INIT;

	/* An import brings commits; deleting a ref imports nothing. */
	if (!pg_hex_is_zero(u->new_hex))
		imp = pg_policy_exception(cfg, u->ref, p->repo, offsetof(struct pg_rule, import),
					  p->user, import);
	brk = pg_policy_exception(cfg, u->ref, p->repo, offsetof(struct pg_rule, break_glass),
				  p->user, glass);
	if (imp)
		pg_buf_printf(&why, "import: %s", import);
	if (brk)
		pg_buf_printf(&why, "%sbreak-glass: %s", imp ? "; " : "", glass);
	*rule = brk ? brk : imp;
	return why.len ? pg_buf_detach(&why) : NULL;
}

int pg_audit_updates(const struct pg_config *cfg, const struct pg_audit_push *p,
		     const struct pg_update *u, size_t n, struct pg_buf *status)
{
	struct batch b;

	if (!cfg->release_log.value)
		return 0;
	batch_init(&b, n);
	for (size_t i = 0; i < n; i++) {
		const struct pg_rule *r = pg_audit_release_rule(cfg, u[i].ref, p->repo), *granted;
		char *why = exceptions(cfg, p, &u[i], &granted);
		struct pg_log_entry *e;

		/* An exception is always logged, release = yes or not. */
		if (!why && !r)
			continue;
		e = batch_add(&b, p, &u[i], "update", granted ? granted : r);
		b.reasons[b.n - 1] = why;
		e->reason = why;
		e->push_cert = p->push_cert;
		if (p->approvals) {
			e->approvals = (const char *const *)p->approvals[i];
			e->napprovals = p->napprovals[i];
		}
	}
	return batch_flush(&b, cfg, status);
}
