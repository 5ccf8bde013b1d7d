/*
 * One call for the hooks and for `pushgate explain`: find and read the
 * configuration, open the repository, learn who pushes, then decide each
 * ref update.  Anything that goes wrong on the way is kept and turns into a
 * rejection of the refs it could affect: the engine fails closed.
 */
#ifndef PG_ENGINE_H
#define PG_ENGINE_H

#include <git2.h>
#include <time.h>

#include "buf.h"
#include "config.h"
#include "policy.h"
#include "update.h"

struct pg_engine_opts {
	const char *config_path;	/* -c FILE; NULL: look it up */
	const char *git_dir;		/* --git-dir; NULL: the hook's environment */
	const char *user;		/* explain --user; NULL: identity sources */
	/* The rest is explain's, to ask about a push that is not happening. */
	const char *const *options;	/* -o: push options; NULL: git's (GIT_PUSH_OPTION_*) */
	size_t noptions;
	const char *pr_id;		/* --pr: a Gitea pull-request merge; NULL: from Gitea */
};

struct pg_engine;

/*
 * Never fails: *out is always set, and problems are decided later as
 * rejections.  Free with pg_engine_free.
 */
void pg_engine_open(struct pg_engine **out, const struct pg_engine_opts *opts);
void pg_engine_free(struct pg_engine *e);

/*
 * Whether pre-receive decides for the whole push (atomic = yes, and
 * whenever the configuration cannot be read) or leaves each ref to the
 * update hook.
 */
int pg_engine_atomic(const struct pg_engine *e);

/* 1 when a configuration was found and has no problem. */
int pg_engine_config_valid(const struct pg_engine *e);

/*
 * Where the configuration is: GIVEN, else $PUSHGATE_CONFIG, else REPO's git
 * config pushgate.config (REPO may be NULL), else /etc/pushgate/pushgate.ini
 * when it exists.  NULL when none, with *tried saying where we looked.
 */
char *pg_config_locate(const char *given, git_repository *repo, char **tried);

/* Decide one update into V (cleared by the caller with pg_verdict_clear). */
void pg_engine_decide(struct pg_engine *e, const struct pg_update *u,
		      struct pg_verdict *v);

/*
 * Which rules a hook applies.  With atomic = no, the update hook decides
 * each ref's own rules (who may push, force-push, delete), but only
 * pre-receive can tell which commits are new (the update hook runs after
 * earlier refs of the same push moved), so pre-receive applies the commit
 * and path rules, to the whole push.
 */
enum pg_scope {
	PG_SCOPE_ALL,		/* atomic = yes, and explain */
	PG_SCOPE_REFS,		/* branch and tag permissions only */
	PG_SCOPE_COMMITS	/* commit and path rules only */
};

/*
 * Decide every update for SCOPE and append the report to OUT; returns how
 * many updates were rejected.
 */
size_t pg_engine_check(struct pg_engine *e, const struct pg_update *u, size_t n,
		       enum pg_scope scope, struct pg_buf *out);

/*
 * post-receive: log the updates that happened (U, N: the refs that moved)
 * and a release rule covers; problems go to OUT for the pusher.
 */
void pg_engine_record(struct pg_engine *e, const struct pg_update *u, size_t n,
		      struct pg_buf *out);

/* For explain: what the engine found. NULL where it found nothing. */
git_repository *pg_engine_repo(struct pg_engine *e);	/* opens it if needed */
const struct pg_config *pg_engine_config(const struct pg_engine *e);
const char *pg_engine_config_path(const struct pg_engine *e);
const char *pg_engine_user(const struct pg_engine *e);
const char *pg_engine_via(const struct pg_engine *e);
const char *pg_engine_repo_name(const struct pg_engine *e);

/*
 * The time the push is judged at (windows, freezes, signer validity):
 * when the engine was opened, or what explain --at set.
 */
time_t pg_engine_now(const struct pg_engine *e);
void pg_engine_set_now(struct pg_engine *e, time_t t);

#endif
