/*
 * Every new commit of one ref update, against the rules that apply to it.
 * "New" is per rule: a rule scoped to refs (branch rules, [path] rules
 * with refs =) sees every commit new to the ref being updated, so commits
 * pushed to another branch first are still checked when they reach a
 * protected one; a [path] rule for every ref sees the commits new to the
 * repository, each checked once when it first arrives.  Whatever the
 * rules, the names of what new commits add are checked for .git aliases
 * (pathname.h).  A commit's paths are only compared against rules that
 * would refuse this pusher, and a merge is charged with what differs from
 * a clean merge of its parents (walk.h), so a "merge" that reverts a path
 * to an older commit's version is charged like the plain revert it is.
 * Problems are gathered per rule and kind, so a push of 10,000 offending
 * commits gives one block per problem with the first PG_COMMITS_SHOWN
 * commits and a count.
 */
#include "commits.h"
#include "error.h"
#include "glob.h"
#include "knownrefs.h"
#include "oidset.h"
#include "pathname.h"
#include "sigcheck.h"
#include "walk.h"

#include <stdlib.h>
#include <string.h>

#define SUBJECT_SHOWN 60	/* bytes of a subject quoted in a message */

enum check {
	CK_PATH,
	CK_SIGNED,
	CK_SUBJECT,
	CK_MESSAGE,
	CK_LINEAR,
	CK_COUNT
};

/* The offending commits of one rule for one kind of check. */
struct offence {
	size_t count;
	char **lines;		/* the first PG_COMMITS_SHOWN */
	size_t nlines;
};

struct run {
	const struct pg_commit_checks *c;
	const char *ref;
	const struct pg_rule **rules;	/* branch rules with commit policy, and
					 * path rules that refuse this pusher */
	size_t nrules;
	char **pattern;			/* each path rule's glob, folded unless
					 * case = sensitive */
	struct offence *off;		/* nrules * CK_COUNT */
	struct offence bad_names;	/* .git aliases, whatever the rules */
	const struct pg_oidset *repo_new;	/* NULL: every commit walked is new
						 * to the repository */
	unsigned char *active;		/* path rules that see this commit */
	unsigned char *hit;		/* path rules already hit by this commit */
	size_t nhit_left;
	int names_on;			/* this commit's names are checked */
	int bad_name_hit;		/* this commit has one already */
	git_commit *commit;		/* the one being checked */
	struct pg_pathwalk *paths;	/* NULL until a commit needs its paths */
	struct pg_buf label;		/* its "abbrev \"subject\"" */
	struct pg_buf folded;		/* the path being matched, folded */
	git_oid old;			/* the ref's old tip; zero for a new ref */
	const git_oid *hide;		/* &old when a rule is scoped to refs, else NULL */
};

/* A tip whose commits new to HIDE (NULL: to the repository) passed RULES. */
struct clean_tip {
	const struct pg_rule **rules;	/* the rule set, in configuration order */
	size_t nrules;
	int has_hide;
	git_oid hide;
	git_oid tip;
};

struct pg_commits_memo {
	struct clean_tip *tips;
	size_t n;
	struct pg_known_refs refs;	/* as they were before the push */
};

struct pg_commits_memo *pg_commits_memo_new(void)
{
	return pg_xcalloc(1, sizeof(struct pg_commits_memo));
}

void pg_commits_memo_free(struct pg_commits_memo *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->tips[i].rules);
	free(m->tips);
	pg_known_refs_clear(&m->refs);
	free(m);
}

/*
 * A tip proved clean for another update may stand in for its commits only
 * where they are exactly the commits this update would check: the same
 * rules, and new to the same old tip (or all of them to the repository).
 */
static int same_proof(const struct clean_tip *t, const struct pg_rule **rules, size_t n,
		      const git_oid *hide)
{
	if (t->nrules != n || (n && memcmp(t->rules, rules, n * sizeof(*rules))))
		return 0;
	if (!hide || !t->has_hide)
		return !hide && !t->has_hide;
	return git_oid_equal(&t->hide, hide);
}

