/* The configuration and signers files, found and read as `pushgate check` does. */
#include <stdio.h>
#include <stdlib.h>

#include <git2.h>

#include "cli.h"
#include "config.h"
#include "engine.h"
#include "error.h"
#include "gitinit.h"
#include "signers.h"

struct pg_config *pg_cli_find_config(const char *cmd, const char *given, const char *without,
				     char **path)
{
	git_repository *repo = NULL;
	struct pg_config *cfg;
	char *tried;

	pg_git_init();
	if (!given && git_repository_open_ext(&repo, ".", 0, NULL) < 0)
		repo = NULL;
	*path = pg_config_locate(given, repo, &tried);
	git_repository_free(repo);
	pg_git_shutdown();
	if (!*path) {
		fprintf(stderr, "pushgate %s: give %s, or a configuration: none found: %s\n",
			cmd, without, tried);
		free(tried);
		return NULL;
	}
	if (pg_config_load(&cfg, *path) < 0) {
		fprintf(stderr, "pushgate %s: %s is not valid (%zu problem%s; see pushgate "
			"check); give %s instead\n", cmd, *path, cfg->ndiags,
			cfg->ndiags == 1 ? "" : "s", without);
		pg_config_free(cfg);
		free(*path);
		*path = NULL;
		return NULL;
	}
	return cfg;
}

int pg_cli_load_signers(struct pg_signers **out, const char *path)
{
	int whole = 0;

	if (pg_signers_load(out, path) == 0)
		return 0;
	for (size_t i = 0; i < (*out)->nproblems; i++) {
		const struct pg_signers_problem *p = &(*out)->problems[i];

		if (p->line)
			fprintf(stderr, "%s:%d: %s\n", p->file, p->line, p->msg);
		else
			fprintf(stderr, "%s: %s\n", p->file, p->msg);
		if (!p->line)
			whole = 1;
	}
	if (whole) {
		pg_signers_free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}
