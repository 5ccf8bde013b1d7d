/*
 * -o import=REASON: how an admin brings an existing history onto a
 * protected branch.  An import skips the commit and path rules for that
 * update (an old history was never signed or ticketed the way the policy
 * now wants), never who may push, create or force-push, nor the .git
 * alias check, and is always written to the release log with its reason.
 * Only members of an applying branch rule's `import` list may do it.
 */
#ifndef PG_IMPORT_H
#define PG_IMPORT_H

#include <stddef.h>

#include "config.h"

/* The REASON of the last "import=REASON" push option, or NULL when none was pushed. */
const char *pg_import_option(const char *const *options, size_t n);

/*
 * The first branch rule that applies to REF in REPO and has USER in its
 * import list, or NULL (USER NULL is in none).
 */
const struct pg_rule *pg_import_rule(const struct pg_config *cfg, const char *ref,
				     const char *repo, const char *user);

/* The first branch rule that applies to REF in REPO and has an import list, or NULL. */
const struct pg_rule *pg_import_any_rule(const struct pg_config *cfg, const char *ref,
					 const char *repo);

#endif
