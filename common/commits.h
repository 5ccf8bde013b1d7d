/*
 * The rules that look at what a push brings rather than where it goes:
 * [path] write rules, and on branches require_signed, subject, message and
 * linear; on tags require_signed for the tag object.  They run over every
 * new commit of a ref update (walk.c), not only its tip: a change that a
 * later commit reverts was still pushed.
 */
#ifndef PG_COMMITS_H
#define PG_COMMITS_H

#include <time.h>

#include <git2.h>

#include "config.h"
#include "policy.h"
#include "update.h"

struct pg_signers;

/*
 * What earlier updates of the same push proved: the tips whose new commits
 * all passed a given set of rules.  A later update under the same rules
 * need not walk them again, so a push of many branches over one history
 * (a mirror) walks that history once.
 */
struct pg_commits_memo;

struct pg_commits_memo *pg_commits_memo_new(void);
void pg_commits_memo_free(struct pg_commits_memo *m);

#define PG_COMMITS_SHOWN 20	/* offending commits listed per problem */

struct pg_commit_checks {
	git_repository *repo;
	const struct pg_config *cfg;
	const struct pg_signers *signers;	/* NULL: none configured */
	const char *repo_name;
	const char *user;			/* NULL: not identified */
	const char *via;
	const char *no_user_why;
	struct pg_commits_memo *memo;		/* may be NULL */
	int names_only;		/* an import: no rule, only the .git alias check */
	time_t now;		/* the push's time: signer keys are valid at it, or not */
};

/*
 * Check the new commits of U (a CHANGE, already classified) against every
 * rule that applies, adding findings to V: a rule scoped to refs sees the
 * commits new to U's ref, a [path] rule for every ref those new to the
 * repository, and the names of what those add are checked for .git
 * aliases whatever the rules.  0, or -1 on an internal error
 * (pg_error_set); the caller then fails closed.
 */
int pg_commits_check(const struct pg_commit_checks *c, const struct pg_update *u,
		     enum pg_change change, struct pg_verdict *v);

#endif
