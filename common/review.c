/* approvals = N at push time: which commit was approved, by whom, and what is missing. */
#include "review.h"
#include "approval.h"
#include "error.h"
#include "sigcheck.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CANDIDATES_SHOWN 8

/* One evaluation: the approvals of one commit, sorted into counted and not. */
struct tally {
	git_oid of;			/* the commit whose approvals count */
	int via_merge;			/* the tip merges it cleanly */
	struct pg_approvals a;
	size_t *counted;		/* indexes into a.list */
	size_t ncounted;
	struct pg_buf skipped;		/* "dave (the pusher)\n..." */
	git_commit *authored[2];	/* whose authors may not approve */
	size_t nauthored;
};

/* 1 when the comma-separated LIST holds ITEM (ICASE: ignoring case). */
static int list_has(const char *list, const char *item, int icase)
{
	size_t n = strlen(item);

	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, ",");

		if (len == n && (icase ? !strncasecmp(p, item, n) : !strncmp(p, item, n)))
			return 1;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

/*
 * Is the approval AP by the author of one of the commits AUTHORED (its
 * author email among AP's principals, or the key that signed it AP's)?
 */
static int by_author(const struct pg_review_checks *c, const struct pg_approval *ap,
		     git_commit *const *authored, size_t nauthored)
{
	for (size_t i = 0; i < nauthored; i++) {
		const git_signature *who = git_commit_author(authored[i]);
		struct pg_buf why = PG_BUF_INIT;
		const char *signer = NULL;
		int rc;

		if (who && who->email && *who->email && list_has(ap->principals, who->email, 1))
			return 1;
		rc = pg_sigcheck_commit(c->repo, authored[i], c->now, c->cfg->allowed, &signer, &why);
		pg_buf_free(&why);
		if (rc == 0 && signer && list_has(signer, ap->who, 0))
			return 1;
	}
	return 0;
}

/* Why AP does not count for rule R, or NULL when it does. */
static const char *not_counted(const struct pg_review_checks *c, const struct pg_rule *r,
			       const struct pg_approval *ap, git_commit *const *authored,
			       size_t nauthored)
{
	if (c->user && (!strcmp(ap->who, c->user) || list_has(ap->principals, c->user, 0)))
		return "the pusher";
	if (by_author(c, ap, authored, nauthored))
		return "the author";
	if (r->approvers.set && !pg_members_contains(c->cfg, &r->approvers, ap->who))
		return "not in approvers";
	return NULL;
}

static void tally_clear(struct tally *t)
{
	for (size_t i = 0; i < t->nauthored; i++)
		git_commit_free(t->authored[i]);
	pg_approvals_clear(&t->a);
	free(t->counted);
	pg_buf_free(&t->skipped);
	memset(t, 0, sizeof(*t));
}

/* Read and sort the approvals of OF, authored by AUTHORED[0..N). */
static int tally_take(struct tally *t, const struct pg_review_checks *c, const struct pg_rule *r,
		      const git_oid *of, git_commit *const *authored, size_t nauthored)
{
	memset(t, 0, sizeof(*t));
	git_oid_cpy(&t->of, of);
	for (size_t i = 0; i < nauthored && i < 2; i++)
		if (git_commit_dup(&t->authored[t->nauthored], authored[i]) == 0)
			t->nauthored++;
	if (pg_approvals_read(&t->a, c->repo, c->notes, of, c->cfg->allowed, c->now) < 0)
		return -1;
	t->counted = pg_xcalloc(t->a.n ? t->a.n : 1, sizeof(*t->counted));
	for (size_t i = 0; i < t->a.n; i++) {
		const struct pg_approval *ap = &t->a.list[i];
		const char *why = not_counted(c, r, ap, authored, nauthored);
		int dup = 0;

		for (size_t j = 0; j < t->ncounted && !dup; j++)
			dup = !strcmp(t->a.list[t->counted[j]].who, ap->who);
		if (dup)
			continue;	/* distinct people, not keys */
		if (why) {
			pg_buf_printf(&t->skipped, "%s (%s)\n", ap->who, why);
			continue;
		}
		t->counted[t->ncounted++] = i;
	}
	/* By name, so that messages and log entries do not depend on note order. */
	for (size_t i = 1; i < t->ncounted; i++)
		for (size_t j = i; j > 0 && strcmp(t->a.list[t->counted[j - 1]].who,
						   t->a.list[t->counted[j]].who) > 0; j--) {
			size_t k = t->counted[j];

			t->counted[j] = t->counted[j - 1];
			t->counted[j - 1] = k;
		}
	for (size_t i = 0; i < t->a.nbad; i++)
		pg_buf_printf(&t->skipped, "%s\n", t->a.bad[i]);
	return 0;
}

