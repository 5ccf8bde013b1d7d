#include "engine.h"
#include "content.h"
#include "audit.h"
#include "classify.h"
#include "commits.h"
#include "error.h"
#include "gitinit.h"
#include "identity.h"
#include "pushcert.h"
#include "pushopt.h"
#include "reqchanged.h"
#include "review.h"
#include "approval.h"
#include "report.h"
#include "schedule.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#define SYSTEM_CONFIG "/etc/pushgate/pushgate.ini"
#define MAX_DIAGS_SHOWN 5

struct pg_engine {
	git_repository *repo;
	char *repo_error;	/* why the repository could not be opened */
	char *config_path;	/* NULL: none found */
	char *config_tried;	/* where we looked, when none was found */
	struct pg_config *cfg;
	int config_ok;
	char *user;
	char *via;
	char *no_user_why;
	char *repo_name;
	char *git_dir;		/* NULL: from the environment */
	struct pg_commits_memo *memo;	/* commits proved clean in this push */
	struct pg_content_memo *content;	/* blobs read in this push */
	char **options;			/* push options (pre- and post-receive) */
	size_t noptions;
	time_t now;			/* when the push is judged */
	char *pr_id;			/* a Gitea pull-request merge: its id */
	int cert_read;			/* the push certificate was read and checked: */
	int cert_good;			/* it is good for this push by this pusher */
	struct pg_buf cert_why;		/* else why not */
	struct pg_buf cert_key;		/* the key that signed it */
	int notes_read, notes_have;	/* refs/notes/approvals, as the push leaves it */
	git_oid notes;
	int log_checked, log_ready;	/* can the release log take entries? */
	char *log_error;
	int repo_tried;
};

static char *git_message(const char *what)
{
	const git_error *e = git_error_last();
	struct pg_buf b = PG_BUF_INIT;

	pg_buf_printf(&b, "%s: %s", what, e && e->message ? e->message : "unknown error");
	return pg_buf_detach(&b);
}

static void open_repo(struct pg_engine *e, const char *git_dir)
{
	if (pg_git_open(&e->repo, git_dir) < 0) {
		e->repo = NULL;
		e->repo_error = git_message("cannot open the repository");
	}
}

char *pg_config_locate(const char *given, git_repository *repo, char **tried)
{
	const char *env = getenv("PUSHGATE_CONFIG");
	git_config *snap = NULL;
	git_buf path = GIT_BUF_INIT;
	char *found = NULL;
	struct stat st;

	*tried = NULL;
	if (given)
		return pg_xstrdup(given);
	if (env && *env)
		return pg_xstrdup(env);
	if (repo && git_repository_config_snapshot(&snap, repo) == 0) {
		if (git_config_get_path(&path, snap, "pushgate.config") == 0 && path.size)
			found = pg_xstrdup(path.ptr);
		git_buf_dispose(&path);
		git_config_free(snap);
		if (found)
			return found;
	}
	if (stat(SYSTEM_CONFIG, &st) == 0)
		return pg_xstrdup(SYSTEM_CONFIG);
	*tried = pg_xstrdup("tried $PUSHGATE_CONFIG, git config pushgate.config and "
			    SYSTEM_CONFIG);
	return NULL;
}

static int has_source(const struct pg_config *cfg, enum pg_source_kind k)
{
	for (size_t i = 0; i < cfg->nsources; i++)
		if (cfg->sources[i].kind == k)
			return 1;
	return 0;
}

static void resolve_identity(struct pg_engine *e, const char *given)
{
	struct pg_identity id = { NULL, NULL };
	struct pg_buf why = PG_BUF_INIT;
	int rc;

	if (given) {
		if (!pg_identity_name_valid(given)) {
			e->no_user_why = pg_xstrdup("the user name given is not valid");
			return;
		}
		e->user = pg_xstrdup(given);
		e->via = pg_xstrdup("explain");
		return;
	}
	rc = pg_identity_resolve(&id, e->cfg->sources, e->cfg->nsources,
				 pg_getenv_process, NULL);
	if (rc == 0) {
		e->user = id.user;
		e->via = id.via;
		return;
	}
	if (rc < 0) {
		pg_buf_puts(&why, pg_error_last());
	} else {
		pg_buf_puts(&why, "no identity source answered; tried ");
		for (size_t i = 0; i < e->cfg->nsources; i++) {
			if (i)
				pg_buf_puts(&why, ", ");
			pg_source_name(&why, &e->cfg->sources[i]);
		}
	}
	e->no_user_why = pg_buf_detach(&why);
	pg_identity_clear(&id);
}

