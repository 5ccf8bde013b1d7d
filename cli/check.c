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
#include "json.h"
#include "error.h"
#include "secrules.h"

static void print_summary(struct pg_check_out *o, const struct pg_config *cfg, const char *path)
{
	struct pg_buf ids = PG_BUF_INIT;

	for (size_t i = 0; i < cfg->nsources; i++) {
		if (i)
			pg_buf_puts(&ids, ", ");
		pg_source_name(&ids, &cfg->sources[i]);
	}
	pg_check_say(o, PG_SAY_INFO, path, 0,
		     "valid: %zu rule%s, %zu group%s, %zu file%s; identity: %s; atomic: %s",
		     cfg->nrules, cfg->nrules == 1 ? "" : "s",
		     cfg->ngroups, cfg->ngroups == 1 ? "" : "s",
		     cfg->nfiles - 1, cfg->nfiles - 1 == 1 ? "" : "s",
		     pg_buf_cstr(&ids), cfg->atomic ? "yes" : "no");
	pg_buf_free(&ids);
}

/* check --format json: one object, for scripts and editors. */
static void print_json(const struct pg_check_out *o, const char *path, int valid,
		       const struct pg_config *cfg)
{
	struct pg_buf b = PG_BUF_INIT;

	pg_buf_puts(&b, "{\"config\":");
	pg_json_put_cstring(&b, path);
	pg_buf_printf(&b, ",\"valid\":%s", valid ? "true" : "false");
	if (cfg)
		pg_buf_printf(&b, ",\"rules\":%zu,\"groups\":%zu,\"files\":%zu",
			      cfg->nrules, cfg->ngroups, cfg->nfiles);
	pg_buf_printf(&b, ",\"problems\":[%s],\"warnings\":[%s],\"notes\":[%s]}\n",
		      o->problems.ptr ? o->problems.ptr : "", o->warnings.ptr ? o->warnings.ptr : "",
		      o->notes.ptr ? o->notes.ptr : "");
	fwrite(b.ptr, 1, b.len, stdout);
	pg_buf_free(&b);
}

/*
 * Compile the secret rules as a push would, writing the cache the hooks
 * then load (secrules.h); say what happened.
 */
static int compile_secrets(struct pg_check_out *o, const struct pg_config *cfg)
{
	struct pg_secrules *set = cfg->secrets->set;
	const char *file = cfg->secrets->rule.file, *slash = strrchr(file, '/');
	char *dir = slash ? pg_xstrndup(file, (size_t)(slash - file) + (slash == file))
			  : pg_xstrdup(".");
	int rc = pg_secrules_compile_cached(set, dir);

	free(dir);
	if (rc < 0)
		return -1;
	pg_check_say(o, PG_SAY_INFO, file, 0, "[secrets]: %zu rules, %s in %.1f ms%s%s", set->n,
		     set->cache_state == PG_CACHE_LOADED ? "loaded from the cache" : "compiled",
		     set->compile_ms,
		     set->cache_state == PG_CACHE_WRITTEN ? "; cache written: " :
		     set->cache_state == PG_CACHE_UNWRITABLE ? "; cannot write the cache, so every "
							       "push compiles them: " : "",
		     set->cache_state == PG_CACHE_WRITTEN || set->cache_state == PG_CACHE_UNWRITABLE
			     ? set->cache : "");
	return 0;
}

static const char usage[] = "usage: pushgate check [-c FILE] [--as USER] [--format text|json]\n";

int pg_cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "as", required_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	struct pg_check_out o = { 0, PG_BUF_INIT, PG_BUF_INIT, PG_BUF_INIT };
	const char *given = NULL, *as = NULL;
	git_repository *repo = NULL;
	struct pg_config *cfg;
	char *path, *tried;
	int c, rc;

	while ((c = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		if (c == 'a') {
			as = optarg;
		} else if (c == 'c') {
			given = optarg;
		} else if (c == 'f' && (!strcmp(optarg, "json") || !strcmp(optarg, "text"))) {
			o.json = !strcmp(optarg, "json");
		} else {
			fputs(usage, stderr);
			return PG_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fputs(usage, stderr);
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
		pg_check_say(&o, PG_SAY_PROBLEM, NULL, 0, "no configuration found: %s", tried);
		if (o.json)
			print_json(&o, NULL, 0, NULL);
		free(tried);
		pg_check_out_free(&o);
		return PG_EXIT_NO;
	}

	rc = pg_config_load(&cfg, path);
	for (size_t i = 0; i < cfg->ndiags; i++) {
		const struct pg_diag *d = &cfg->diags[i];

		pg_check_say(&o, PG_SAY_PROBLEM, d->file, d->line, "%s", d->msg);
	}
	for (size_t i = 0; i < cfg->nwarnings; i++) {
		const struct pg_diag *d = &cfg->warnings[i];

		pg_check_say(&o, PG_SAY_WARNING, d->file, d->line, "%s", d->msg);
	}
	/* The hooks compile the secret rules on a push's first blob; check does it now. */
	if (rc == 0 && cfg->secrets && compile_secrets(&o, cfg) < 0) {
		pg_check_say(&o, PG_SAY_PROBLEM, cfg->secrets->rule.file, 0, "%s", pg_error_last());
		rc = -1;
	} else if (rc == 0) {
		const char *user = as ? as : pg_check_default_user(cfg);

		print_summary(&o, cfg, path);
		pg_check_warnings(cfg, path, &o);
		if (user) {
			int r = pg_check_as(cfg, user, &o);

			if (r == 0)
				pg_check_say(&o, PG_SAY_INFO, path, 0,
					     "every file the hooks need is usable by %s%s", user,
					     as ? "" : " (the owner of repos_root)");
			else
				rc = -1;
			if (r > 0)
				pg_check_say(&o, PG_SAY_PROBLEM, path, 0, "invalid as %s: the hooks, "
					     "run as %s, would fail closed", user, user);
		} else if (geteuid() == 0) {
			pg_check_say(&o, PG_SAY_NOTE, path, 0, "checked as root; run pushgate check "
				     "--as USER with the account the hooks run as");
		}
		rc = rc == 0 ? 0 : -1;
		if (o.json)
			print_json(&o, path, rc == 0, cfg);
		pg_config_free(cfg);
		free(path);
		pg_check_out_free(&o);
		return rc == 0 ? PG_EXIT_OK : PG_EXIT_NO;
	}
	if (o.json)
		print_json(&o, path, 0, cfg);
	else
		printf("%s: invalid: %zu problem%s\n", path, cfg->ndiags ? cfg->ndiags : 1,
		       cfg->ndiags > 1 ? "s" : "");
	pg_config_free(cfg);
	free(path);
	pg_check_out_free(&o);
	return PG_EXIT_NO;
}
