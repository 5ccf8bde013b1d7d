#include "reqchanged.h"
#include "error.h"
#include "glob.h"

#include <stdlib.h>
#include <string.h>

/* A tag of the section: the commit it names, and its name for messages. */
struct tagc {
	git_oid commit;
	char *name;		/* short: v1.1.0 */
};

struct cands {
	struct tagc *t;
	size_t n;
};

static void cands_free(struct cands *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->t[i].name);
	free(c->t);
}

static int git_fail(const char *what)
{
	const git_error *e = git_error_last();

	pg_error_set("%s: %s", what, e && e->message ? e->message : "unknown error");
	return -1;
}

/* The commit ID names through tags; 1 when it names none (a tree, a blob, nothing). */
static int peel_commit(git_oid *out, git_repository *repo, const git_oid *id)
{
	git_object *obj = NULL, *commit = NULL;
	int rc = 1;

	if (git_object_lookup(&obj, repo, id, GIT_OBJECT_ANY) == 0 &&
	    git_object_peel(&commit, obj, GIT_OBJECT_COMMIT) == 0) {
		git_oid_cpy(out, git_object_id(commit));
		rc = 0;
	}
	git_object_free(commit);
	git_object_free(obj);
	git_error_clear();
	return rc;
}

static void cands_add(struct cands *c, git_repository *repo, const char *ref, const git_oid *id)
{
	git_oid commit;

	/* A tag of the section that names no commit was never a release to compare with. */
	if (peel_commit(&commit, repo, id))
		return;
	c->t = pg_xrealloc(c->t, (c->n + 1) * sizeof(*c->t));
	c->t[c->n].commit = commit;
	c->t[c->n].name = pg_xstrdup(ref + strlen("refs/tags/"));
	c->n++;
}

static const struct pg_update *in_push(const struct pg_update *all, size_t n, const char *ref)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(all[i].ref, ref))
			return &all[i];
	return NULL;
}