/* The tips proved clean for the same proof; malloc'd, *n of them. */
static git_oid *memo_tips(const struct pg_commits_memo *m, const struct pg_rule **rules,
			  size_t nrules, const git_oid *hide, size_t *n)
{
	git_oid *out = pg_xcalloc(m && m->n ? m->n : 1, sizeof(*out));

	*n = 0;
	for (size_t i = 0; m && i < m->n; i++)
		if (same_proof(&m->tips[i], rules, nrules, hide))
			git_oid_cpy(&out[(*n)++], &m->tips[i].tip);
	return out;
}

static void memo_add(struct pg_commits_memo *m, const struct pg_rule **rules, size_t nrules,
		     const git_oid *hide, const git_oid *tip)
{
	struct clean_tip *t;

	if (!m)
		return;
	m->tips = pg_xrealloc(m->tips, (m->n + 1) * sizeof(*m->tips));
	t = &m->tips[m->n++];
	t->rules = pg_xmalloc((nrules ? nrules : 1) * sizeof(*rules));
	if (nrules)
		memcpy(t->rules, rules, nrules * sizeof(*rules));
	t->nrules = nrules;
	t->has_hide = hide != NULL;
	if (hide)
		git_oid_cpy(&t->hide, hide);
	git_oid_cpy(&t->tip, tip);
}

static int has_commit_policy(const struct pg_rule *r)
{
	return r->kind == PG_RULE_BRANCH &&
	       (r->require_signed.set || r->subject.text || r->message.text || r->linear);
}

/* Scoped to refs: it sees every commit new to the ref, not only to the repository. */
static int per_ref(const struct pg_rule *r)
{
	return r->kind != PG_RULE_PATH || r->nrefs > 0;
}

/* Does this [path] rule refuse the pusher (so its paths must be looked at)? */
static int path_rule_refuses(const struct pg_commit_checks *c, const struct pg_rule *r)
{
	if (r->deny)
		return 1;
	if (!c->user)
		return 1;
	if (!r->write.set)
		return 0;	/* default: everyone identified */
	return !pg_members_contains(c->cfg, &r->write, c->user);
}

/*
 * Is one of PRINCIPALS (an allowed_signers principal list as written) in M?
 * Principals are user names, compared exactly: a pattern is no name.
 */
static int principal_in(const struct pg_config *cfg, const struct pg_members *m,
			const char *principals)
{
	char *copy = pg_xstrdup(principals ? principals : "");
	char *save = NULL;
	int found = 0;

	for (char *p = strtok_r(copy, ",", &save); p && !found; p = strtok_r(NULL, ",", &save))
		found = pg_identity_name_valid(p) && pg_members_contains(cfg, m, p);
	free(copy);
	return found;
}

static void offence_add(struct offence *o, const struct pg_buf *label, const char *detail,
			size_t dlen)
{
	struct pg_buf line = PG_BUF_INIT;

	o->count++;
	if (o->nlines >= PG_COMMITS_SHOWN)
		return;
	pg_buf_printf(&line, "%s: ", label->ptr);
	pg_buf_put(&line, detail, dlen);
	o->lines = pg_xrealloc(o->lines, (o->nlines + 1) * sizeof(*o->lines));
	o->lines[o->nlines++] = pg_buf_detach(&line);
}

static void offend(struct run *run, size_t rule, enum check kind, const char *detail)
{
	offence_add(&run->off[rule * CK_COUNT + kind], &run->label, detail, strlen(detail));
}

static void offence_free(struct offence *o)
{
	for (size_t j = 0; j < o->nlines; j++)
		free(o->lines[j]);
	free(o->lines);
}

/* abbrev "subject", the subject cut short on a character boundary. */
static void make_label(struct pg_buf *out, const git_commit *commit)
{
	const char *msg = git_commit_message(commit);
	size_t n = msg ? strcspn(msg, "\n") : 0;
	char abbrev[8];

	git_oid_tostr(abbrev, sizeof(abbrev), git_commit_id(commit));
	pg_buf_reset(out);
	pg_buf_printf(out, "%s \"", abbrev);
	if (n > SUBJECT_SHOWN) {
		n = SUBJECT_SHOWN;
		while (n > 0 && ((unsigned char)msg[n] & 0xC0) == 0x80)
			n--;
		pg_buf_put(out, msg, n);
		pg_buf_puts(out, "...");
	} else if (n) {
		pg_buf_put(out, msg, n);
	}
	pg_buf_putc(out, '"');
}

