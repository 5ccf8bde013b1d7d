/*
 * [tag] require_changed: a release must carry its notes.  Each glob must
 * match a path that the new tag's tree adds or changes against the tree of
 * the previous tag of the same section; for the first such tag, a path in
 * its tree.  The previous tag is found by ancestry, never by a date the
 * tagger chose: a tag of the section whose commit the new tag's commit
 * contains and that no other such tag lies between (the nearest, so the
 * range checked is the smallest).  Tags of the same push count as tags.
 */
#ifndef PG_REQCHANGED_H
#define PG_REQCHANGED_H

#include <git2.h>

#include "config.h"
#include "policy.h"
#include "update.h"

/*
 * Check U (one of the push's updates ALL[0..N)) against every tag rule of
 * CFG with require_changed that applies in REPO_NAME; refusals go to V.
 * 0, or -1 (pg_error_set) when the objects cannot be read.
 */
int pg_reqchanged_check(git_repository *repo, const struct pg_config *cfg,
			const char *repo_name, const struct pg_update *u,
			const struct pg_update *all, size_t n, struct pg_verdict *v);

#endif
