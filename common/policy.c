/*
 * Branch and tag rules.  Every rule whose pattern (and repos) match the
 * ref applies, and the update must satisfy all of them: the most
 * restrictive rule wins.  Each rule turns the kind of change into one
 * member list (push, create, force_push, delete or update, with the
 * spec's defaults) and asks whether the pusher is in it.
 */
#include "policy.h"
#include "error.h"
#include "glob.h"
#include "pathname.h"
#include "pushopt.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The member list that governs one change under one rule. */
struct governing {
	const char *key;		/* as written in the INI */
	const struct pg_members *m;	/* NULL: the default applies */
	int default_everyone;		/* the default: '*' (else 'none') */
	const char *inherited_from;	/* create falls back to push */
};

/* Words for messages, per rule kind and change. */
struct wording {
	const char *may;	/* "<user> may not %s" */
	const char *none;	/* reason when the list is 'none' */
	const char *forward_none; /* the way forward when nobody may */
	const char *forward_member; /* the way forward for a non-member */
};

static const struct wording branch_words[] = {
	[PG_CHANGE_CREATE] = { "create this branch", "creating this branch is not allowed",
			       "ask an admin", "ask an admin to add you, or push to another branch" },
	[PG_CHANGE_FASTFORWARD] = { "push to this branch", "pushing to this branch is not allowed",
				    "ask an admin", "ask an admin to add you, or push to another branch and open a pull request" },
	[PG_CHANGE_REWRITE] = { "force-push to this branch", "force-push is not allowed",
				"ask an admin, or fetch and rebase onto origin/%s",
				"ask an admin, or fetch and rebase onto origin/%s" },
	[PG_CHANGE_DELETE] = { "delete this branch", "deleting this branch is not allowed",
			       "protected branches stay; ask an admin",
			       "ask an admin" },
};

static const struct wording tag_words[] = {
	[PG_CHANGE_CREATE] = { "create this tag", "creating this tag is not allowed",
			       "ask an admin", "ask one of them to create the tag" },
	[PG_CHANGE_FASTFORWARD] = { "move this tag", "the tag is immutable: moving it is not allowed",
				    "create a new tag instead", "create a new tag instead" },
	[PG_CHANGE_REWRITE] = { "move this tag", "the tag is immutable: moving it is not allowed",
				"create a new tag instead", "create a new tag instead" },
	[PG_CHANGE_DELETE] = { "delete this tag", "deleting this tag is not allowed",
			       "release tags stay; ask an admin", "ask an admin" },
};

void pg_abbrev(char out[8], const char *hex)
{
	/* printf's "%s" of NULL is undefined; a missing id shows as zeros. */
	snprintf(out, 8, "%.7s", hex ? hex : "0000000");
}

static const char *ref_short(const struct pg_rule *r, const char *ref)
{
	const char *prefix = r->kind == PG_RULE_BRANCH ? "refs/heads/" : "refs/tags/";
	size_t n = strlen(prefix);

	return strncmp(ref, prefix, n) ? NULL : ref + n;
}

static int any_glob(char *const *globs, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (s && pg_glob_match(globs[i], s))
			return 1;
	return 0;
}

static int needs_fold(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80 || (*s >= 'A' && *s <= 'Z'))
			return 1;
	return 0;
}

/*
 * Does rule R's pattern (PATTERN: a branch or tag pattern, or one of a
 * path rule's refs globs) match REF?  Refs are files on a client too
 * (.git/refs/heads/Main), and on macOS and Windows `refs/heads/Main` is
 * `refs/heads/main`: a fetch puts one where the other was.  So unless
 * the section says `case = sensitive`, a spelling that folds to a
 * protected name is protected as that name.
 */
/* Path rules and [secrets] name refs in full (refs = refs/heads/...); the rest below their root. */
static int full_refs(const struct pg_rule *r)
{
	return r->kind == PG_RULE_PATH || r->kind == PG_RULE_SECRETS;
}

