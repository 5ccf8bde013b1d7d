/*
 * What the three hook mains share: their role, and the one line that
 * closes a rejected push.  Each hook is its own binary and knows its role
 * from its own main (in Gitea's layout all three are named "pushgate").
 */
#ifndef PG_HOOK_H
#define PG_HOOK_H

#include <stddef.h>

#include "engine.h"

/*
 * Print OUT to stderr (git passes it to the pusher) and, when some of
 * several refs were rejected, the line that says the whole push is
 * refused, and why (ATOMIC: atomic = yes; else the new commits).  Returns
 * the hook's exit code.
 */
int pg_hook_finish(struct pg_buf *out, size_t rejected, size_t total, int atomic);

#endif