/* The section's tags as they stand once this push is in, without U's own. */
static int collect(struct cands *c, git_repository *repo, const struct pg_rule *r,
		   const char *repo_name, const struct pg_update *u,
		   const struct pg_update *all, size_t n)
{
	git_reference_iterator *it;
	git_reference *ref;
	int rc;

	if (git_reference_iterator_new(&it, repo) < 0)
		return git_fail("cannot list the tags");
	while ((rc = git_reference_next(&ref, it)) == 0) {
		const char *name = git_reference_name(ref);
		git_reference *direct = NULL;

		if (!strncmp(name, "refs/tags/", 10) && strcmp(name, u->ref) &&
		    !in_push(all, n, name) && pg_rule_applies(r, name, repo_name) &&
		    git_reference_resolve(&direct, ref) == 0)
			cands_add(c, repo, name, git_reference_target(direct));
		git_reference_free(direct);
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	if (rc != GIT_ITEROVER)
		return git_fail("cannot list the tags");
	git_error_clear();
	for (size_t i = 0; i < n; i++) {
		git_oid id;

		if (&all[i] == u || strncmp(all[i].ref, "refs/tags/", 10) ||
		    pg_hex_is_zero(all[i].new_hex) || !pg_rule_applies(r, all[i].ref, repo_name))
			continue;
		if (git_oid_fromstr(&id, all[i].new_hex) < 0)
			return git_fail("bad object id");
		cands_add(c, repo, all[i].ref, &id);
	}
	return 0;
}

/*
 * One walk from TIP that hides the parents of the candidates already
 * FOUND (each one reachable from TIP, so only their own history is
 * hidden).  Stops at the first candidate not found yet (*fresh, its
 * index); with none, SEEN marks the found ones the walk reached.
 */
static int walk_once(long *fresh, unsigned char *seen, git_repository *repo,
		     const struct cands *c, const unsigned char *found, const git_oid *tip)
{
	git_revwalk *walk = NULL;
	git_commit *commit = NULL;
	git_oid id;
	int rc = 0;

	*fresh = -1;
	memset(seen, 0, c->n);
	if (git_revwalk_new(&walk, repo) < 0 || git_revwalk_push(walk, tip) < 0)
		goto fail;
	for (size_t i = 0; i < c->n; i++) {
		if (!found[i])
			continue;
		if (git_commit_lookup(&commit, repo, &c->t[i].commit) < 0)
			goto fail;
		for (unsigned p = 0; p < git_commit_parentcount(commit); p++)
			if (git_revwalk_hide(walk, git_commit_parent_id(commit, p)) < 0)
				goto fail;
		git_commit_free(commit);
		commit = NULL;
	}
	while (*fresh < 0 && (rc = git_revwalk_next(&id, walk)) == 0)
		for (size_t i = 0; i < c->n && *fresh < 0; i++)
			if (git_oid_equal(&id, &c->t[i].commit)) {
				if (found[i])
					seen[i] = 1;
				else
					*fresh = (long)i;
			}
	if (*fresh < 0 && rc != GIT_ITEROVER)
		goto fail;
	git_error_clear();
	git_revwalk_free(walk);
	return 0;
fail:
	git_commit_free(commit);
	git_revwalk_free(walk);
	return git_fail("cannot walk to the previous tag");
}

/*
 * The nearest candidates: those TIP contains with no other candidate
 * between.  A walk by date may meet an older tag first, so each one met
 * is hidden below and the walk done again, until a walk meets no new one:
 * the candidates that walk still reaches are the nearest.  Usually two
 * short walks; only a first tag walks the whole history.
 */
static int previous_tags(struct cands *prev, git_repository *repo, const struct cands *c,
			 const git_oid *tip)
{
	unsigned char *found = pg_xcalloc(c->n, 1), *seen = pg_xcalloc(c->n, 1);
	long fresh;
	int rc = 0;

	for (;;) {
		if (walk_once(&fresh, seen, repo, c, found, tip) < 0) {
			rc = -1;
			break;
		}
		if (fresh < 0)
			break;
		/* Tags sharing the commit are met together. */
		for (size_t i = 0; i < c->n; i++)
			if (git_oid_equal(&c->t[i].commit, &c->t[fresh].commit))
				found[i] = 1;
	}
	for (size_t i = 0; i < c->n && rc == 0; i++) {
		int dup = 0;

		for (size_t k = 0; k < prev->n; k++)
			dup |= git_oid_equal(&prev->t[k].commit, &c->t[i].commit);
		if (!seen[i] || dup)
			continue;	/* one name for a commit several tags share */
		prev->t = pg_xrealloc(prev->t, (prev->n + 1) * sizeof(*prev->t));
		prev->t[prev->n].commit = c->t[i].commit;
		prev->t[prev->n].name = pg_xstrdup(c->t[i].name);
		prev->n++;
	}
	free(found);
	free(seen);
	return rc;
}

static int tree_of(git_tree **out, git_repository *repo, const git_oid *commit_id)
{
	git_commit *commit;
	int rc;

	if (git_commit_lookup(&commit, repo, commit_id) < 0)
		return git_fail("cannot read a tagged commit");
	rc = git_commit_tree(out, commit);
	git_commit_free(commit);
	return rc < 0 ? git_fail("cannot read a tagged tree") : 0;
}

/* Which globs (HIT[i]) some path that OLD..NEW adds or changes matches. */
static int changed_globs(unsigned char *hit, git_repository *repo, git_tree *old,
			 git_tree *new_tree, char *const *globs, size_t n)
{
	git_diff *diff;

	memset(hit, 0, n);
	if (git_diff_tree_to_tree(&diff, repo, old, new_tree, NULL) < 0)
		return git_fail("cannot compare the tagged trees");
	for (size_t d = 0; d < git_diff_num_deltas(diff); d++) {
		const git_diff_delta *delta = git_diff_get_delta(diff, d);

		/* Deleting the release notes is not writing them. */
		if (delta->status == GIT_DELTA_DELETED)
			continue;
		for (size_t i = 0; i < n; i++)
			if (pg_glob_match(globs[i], delta->new_file.path))
				hit[i] = 1;
	}
	git_diff_free(diff);
	return 0;
}

struct walk_arg {
	char *const *globs;
	size_t n;
	unsigned char *hit;
};

static int walk_cb(const char *root, const git_tree_entry *entry, void *payload)
{
	struct walk_arg *a = payload;
	struct pg_buf path = PG_BUF_INIT;

	if (git_tree_entry_type(entry) == GIT_OBJECT_TREE)
		return 0;
	pg_buf_printf(&path, "%s%s", root, git_tree_entry_name(entry));
	for (size_t i = 0; i < a->n; i++)
		if (pg_glob_match(a->globs[i], path.ptr))
			a->hit[i] = 1;
	pg_buf_free(&path);
	return 0;
}

/* The first tag of a section: each glob must match a path of its tree. */
static int present_globs(unsigned char *hit, git_tree *tree, char *const *globs, size_t n)
{
	struct walk_arg a = { globs, n, hit };

	memset(hit, 0, n);
	if (git_tree_walk(tree, GIT_TREEWALK_PRE, walk_cb, &a) < 0)
		return git_fail("cannot read the tagged tree");
	return 0;
}

static void refuse(struct pg_verdict *v, const struct pg_rule *r, const char *glob,
		   const struct tagc *prev)
{
	int warn = r->mode == PG_MODE_WARN;
	struct pg_buf list = PG_BUF_INIT;
	struct pg_finding *f;
	char abbrev[8];

	for (size_t i = 0; i < r->nrequire_changed; i++)
		pg_buf_printf(&list, "%s%s", i ? ", " : "", r->require_changed[i]);
	if (prev) {
		git_oid_tostr(abbrev, sizeof(abbrev), &prev->commit);
		f = pg_verdict_add(v, r, warn, "%s did not change since %s, the previous tag",
				   glob, prev->name);
		pg_finding_addf(f, "the previous tag of this section is %s at %s; no path matching "
				"%s was added or changed since", prev->name, abbrev, glob);
	} else {
		f = pg_verdict_add(v, r, warn, "%s is missing from the first tag of this section",
				   glob);
		pg_finding_addf(f, "no earlier tag of this section is in its history, so %s must "
				"exist in the tagged tree", glob);
	}
	pg_finding_addf(f, "require_changed = %s (%s:%d); update it, commit, and tag that commit",
			list.ptr, r->file, r->require_changed_line);
	pg_buf_free(&list);
}

static int check_rule(git_repository *repo, const struct pg_rule *r, const char *repo_name,
		      const struct pg_update *u, const struct pg_update *all, size_t n,
		      struct pg_verdict *v)
{
	struct cands c = { NULL, 0 }, prev = { NULL, 0 };
	git_tree *tree = NULL, *old = NULL;
	unsigned char *hit;
	git_oid id, tip;
	int rc = -1, bad = 0;

	if (git_oid_fromstr(&id, u->new_hex) < 0)
		return git_fail("bad object id");
	if (peel_commit(&tip, repo, &id)) {
		struct pg_finding *f = pg_verdict_add(v, r, r->mode == PG_MODE_WARN,
						      "the tag does not name a commit");

		pg_finding_addf(f, "require_changed compares the tagged commit with the previous "
				"tag's; tag a commit");
		return 0;
	}
	hit = pg_xcalloc(r->nrequire_changed, 1);
	if (collect(&c, repo, r, repo_name, u, all, n) < 0 ||
	    (c.n && previous_tags(&prev, repo, &c, &tip) < 0) || tree_of(&tree, repo, &tip) < 0)
		goto done;
	if (!prev.n) {
		if (present_globs(hit, tree, r->require_changed, r->nrequire_changed) < 0)
			goto done;
		for (size_t i = 0; i < r->nrequire_changed; i++)
			if (!hit[i]) {
				bad++;
				refuse(v, r, r->require_changed[i], NULL);
			}
	}
	/* Several nearest tags (merged release lines): the release must say what changed since each. */
	for (size_t p = 0; p < prev.n; p++) {
		if (tree_of(&old, repo, &prev.t[p].commit) < 0 ||
		    changed_globs(hit, repo, old, tree, r->require_changed,
				  r->nrequire_changed) < 0)
			goto done;
		git_tree_free(old);
		old = NULL;
		for (size_t i = 0; i < r->nrequire_changed; i++)
			if (!hit[i]) {
				bad++;
				refuse(v, r, r->require_changed[i], &prev.t[p]);
			}
	}
	if (prev.n)
		pg_verdict_note(v, r, !bad, "require_changed: since %s%s: %s", prev.t[0].name,
				prev.n > 1 ? " and other nearest tags" : "",
				bad ? "not every path changed" : "every path changed");
	else
		pg_verdict_note(v, r, !bad, "require_changed: the first tag of this section: %s",
				bad ? "a path is missing" : "every path is there");
	rc = 0;
done:
	free(hit);
	git_tree_free(old);
	git_tree_free(tree);
	cands_free(&c);
	cands_free(&prev);
	return rc;
}

int pg_reqchanged_check(git_repository *repo, const struct pg_config *cfg,
			const char *repo_name, const struct pg_update *u,
			const struct pg_update *all, size_t n, struct pg_verdict *v)
{
	if (strncmp(u->ref, "refs/tags/", 10) || pg_hex_is_zero(u->new_hex))
		return 0;
	for (size_t i = 0; i < cfg->nrules; i++) {
		const struct pg_rule *r = &cfg->rules[i];

		if (r->kind != PG_RULE_TAG || !r->nrequire_changed ||
		    !pg_rule_applies(r, u->ref, repo_name))
			continue;
		if (check_rule(repo, r, repo_name, u, all, n, v) < 0)
			return -1;
	}
	return 0;
}
