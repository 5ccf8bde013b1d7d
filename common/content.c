/*
 * The walk is commits.c's, with its own idea of "new": content that a ref
 * already had before the push was either checked when it came, or is
 * history the rules were adopted over (`pushgate scan` is for that), so
 * the commits read are those that neither the ref's old tip nor any ref
 * under the same content rules reached.  A ref outside the rules' refs
 * hides nothing: content parked on a scratch branch is read when it
 * reaches a covered ref.  A blob is read once a push (memo->read), and a
 * blob with findings keeps them, so a second ref that brings it is told
 * the same, not waved through.
 */
#include "content.h"
#include "allowlist.h"
#include "buf.h"
#include "error.h"
#include "gitinit.h"
#include "glob.h"
#include "knownrefs.h"
#include "oidset.h"
#include "pathname.h"
#include "pushopt.h"
#include "secrules.h"
#include "secscan.h"
#include "walk.h"

#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>

/*
 * A blob with matches.  Each update lists each of them once, at the first
 * path whose rule reads it (a rule limited to some paths may skip the
 * blob at one path and read it at another): listed[] says which, for the
 * update whose gen is listed_gen.
 */
struct dirty {
	git_oid blob;
	struct pg_secret_hits hits;
	unsigned char *listed;
	unsigned listed_gen;
	size_t nlisted;
};

struct pg_content_memo {
	struct pg_oidset *read;		/* blobs read for secrets (bounded) */
	size_t nread;
	struct pg_oidset *dirty_set;	/* those with a match */
	struct dirty *dirty;		/* sorted by blob id */
	size_t ndirty;
	struct pg_known_refs refs;
	struct pg_pathwalk *pw;
	unsigned gen;			/* updates checked so far */
	int hardened;
	unsigned long long bytes;
	double read_ms, scan_ms;
};

/* Offending paths of one kind, the first PG_CONTENT_SHOWN kept as lines. */
struct problem {
	size_t count;
	char **lines;
	size_t nlines;
};

struct run {
	git_repository *repo;
	const struct pg_config *cfg;
	struct pg_content_memo *m;
	const struct pg_secrets *sec;	/* NULL: [secrets] does not apply */
	char *cache_dir;		/* where [secrets] is written: its compiled rules */
	char **limit;			/* [secrets] paths to look at, folded */
	size_t nlimit;
	char **skip;			/* and to skip, as written */
	size_t nskip;
	const struct pg_rule **prules;	/* [path] rules with max_size or name */
	size_t nprules;
	char **ppat;			/* their globs, folded unless case = sensitive */
	struct problem *too_big, *bad_name;	/* one each per path rule */
	struct problem secrets;
	struct pg_buf fps;		/* fingerprints, for the log */
	size_t nfps, allowed;
	unsigned gen;			/* this update's, for dirty->listed */
	const git_oid *commit;		/* the one being walked */
	struct pg_buf folded;
	git_odb *odb;
	/* pushgate scan: findings go here instead */
	int (*fn)(const struct pg_secret_finding *f, void *arg);
	void *fn_arg;
};

struct pg_content_memo *pg_content_memo_new(void)
{
	struct pg_content_memo *m = pg_xcalloc(1, sizeof(*m));

	m->read = pg_oidset_new_bounded(PG_MEMO_MAX_IDS);
	m->dirty_set = pg_oidset_new();
	return m;
}

void pg_content_memo_free(struct pg_content_memo *m)
{
	if (!m)
		return;
	pg_oidset_free(m->read);
	pg_oidset_free(m->dirty_set);
	for (size_t i = 0; i < m->ndirty; i++) {
		pg_secret_hits_clear(&m->dirty[i].hits);
		free(m->dirty[i].listed);
	}
	free(m->dirty);
	pg_known_refs_clear(&m->refs);
	pg_pathwalk_free(m->pw);
	free(m);
}

static int path_rule_has_content(const struct pg_rule *r)
{
	return r->kind == PG_RULE_PATH && (r->max_size || r->name.text);
}

int pg_content_applies(const struct pg_config *cfg, const char *ref, const char *repo)
{
	if (cfg->secrets && pg_rule_applies(&cfg->secrets->rule, ref, repo))
		return 1;
	for (size_t i = 0; i < cfg->nrules; i++)
		if (path_rule_has_content(&cfg->rules[i]) &&
		    pg_rule_applies(&cfg->rules[i], ref, repo))
			return 1;
	return 0;
}