/*
 * Is TIP a two-parent merge of a commit already on the ref (OLD or one of
 * its ancestors) and another, *OTHER, whose clean merge is exactly TIP's
 * tree?  1 yes, 0 no, -1 (pg_error_set).
 */
static int clean_merge(git_repository *repo, git_commit *tip, const git_oid *old, git_oid *other)
{
	int found = 0;

	if (!old || git_commit_parentcount(tip) != 2)
		return 0;
	for (unsigned k = 0; k < 2 && !found; k++) {
		const git_oid *on = git_commit_parent_id(tip, k);
		const git_oid *in = git_commit_parent_id(tip, 1 - k);
		git_commit *ours = NULL, *theirs = NULL;
		git_index *idx = NULL;
		git_tree *tree = NULL;
		git_diff *diff = NULL;
		int rc;

		if (!git_oid_equal(on, old)) {
			rc = git_graph_descendant_of(repo, old, on);
			if (rc < 0)
				goto fail;
			if (rc == 0)
				continue;
		}
		if (git_commit_lookup(&ours, repo, on) < 0 || git_commit_lookup(&theirs, repo, in) < 0 ||
		    git_merge_commits(&idx, repo, ours, theirs, NULL) < 0)
			goto fail_free;
		if (!git_index_has_conflicts(idx)) {
			if (git_commit_tree(&tree, tip) < 0 ||
			    git_diff_tree_to_index(&diff, repo, tree, idx, NULL) < 0)
				goto fail_free;
			if (git_diff_num_deltas(diff) == 0) {
				git_oid_cpy(other, in);
				found = 1;
			}
		}
		git_diff_free(diff);
		git_tree_free(tree);
		git_index_free(idx);
		git_commit_free(ours);
		git_commit_free(theirs);
		continue;
fail_free:
		git_diff_free(diff);
		git_tree_free(tree);
		git_index_free(idx);
		git_commit_free(ours);
		git_commit_free(theirs);
fail:
		pg_error_set("approvals: cannot merge the parents of the new tip: %s",
			     git_error_last() ? git_error_last()->message : "unknown error");
		return -1;
	}
	return found;
}

/*
 * The tally rule R gives U's new tip: its own approvals, or those of what
 * it cleanly merges when that has more.  *TIP_IS_MERGE: a merge that is not
 * clean.  0, or -1 (pg_error_set).
 */
static int evaluate(const struct pg_review_checks *c, const struct pg_rule *r,
		    const struct pg_update *u, struct tally *out, int *unclean_merge)
{
	git_oid new_id, old_id, other;
	git_commit *tip = NULL, *merged = NULL;
	int have_old, rc;

	*unclean_merge = 0;
	if (git_oid_fromstr(&new_id, u->new_hex) < 0 || git_commit_lookup(&tip, c->repo, &new_id) < 0) {
		pg_error_set("approvals: the new tip %s is not a commit", u->new_hex);
		return -1;
	}
	have_old = git_oid_fromstr(&old_id, u->old_hex) == 0 && !git_oid_is_zero(&old_id);
	if (tally_take(out, c, r, &new_id, &tip, 1) < 0)
		goto fail;
	if (out->ncounted >= (size_t)r->approvals || git_commit_parentcount(tip) != 2) {
		git_commit_free(tip);
		return 0;
	}
	rc = clean_merge(c->repo, tip, have_old ? &old_id : NULL, &other);
	if (rc < 0)
		goto fail;
	if (rc == 0) {
		*unclean_merge = have_old;
	} else {
		git_commit *both[2] = { NULL, tip };
		struct tally t2;

		if (git_commit_lookup(&merged, c->repo, &other) < 0) {
			pg_error_set("approvals: %s", git_error_last()->message);
			goto fail;
		}
		both[0] = merged;
		if (tally_take(&t2, c, r, &other, both, 2) < 0) {
			tally_clear(&t2);
			goto fail;
		}
		/* The merged commit is where reviewers are expected to sign. */
		if (t2.ncounted >= out->ncounted) {
			tally_clear(out);
			*out = t2;
			out->via_merge = 1;
		} else {
			tally_clear(&t2);
		}
	}
	git_commit_free(merged);
	git_commit_free(tip);
	return 0;
fail:
	git_commit_free(merged);
	git_commit_free(tip);
	tally_clear(out);
	return -1;
}

