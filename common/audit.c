#include "audit.h"
#include "error.h"
#include "releaselog.h"
#include "replica.h"
#include "sshsig.h"

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
 * Runs while the log is still locked, so that the replica receives lines
 * in the log's own order even when two pushes append at once.  The lines
 * are safe locally by now: a replica problem is reported, never fatal.
 */
static void deliver(void *ctx, const char *lines, size_t len)
{
	const struct delivery *d = ctx;
	const struct pg_replica_settings *rs = &d->cfg->replica;
	struct pg_replica_cfg rc = {
		rs->host.value, rs->port, rs->user.value, rs->key.value,
		rs->known_hosts.value, rs->path.value, 0
	};
	struct pg_buf queue = PG_BUF_INIT;

	pg_buf_printf(&queue, "%s.replica-queue", d->cfg->release_log.value);
	pg_replica_deliver(&rc, queue.ptr, lines, len, d->status);
	pg_buf_free(&queue);
}

/* Sign and append; with [replica], the same lines go off-host. */
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
			      cfg->replica.file ? deliver : NULL, &d);
	pg_sshkey_clear(&key);
	return rc;
}

int pg_audit_decisions(const struct pg_config *cfg, const struct pg_audit_push *p,
		       const struct pg_update *u, const struct pg_verdict *v, size_t n,
		       struct pg_buf *status)
{
	struct pg_log_entry *entries;
	char **names;
	size_t k = 0;
	int rc;

	if (!cfg->release_log.value)
		return 0;
	entries = pg_xcalloc(n, sizeof(*entries));
	names = pg_xcalloc(n, sizeof(*names));
	for (size_t i = 0; i < n; i++) {
		const struct pg_finding *f = NULL;

		/* The first refusal, or with none the first warning, speaks for the update. */
		for (size_t j = 0; j < v[i].nfindings && !f; j++)
			if (!v[i].findings[j].warn)
				f = &v[i].findings[j];
		if (!f && v[i].nfindings)
			f = &v[i].findings[0];
		if (!f || (v[i].rejected && !cfg->log_rejections))
			continue;
		fill(&entries[k], p, &u[i], v[i].rejected ? "rejected" : "warning");
		names[k] = rule_name(f->rule);
		entries[k].rule = names[k];
		entries[k].reason = f->reason;
		k++;
	}
	rc = append(cfg, entries, k, status);
	for (size_t i = 0; i < k; i++)
		free(names[i]);
	free(names);
	free(entries);
	return rc;
}

int pg_audit_updates(const struct pg_config *cfg, const struct pg_audit_push *p,
		     const struct pg_update *u, size_t n, struct pg_buf *status)
{
	struct pg_log_entry *entries;
	char **names;
	size_t k = 0;
	int rc;

	if (!cfg->release_log.value)
		return 0;
	entries = pg_xcalloc(n, sizeof(*entries));
	names = pg_xcalloc(n, sizeof(*names));
	for (size_t i = 0; i < n; i++) {
		const struct pg_rule *r = pg_audit_release_rule(cfg, u[i].ref, p->repo);

		if (!r)
			continue;
		fill(&entries[k], p, &u[i], "update");
		names[k] = rule_name(r);
		entries[k].rule = names[k];
		k++;
	}
	rc = append(cfg, entries, k, status);
	for (size_t i = 0; i < k; i++)
		free(names[i]);
	free(names);
	free(entries);
	return rc;
}