/*
 * The repository's directory without opening it: git runs hooks with
 * GIT_DIR set (to "." in a bare repository, the hook's working directory).
 */
static void name_repo(struct pg_engine *e)
{
	const char *dir = e->git_dir ? e->git_dir : getenv("GIT_DIR");
	char *abs = realpath(dir && *dir ? dir : ".", NULL);

	char *root;

	if (!abs)
		return;		/* decide() fails closed without a name */
	/* Compare real paths: /srv/git may be a link to where the repos live. */
	root = e->cfg->repos_root ? realpath(e->cfg->repos_root, NULL) : NULL;
	e->repo_name = pg_repo_name(abs, root ? root : e->cfg->repos_root,
				    has_source(e->cfg, PG_SRC_GITEA),
				    has_source(e->cfg, PG_SRC_GITOLITE),
				    pg_getenv_process, NULL);
	free(root);
	free(abs);
}

/*
 * libgit2 costs a few milliseconds to start, and the update and
 * post-receive hooks often need no object at all: open it on first use.
 */
static git_repository *engine_repo(struct pg_engine *e)
{
	if (!e->repo && !e->repo_tried) {
		e->repo_tried = 1;
		pg_git_init();
		open_repo(e, e->git_dir);
	}
	return e->repo;
}

/* git passes push options to pre-receive and post-receive only. */
static void read_push_options(struct pg_engine *e, const struct pg_engine_opts *opts)
{
	const char *count = getenv("GIT_PUSH_OPTION_COUNT");
	long n = count ? strtol(count, NULL, 10) : 0;

	if (opts->options) {
		e->options = pg_xcalloc(opts->noptions + 1, sizeof(*e->options));
		for (size_t i = 0; i < opts->noptions; i++)
			e->options[e->noptions++] = pg_xstrdup(opts->options[i]);
		return;
	}
	if (n <= 0 || n > 1000)
		return;
	e->options = pg_xcalloc((size_t)n, sizeof(*e->options));
	for (long i = 0; i < n; i++) {
		char name[64];
		const char *val;

		snprintf(name, sizeof(name), "GIT_PUSH_OPTION_%ld", i);
		val = getenv(name);
		e->options[e->noptions++] = pg_xstrdup(val ? val : "");
	}
}

/*
 * Gitea runs its own pull-request merges with GITEA_PR_ID set to the
 * pull request; every other push through Gitea has 0 or nothing.  Only
 * an identity that Gitea gave makes the variable Gitea's.
 */
static void read_pr_id(struct pg_engine *e, const struct pg_engine_opts *opts)
{
	const char *id = opts->pr_id ? opts->pr_id : getenv("GITEA_PR_ID");

	if (!opts->pr_id && (!e->via || strcmp(e->via, "gitea")))
		return;
	if (!id || !*id || strspn(id, "0123456789") != strlen(id) || strspn(id, "0") == strlen(id) ||
	    strlen(id) > 18)
		return;
	e->pr_id = pg_xstrdup(id);
}

void pg_engine_open(struct pg_engine **out, const struct pg_engine_opts *opts)
{
	struct pg_engine *e = pg_xcalloc(1, sizeof(*e));
	const char *env = getenv("PUSHGATE_CONFIG");

	read_push_options(e, opts);
	/* One clock for the whole push: every ref is judged at the same time. */
	e->now = time(NULL);

	e->git_dir = opts->git_dir ? pg_xstrdup(opts->git_dir) : NULL;
	/* The repository's git config is only read when nothing earlier names one. */
	if (!opts->config_path && !(env && *env))
		engine_repo(e);
	e->config_path = pg_config_locate(opts->config_path, e->repo, &e->config_tried);
	if (e->config_path) {
		e->config_ok = pg_config_load(&e->cfg, e->config_path) == 0;
		if (e->config_ok) {
			resolve_identity(e, opts->user);
			read_pr_id(e, opts);
			name_repo(e);
		}
	}
	*out = e;
}