/* A path rule that this commit has not hit yet and that sees it. */
static int path_rule_open(const struct run *run, size_t i)
{
	return run->rules[i]->kind == PG_RULE_PATH && run->active[i] && !run->hit[i];
}

/*
 * PATH as rule I matches it: as written with case = sensitive, else
 * folded (pathname.h); the fold is made once per path, on first need.
 */
static const char *spelled(struct run *run, size_t i, const char *path, size_t len,
			   int *folded)
{
	if (run->rules[i]->case_sensitive)
		return path;
	if (!*folded) {
		pg_buf_reset(&run->folded);
		pg_path_fold(&run->folded, path, len);
		*folded = 1;
	}
	return run->folded.ptr;
}

/*
 * A symlink or submodule at PATH where rule I's pattern reaches below
 * (`src` or `src/crypto` for a pattern `src/crypto/` + `*.c`): what it protects
 * would then be read from wherever the link points.  A pattern that starts
 * with `**` reaches below every directory, and a link is not charged to it
 * for that alone.
 */
static int redirects(const struct run *run, size_t i, const char *path, unsigned mode)
{
	const char *pat = run->pattern[i];

	if (mode != GIT_FILEMODE_LINK && mode != GIT_FILEMODE_COMMIT)
		return 0;
	if (!strncmp(pat, "**", 2) && (pat[2] == '/' || !pat[2]))
		return 0;
	return pg_glob_may_match_below(pat, path) == 1;
}

static int on_path(const struct pg_path_change *c, void *arg)
{
	struct run *run = arg;
	const char *path = c->path;
	size_t len = c->len;
	unsigned mode = c->mode;
	int folded = 0;

	for (size_t i = 0; i < run->nrules; i++) {
		const char *p;

		if (!path_rule_open(run, i))
			continue;
		p = spelled(run, i, path, len, &folded);
		if (!pg_glob_match(run->pattern[i], p) && !redirects(run, i, p, mode))
			continue;
		run->hit[i] = 1;
		offend(run, i, CK_PATH, path);
		/* Every rule refused this commit already; names may still need a look. */
		if (--run->nhit_left == 0 && !run->names_on)
			return 1;
	}
	return 0;
}

/* Read a directory only when a rule this commit has not hit yet may match below it. */
static int on_enter(const char *dir, size_t len, void *arg)
{
	struct run *run = arg;
	int folded = 0;

	for (size_t i = 0; i < run->nrules; i++)
		if (path_rule_open(run, i) &&
		    pg_glob_may_match_below(run->pattern[i], spelled(run, i, dir, len, &folded)))
			return 1;
	return 0;
}

static int on_bad_name(const char *path, size_t len, void *arg)
{
	struct run *run = arg;

	if (!run->bad_name_hit) {
		run->bad_name_hit = 1;
		offence_add(&run->bad_names, &run->label, path, len);
	}
	return 0;
}

static const struct pg_path_visitor visitor = { on_path, on_enter, on_bad_name };

static int check_signature(struct run *run, size_t i, int *checked, int *good,
			   const char **principal, struct pg_buf *why)
{
	const struct pg_rule *r = run->rules[i];

	/* Verified once per commit, whatever number of rules ask. */
	if (!*checked) {
		int rc;

		*checked = 1;
		if (!run->c->signers) {
			pg_buf_puts(why, "no signers file is loaded");
			*good = 0;
		} else {
			rc = pg_sigcheck_commit(run->c->repo, run->commit, run->c->now,
						run->c->signers, principal, why);
			if (rc < 0)
				return -1;
			*good = rc == 0;
		}
	}
	if (!*good) {
		offend(run, i, CK_SIGNED, why->ptr);
	} else if (!r->require_signed.any &&
		   !principal_in(run->c->cfg, &r->require_signed.by, *principal)) {
		struct pg_buf d = PG_BUF_INIT;

		pg_buf_printf(&d, "signed by %s, who is not in %s", *principal,
			      r->require_signed.by.text);
		offend(run, i, CK_SIGNED, d.ptr);
		pg_buf_free(&d);
	}
	return 0;
}