static void put_counted(struct pg_buf *b, const struct tally *t)
{
	for (size_t i = 0; i < t->ncounted; i++)
		pg_buf_printf(b, "%s%s", i ? ", " : "", t->a.list[t->counted[i]].who);
}

/* Who else could approve: signers of approvals who are not yet counted or skipped. */
static void put_candidates(struct pg_buf *b, const struct pg_review_checks *c,
			   const struct pg_rule *r, const struct tally *t)
{
	const struct pg_signers *s = c->cfg->allowed;
	char **seen = NULL;
	size_t nseen = 0, shown = 0;

	for (size_t i = 0; s && i < s->nentries; i++) {
		char *who = pg_approval_user(s->entries[i].principals);
		struct pg_approval ap = { who, s->entries[i].principals, "" };
		int skip = !who || not_counted(c, r, &ap, t->authored, t->nauthored) ||
			   pg_signers_principal_allowed(s, &s->entries[i].key, who,
							PG_APPROVAL_NAMESPACE, c->now, NULL) != 0;

		for (size_t j = 0; j < t->a.n && !skip; j++)
			skip = !strcmp(t->a.list[j].who, who);
		for (size_t j = 0; j < nseen && !skip; j++)
			skip = !strcmp(seen[j], who);
		if (skip) {
			free(who);
			continue;
		}
		seen = pg_xrealloc(seen, (nseen + 1) * sizeof(*seen));
		seen[nseen++] = who;
		if (shown++ < CANDIDATES_SHOWN)
			pg_buf_printf(b, "%s%s", shown > 1 ? ", " : "", who);
	}
	if (shown > CANDIDATES_SHOWN)
		pg_buf_printf(b, " and %zu more", shown - CANDIDATES_SHOWN);
	for (size_t j = 0; j < nseen; j++)
		free(seen[j]);
	free(seen);
}

static void refuse(const struct pg_review_checks *c, const struct pg_rule *r,
		   const struct pg_update *u, const struct tally *t, int unclean_merge,
		   struct pg_verdict *v)
{
	struct pg_buf who = PG_BUF_INIT, cand = PG_BUF_INIT;
	char of[PG_HEX_MAX + 1], tip[8];
	size_t missing = (size_t)r->approvals - t->ncounted;
	struct pg_finding *f;

	git_oid_tostr(of, sizeof(of), &t->of);
	pg_abbrev(tip, u->new_hex);
	put_counted(&who, t);
	if (t->ncounted)
		f = pg_verdict_add(v, r, r->mode == PG_MODE_WARN,
				   "%zu of %d approvals (%s): %zu more needed", t->ncounted,
				   r->approvals, who.ptr, missing);
	else
		f = pg_verdict_add(v, r, r->mode == PG_MODE_WARN,
				   "no approvals: %d needed", r->approvals);
	pg_finding_addf(f, "approvals = %d (%s:%d)%s%s", r->approvals, r->file, r->approvals_line,
			r->approvers.set ? ", approvers = " : "",
			r->approvers.set ? r->approvers.text : "");
	if (t->via_merge)
		pg_finding_addf(f, "%s is a clean merge of %.7s: the approvals of %.7s count", tip,
				of, of);
	else if (unclean_merge)
		pg_finding_addf(f, "%s is a merge, but not the clean merge of its parents: it needs "
				"approvals of its own", tip);
	for (const char *p = t->skipped.ptr; p && *p;) {
		size_t n = strcspn(p, "\n");

		pg_finding_addf(f, "not counted: %.*s", (int)n, p);
		p += n + (p[n] == '\n');
	}
	put_candidates(&cand, c, r, t);
	if (cand.len)
		pg_finding_addf(f, "may approve: %s", cand.ptr);
	else
		pg_finding_addf(f, "nobody else in [core] signers may approve it");
	pg_finding_addf(f, "a reviewer approves in a clone with: pushgate approve %s "
			"--push origin", of);
	pg_verdict_note(v, r, 0, "approvals = %d: %zu found for %.7s%s%s", r->approvals,
			t->ncounted, of, t->ncounted ? ": " : "", who.ptr ? who.ptr : "");
	pg_buf_free(&who);
	pg_buf_free(&cand);
}