void pg_engine_free(struct pg_engine *e)
{
	if (!e)
		return;
	if (e->repo_tried) {
		git_repository_free(e->repo);
		pg_git_shutdown();
	}
	free(e->git_dir);
	pg_commits_memo_free(e->memo);
	pg_content_memo_free(e->content);
	for (size_t i = 0; i < e->noptions; i++)
		free(e->options[i]);
	free(e->options);
	free(e->log_error);
	free(e->pr_id);
	free(e->repo_error);
	free(e->config_path);
	free(e->config_tried);
	pg_config_free(e->cfg);
	free(e->user);
	free(e->via);
	free(e->no_user_why);
	free(e->repo_name);
	pg_buf_free(&e->cert_why);
	pg_buf_free(&e->cert_key);
	free(e);
}

int pg_engine_config_valid(const struct pg_engine *e)
{
	return e->config_ok;
}

int pg_engine_atomic(const struct pg_engine *e)
{
	return e->config_ok ? e->cfg->atomic : 1;
}

/* With no usable configuration nothing can be told apart: refuse it all. */
static void refuse_config(const struct pg_engine *e, struct pg_verdict *v, int brief)
{
	struct pg_finding *f;
	const struct pg_config *cfg = e->cfg;

	if (brief) {
		pg_verdict_add(v, NULL, 0, "failing closed, as above");
		return;
	}
	if (!e->config_path) {
		f = pg_verdict_add(v, NULL, 0, "no pushgate configuration was found; failing closed");
		pg_finding_addf(f, "%s", e->config_tried);
		pg_finding_addf(f, "an admin must install one (see pushgate.ini(5))");
		return;
	}
	f = pg_verdict_add(v, NULL, 0, "the pushgate configuration is invalid; failing closed");
	/*
	 * Pushers get where and a short wording, never the full message: it
	 * may quote any part of the policy, which is the admins' business.
	 */
	for (size_t i = 0; i < cfg->ndiags && i < MAX_DIAGS_SHOWN; i++) {
		struct pg_buf text = PG_BUF_INIT;

		pg_diag_pusher_text(&text, &cfg->diags[i]);
		pg_finding_addf(f, "%s", pg_buf_cstr(&text));
		pg_buf_free(&text);
	}
	if (cfg->ndiags > MAX_DIAGS_SHOWN)
		pg_finding_addf(f, "... and %zu more", cfg->ndiags - MAX_DIAGS_SHOWN);
	pg_finding_addf(f, "an admin can list every problem with: pushgate check -c %s",
			e->config_path);
}

static void fail_closed(struct pg_verdict *v, const char *why)
{
	struct pg_finding *f = pg_verdict_add(v, NULL, 0, "internal error; failing closed");

	pg_finding_addf(f, "%s", why);
	v->protected = 1;
}

/*
 * -o import=REASON: how an admin brings an existing history onto a
 * protected branch.  It skips the commit and path rules for that update
 * (an old history was never signed or ticketed the way the policy now
 * wants), never who may push, create or force-push, nor the .git alias
 * check, and is always logged with its reason.  Returns 1 when it is
 * granted for U; a refusal is a finding.
 */
static int decide_import(struct pg_engine *e, const struct pg_update *u, enum pg_change change,
			 struct pg_verdict *v)
{
	const char *reason = pg_push_option((const char *const *)e->options, e->noptions, "import");
	size_t off = offsetof(struct pg_rule, import);
	const struct pg_rule *r, *any;
	struct pg_finding *f;

	if (!reason || change == PG_CHANGE_DELETE)
		return 0;
	r = pg_policy_exception(e->cfg, u->ref, e->repo_name, off, e->user, reason);
	if (r) {
		pg_verdict_note(v, r, 1, "import = %s: %s imports with reason \"%s\"; "
				"commit and path rules are skipped, the update is logged",
				r->import.text, e->user, reason);
		v->imported = 1;
		return 1;
	}
	r = e->user ? pg_policy_listed(e->cfg, u->ref, e->repo_name, off, e->user) : NULL;
	any = pg_policy_listed(e->cfg, u->ref, e->repo_name, off, NULL);
	if (r) {
		f = pg_verdict_add(v, r, 0, "import refused: %s", pg_reason_problem(reason));
		pg_finding_addf(f, "push again with -o import=REASON, e.g. -o import=\"CHG-123: "
				"history from the old server\"");
	} else if (any) {
		f = pg_verdict_add(v, any, 0, "%s may not import", e->user ? e->user : "an unidentified pusher");
		pg_finding_addf(f, "import = %s (%s:%d); only they may push with -o import",
				any->import.text, any->import.file, any->import.line);
	} else if (pg_policy_protects(e->cfg, u->ref, e->repo_name)) {
		f = pg_verdict_add(v, NULL, 0, "-o import is not allowed on this ref");
		pg_finding_addf(f, "no rule for it has an import list; an admin adds "
				"import = MEMBERS to its [branch] section");
	}
	return 0;
}