static int on_commit(git_commit *commit, void *arg)
{
	struct run *run = arg;
	const char *msg = git_commit_message(commit);
	struct pg_buf subject = PG_BUF_INIT, why = PG_BUF_INIT;
	int checked = 0, good = 0, rc = 0;
	const char *principal = NULL;
	/* Rules for every ref, and the names check, see a commit once: when it is new. */
	int repo_new = !run->repo_new || pg_oidset_contains(run->repo_new, git_commit_id(commit));
	size_t npath = 0;

	run->commit = commit;
	make_label(&run->label, commit);
	pg_buf_put(&subject, msg ? msg : "", msg ? strcspn(msg, "\n") : 0);
	for (size_t i = 0; i < run->nrules && rc == 0; i++) {
		const struct pg_rule *r = run->rules[i];

		if (r->kind == PG_RULE_PATH) {
			run->active[i] = repo_new || per_ref(r);
			npath += run->active[i];
			continue;
		}
		if (r->linear && git_commit_parentcount(commit) > 1)
			offend(run, i, CK_LINEAR, "a merge commit");
		if (r->subject.text && regexec(&r->subject.re, subject.ptr, 0, NULL, 0))
			offend(run, i, CK_SUBJECT, "the subject does not match");
		if (r->message.text && regexec(&r->message.re, msg ? msg : "", 0, NULL, 0))
			offend(run, i, CK_MESSAGE, "the message does not match");
		if (r->require_signed.set)
			rc = check_signature(run, i, &checked, &good, &principal, &why);
	}
	if (rc == 0 && (npath || repo_new)) {
		struct pg_path_visitor v = visitor;

		memset(run->hit, 0, run->nrules);
		run->nhit_left = npath;
		run->bad_name_hit = 0;
		run->names_on = repo_new;
		if (!repo_new)
			v.bad_name = NULL;
		if (!npath)
			v.path = NULL;	/* names only */
		if (!run->paths)
			run->paths = pg_pathwalk_new(run->c->repo);
		/*
		 * Names need only what no parent had; a path rule needs what a
		 * clean merge would not have.
		 */
		rc = pg_pathwalk_commit(run->paths, commit,
					npath ? PG_MERGE_BASE : PG_MERGE_PARENTS, &v, run);
	}
	pg_buf_free(&subject);
	pg_buf_free(&why);
	return rc < 0 ? -1 : 0;
}

static void plural(struct pg_buf *b, size_t n, const char *one, const char *many)
{
	pg_buf_printf(b, "%zu %s", n, n == 1 ? one : many);
}

/* The first line of a block: what is wrong, in one sentence. */
static void reason(struct pg_buf *b, const struct run *run, const struct pg_rule *r,
		   enum check kind, size_t n)
{
	switch (kind) {
	case CK_PATH:
		if (r->deny)
			pg_buf_printf(b, "nobody may change %s: ", r->pattern);
		else if (!run->c->user)
			pg_buf_printf(b, "the pusher is not identified, and %s needs write access: ",
				      r->pattern);
		else
			pg_buf_printf(b, "%s may not change %s: ", run->c->user, r->pattern);
		plural(b, n, "new commit does", "new commits do");
		break;
	case CK_SIGNED:
		plural(b, n, "new commit is", "new commits are");
		pg_buf_puts(b, " not signed by an allowed key");
		break;
	case CK_SUBJECT:
		plural(b, n, "new commit's subject does", "new commits' subjects do");
		pg_buf_printf(b, " not match %s", r->subject.text);
		break;
	case CK_MESSAGE:
		plural(b, n, "new commit's message does", "new commits' messages do");
		pg_buf_printf(b, " not match %s", r->message.text);
		break;
	case CK_LINEAR:
		plural(b, n, "new merge commit", "new merge commits");
		pg_buf_puts(b, "; history must be linear");
		break;
	default:
		break;
	}
}

