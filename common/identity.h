/*
 * Who is pushing, and to which repository.  The sources are environment
 * variables set by the server in front of git (Gitea, gitolite, GitLab,
 * git-http-backend, an authorized_keys forced command) or the Unix user.
 * The environment is read through a callback so tests can supply their own.
 */
#ifndef PG_IDENTITY_H
#define PG_IDENTITY_H

#include "buf.h"

enum pg_source_kind {
	PG_SRC_GITEA,		/* GITEA_PUSHER_NAME */
	PG_SRC_GITOLITE,	/* GL_USER */
	PG_SRC_GITLAB,		/* GL_USERNAME */
	PG_SRC_HTTP,		/* REMOTE_USER */
	PG_SRC_ENV,		/* the variable named in var */
	PG_SRC_UNIX		/* login name of the effective uid */
};

struct pg_source {
	enum pg_source_kind kind;
	char *var;		/* PG_SRC_ENV only: the variable's name */
};

typedef const char *(*pg_getenv_fn)(void *ctx, const char *name);

/* The process environment, for pg_getenv_fn parameters. */
const char *pg_getenv_process(void *ctx, const char *name);

/*
 * Parse one source token: "gitea", "gitolite", "gitlab", "http", "unix"
 * or "env:VAR" with VAR matching [A-Za-z_][A-Za-z0-9_]*.  0, or -1 with
 * pg_error_set() naming the token.  Free with pg_source_clear().
 */
int pg_source_parse(struct pg_source *out, const char *token);
void pg_source_clear(struct pg_source *s);
/* The token again ("gitea", "env:PUSHGATE_USER"): what the log calls via. */
void pg_source_name(struct pg_buf *out, const struct pg_source *s);

struct pg_identity {
	char *user;		/* NULL when no source answered */
	char *via;		/* the source that answered, as pg_source_name */
};

/*
 * A user name we accept: 1 to 128 bytes of [A-Za-z0-9._@+-], not starting
 * with '@' or '-'.  Anything else (spaces, commas, control bytes) could be
 * confused with a member list or a terminal escape, so it is refused.
 */
int pg_identity_name_valid(const char *name);

/*
 * Try SRCS in order; the first source whose variable is set and non-empty
 * answers.  Returns 0 with out filled; 1 when no source answered (out
 * empty); -1 when the answering source's value is not a valid name: that
 * fails closed rather than falling through to the next source, and
 * pg_error_set() names the source (the value itself is not repeated).
 */
int pg_identity_resolve(struct pg_identity *out, const struct pg_source *srcs,
			size_t nsrcs, pg_getenv_fn getenv_fn, void *ctx);
void pg_identity_clear(struct pg_identity *id);

/*
 * The repository's name, for `repos =` patterns and the log:
 *   GITEA_REPO_USER_NAME "/" GITEA_REPO_NAME when use_gitea and both are set;
 *   else GL_REPO when use_gitolite and it is set;
 *   else GIT_DIR_ABS below REPOS_ROOT (when REPOS_ROOT is not NULL and is
 *     a parent directory of it), without a trailing ".git";
 *   else the last component of GIT_DIR_ABS without ".git".
 * GIT_DIR_ABS is an absolute, normalised path without a trailing '/'.
 * Returns a malloc'd string (never NULL).
 */
char *pg_repo_name(const char *git_dir_abs, const char *repos_root,
		   int use_gitea, int use_gitolite,
		   pg_getenv_fn getenv_fn, void *ctx);

#endif