/*
 * require_push_cert: the push's certificate (git push --signed), read and
 * checked once, for all the updates ALL[0..N) of the push, which it must
 * list exactly.
 */
static void decide_push_cert(struct pg_engine *e, const struct pg_update *u,
			     const struct pg_update *all, size_t n, struct pg_verdict *v)
{
	for (size_t i = 0; i < e->cfg->nrules; i++) {
		const struct pg_rule *r = &e->cfg->rules[i];
		struct pg_finding *f;

		if (!r->require_push_cert || r->kind == PG_RULE_PATH ||
		    !pg_rule_applies(r, u->ref, e->repo_name))
			continue;
		if (!e->cert_read) {
			struct pg_push_cert c;
			int rc = pg_push_cert_read(&c, e->repo);

			e->cert_read = 1;
			if (rc < 0)
				pg_buf_puts(&e->cert_why, pg_error_last());
			else if (rc > 0)
				pg_buf_puts(&e->cert_why, "the push is not signed");
			else
				e->cert_good = pg_push_cert_check(&c, e->cfg->allowed, e->user, e->now,
								  all, n, &e->cert_key,
								  &e->cert_why) == 0;
			if (rc == 0)
				pg_push_cert_clear(&c);
		}
		if (e->cert_good) {
			pg_verdict_note(v, r, 1, "require_push_cert = yes: signed by %s with %s",
					e->user, e->cert_key.ptr);
			continue;
		}
		f = pg_verdict_add(v, r, r->mode == PG_MODE_WARN, "%s", e->cert_why.ptr);
		pg_finding_addf(f, "require_push_cert = yes (%s:%d); sign the push with your SSH key: "
				"git push --signed (git config gpg.format ssh; git config "
				"user.signingKey ~/.ssh/id_ed25519.pub)", r->file,
				r->require_push_cert_line);
		pg_verdict_note(v, r, 0, "require_push_cert = yes: %s", e->cert_why.ptr);
	}
}

/* approvals = N, against the approvals this push leaves in the repository. */
static int decide_review(struct pg_engine *e, const struct pg_update *u, const struct pg_update *all,
			 size_t n, enum pg_change change, struct pg_verdict *v)
{
	struct pg_review_checks rc = { e->repo, e->cfg, e->repo_name, e->user, e->now, NULL };
	int any = 0;

	for (size_t i = 0; i < e->cfg->nrules && !any; i++)
		any = e->cfg->rules[i].approvals && pg_rule_applies(&e->cfg->rules[i], u->ref,
								    e->repo_name);
	if (!any)
		return 0;
	if (!e->notes_read) {
		int got = pg_review_notes(&e->notes, e->repo, all, n);

		if (got < 0)
			return -1;
		e->notes_read = 1;
		e->notes_have = got == 0;
	}
	rc.notes = e->notes_have ? &e->notes : NULL;
	return pg_review_check(&rc, u, change, v);
}

/*
 * Refs that are pushgate's own or evidence, whatever the policy says:
 * refs/pushgate/ (post-receive keeps push certificates there) takes no
 * push at all, and refs/notes/approvals only moves forward, so that an
 * approval once given stays on record.
 */
static int reserved_ref(const char *ref)
{
	return !strncmp(ref, "refs/pushgate/", 14) || !strcmp(ref, PG_APPROVALS_REF);
}

static void decide_reserved(git_repository *repo, const struct pg_update *u, enum pg_change change,
			    struct pg_verdict *v)
{
	struct pg_finding *f;
	git_object *obj = NULL;
	git_oid id;