/* The last line: the key that decided, where, and what to do. */
static void way_forward(struct pg_finding *f, const struct run *run,
			const struct pg_rule *r, enum check kind)
{
	const char *branch = run->ref + (strncmp(run->ref, "refs/heads/", 11) ? 0 : 11);

	switch (kind) {
	case CK_PATH:
		if (r->deny) {
			pg_finding_addf(f, "deny = yes (%s:%d): such paths may not be added or changed",
					r->file, r->deny_line);
		} else if (!run->c->user) {
			pg_finding_addf(f, "%s", run->c->no_user_why ? run->c->no_user_why
								  : "no identity source answered");
		} else if (r->write.set) {
			pg_finding_addf(f, "pusher %s (via %s) is not in write = %s (%s:%d); "
					"ask one of them to push these commits",
					run->c->user, run->c->via ? run->c->via : "?",
					r->write.text, r->write.file, r->write.line);
		}
		break;
	case CK_SIGNED:
		if (r->require_signed.any)
			pg_finding_addf(f, "require_signed = yes (%s:%d); sign them (git commit -S "
					"with gpg.format=ssh) with a key in the server's signers file",
					r->file, r->require_signed.line);
		else
			pg_finding_addf(f, "require_signed = %s (%s:%d); they must sign them "
					"(git commit -S with gpg.format=ssh)",
					r->require_signed.by.text, r->file, r->require_signed.line);
		break;
	case CK_SUBJECT:
		pg_finding_addf(f, "subject = %s (%s:%d); reword them (git rebase -i) and push again",
				r->subject.text, r->file, r->subject.line);
		break;
	case CK_MESSAGE:
		pg_finding_addf(f, "message = %s (%s:%d); reword them (git rebase -i) and push again",
				r->message.text, r->file, r->message.line);
		break;
	case CK_LINEAR:
		pg_finding_addf(f, "linear = yes (%s:%d); rebase onto origin/%s instead of merging",
				r->file, r->linear_line, branch);
		break;
	default:
		break;
	}
}

/* Names a checkout must never write are refused on every ref, by no rule of the admin's. */
static void report_bad_names(struct run *run, struct pg_verdict *v)
{
	const struct offence *o = &run->bad_names;
	struct pg_buf why = PG_BUF_INIT;
	struct pg_finding *f;

	plural(&why, o->count, "new commit adds", "new commits add");
	pg_buf_puts(&why, " a path that git clients must not check out");
	f = pg_verdict_add(v, NULL, 0, "%s", why.ptr);
	for (size_t j = 0; j < o->nlines; j++)
		pg_finding_addf(f, "%s", o->lines[j]);
	if (o->count > o->nlines)
		pg_finding_addf(f, "... and %zu more", o->count - o->nlines);
	pg_finding_addf(f, "macOS and Windows checkouts treat names like .GIT, git~1 or .git. "
			"as .git, and git never follows a symlinked .gitmodules, .gitattributes, "
			".gitignore or .mailmap (git fsck: hasDotgit, gitmodulesSymlink); "
			"rename the path and push again");
	v->protected = 1;
	pg_buf_free(&why);
}

/* Add the findings; returns how many problems there were. */
static size_t report(struct run *run, struct pg_verdict *v)
{
	size_t problems = 0;

	if (run->bad_names.count) {
		report_bad_names(run, v);
		problems++;
	}
	for (size_t i = 0; i < run->nrules; i++) {
		const struct pg_rule *r = run->rules[i];

		for (int k = 0; k < CK_COUNT; k++) {
			struct offence *o = &run->off[i * CK_COUNT + k];
			struct pg_buf why = PG_BUF_INIT;
			struct pg_finding *f;

			if (!o->count)
				continue;
			problems++;
			reason(&why, run, r, (enum check)k, o->count);
			f = pg_verdict_add(v, r, r->mode == PG_MODE_WARN, "%s", why.ptr);
			for (size_t j = 0; j < o->nlines; j++)
				pg_finding_addf(f, "%s", o->lines[j]);
			if (o->count > o->nlines)
				pg_finding_addf(f, "... and %zu more", o->count - o->nlines);
			way_forward(f, run, r, (enum check)k);
			pg_buf_free(&why);
		}
	}
	return problems;
}

