/*
 * What kind of change a ref update is, decided with libgit2 on the objects
 * the push brought (in pre-receive they are still in the quarantine, which
 * the repository opened from the environment sees).
 */
#ifndef PG_CLASSIFY_H
#define PG_CLASSIFY_H

#include <git2.h>

#include "policy.h"
#include "update.h"

/*
 * Create and delete come from the zero ids; otherwise both sides are
 * peeled to commits (an annotated tag to the commit it names) and the
 * update is a fast-forward when the new commit descends from the old one
 * (or is it).  A side that does not peel to a commit counts as a rewrite.
 * 0, or -1 with pg_error_set() when an object cannot be read.
 */
int pg_classify(git_repository *repo, const struct pg_update *u, enum pg_change *out);

#endif