static void problem_add(struct problem *p, struct pg_buf *line)
{
	p->count++;
	if (p->nlines >= PG_CONTENT_SHOWN)
		return;
	p->lines = pg_xrealloc(p->lines, (p->nlines + 1) * sizeof(*p->lines));
	p->lines[p->nlines++] = pg_buf_detach(line);
}

static void problem_free(struct problem *p)
{
	for (size_t i = 0; i < p->nlines; i++)
		free(p->lines[i]);
	free(p->lines);
}

static void problem_lines(struct pg_finding *f, const struct problem *p)
{
	for (size_t i = 0; i < p->nlines; i++)
		pg_finding_addf(f, "%s", p->lines[i]);
	if (p->count > p->nlines)
		pg_finding_addf(f, "... and %zu more", p->count - p->nlines);
}

static const char *folded(struct run *run, const struct pg_path_change *c)
{
	if (!run->folded.len) {
		pg_path_fold(&run->folded, c->path, c->len);
		if (!run->folded.len)
			pg_buf_puts(&run->folded, "");
	}
	return run->folded.ptr;
}

static int is_blob(unsigned mode)
{
	return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE ||
	       mode == GIT_FILEMODE_LINK;
}

/* [secrets] paths: "!GLOB" skips (as written), GLOB limits (folded: every spelling). */
static int secrets_look_at(struct run *run, const struct pg_path_change *c)
{
	int in = !run->nlimit;

	for (size_t i = 0; i < run->nskip; i++)
		if (pg_glob_match(run->skip[i], c->path))
			return 0;
	for (size_t i = 0; i < run->nlimit && !in; i++)
		in = pg_glob_match(run->limit[i], folded(run, c));
	return in;
}

static int rule_looks_at(struct run *run, const struct pg_secrule *r,
			 const struct pg_path_change *c)
{
	if (!r->npaths)
		return 1;
	for (size_t i = 0; i < r->npaths; i++)
		if (pg_glob_match(r->paths[i], folded(run, c)))
			return 1;
	return 0;
}

