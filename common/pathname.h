/*
 * Tree paths as the file systems of git's clients see them.  A pushed tree
 * holds bytes; a checkout on macOS (HFS+, APFS) or Windows (NTFS) folds
 * case, ignores some invisible code points, drops trailing dots and spaces
 * and reads "name:stream" as a stream of "name".  So "SRC/Crypto./x.c"
 * lands in src/crypto/ there, and ".GIT" or "git~1" is the repository's own
 * .git directory: git's verify_path() and fsck know the same aliases.
 */
#ifndef PG_PATHNAME_H
#define PG_PATHNAME_H

#include <stddef.h>

#include "buf.h"

/*
 * Append to OUT the one spelling of PATH (LEN bytes, '/'-separated, not
 * necessarily UTF-8) that every spelling landing in the same place on
 * those file systems shares: '\' is a separator too (Windows), in each
 * component the HFS+-ignorable code points are dropped, the rest is
 * lowercased (Unicode simple case mapping; ill-formed bytes stay as they
 * are), an NTFS stream suffix (from the first ':') and trailing dots and
 * spaces are cut, unless that would leave nothing.  Folding more than a
 * file system does only makes a rule match more, never less.
 */
void pg_path_fold(struct pg_buf *out, const char *path, size_t len);

/*
 * Append PATTERN (a glob of glob.h) lowercased the same way, its syntax
 * ('*', '?', '[...]', '\') untouched, to match folded paths.
 */
void pg_path_fold_pattern(struct pg_buf *out, const char *pattern);

/*
 * 1 when the tree entry name NAME (LEN bytes) is one a checkout must never
 * write: ".git" in any spelling HFS+ or NTFS treat as it (".GIT",
 * ".g\u200cit", "git~1", ".git. ", ".git::$INDEX_ALLOCATION"), or ".", ".."
 * the empty name, "." or "..", also as a piece between '\'s, which
 * Windows reads as separators.  0 otherwise.
 */
int pg_path_name_is_dotgit(const char *name, size_t len);

/*
 * 1 when NAME (LEN bytes) is, in a spelling HFS+ or NTFS treat as it,
 * .gitmodules, .gitattributes, .gitignore or .mailmap: files git reads
 * from the work tree and refuses to check out as symlinks (git fsck:
 * gitmodulesSymlink and its siblings).  0 otherwise.
 */
int pg_path_name_is_dotfile(const char *name, size_t len);

#endif
