#include "identity.h"
#include "error.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NAME_MAX_LEN 128
#define ENV_PREFIX "env:"

/* Fixed-name sources; PG_SRC_ENV is "env:VAR" and handled on its own. */
static const struct {
	const char *token;
	enum pg_source_kind kind;
	const char *var;	/* NULL for PG_SRC_UNIX */
} fixed_sources[] = {
	{ "gitea", PG_SRC_GITEA, "GITEA_PUSHER_NAME" },
	{ "gitolite", PG_SRC_GITOLITE, "GL_USER" },
	{ "gitlab", PG_SRC_GITLAB, "GL_USERNAME" },
	{ "http", PG_SRC_HTTP, "REMOTE_USER" },
	{ "unix", PG_SRC_UNIX, NULL },
};

#define N_FIXED (sizeof(fixed_sources) / sizeof(fixed_sources[0]))

const char *pg_getenv_process(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

static int env_var_name_valid(const char *s)
{
	if (!(*s == '_' || (*s >= 'A' && *s <= 'Z') ||
	      (*s >= 'a' && *s <= 'z')))
		return 0;
	for (s++; *s; s++)
		if (!(*s == '_' || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

int pg_source_parse(struct pg_source *out, const char *token)
{
	size_t i;

	out->kind = PG_SRC_UNIX;
	out->var = NULL;
	if (!token) {
		pg_error_set("identity source is missing");
		return -1;
	}
	for (i = 0; i < N_FIXED; i++) {
		if (!strcmp(token, fixed_sources[i].token)) {
			out->kind = fixed_sources[i].kind;
			return 0;
		}
	}
	if (!strncmp(token, ENV_PREFIX, strlen(ENV_PREFIX))) {
		const char *var = token + strlen(ENV_PREFIX);

		if (!env_var_name_valid(var)) {
			pg_error_set("identity source '%s': '%s' is not a "
				     "valid environment variable name",
				     token, var);
			return -1;
		}
		out->kind = PG_SRC_ENV;
		out->var = pg_xstrdup(var);
		return 0;
	}
	pg_error_set("unknown identity source '%s' (expected gitea, gitolite, "
		     "gitlab, http, unix or env:VAR)", token);
	return -1;
}

void pg_source_clear(struct pg_source *s)
{
	free(s->var);
	s->var = NULL;
}

/* Appends, like the pg_buf_put family, rather than replacing OUT. */
void pg_source_name(struct pg_buf *out, const struct pg_source *s)
{
	size_t i;

	if (s->kind == PG_SRC_ENV) {
		pg_buf_puts(out, ENV_PREFIX);
		pg_buf_puts(out, s->var ? s->var : "");
		return;
	}
	for (i = 0; i < N_FIXED; i++) {
		if (fixed_sources[i].kind == s->kind) {
			pg_buf_puts(out, fixed_sources[i].token);
			return;
		}
	}
	pg_buf_puts(out, "unknown");
}

static int name_char_ok(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@' ||
	       c == '+' || c == '-';
}

int pg_identity_name_valid(const char *name)
{
	size_t i;

	if (!name || !*name || *name == '@' || *name == '-')
		return 0;
	for (i = 0; name[i]; i++)
		if (i >= NAME_MAX_LEN || !name_char_ok(name[i]))
			return 0;
	return 1;
}

static const char *unix_login(void)
{
	struct passwd *pw = getpwuid(geteuid());

	return pw ? pw->pw_name : NULL;
}

/* What S says, or NULL when it does not answer (unset or empty). */
static const char *source_value(const struct pg_source *s,
				pg_getenv_fn getenv_fn, void *ctx)
{
	const char *var = NULL, *v;
	size_t i;

	if (s->kind == PG_SRC_UNIX) {
		v = unix_login();
	} else {
		if (s->kind == PG_SRC_ENV) {
			var = s->var;
		} else {
			for (i = 0; i < N_FIXED; i++)
				if (fixed_sources[i].kind == s->kind)
					var = fixed_sources[i].var;
		}
		v = var ? getenv_fn(ctx, var) : NULL;
	}
	return v && *v ? v : NULL;
}

int pg_identity_resolve(struct pg_identity *out, const struct pg_source *srcs,
			size_t nsrcs, pg_getenv_fn getenv_fn, void *ctx)
{
	struct pg_buf via = PG_BUF_INIT;
	const char *v;
	size_t i;

	out->user = NULL;
	out->via = NULL;
	if (!getenv_fn)
		getenv_fn = pg_getenv_process;
	for (i = 0; i < nsrcs; i++) {
		v = source_value(&srcs[i], getenv_fn, ctx);
		if (!v)
			continue;
		pg_source_name(&via, &srcs[i]);
		if (!pg_identity_name_valid(v)) {
			/* The value is not quoted: it may be an escape. */
			pg_error_set("identity source %s gave an invalid user "
				     "name", pg_buf_cstr(&via));
			pg_buf_free(&via);
			return -1;
		}
		out->user = pg_xstrdup(v);
		out->via = pg_buf_detach(&via);
		return 0;
	}
	return 1;
}

void pg_identity_clear(struct pg_identity *id)
{
	free(id->user);
	free(id->via);
	id->user = NULL;
	id->via = NULL;
}

static const char *env_nonempty(pg_getenv_fn getenv_fn, void *ctx,
				const char *name)
{
	const char *v = getenv_fn(ctx, name);

	return v && *v ? v : NULL;
}

static int ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && !memcmp(s + len - n, suffix, n);
}

/*
 * The length of REL, a path relative to the repositories' root, once the
 * ".git" of a bare repository or the "/.git" of a work tree is dropped.
 */
static size_t strip_git_suffix(const char *rel, size_t len)
{
	if (ends_with(rel, len, "/.git"))
		return len - strlen("/.git");
	if (ends_with(rel, len, ".git"))
		return len - strlen(".git");
	return len;
}

/*
 * GIT_DIR's last component without ".git"; for a work tree's "X/.git"
 * that is X.  Never empty: a name that is nothing but ".git" is kept whole.
 */
static char *dir_basename(const char *git_dir)
{
	size_t len = strlen(git_dir), blen;
	const char *base;

	while (len > 1 && git_dir[len - 1] == '/')
		len--;
	if (len > strlen("/.git") && ends_with(git_dir, len, "/.git"))
		len -= strlen("/.git");
	base = git_dir + len;
	while (base > git_dir && base[-1] != '/')
		base--;
	blen = (size_t)(git_dir + len - base);
	if (blen > strlen(".git") && ends_with(base, blen, ".git"))
		blen -= strlen(".git");
	if (!blen)
		return pg_xstrdup("/");
	return pg_xstrndup(base, blen);
}

/*
 * GIT_DIR relative to ROOT when it lies strictly below it, with ".git"
 * dropped; NULL when it does not or nothing would be left.
 */
static char *name_below_root(const char *git_dir, const char *root)
{
	size_t rlen = strlen(root), len;
	const char *rel;

	/* "/srv/git/" and "/srv/git" are the same root; "/" stays "". */
	while (rlen && root[rlen - 1] == '/')
		rlen--;
	if (strncmp(git_dir, root, rlen) || git_dir[rlen] != '/')
		return NULL;
	rel = git_dir + rlen + 1;
	len = strip_git_suffix(rel, strlen(rel));
	if (!len)
		return NULL;
	return pg_xstrndup(rel, len);
}

char *pg_repo_name(const char *git_dir_abs, const char *repos_root,
		   int use_gitea, int use_gitolite,
		   pg_getenv_fn getenv_fn, void *ctx)
{
	const char *owner, *repo;
	struct pg_buf b = PG_BUF_INIT;
	char *name;

	if (!getenv_fn)
		getenv_fn = pg_getenv_process;
	if (use_gitea) {
		owner = env_nonempty(getenv_fn, ctx, "GITEA_REPO_USER_NAME");
		repo = env_nonempty(getenv_fn, ctx, "GITEA_REPO_NAME");
		if (owner && repo) {
			pg_buf_printf(&b, "%s/%s", owner, repo);
			return pg_buf_detach(&b);
		}
	}
	if (use_gitolite) {
		repo = env_nonempty(getenv_fn, ctx, "GL_REPO");
		if (repo)
			return pg_xstrdup(repo);
	}
	/* An empty root is an unset option, not "/". */
	if (repos_root && *repos_root) {
		name = name_below_root(git_dir_abs, repos_root);
		if (name)
			return name;
	}
	return dir_basename(git_dir_abs);
}