/* [tag] require_signed: the tag object itself must be signed. */
static int check_tag(const struct pg_commit_checks *c, const struct pg_update *u,
		     const struct pg_rule *r, struct pg_verdict *v)
{
	struct pg_buf why = PG_BUF_INIT;
	const char *principal = NULL;
	struct pg_finding *f;
	git_oid id;
	int rc = 1;

	if (git_oid_fromstr(&id, u->new_hex) < 0) {
		pg_error_set("bad object id %s", u->new_hex);
		return -1;
	}
	if (!c->signers)
		pg_buf_puts(&why, "no signers file is loaded");
	else
		rc = pg_sigcheck_tag(c->repo, &id, c->now, c->signers, &principal, &why);
	if (rc < 0) {
		pg_buf_free(&why);
		return -1;
	}
	if (rc == 0 && (r->require_signed.any ||
			principal_in(c->cfg, &r->require_signed.by, principal))) {
		pg_buf_free(&why);
		return 0;
	}
	if (rc == 0)
		pg_buf_printf(&why, "signed by %s, who is not in %s", principal,
			      r->require_signed.by.text);
	f = pg_verdict_add(v, r, r->mode == PG_MODE_WARN, "the tag is not signed by an allowed key");
	pg_finding_addf(f, "%.7s: %s", u->new_hex, why.ptr);
	pg_finding_addf(f, "require_signed = %s (%s:%d); create it with git tag -s "
			"(gpg.format=ssh) with a key in the server's signers file",
			r->require_signed.any ? "yes" : r->require_signed.by.text,
			r->file, r->require_signed.line);
	pg_buf_free(&why);
	return 0;
}

/* The rules that look at this update's commits, in configuration order. */
static int select_rules(const struct pg_commit_checks *c, const struct pg_update *u,
			struct run *run, struct pg_verdict *v)
{
	const struct pg_config *cfg = c->cfg;

	for (size_t i = 0; i < cfg->nrules; i++) {
		const struct pg_rule *r = &cfg->rules[i];

		if (!pg_rule_applies(r, u->ref, c->repo_name))
			continue;
		if (r->kind == PG_RULE_TAG && r->require_signed.set) {
			if (check_tag(c, u, r, v) < 0)
				return -1;
		} else if (has_commit_policy(r) ||
			   (r->kind == PG_RULE_PATH && path_rule_refuses(c, r))) {
			run->rules[run->nrules++] = r;
		}
	}
	return 0;
}

static void fold_patterns(struct run *run)
{
	for (size_t i = 0; i < run->nrules; i++) {
		const struct pg_rule *r = run->rules[i];
		struct pg_buf b = PG_BUF_INIT;

		if (r->kind != PG_RULE_PATH)
			continue;
		if (r->case_sensitive)
			pg_buf_puts(&b, r->pattern);
		else
			pg_path_fold_pattern(&b, r->pattern);
		run->pattern[i] = pg_buf_detach(&b);
	}
}

/*
 * Append to *TIPS the commits of the refs other than REF that every rule
 * of RUN scoped to refs also covers: what they reach was checked by these
 * same rules when it became new to them.  For a ref being CREATED, also
 * every protected ref: a branch cut from main trusts what main's own rules
 * accepted, rather than holding main's whole history to the new branch's
 * rules; what only unprotected refs reach is still checked.
 */
static int covered_tips(struct run *run, const char *ref, int created, git_oid **tips, size_t *n)
{
	struct pg_commits_memo *m = run->c->memo, local = { 0 };
	int rc = 0;

	if (!m)
		m = &local;
	if (pg_known_refs_read(&m->refs, run->c->repo) < 0)
		rc = -1;
	for (size_t j = 0; rc == 0 && j < m->refs.n; j++) {
		const char *name = m->refs.refs[j].name;
		const git_oid *commit;
		int all = 1;

		if (!strcmp(name, ref))
			continue;
		for (size_t i = 0; all && i < run->nrules; i++)
			if (per_ref(run->rules[i]))
				all = pg_rule_applies(run->rules[i], name, run->c->repo_name);
		if (!all && created)
			all = pg_policy_protects(run->c->cfg, name, run->c->repo_name);
		if (all && (commit = pg_known_ref_commit(run->c->repo, &m->refs.refs[j]))) {
			*tips = pg_xrealloc(*tips, (*n + 1) * sizeof(**tips));
			git_oid_cpy(&(*tips)[(*n)++], commit);
		}
	}
	pg_known_refs_clear(&local.refs);
	return rc;
}

