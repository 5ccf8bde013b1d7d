/*
 * The entries of a tree object's raw bytes, read in place: "MODE NAME\0"
 * and a binary id each.  For walks that read every tree of a history,
 * where a parsed git_tree (an allocation per tree and its entry array)
 * costs more than the reading.
 */
#ifndef PG_RAWTREE_H
#define PG_RAWTREE_H

#include <stddef.h>

#include <git2.h>

struct pg_rawtree_entry {
	unsigned mode;
	const char *name;	/* NUL-terminated, in the object's bytes */
	size_t namelen;
	const unsigned char *id;	/* GIT_OID_RAWSZ bytes */
};

/*
 * The entry at *POS (before END) into E, *POS moved past it: 1; 0 at the
 * end; -1 for a malformed entry (what libgit2 refuses too: a mode that is
 * not octal, an empty or unterminated name, a short id).
 */
int pg_rawtree_next(const unsigned char **pos, const unsigned char *end,
		    struct pg_rawtree_entry *e);

/* Whether MODE is a directory's. */
int pg_rawtree_is_dir(unsigned mode);

#endif
