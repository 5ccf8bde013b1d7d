/* pushgate check: every problem of a configuration, as FILE:LINE: message. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>

#include "cli.h"
#include "config.h"
#include "engine.h"
#include "escape.h"
#include "gitinit.h"
#include "error.h"
#include "secrules.h"

static void print_summary(const struct pg_config *cfg, const char *path)
{
	struct pg_buf ids = PG_BUF_INIT;

	for (size_t i = 0; i < cfg->nsources; i++) {
		if (i)
			pg_buf_puts(&ids, ", ");
		pg_source_name(&ids, &cfg->sources[i]);
	}
	printf("%s: valid: %zu rule%s, %zu group%s, %zu file%s; identity: %s; atomic: %s\n",
	       path, cfg->nrules, cfg->nrules == 1 ? "" : "s",
	       cfg->ngroups, cfg->ngroups == 1 ? "" : "s",
	       cfg->nfiles - 1, cfg->nfiles - 1 == 1 ? "" : "s",
	       pg_buf_cstr(&ids), cfg->atomic ? "yes" : "no");
	pg_buf_free(&ids);
}

/*
 * Compile the secret rules as a push would, writing the cache the hooks
 * then load (secrules.h); say what happened.
 */
static int compile_secrets(const struct pg_config *cfg)
{
	struct pg_secrules *set = cfg->secrets->set;
	const char *file = cfg->secrets->rule.file, *slash = strrchr(file, '/');
	char *dir = slash ? pg_xstrndup(file, (size_t)(slash - file) + (slash == file))
			  : pg_xstrdup(".");
	int rc = pg_secrules_compile_cached(set, dir);

	free(dir);
	if (rc < 0)
		return -1;
	printf("%s: [secrets]: %zu rules, %s in %.1f ms%s%s\n", file, set->n,
	       set->cache_state == PG_CACHE_LOADED ? "loaded from the cache" : "compiled",
	       set->compile_ms,
	       set->cache_state == PG_CACHE_WRITTEN ? "; cache written: " :
	       set->cache_state == PG_CACHE_UNWRITABLE ? "; cannot write the cache, so every push "
							 "compiles them: " : "",
	       set->cache_state == PG_CACHE_WRITTEN || set->cache_state == PG_CACHE_UNWRITABLE
		       ? set->cache : "");
	return 0;
}

int pg_cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "as", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	const char *given = NULL, *as = NULL;
	git_repository *repo = NULL;
	struct pg_config *cfg;
	char *path, *tried;
	int c, rc;

	while ((c = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		if (c == 'a') {
			as = optarg;
			continue;
		}
		if (c != 'c') {
			fputs("usage: pushgate check [-c FILE] [--as USER]\n", stderr);
			return PG_EXIT_USAGE;
		}
		given = optarg;
	}
	if (optind != argc) {
		fputs("usage: pushgate check [-c FILE] [--as USER]\n", stderr);
		return PG_EXIT_USAGE;
	}

	/* Look where a hook run in this repository would look. */
	pg_git_init();
	if (!given && git_repository_open_ext(&repo, ".", 0, NULL) < 0)
		repo = NULL;
	path = pg_config_locate(given, repo, &tried);
	git_repository_free(repo);
	pg_git_shutdown();
	if (!path) {
		printf("pushgate: no configuration found: %s\n", tried);
		free(tried);
		return PG_EXIT_NO;
	}

	rc = pg_config_load(&cfg, path);
	for (size_t i = 0; i < cfg->ndiags; i++) {
		const struct pg_diag *d = &cfg->diags[i];
		struct pg_buf msg = PG_BUF_INIT;

		/* Values in a policy can hold any byte; the admin's terminal gets none raw. */
		pg_escape_puts(&msg, d->msg);
		if (d->line)
			printf("%s:%d: %s\n", d->file, d->line, msg.ptr);
		else
			printf("%s: %s\n", d->file, msg.ptr);
		pg_buf_free(&msg);
	}
	for (size_t i = 0; i < cfg->nwarnings; i++) {
		const struct pg_diag *d = &cfg->warnings[i];
		struct pg_buf msg = PG_BUF_INIT;

		pg_escape_puts(&msg, d->msg);
		printf("%s:%d: warning: %s\n", d->file, d->line, msg.ptr);
		pg_buf_free(&msg);
	}
	/* The hooks compile the secret rules on a push's first blob; check does it now. */
	if (rc == 0 && cfg->secrets && compile_secrets(cfg) < 0) {
		struct pg_buf msg = PG_BUF_INIT;

		pg_escape_puts(&msg, pg_error_last());
		printf("%s\n%s: invalid: 1 problem\n", msg.ptr, path);
		pg_buf_free(&msg);
		pg_config_free(cfg);
		free(path);
		return PG_EXIT_NO;
	}
	if (rc == 0) {
		const char *user = as ? as : pg_check_default_user(cfg);

		print_summary(cfg, path);
		pg_check_warnings(cfg, path);
		if (user) {
			int r = pg_check_as(cfg, user);

			if (r == 0)
				printf("%s: every file the hooks need is usable by %s%s\n", path, user,
				       as ? "" : " (the owner of repos_root)");
			else
				rc = -1;
			if (r > 0)
				printf("%s: invalid as %s: the hooks, run as %s, would fail closed\n",
				       path, user, user);
		} else if (geteuid() == 0) {
			printf("%s: note: checked as root; run pushgate check --as USER with the "
			       "account the hooks run as\n", path);
		}
	}
	else
		printf("%s: invalid: %zu problem%s\n", path, cfg->ndiags,
		       cfg->ndiags == 1 ? "" : "s");
	pg_config_free(cfg);
	free(path);
	return rc == 0 ? PG_EXIT_OK : PG_EXIT_NO;
}
