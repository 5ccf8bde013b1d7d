/*
 * Glob patterns for ref names, repository names and (later) tree paths.
 * Within one '/'-separated component, '*', '?' and '[...]' mean what
 * fnmatch(3) gives them; a component that is exactly '**' matches zero or
 * more whole components.  So the pattern release/<star> matches
 * "release/1.0" but not "release/1/x", and src/<star><star> matches "src/a"
 * and "src/a/b/c", and also "src" itself (here <star> stands for '*', which
 * C comments cannot hold after a '/').
 */
#ifndef PG_GLOB_H
#define PG_GLOB_H

/* 1 when NAME matches PATTERN, 0 when it does not. */
int pg_glob_match(const char *pattern, const char *name);

/*
 * 1 when some path below the directory DIR ("DIR/..." with at least one
 * more component) may match PATTERN, 0 when none can.  It may say 1 where
 * no path matches (a '**' can absorb anything), never 0 where one does:
 * the commit walk uses it to skip directories no rule can reach.
 */
int pg_glob_may_match_below(const char *pattern, const char *dir);

/*
 * 0 when PATTERN is usable; -1 with pg_error_set() when it is empty, holds
 * a control character, has an empty component ("a//b", leading or trailing
 * '/'), has '**' that is not a whole component, or an unclosed '['.
 */
int pg_glob_check(const char *pattern);

#endif
