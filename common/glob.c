#include "glob.h"
#include "error.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

/*
 * A pattern is matched one '/'-separated component at a time, so fnmatch()
 * never sees a '/' and '*' cannot cross components.  '**' is handled here,
 * not by fnmatch.
 */
enum comp_kind {
	COMP_GLOB,	/* fnmatch() against exactly one name component */
	COMP_DSTAR	/* zero or more whole name components */
};

struct comp {
	enum comp_kind kind;
	const char *s;
};

static size_t count_components(const char *s)
{
	size_t n = 1;

	for (; *s; s++)
		if (*s == '/')
			n++;
	return n;
}

/* Cuts the writable copy S in place at every '/'; OUT gets the pieces. */
static void split_components(char *s, const char **out)
{
	size_t i = 0;

	out[i++] = s;
	for (; *s; s++) {
		if (*s == '/') {
			*s = '\0';
			out[i++] = s + 1;
		}
	}
}

/*
 * A trailing '**' matches the directory before it too (src/crypto and
 * '**' match "src/crypto"), unlike gitignore: a symlink or submodule put at
 * a protected directory's own name must be under that directory's rule.
 * A '**' elsewhere may match no component at all (a, '**', b matches
 * "a/b").
 */
static size_t build_pattern(char *copy, struct comp *out)
{
	size_t n = count_components(copy), i;
	const char **parts = pg_xmalloc(n * sizeof(*parts));

	split_components(copy, parts);
	for (i = 0; i < n; i++) {
		out[i].s = parts[i];
		out[i].kind = strcmp(parts[i], "**") ? COMP_GLOB : COMP_DSTAR;
	}
	free(parts);
	return n;
}

static int comp_matches(const struct comp *c, const char *name)
{
	/* Any fnmatch() error on a malformed pattern is a non-match. */
	return fnmatch(c->s, name, 0) == 0;
}

/*
 * The classic "remember the last star" wildcard loop, lifted from bytes to
 * components.  Every non-'**' item consumes exactly one component, so on a
 * mismatch only the most recent '**' needs to swallow one more: earlier
 * ones can never do better.  That bounds the work at np * nn comparisons,
 * where naive recursion would be exponential in the number of '**'.
 */
static int match_components(const struct comp *pat, size_t np,
			    const char **name, size_t nn)
{
	size_t pi = 0, ni = 0, star_pi = 0, star_ni = 0;
	int have_star = 0;

	while (ni < nn) {
		if (pi < np && pat[pi].kind == COMP_DSTAR) {
			have_star = 1;
			star_pi = pi++;
			star_ni = ni;
		} else if (pi < np && comp_matches(&pat[pi], name[ni])) {
			pi++;
			ni++;
		} else if (have_star) {
			pi = star_pi + 1;
			ni = ++star_ni;
		} else {
			return 0;
		}
	}
	while (pi < np && pat[pi].kind == COMP_DSTAR)
		pi++;
	return pi == np;
}

int pg_glob_match(const char *pattern, const char *name)
{
	char *pcopy, *ncopy;
	struct comp *pat;
	const char **parts;
	size_t np, nn;
	int ret;

	if (!pattern || !name)
		return 0;
	pcopy = pg_xstrdup(pattern);
	ncopy = pg_xstrdup(name);
	pat = pg_xmalloc(count_components(pcopy) * sizeof(*pat));
	np = build_pattern(pcopy, pat);
	nn = count_components(ncopy);
	parts = pg_xmalloc(nn * sizeof(*parts));
	split_components(ncopy, parts);

	ret = match_components(pat, np, parts, nn);

	free(parts);
	free(pat);
	free(ncopy);
	free(pcopy);
	return ret;
}

