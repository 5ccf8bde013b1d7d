#include "import.h"
#include "policy.h"

#include <string.h>

#define OPTION "import="

const char *pg_import_option(const char *const *options, size_t n)
{
	const char *found = NULL;

	/* git keeps the order pushed: the last one said wins, as with -o twice. */
	for (size_t i = 0; i < n; i++)
		if (options[i] && !strncmp(options[i], OPTION, strlen(OPTION)))
			found = options[i] + strlen(OPTION);
	return found;
}

static const struct pg_rule *find(const struct pg_config *cfg, const char *ref,
				  const char *repo, const char *user)
{
	for (size_t i = 0; i < cfg->nrules; i++) {
		const struct pg_rule *r = &cfg->rules[i];

		if (r->kind != PG_RULE_BRANCH || !r->import.set || !pg_rule_applies(r, ref, repo))
			continue;
		if (!user || pg_members_contains(cfg, &r->import, user))
			return r;
	}
	return NULL;
}

const struct pg_rule *pg_import_rule(const struct pg_config *cfg, const char *ref,
				     const char *repo, const char *user)
{
	return user ? find(cfg, ref, repo, user) : NULL;
}

const struct pg_rule *pg_import_any_rule(const struct pg_config *cfg, const char *ref,
					 const char *repo)
{
	return find(cfg, ref, repo, NULL);
}