	if (!strncmp(u->ref, "refs/pushgate/", 14)) {
		f = pg_verdict_add(v, NULL, 0, "refs/pushgate/ is pushgate's own");
		pg_finding_addf(f, "only the post-receive hook writes there (push certificates)");
	} else if (change == PG_CHANGE_DELETE || change == PG_CHANGE_REWRITE) {
		f = pg_verdict_add(v, NULL, 0, "%s %s: approvals are evidence", PG_APPROVALS_REF,
				   change == PG_CHANGE_DELETE ? "may not be deleted"
							      : "may only move forward");
		pg_finding_addf(f, "fetch and merge them first: git fetch origin %s:%s-theirs && "
				"git notes --ref=approvals merge -s cat_sort_uniq %s-theirs",
				PG_APPROVALS_REF, PG_APPROVALS_REF, PG_APPROVALS_REF);
		pg_finding_addf(f, "pushgate approve --push origin does this for you");
	} else if (git_oid_fromstr(&id, u->new_hex) < 0 ||
		   git_object_lookup(&obj, repo, &id, GIT_OBJECT_COMMIT) < 0) {
		/* A blob there would make every approval unreadable: fail closed early. */
		f = pg_verdict_add(v, NULL, 0, "%s must be a notes commit", PG_APPROVALS_REF);
		pg_finding_addf(f, "%s is not a commit; pushgate approve writes the notes", u->new_hex);
	}
	git_object_free(obj);
}

/* Decide U, one of the push's updates ALL[0..N), for SCOPE. */
static void decide(struct pg_engine *e, const struct pg_update *u, const struct pg_update *all,
		   size_t n, struct pg_verdict *v, enum pg_scope scope, int brief)
{
	struct pg_request req;
	enum pg_change change;
	int refs, commits;

	if (!e->config_ok) {
		refuse_config(e, v, brief);
		return;
	}
	if (!e->repo_name) {
		struct pg_finding *f = pg_verdict_add(v, NULL, 0,
			"cannot tell which repository this is; failing closed");

		pg_finding_addf(f, "GIT_DIR does not name a directory pushgate can resolve");
		return;
	}
	refs = scope != PG_SCOPE_COMMITS && (pg_policy_protects(e->cfg, u->ref, e->repo_name) ||
					     reserved_ref(u->ref));
	/* Every update that brings commits has their names checked (commits.h). */
	commits = scope != PG_SCOPE_REFS;
	if (!refs && !commits)
		return;		/* no rule looks at this update */
	/* The repository tells a fast-forward from a rewrite, and the new commits. */
	if (!engine_repo(e)) {
		fail_closed(v, e->repo_error);
		return;
	}
	if (pg_classify(e->repo, u, &change) < 0) {
		fail_closed(v, pg_error_last());
		return;
	}
	v->classified = 1;
	v->change = change;
	memset(&req, 0, sizeof(req));
	req.ref = u->ref;
	req.old_hex = u->old_hex;
	req.new_hex = u->new_hex;
	req.change = change;
	req.repo = e->repo_name;
	req.user = e->user;
	req.via = e->via;
	req.no_user_why = e->no_user_why;
	req.pr_id = e->pr_id;
	if (refs && reserved_ref(u->ref))
		decide_reserved(e->repo, u, change, v);
	if (refs)
		pg_policy_decide(e->cfg, &req, v);
	/* Windows and freezes need -o break-glass, which only pre-receive sees. */
	if (commits && pg_schedule_decide(e->cfg, &req,
					  pg_push_option((const char *const *)e->options,
							 e->noptions, PG_BREAK_GLASS),
					  e->now, v) < 0)
		fail_closed(v, pg_error_last());
	/* Only pre-receive gets the push certificate. */
	if (commits)
		decide_push_cert(e, u, all, n, v);
	if (commits && decide_review(e, u, all, n, change, v) < 0)
		fail_closed(v, pg_error_last());
	if (commits && pg_reqchanged_check(e->repo, e->cfg, e->repo_name, u, all, n, v) < 0)
		fail_closed(v, pg_error_last());
	if (commits) {
		struct pg_commit_checks cc = {
			e->repo, e->cfg, e->cfg->allowed, e->repo_name,
			e->user, e->via, e->no_user_why, e->memo, 0, e->now
		};

		if (!e->memo)
			cc.memo = e->memo = pg_commits_memo_new();
		cc.names_only = decide_import(e, u, change, v);

		if (pg_commits_check(&cc, u, change, v) < 0)
			fail_closed(v, pg_error_last());
		if (!e->content)
			e->content = pg_content_memo_new();
		/* An import skips the path rules, max_size and name too; never secrets. */
		struct pg_content_checks ct = {
			e->repo, e->cfg, e->repo_name, e->user,
			pg_push_option((const char *const *)e->options, e->noptions, PG_SECRET_OK),
			cc.names_only, e->content
		};

		if (pg_content_check(&ct, u, change, v) < 0)
			fail_closed(v, pg_error_last());
	}
}