/*
 * Walk what the update brings.  With a rule scoped to refs: the commits
 * that neither the ref's old tip nor another ref under the same rules
 * reached (for a created ref: nor a protected ref), with
 * the ones new to the repository marked for the other rules and the name
 * check; else only the commits new to the repository.
 */
static int walk_update(struct run *run, const struct pg_update *u, enum pg_change change,
		       const git_oid *tip)
{
	const struct pg_commit_checks *c = run->c;
	struct pg_oidset *repo_new = NULL;
	git_oid *seen;
	size_t nseen;
	int rc = 0, scoped = 0;

	for (size_t i = 0; i < run->nrules; i++)
		scoped |= per_ref(run->rules[i]);
	if (scoped) {
		/* The zero id hides nothing: a created ref had no old tip. */
		memset(&run->old, 0, sizeof(run->old));
		if (change != PG_CHANGE_CREATE && git_oid_fromstr(&run->old, u->old_hex) < 0) {
			pg_error_set("bad object id %s", u->old_hex);
			return -1;
		}
		run->hide = &run->old;
	}
	seen = memo_tips(c->memo, run->rules, run->nrules, run->hide, &nseen);
	if (scoped) {
		rc = covered_tips(run, u->ref, change == PG_CHANGE_CREATE, &seen, &nseen);
		if (rc == 0) {
			repo_new = pg_oidset_new();
			rc = pg_walk_collect_new(c->repo, tip, repo_new);
		}
	}
	run->repo_new = repo_new;
	if (rc == 0)
		rc = pg_walk_new_commits(c->repo, tip, run->hide, seen, nseen, on_commit, run);
	free(seen);
	pg_oidset_free(repo_new);
	run->repo_new = NULL;
	return rc;
}

int pg_commits_check(const struct pg_commit_checks *c, const struct pg_update *u,
		     enum pg_change change, struct pg_verdict *v)
{
	const struct pg_config *cfg = c->cfg;
	struct run run;
	git_oid tip;
	int rc = 0;

	if (change == PG_CHANGE_DELETE)
		return 0;	/* a delete brings no commit */

	memset(&run, 0, sizeof(run));
	run.c = c;
	run.ref = u->ref;
	run.rules = pg_xcalloc(cfg->nrules ? cfg->nrules : 1, sizeof(*run.rules));
	if (!c->names_only)
		rc = select_rules(c, u, &run, v);
	if (rc == 0) {
		size_t n = run.nrules ? run.nrules : 1;

		run.pattern = pg_xcalloc(n, sizeof(*run.pattern));
		run.off = pg_xcalloc(n * CK_COUNT, sizeof(*run.off));
		run.active = pg_xcalloc(n, 1);
		run.hit = pg_xcalloc(n, 1);
		fold_patterns(&run);
		if (git_oid_fromstr(&tip, u->new_hex) < 0) {
			pg_error_set("bad object id %s", u->new_hex);
			rc = -1;
		} else {
			rc = walk_update(&run, u, change, &tip);
		}
		/* A tip whose commits passed stands in for them in later updates. */
		if (rc == 0 && !report(&run, v))
			memo_add(c->memo, run.rules, run.nrules, run.hide, &tip);
		for (size_t i = 0; i < run.nrules * CK_COUNT; i++)
			offence_free(&run.off[i]);
		for (size_t i = 0; i < run.nrules; i++)
			free(run.pattern[i]);
	}
	offence_free(&run.bad_names);
	pg_pathwalk_free(run.paths);
	free(run.pattern);
	free(run.off);
	free(run.active);
	free(run.hit);
	free(run.rules);
	pg_buf_free(&run.label);
	pg_buf_free(&run.folded);
	return rc;
}