/* What to do with the tally of each rule with approvals that applies. */
typedef void (*tally_fn)(const struct pg_review_checks *c, const struct pg_rule *r,
			 const struct pg_update *u, const struct tally *t, int unclean, void *arg);

static int each_tally(const struct pg_review_checks *c, const struct pg_update *u, tally_fn fn,
		      void *arg)
{
	for (size_t i = 0; i < c->cfg->nrules; i++) {
		const struct pg_rule *r = &c->cfg->rules[i];
		struct tally t;
		int unclean;

		if (!r->approvals || !pg_rule_applies(r, u->ref, c->repo_name))
			continue;
		if (evaluate(c, r, u, &t, &unclean) < 0)
			return -1;
		fn(c, r, u, &t, unclean, arg);
		tally_clear(&t);
	}
	return 0;
}

static void judge(const struct pg_review_checks *c, const struct pg_rule *r,
		  const struct pg_update *u, const struct tally *t, int unclean, void *arg)
{
	struct pg_verdict *v = arg;
	struct pg_buf who = PG_BUF_INIT;
	char of[8];

	if (t->ncounted < (size_t)r->approvals) {
		refuse(c, r, u, t, unclean, v);
		return;
	}
	pg_abbrev(of, git_oid_tostr_s(&t->of));
	put_counted(&who, t);
	pg_verdict_note(v, r, 1, "approvals = %d: %s approved by %s%s", r->approvals, of, who.ptr,
			t->via_merge ? " (the new tip merges it cleanly)" : "");
	pg_buf_free(&who);
}

int pg_review_check(const struct pg_review_checks *c, const struct pg_update *u,
		    enum pg_change change, struct pg_verdict *v)
{
	if (change == PG_CHANGE_DELETE)
		return 0;
	return each_tally(c, u, judge, v);
}

struct used {
	char ***items;
	size_t *n;
};

static void collect(const struct pg_review_checks *c, const struct pg_rule *r,
		    const struct pg_update *u, const struct tally *t, int unclean, void *arg)
{
	struct used *out = arg;

	(void)c;
	(void)r;
	(void)u;
	(void)unclean;
	for (size_t k = 0; k < t->ncounted; k++) {
		const struct pg_approval *ap = &t->a.list[t->counted[k]];
		struct pg_buf item = PG_BUF_INIT;
		int dup = 0;

		pg_buf_printf(&item, "%s %s", ap->who, ap->fp);
		for (size_t j = 0; j < *out->n && !dup; j++)
			dup = !strcmp((*out->items)[j], item.ptr);
		if (dup) {
			pg_buf_free(&item);
			continue;
		}
		*out->items = pg_xrealloc(*out->items, (*out->n + 1) * sizeof(**out->items));
		(*out->items)[(*out->n)++] = pg_buf_detach(&item);
	}
}

int pg_review_used(const struct pg_review_checks *c, const struct pg_update *u,
		   char ***items, size_t *n)
{
	struct used out = { items, n };
	git_oid id;

	if (git_oid_fromstr(&id, u->new_hex) < 0 || git_oid_is_zero(&id))
		return 0;	/* a deletion approves nothing */
	return each_tally(c, u, collect, &out);
}

int pg_review_notes(git_oid *out, git_repository *repo, const struct pg_update *u, size_t n)
{
	git_oid pushed;
	int rc, have;

	rc = git_reference_name_to_id(out, repo, PG_APPROVALS_REF);
	if (rc < 0 && rc != GIT_ENOTFOUND) {
		pg_error_set("%s: %s", PG_APPROVALS_REF, git_error_last()->message);
		return -1;
	}
	have = rc == 0;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(u[i].ref, PG_APPROVALS_REF) || git_oid_fromstr(&pushed, u[i].new_hex) < 0 ||
		    git_oid_is_zero(&pushed))
			continue;
		/*
		 * Approvals pushed with the update count, but only as an addition
		 * to the ones there: a rewrite of the notes is refused anyway, and
		 * must not lend its approvals to a ref that stands alone.
		 */
		rc = have ? git_graph_descendant_of(repo, &pushed, out) : 1;
		if (rc < 0) {
			pg_error_set("%s: %s", PG_APPROVALS_REF, git_error_last()->message);
			return -1;
		}
		if (rc == 1) {
			git_oid_cpy(out, &pushed);
			have = 1;
		}
	}
	return have ? 0 : 1;
}