static int ref_matches(const struct pg_rule *r, const char *pattern, const char *ref)
{
	struct pg_buf fref = PG_BUF_INIT, fpat = PG_BUF_INIT;
	const char *name;
	int m;

	name = full_refs(r) ? ref : ref_short(r, ref);
	if (name && pg_glob_match(pattern, name))
		return 1;
	if (r->case_sensitive || (!needs_fold(ref) && !needs_fold(pattern)))
		return 0;
	pg_path_fold(&fref, ref, strlen(ref));
	pg_path_fold_pattern(&fpat, pattern);
	name = full_refs(r) ? fref.ptr : ref_short(r, fref.ptr);
	m = name && pg_glob_match(fpat.ptr, name);
	pg_buf_free(&fref);
	pg_buf_free(&fpat);
	return m;
}

int pg_rule_applies(const struct pg_rule *r, const char *ref, const char *repo)
{
	if (r->nrepos && !any_glob(r->repos, r->nrepos, repo))
		return 0;
	if (!full_refs(r))
		return ref_matches(r, r->pattern, ref);
	if (!r->nrefs)
		return 1;
	for (size_t i = 0; i < r->nrefs; i++)
		if (ref_matches(r, r->refs[i], ref))
			return 1;
	return 0;
}

int pg_policy_protects(const struct pg_config *cfg, const char *ref, const char *repo)
{
	for (size_t i = 0; i < cfg->nrules; i++)
		if (cfg->rules[i].kind != PG_RULE_PATH &&
		    pg_rule_applies(&cfg->rules[i], ref, repo))
			return 1;
	return 0;
}

const struct pg_rule *pg_policy_listed(const struct pg_config *cfg, const char *ref,
				       const char *repo, size_t list, const char *user)
{
	for (size_t i = 0; i < cfg->nrules; i++) {
		const struct pg_rule *r = &cfg->rules[i];
		const struct pg_members *m = (const struct pg_members *)((const char *)r + list);

		if (r->kind == PG_RULE_PATH || !m->set || !pg_rule_applies(r, ref, repo))
			continue;
		if (!user || pg_members_contains(cfg, m, user))
			return r;
	}
	return NULL;
}

const struct pg_rule *pg_policy_exception(const struct pg_config *cfg, const char *ref,
					  const char *repo, size_t list, const char *user,
					  const char *reason)
{
	if (!reason || !user || pg_reason_problem(reason))
		return NULL;
	return pg_policy_listed(cfg, ref, repo, list, user);
}

static struct governing governing_list(const struct pg_rule *r, enum pg_change c)
{
	struct governing g = { NULL, NULL, 0, NULL };

	switch (c) {
	case PG_CHANGE_CREATE:
		g.key = "create";
		if (r->create.set) {
			g.m = &r->create;
		} else if (r->kind == PG_RULE_BRANCH && r->push.set) {
			g.m = &r->push;
			g.inherited_from = "push";
		} else {
			g.default_everyone = 1;
		}
		break;
	case PG_CHANGE_FASTFORWARD:
	case PG_CHANGE_REWRITE:
		if (r->kind == PG_RULE_TAG) {
			g.key = "update";
			g.m = r->update.set ? &r->update : NULL;
		} else if (c == PG_CHANGE_FASTFORWARD) {
			g.key = "push";
			g.m = r->push.set ? &r->push : NULL;
			g.default_everyone = 1;
		} else {
			g.key = "force_push";
			g.m = r->force_push.set ? &r->force_push : NULL;
		}
		break;
	case PG_CHANGE_DELETE:
		g.key = "delete";
		g.m = r->del.set ? &r->del : NULL;
		break;
	}
	return g;
}