void pg_engine_decide(struct pg_engine *e, const struct pg_update *u, struct pg_verdict *v)
{
	decide(e, u, u, 1, v, PG_SCOPE_ALL, 0);
}

static struct pg_audit_push audit_push(const struct pg_engine *e)
{
	struct pg_audit_push p = {
		e->repo_name, e->user, e->via, (const char *const *)e->options, e->noptions,
		NULL, NULL, NULL
	};

	return p;
}

/*
 * An update post-receive will have to log needs a log that can take it,
 * known before the ref moves: else refuse it now.
 */
static void check_log_ready(struct pg_engine *e, const struct pg_update *u, struct pg_verdict *v,
			    enum pg_scope scope)
{
	struct pg_finding *f;
	/* Imports are known where push options are: pre-receive. */
	int logged = (scope != PG_SCOPE_COMMITS &&
		      pg_audit_release_rule(e->cfg, u->ref, e->repo_name)) ||
		     (scope != PG_SCOPE_REFS && (v->imported || v->break_glass));

	if (v->rejected || !logged)
		return;
	if (!e->log_checked) {
		e->log_checked = 1;
		e->log_ready = pg_audit_ready(e->cfg) == 0;
		if (!e->log_ready)
			e->log_error = pg_xstrdup(pg_error_last());
	}
	if (e->log_ready)
		return;
	f = pg_verdict_add(v, NULL, 0, "the release log cannot be written; failing closed");
	pg_finding_addf(f, "%s", e->log_error);
	pg_finding_addf(f, "this update must be logged (%s); an admin must fix the log",
			v->imported ? "an import" : v->break_glass ? "a break-glass" : "release = yes");
}

size_t pg_engine_check(struct pg_engine *e, const struct pg_update *u, size_t n,
		       enum pg_scope scope, struct pg_buf *out)
{
	struct pg_verdict *v = pg_xcalloc(n, sizeof(*v));
	struct pg_buf status = PG_BUF_INIT;
	size_t rejected = 0, refused = 0;