/* Where ID is in m->dirty (sorted by id), or would go. */
static size_t dirty_pos(const struct pg_content_memo *m, const git_oid *id)
{
	size_t lo = 0, hi = m->ndirty;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (git_oid_cmp(&m->dirty[mid].blob, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct dirty *find_dirty(const struct pg_content_memo *m, const git_oid *id)
{
	size_t i;

	if (!pg_oidset_contains(m->dirty_set, id))
		return NULL;
	i = dirty_pos(m, id);
	return i < m->ndirty && git_oid_equal(&m->dirty[i].blob, id) ? &m->dirty[i] : NULL;
}

/*
 * No secret of a scanned blob may end up in a core dump: whatever else a
 * crash leaves, it leaves no file.
 */
static void harden(struct pg_content_memo *m)
{
	struct rlimit no = { 0, 0 };

	if (m->hardened)
		return;
	m->hardened = 1;
	setrlimit(RLIMIT_CORE, &no);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Read blob ID and scan it, once a push; its matches, or NULL for none. */
static int scan_blob(struct run *run, const git_oid *id, struct dirty **out)
{
	struct pg_content_memo *m = run->m;
	struct pg_secret_hits hits = { NULL, 0 };
	git_odb_object *obj = NULL;
	const unsigned char *data;
	double t0, t1;
	size_t len, pos;

	*out = NULL;
	/* m->read may forget (it is bounded); what had matches is never forgotten. */
	if (pg_oidset_contains(m->read, id) || pg_oidset_contains(m->dirty_set, id)) {
		*out = find_dirty(m, id);
		return 0;
	}
	if (pg_secrules_compile_cached(run->sec->set, run->cache_dir) < 0)
		return -1;
	harden(m);
	t0 = now_ms();
	if (git_odb_read(&obj, run->odb, id) < 0) {
		pg_error_set("cannot read blob %s: %s", git_oid_tostr_s(id),
			     git_error_last() ? git_error_last()->message : "?");
		return -1;
	}
	data = git_odb_object_data(obj);
	len = git_odb_object_size(obj);
	pg_oidset_add(m->read, id);
	m->nread++;
	t1 = now_ms();
	m->read_ms += t1 - t0;
	m->bytes += len;
	if (!pg_secscan_binary(data, len) && pg_secscan(run->sec->set, data, len, &hits) < 0) {
		git_odb_object_free(obj);
		return -1;
	}
	git_odb_object_free(obj);
	m->scan_ms += now_ms() - t1;
	if (!hits.n)
		return 0;
	pos = dirty_pos(m, id);
	m->dirty = pg_xrealloc(m->dirty, (m->ndirty + 1) * sizeof(*m->dirty));
	memmove(&m->dirty[pos + 1], &m->dirty[pos], (m->ndirty - pos) * sizeof(*m->dirty));
	m->ndirty++;
	memset(&m->dirty[pos], 0, sizeof(*m->dirty));
	git_oid_cpy(&m->dirty[pos].blob, id);
	m->dirty[pos].hits = hits;
	m->dirty[pos].listed = pg_xcalloc(hits.n, 1);
	pg_oidset_add(m->dirty_set, id);
	*out = &m->dirty[pos];
	return 0;
}

static int check_secrets(struct run *run, const struct pg_path_change *c)
{
	const struct pg_secret_hits *hits;
	struct dirty *d;
	char abbrev[8];
	int rc = 0, allowed;

	if (scan_blob(run, c->id, &d) < 0)
		return -1;
	if (!d)
		return 0;
	if (d->listed_gen != run->gen) {
		memset(d->listed, 0, d->hits.n);
		d->nlisted = 0;
		d->listed_gen = run->gen;
	}
	if (d->nlisted == d->hits.n)
		return 0;
	hits = &d->hits;
	git_oid_tostr(abbrev, sizeof(abbrev), run->commit);
	for (size_t i = 0; i < hits->n && rc == 0; i++) {
		const struct pg_secret_hit *h = &hits->hit[i];
		const struct pg_secrule *r = &run->sec->set->rules[h->rule];
		struct pg_buf fp = PG_BUF_INIT, line = PG_BUF_INIT;

		if (d->listed[i] || !rule_looks_at(run, r, c))
			continue;
		d->listed[i] = 1;
		d->nlisted++;
		pg_buf_printf(&fp, "%s:%s:%zu", git_oid_tostr_s(c->id), r->name, h->line);
		allowed = pg_allowlist_has(run->sec->allowed, fp.ptr);
		if (run->fn) {
			struct pg_secret_finding f = {
				run->commit, c->path, h->line, r->name, h->masked, fp.ptr,
				allowed
			};

			rc = run->fn(&f, run->fn_arg);
		} else if (allowed) {
			run->allowed++;
		} else {
			pg_buf_printf(&line, "%s %s:%zu: %s %s (fingerprint %s)", abbrev, c->path,
				      h->line, r->name, h->masked, fp.ptr);
			problem_add(&run->secrets, &line);
			if (run->nfps < PG_CONTENT_SHOWN)
				pg_buf_printf(&run->fps, "%s%s", run->nfps ? ", " : "", fp.ptr);
			run->nfps++;
		}
		pg_buf_free(&fp);
		pg_buf_free(&line);
	}
	return rc;
}

static int check_path_rules(struct run *run, const struct pg_path_change *c)
{
	char abbrev[8];
	int sized = 0;
	size_t size = 0;

	git_oid_tostr(abbrev, sizeof(abbrev), run->commit);
	for (size_t i = 0; i < run->nprules; i++) {
		const struct pg_rule *r = run->prules[i];
		const char *p = r->case_sensitive ? c->path : folded(run, c);
		struct pg_buf line = PG_BUF_INIT;

		if (!pg_glob_match(run->ppat[i], p))
			continue;
		if (r->name.text && c->added && regexec(&r->name.re, c->path, 0, NULL, 0)) {
			pg_buf_printf(&line, "%s: %s", abbrev, c->path);
			problem_add(&run->bad_name[i], &line);
		}
		if (r->max_size && is_blob(c->mode)) {
			git_object_t type;

			if (!sized && git_odb_read_header(&size, &type, run->odb, c->id) < 0) {
				pg_error_set("cannot read blob %s: %s", git_oid_tostr_s(c->id),
					     git_error_last() ? git_error_last()->message : "?");
				return -1;
			}
			sized = 1;
			if (size > r->max_size) {
				pg_buf_printf(&line, "%s: %s (%zu bytes)", abbrev, c->path, size);
				problem_add(&run->too_big[i], &line);
			}
		}
		pg_buf_free(&line);
	}
	return 0;
}

static int on_path(const struct pg_path_change *c, void *arg)
{
	struct run *run = arg;
	int rc = 0;

	if (!c->mode)
		return 0;	/* a deletion adds nothing */
	pg_buf_reset(&run->folded);
	if (run->nprules)
		rc = check_path_rules(run, c);
	if (rc == 0 && run->sec && is_blob(c->mode) && secrets_look_at(run, c))
		rc = check_secrets(run, c);
	return rc;
}

/* Only path rules: a directory is read when one of their globs may match below. */
static int on_enter(const char *dir, size_t len, void *arg)
{
	struct run *run = arg;
	struct pg_buf f = PG_BUF_INIT;
	int in = run->sec != NULL;

	for (size_t i = 0; i < run->nprules && !in; i++) {
		if (run->prules[i]->case_sensitive) {
			in = pg_glob_may_match_below(run->ppat[i], dir) != 0;
		} else {
			if (!f.len)
				pg_path_fold(&f, dir, len);
			in = pg_glob_may_match_below(run->ppat[i], f.ptr) != 0;
		}
	}
	pg_buf_free(&f);
	return in;
}

static const struct pg_path_visitor visitor = { on_path, on_enter, NULL };

static int on_commit(git_commit *commit, void *arg)
{
	struct run *run = arg;

	run->commit = git_commit_id(commit);
	return pg_pathwalk_commit(run->m->pw, commit, PG_MERGE_PARENTS, &visitor, run) < 0 ? -1 : 0;
}

static void fold_into(char ***arr, size_t *n, const char *glob, int fold)
{
	struct pg_buf b = PG_BUF_INIT;

	if (fold)
		pg_path_fold_pattern(&b, glob);
	else
		pg_buf_puts(&b, glob);
	*arr = pg_xrealloc(*arr, (*n + 1) * sizeof(**arr));
	(*arr)[(*n)++] = pg_buf_detach(&b);
}

static void run_init(struct run *run, git_repository *repo, const struct pg_config *cfg,
		     struct pg_content_memo *m)
{
	memset(run, 0, sizeof(*run));
	run->repo = repo;
	run->cfg = cfg;
	run->m = m;
	run->gen = ++m->gen;
	run->prules = pg_xcalloc(cfg->nrules ? cfg->nrules : 1, sizeof(*run->prules));
	run->ppat = pg_xcalloc(cfg->nrules ? cfg->nrules : 1, sizeof(*run->ppat));
	run->too_big = pg_xcalloc(cfg->nrules ? cfg->nrules : 1, sizeof(*run->too_big));
	run->bad_name = pg_xcalloc(cfg->nrules ? cfg->nrules : 1, sizeof(*run->bad_name));
	if (!m->pw)
		m->pw = pg_pathwalk_new(repo);
}

static void use_secrets(struct run *run, const struct pg_secrets *sec)
{
	const char *slash = sec->rule.file ? strrchr(sec->rule.file, '/') : NULL;

	run->sec = sec;
	if (slash)
		run->cache_dir = pg_xstrndup(sec->rule.file, (size_t)(slash - sec->rule.file) + !(slash - sec->rule.file));
	else if (sec->rule.file)
		run->cache_dir = pg_xstrdup(".");
	for (size_t i = 0; i < sec->rule.npaths; i++) {
		const char *g = sec->rule.paths[i];

		if (g[0] == '!')
			fold_into(&run->skip, &run->nskip, g + 1, 0);
		else
			fold_into(&run->limit, &run->nlimit, g, 1);
	}
}

static void run_free(struct run *run)
{
	for (size_t i = 0; i < run->nprules; i++) {
		free(run->ppat[i]);
		problem_free(&run->too_big[i]);
		problem_free(&run->bad_name[i]);
	}
	for (size_t i = 0; i < run->nlimit; i++)
		free(run->limit[i]);
	for (size_t i = 0; i < run->nskip; i++)
		free(run->skip[i]);
	free(run->limit);
	free(run->skip);
	free(run->cache_dir);
	free(run->prules);
	free(run->ppat);
	free(run->too_big);
	free(run->bad_name);
	problem_free(&run->secrets);
	pg_buf_free(&run->fps);
	pg_buf_free(&run->folded);
}

/* Does every content rule of RUN also cover REF? */
static int covers(const struct run *run, const char *ref, const char *repo)
{
	if (run->sec && !pg_rule_applies(&run->sec->rule, ref, repo))
		return 0;
	for (size_t i = 0; i < run->nprules; i++)
		if (!pg_rule_applies(run->prules[i], ref, repo))
			return 0;
	return 1;
}

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* Who may bypass: the line that says so, for a refusal or an acceptance. */
static void bypass_text(struct pg_buf *b, const struct pg_secrets *sec)
{
	pg_buf_printf(b, "bypass = %s (%s:%d)", sec->rule.bypass.text, sec->rule.file,
		      sec->rule.bypass.line);
}

static void report_secrets(const struct pg_content_checks *c, struct run *run,
			   struct pg_verdict *v)
{
	const struct pg_secrets *sec = run->sec;
	const struct pg_rule *r = &sec->rule;
	const char *why_not = NULL;
	struct pg_buf b = PG_BUF_INIT;
	struct pg_finding *f;
	size_t n = run->secrets.count;
	int granted = 0;

	if (c->secret_ok) {
		if (!r->bypass.set || r->bypass.nobody)
			why_not = "[secrets] has no bypass";
		else if (!c->user)
			why_not = "the pusher is not identified";
		else if (!pg_members_contains(c->cfg, &r->bypass, c->user))
			why_not = "the pusher is not in bypass";
		else if (pg_reason_problem(c->secret_ok))
			why_not = pg_reason_problem(c->secret_ok);
		else
			granted = 1;
	}
	f = pg_verdict_add(v, r, granted || r->mode == PG_MODE_WARN, "%zu %s in new content%s", n,
			   plural(n, "secret", "secrets"),
			   granted ? ", pushed with -o secret-ok" : "");
	problem_lines(f, &run->secrets);
	if (granted) {
		bypass_text(&b, sec);
		pg_finding_addf(f, "accepted: %s is in %s; logged with the reason and the "
				"fingerprints", c->user, b.ptr);
		pg_buf_reset(&b);
		pg_buf_printf(&b, "secret-ok: %s; %zu %s: %s%s", c->secret_ok, n,
			      plural(n, "finding", "findings"), run->fps.ptr,
			      n > PG_CONTENT_SHOWN ? ", ..." : "");
		f->log_reason = pg_buf_detach(&b);
		pg_buf_free(&b);
		return;
	}
	pg_finding_addf(f, "a pushed secret has leaked to whoever can fetch: revoke it, then "
			"remove it from every new commit (git rebase -i), not only the last");
	if (sec->allow.value)
		pg_finding_addf(f, "a false positive: an admin adds its fingerprint to %s",
				sec->allow.value);
	else
		pg_finding_addf(f, "a false positive: an admin allows its fingerprint "
				"([secrets] allow = FILE)");
	if (why_not) {
		pg_finding_addf(f, "-o secret-ok was not accepted: %s", why_not);
	} else if (r->bypass.set && !r->bypass.nobody) {
		bypass_text(&b, sec);
		pg_finding_addf(f, "%s may push it anyway with -o secret-ok=REASON (logged)", b.ptr);
	}
	if (r->mode == PG_MODE_WARN) {
		pg_buf_printf(&b, "%zu %s (mode = warn): %s%s", n, plural(n, "secret", "secrets"),
			      run->fps.ptr, n > PG_CONTENT_SHOWN ? ", ..." : "");
		f->log_reason = pg_buf_detach(&b);
	}
	pg_buf_free(&b);
}

static void report_path_rules(struct run *run, struct pg_verdict *v)
{
	for (size_t i = 0; i < run->nprules; i++) {
		const struct pg_rule *r = run->prules[i];
		int warn = r->mode == PG_MODE_WARN;
		struct pg_finding *f;
		size_t n;

		if ((n = run->too_big[i].count)) {
			f = pg_verdict_add(v, r, warn, "%zu new %s larger than max_size under %s", n,
					   plural(n, "file", "files"), r->pattern);
			problem_lines(f, &run->too_big[i]);
			pg_finding_addf(f, "max_size = %llu bytes (%s:%d); keep large files out of "
					"git history (an artifact store, or Git LFS)",
					r->max_size, r->file, r->max_size_line);
		}
		if ((n = run->bad_name[i].count)) {
			f = pg_verdict_add(v, r, warn, "%zu added %s not match name = %s", n,
					   plural(n, "path does", "paths do"), r->name.text);
			problem_lines(f, &run->bad_name[i]);
			pg_finding_addf(f, "name = %s (%s:%d); rename them (git mv) in every new "
					"commit and push again", r->name.text, r->file, r->name.line);
		}
	}
}

/* The pre-push tips that the same content rules covered: what they reach was checked. */
static int covered_tips(struct run *run, const struct pg_update *u, const char *repo_name,
			git_oid **tips, size_t *n)
{
	struct pg_known_refs *k = &run->m->refs;

	if (pg_known_refs_read(k, run->repo) < 0)
		return -1;
	for (size_t i = 0; i < k->n; i++) {
		const git_oid *id;

		if (!strcmp(k->refs[i].name, u->ref) || !covers(run, k->refs[i].name, repo_name))
			continue;
		if (!(id = pg_known_ref_commit(run->repo, &k->refs[i])))
			continue;
		*tips = pg_xrealloc(*tips, (*n + 1) * sizeof(**tips));
		git_oid_cpy(&(*tips)[(*n)++], id);
	}
	return 0;
}

int pg_content_check(const struct pg_content_checks *c, const struct pg_update *u,
		     enum pg_change change, struct pg_verdict *v)
{
	const struct pg_config *cfg = c->cfg;
	struct run run;
	git_oid tip, old;
	git_oid *tips = NULL;
	size_t ntips = 0;
	int rc = 0;

	if (change == PG_CHANGE_DELETE || !pg_content_applies(cfg, u->ref, c->repo_name))
		return 0;
	run_init(&run, c->repo, cfg, c->memo);
	if (cfg->secrets && pg_rule_applies(&cfg->secrets->rule, u->ref, c->repo_name))
		use_secrets(&run, cfg->secrets);
	for (size_t i = 0; i < cfg->nrules && !c->skip_path_rules; i++) {
		const struct pg_rule *r = &cfg->rules[i];
		struct pg_buf b = PG_BUF_INIT;

		if (!path_rule_has_content(r) || !pg_rule_applies(r, u->ref, c->repo_name))
			continue;
		if (r->case_sensitive)
			pg_buf_puts(&b, r->pattern);
		else
			pg_path_fold_pattern(&b, r->pattern);
		run.ppat[run.nprules] = pg_buf_detach(&b);
		run.prules[run.nprules++] = r;
	}
	if (!run.sec && !run.nprules) {
		run_free(&run);
		return 0;
	}
	memset(&old, 0, sizeof(old));
	if (git_oid_fromstr(&tip, u->new_hex) < 0 ||
	    (change != PG_CHANGE_CREATE && git_oid_fromstr(&old, u->old_hex) < 0)) {
		pg_error_set("bad object id in the update of %s", u->ref);
		rc = -1;
	} else if (pg_git_odb(&run.odb, c->repo) < 0) {
		rc = -1;
	} else {
		rc = covered_tips(&run, u, c->repo_name, &tips, &ntips);
	}
	if (rc == 0)
		rc = pg_walk_new_commits(c->repo, &tip, &old, tips, ntips, on_commit, &run);
	if (rc == 0 && run.secrets.count)
		report_secrets(c, &run, v);
	if (rc == 0)
		report_path_rules(&run, v);
	free(tips);
	git_odb_free(run.odb);
	run_free(&run);
	return rc;
}

static int scan_commit(const git_oid *commit, void *arg)
{
	((struct run *)arg)->commit = commit;
	return 0;
}

static const struct pg_path_visitor scan_visitor = { on_path, NULL, NULL };

/* Whether which blobs are read, or which rules read them, depends on the path. */
static int path_dependent(const struct run *run)
{
	if (run->nlimit || run->nskip)
		return 1;
	for (size_t i = 0; i < run->sec->set->n; i++)
		if (run->sec->set->rules[i].npaths)
			return 1;
	return 0;
}

int pg_content_scan(git_repository *repo, const struct pg_config *cfg, const git_oid *commits,
		    size_t n, int (*fn)(const struct pg_secret_finding *f, void *arg), void *arg,
		    struct pg_scan_stats *stats)
{
	struct pg_content_memo *m = pg_content_memo_new();
	struct run run;
	int rc = 0;

	run_init(&run, repo, cfg, m);
	use_secrets(&run, cfg->secrets);
	run.fn = fn;
	run.fn_arg = arg;
	if (pg_git_odb(&run.odb, repo) < 0)
		rc = -1;
	if (rc == 0)
		rc = pg_walk_files(repo, commits, n, path_dependent(&run), scan_commit,
				   &scan_visitor, &run);
	stats->blobs = m->nread;
	stats->bytes = m->bytes;
	stats->read_ms = m->read_ms;
	stats->scan_ms = m->scan_ms;
	git_odb_free(run.odb);
	run_free(&run);
	pg_content_memo_free(m);
	return rc;
}