/* "force_push = none (default)" or "push = @maintainers (FILE:LINE)" */
static void describe_list(struct pg_buf *out, const struct governing *g)
{
	if (!g->m)
		pg_buf_printf(out, "%s = %s (default)", g->key, g->default_everyone ? "*" : "none");
	else if (g->inherited_from)
		pg_buf_printf(out, "%s = %s (from %s at %s:%d)", g->key, g->m->text,
			      g->inherited_from, g->m->file, g->m->line);
	else
		pg_buf_printf(out, "%s = %s (%s:%d)", g->key, g->m->text, g->m->file, g->m->line);
}

static void what_was_found(struct pg_finding *f, const struct pg_rule *r,
			   const struct pg_request *req)
{
	char o[8], n[8];

	pg_abbrev(o, req->old_hex);
	pg_abbrev(n, req->new_hex);
	switch (req->change) {
	case PG_CHANGE_CREATE:
		pg_finding_addf(f, "the push creates it at %s", n);
		break;
	case PG_CHANGE_FASTFORWARD:
	case PG_CHANGE_REWRITE:
		/* Any move of a tag is an update; only branches care about ancestry. */
		if (r->kind == PG_RULE_TAG)
			pg_finding_addf(f, "the tag is at %s; the push moves it to %s", o, n);
		else if (req->change == PG_CHANGE_FASTFORWARD)
			pg_finding_addf(f, "the push moves it from %s to %s", o, n);
		else
			pg_finding_addf(f, "%s is not a descendant of %s, the current tip", n, o);
		break;
	case PG_CHANGE_DELETE:
		pg_finding_addf(f, "the push deletes it; it was at %s", o);
		break;
	}
}

static void decide_rule(const struct pg_config *cfg, const struct pg_rule *r,
			const struct pg_request *req, struct pg_verdict *v)
{
	const struct wording *w = &(r->kind == PG_RULE_BRANCH ? branch_words : tag_words)[req->change];
	struct governing g = governing_list(r, req->change);
	int nobody = g.m ? g.m->nobody : !g.default_everyone;
	int everyone = g.m ? g.m->everyone : g.default_everyone;
	struct pg_buf list = PG_BUF_INIT, fwd = PG_BUF_INIT;
	struct pg_finding *f;
	/* A spelling that folds to the rule's ref (refs/Heads/main) has no short name of its own. */
	const char *name = ref_short(r, req->ref) ? ref_short(r, req->ref) : req->ref;
	int warn = r->mode == PG_MODE_WARN;
	int ok;

	describe_list(&list, &g);

	if (nobody) {
		ok = 0;
		f = pg_verdict_add(v, r, warn, "%s", w->none);
		what_was_found(f, r, req);
		pg_buf_printf(&fwd, w->forward_none, name);
	} else if (!req->user) {
		ok = 0;
		f = pg_verdict_add(v, r, warn, "the pusher is not identified");
		pg_finding_addf(f, "%s", req->no_user_why ? req->no_user_why : "no identity source answered");
		pg_buf_puts(&fwd, "an admin must set [core] identity to a source this server provides");
	} else if (everyone || pg_members_contains(cfg, g.m, req->user)) {
		ok = 1;
		f = NULL;
	} else {
		ok = 0;
		f = pg_verdict_add(v, r, warn, "%s may not %s", req->user, w->may);
		/* What the push does tells a pusher why it counts as, say, a force-push. */
		what_was_found(f, r, req);
		pg_finding_addf(f, "pusher %s (via %s) is not in %s", req->user,
				req->via ? req->via : "?", g.m->text);
		pg_buf_printf(&fwd, w->forward_member, name);
	}
	if (f)
		pg_finding_addf(f, "%s; %s", list.ptr, fwd.ptr);

	pg_verdict_note(v, r, ok, "%s: %s", list.ptr,
			ok ? "allowed" : warn ? "would reject (mode = warn)" : "rejects");
	pg_buf_free(&list);
	pg_buf_free(&fwd);
}

/*
 * require_pr: a branch that moves only by Gitea merging a pull request.
 * Creating and deleting it are the create and delete lists' business.
 */