	for (size_t i = 0; i < n; i++) {
		/* A broken configuration is explained once, not once per ref. */
		decide(e, &u[i], u, n, &v[i], scope, i > 0);
		if (e->config_ok)
			check_log_ready(e, &u[i], &v[i], scope);
		refused += v[i].rejected;
	}
	if (e->config_ok) {
		struct pg_audit_push p = audit_push(e);
		/* pre-receive refusing one ref refuses every ref of the push. */
		const char *whole = scope != PG_SCOPE_REFS && refused ?
			"the whole push is refused with another ref update" : NULL;

		/* Not logged, not accepted: a warning must leave its trace. */
		if (pg_audit_decisions(e->cfg, &p, u, v, n, whole, &status) < 0) {
			for (size_t i = 0; i < n; i++) {
				struct pg_finding *f;

				if (v[i].rejected || !v[i].nfindings)
					continue;
				f = pg_verdict_add(&v[i], NULL, 0,
						   "the release log cannot be written; failing closed");
				pg_finding_addf(f, "%s", pg_error_last());
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		pg_report_verdict(out, u[i].ref, &v[i]);
		if (v[i].rejected)
			rejected++;
		pg_verdict_clear(&v[i]);
	}
	if (status.len) {
		pg_report_line(out, status.ptr);
	}
	pg_buf_free(&status);
	free(v);
	return rejected;
}

/* What post-receive logs beside the update: the push certificate, the approvals. */
struct evidence {
	struct pg_buf cert;	/* "BLOB PRINCIPAL SHA256:...", or empty */
	char ***approvals;	/* per update */
	size_t *napprovals;
};

static void evidence_gather(struct pg_engine *e, const struct pg_update *u, size_t n,
			    struct evidence *ev, struct pg_buf *out)
{
	struct pg_review_checks rc = { NULL, e->cfg, e->repo_name, e->user, e->now, NULL };
	struct pg_buf fp = PG_BUF_INIT, why = PG_BUF_INIT, line = PG_BUF_INIT;
	struct pg_push_cert c;
	git_oid notes;
	int got;

	const char *signed_push = getenv("GIT_PUSH_CERT");
	int approvals = 0;

	memset(ev, 0, sizeof(*ev));
	ev->approvals = pg_xcalloc(n ? n : 1, sizeof(*ev->approvals));
	ev->napprovals = pg_xcalloc(n ? n : 1, sizeof(*ev->napprovals));
	for (size_t i = 0; i < e->cfg->nrules && e->cfg->release_log.value; i++)
		approvals |= e->cfg->rules[i].approvals > 0;
	/* Most pushes have neither: then post-receive need not open the repository. */
	if ((!signed_push || !*signed_push) && !approvals)
		return;
	if (!engine_repo(e))
		return;
	got = pg_push_cert_read(&c, e->repo);
	if (got == 0) {
		if (pg_push_cert_check(&c, e->cfg->allowed, e->user, e->now, u, n, &fp, &why) == 0)
			pg_buf_printf(&ev->cert, "%s %s %s", c.blob_hex, e->user, fp.ptr);
		if (pg_push_cert_keep(e->repo, &c) < 0) {
			pg_buf_printf(&line, "push certificate: NOT KEPT: %s", pg_error_last());
			pg_report_line(out, line.ptr);
		}
		pg_push_cert_clear(&c);
	}
	if (!approvals)
		goto out;
	rc.repo = e->repo;
	got = pg_review_notes(&notes, e->repo, u, n);
	rc.notes = got == 0 ? &notes : NULL;
	if (got < 0) {
		pg_buf_printf(&line, "release log: approvals not recorded: %s", pg_error_last());
		pg_report_line(out, line.ptr);
	}
	for (size_t i = 0; got >= 0 && i < n; i++) {
		if (pg_review_used(&rc, &u[i], &ev->approvals[i], &ev->napprovals[i]) < 0) {
			pg_buf_reset(&line);
			pg_buf_printf(&line, "release log: approvals not recorded: %s",
				      pg_error_last());
			pg_report_line(out, line.ptr);
		}
	}
out:
	pg_buf_free(&fp);
	pg_buf_free(&why);
	pg_buf_free(&line);
}

static void evidence_free(struct evidence *ev, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < ev->napprovals[i]; j++)
			free(ev->approvals[i][j]);
		free(ev->approvals[i]);
	}
	free(ev->approvals);
	free(ev->napprovals);
	pg_buf_free(&ev->cert);
}

void pg_engine_record(struct pg_engine *e, const struct pg_update *u, size_t n,
		      struct pg_buf *out)
{
	struct pg_buf status = PG_BUF_INIT, line = PG_BUF_INIT;
	struct evidence ev;
	struct pg_audit_push p;

	if (!e->config_ok) {
		pg_report_line(out, "release log: the configuration is invalid; nothing was logged");
		return;
	}
	p = audit_push(e);
	evidence_gather(e, u, n, &ev, out);
	p.push_cert = ev.cert.len ? ev.cert.ptr : NULL;
	p.approvals = ev.approvals;
	p.napprovals = ev.napprovals;
	if (pg_audit_updates(e->cfg, &p, u, n, &status) < 0) {
		pg_buf_printf(&line, "release log: NOT LOGGED: %s", pg_error_last());
		pg_report_line(out, line.ptr);
	}
	if (status.len)
		pg_report_line(out, status.ptr);
	evidence_free(&ev, n);
	pg_buf_free(&line);
	pg_buf_free(&status);
}

git_repository *pg_engine_repo(struct pg_engine *e)
{
	return engine_repo(e);
}

const struct pg_config *pg_engine_config(const struct pg_engine *e)
{
	return e->config_ok ? e->cfg : NULL;
}

const char *pg_engine_config_path(const struct pg_engine *e)
{
	return e->config_path;
}

const char *pg_engine_user(const struct pg_engine *e)
{
	return e->user;
}

const char *pg_engine_via(const struct pg_engine *e)
{
	return e->via;
}

const char *pg_engine_repo_name(const struct pg_engine *e)
{
	return e->repo_name;
}

time_t pg_engine_now(const struct pg_engine *e)
{
	return e->now;
}

void pg_engine_set_now(struct pg_engine *e, time_t t)
{
	e->now = t;
}