int pg_glob_may_match_below(const char *pattern, const char *dir)
{
	char *pcopy, *dcopy;
	struct comp *pat;
	const char **parts;
	size_t np, nd, i;
	int ret = -1;

	if (!pattern || !dir)
		return 0;
	pcopy = pg_xstrdup(pattern);
	dcopy = pg_xstrdup(dir);
	pat = pg_xmalloc(count_components(pcopy) * sizeof(*pat));
	np = build_pattern(pcopy, pat);
	nd = count_components(dcopy);
	parts = pg_xmalloc(nd * sizeof(*parts));
	split_components(dcopy, parts);

	/* The directory must match a prefix of the pattern, component by
	 * component, and leave at least one component for what is below it. */
	for (i = 0; i < nd && ret < 0; i++) {
		if (i >= np)
			ret = 0;
		else if (pat[i].kind == COMP_DSTAR)
			ret = 1;	/* it may absorb the rest of DIR */
		else if (!comp_matches(&pat[i], parts[i]))
			ret = 0;
	}
	if (ret < 0)
		ret = nd < np;

	free(parts);
	free(pat);
	free(dcopy);
	free(pcopy);
	return ret;
}

/*
 * Where the bracket expression opening at P (just past '[') ends: the
 * pointer just past its ']', or NULL when it never closes inside the
 * component.  Follows fnmatch(3): a leading '!' or '^' negates, a ']' right
 * after that is literal, "[:class:]" may hold a ']' of its own, and a
 * backslash escapes the next character.
 */
static const char *bracket_end(const char *p, const char *end)
{
	if (p < end && (*p == '!' || *p == '^'))
		p++;
	if (p < end && *p == ']')
		p++;
	while (p < end && *p != ']') {
		if (*p == '[' && p + 1 < end &&
		    (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
			char delim = p[1];
			const char *q;

			for (q = p + 2; q + 1 < end; q++)
				if (q[0] == delim && q[1] == ']')
					break;
			if (q + 1 >= end)
				return NULL;
			p = q + 2;
			continue;
		}
		if (*p == '\\' && p + 1 < end)
			p++;
		p++;
	}
	return p < end ? p + 1 : NULL;
}

/* Checks one component [P, END) of PATTERN; 0 or -1 with the error set. */
static int check_component(const char *pattern, const char *p,
			   const char *end)
{
	const char *start = p;
	int stars = 0;

	if (p == end) {
		pg_error_set("glob pattern '%s' has an empty component "
			     "(leading, trailing or doubled '/')", pattern);
		return -1;
	}
	while (p < end) {
		if (*p == '*') {
			/* "**" is special only as a whole component. */
			if (++stars == 2 && (p - 1 != start || end - start != 2)) {
				pg_error_set("glob pattern '%s': '**' must be "
					     "a whole component", pattern);
				return -1;
			}
			p++;
			continue;
		}
		stars = 0;
		if (*p == '[') {
			p = bracket_end(p + 1, end);
			if (!p) {
				pg_error_set("glob pattern '%s' has an "
					     "unclosed '['", pattern);
				return -1;
			}
		} else if (*p == '\\') {
			/*
			 * A backslash at the end of a component would escape
			 * the '/' we split on; no sane pattern does that.
			 */
			if (p + 1 == end) {
				pg_error_set("glob pattern '%s' has a dangling "
					     "'\\'", pattern);
				return -1;
			}
			p += 2;
		} else {
			p++;
		}
	}
	return 0;
}

/* Offset of the first C0 control byte or DEL in S, or -1. */
static long control_char_at(const char *s)
{
	const char *p;

	for (p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
			return p - s;
	return -1;
}

int pg_glob_check(const char *pattern)
{
	const char *p, *slash;
	long bad;

	if (!pattern || !*pattern) {
		pg_error_set("glob pattern is empty");
		return -1;
	}
	/* Not echoed: the pattern would carry its escape to the screen. */
	bad = control_char_at(pattern);
	if (bad >= 0) {
		pg_error_set("glob pattern has control character 0x%02x "
			     "at offset %ld",
			     (unsigned char)pattern[bad], bad);
		return -1;
	}
	for (p = pattern;; p = slash + 1) {
		slash = strchr(p, '/');
		if (!slash)
			slash = p + strlen(p);
		if (check_component(pattern, p, slash) < 0)
			return -1;
		if (!*slash)
			return 0;
	}
}