static void decide_require_pr(const struct pg_rule *r, const struct pg_request *req,
			      struct pg_verdict *v)
{
	const char *name = ref_short(r, req->ref) ? ref_short(r, req->ref) : req->ref;
	int warn = r->mode == PG_MODE_WARN;
	struct pg_finding *f;

	if (!r->require_pr || req->change == PG_CHANGE_CREATE || req->change == PG_CHANGE_DELETE)
		return;
	if (req->pr_id) {
		pg_verdict_note(v, r, 1, "require_pr = yes: a merge of pull request %s: allowed",
				req->pr_id);
		return;
	}
	f = pg_verdict_add(v, r, warn, "%s is updated only by merging a pull request", name);
	pg_finding_addf(f, "this push is not a Gitea pull-request merge (GITEA_PR_ID is not set, "
			"or 0, or the pusher was not identified through Gitea)");
	pg_finding_addf(f, "require_pr = yes (%s:%d); push your commits to another branch, "
			"open a pull request in Gitea and merge it there", r->file, r->require_pr_line);
	pg_verdict_note(v, r, 0, "require_pr = yes: not a pull-request merge: %s",
			warn ? "would reject (mode = warn)" : "rejects");
}

void pg_verdict_note(struct pg_verdict *v, const struct pg_rule *rule, int ok,
		     const char *what_fmt, ...)
{
	struct pg_buf what = PG_BUF_INIT;
	struct pg_applied *a;
	va_list ap;

	va_start(ap, what_fmt);
	pg_buf_vprintf(&what, what_fmt, ap);
	va_end(ap);
	v->applied = pg_xrealloc(v->applied, (v->napplied + 1) * sizeof(*v->applied));
	a = &v->applied[v->napplied++];
	a->rule = rule;
	a->ok = ok;
	a->what = pg_buf_detach(&what);
}

void pg_policy_decide(const struct pg_config *cfg, const struct pg_request *req,
		      struct pg_verdict *v)
{
	for (size_t i = 0; i < cfg->nrules; i++) {
		const struct pg_rule *r = &cfg->rules[i];

		if (r->kind == PG_RULE_PATH || !pg_rule_applies(r, req->ref, req->repo))
			continue;
		v->protected = 1;
		decide_rule(cfg, r, req, v);
		decide_require_pr(r, req, v);
	}
}

struct pg_finding *pg_verdict_add(struct pg_verdict *v, const struct pg_rule *rule,
				  int warn, const char *reason_fmt, ...)
{
	struct pg_finding *f;
	struct pg_buf reason = PG_BUF_INIT;
	va_list ap;

	va_start(ap, reason_fmt);
	pg_buf_vprintf(&reason, reason_fmt, ap);
	va_end(ap);

	v->findings = pg_xrealloc(v->findings, (v->nfindings + 1) * sizeof(*v->findings));
	f = &v->findings[v->nfindings++];
	memset(f, 0, sizeof(*f));
	f->rule = rule;
	f->warn = warn;
	f->reason = pg_buf_detach(&reason);
	if (!warn)
		v->rejected = 1;
	return f;
}

void pg_finding_addf(struct pg_finding *f, const char *fmt, ...)
{
	struct pg_buf line = PG_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	pg_buf_vprintf(&line, fmt, ap);
	va_end(ap);

	f->lines = pg_xrealloc(f->lines, (f->nlines + 1) * sizeof(*f->lines));
	f->lines[f->nlines++] = pg_buf_detach(&line);
}

void pg_verdict_clear(struct pg_verdict *v)
{
	for (size_t i = 0; i < v->nfindings; i++) {
		for (size_t j = 0; j < v->findings[i].nlines; j++)
			free(v->findings[i].lines[j]);
		free(v->findings[i].lines);
		free(v->findings[i].reason);
		free(v->findings[i].log_reason);
	}
	free(v->findings);
	for (size_t i = 0; i < v->napplied; i++)
		free(v->applied[i].what);
	free(v->applied);
	memset(v, 0, sizeof(*v));
}
