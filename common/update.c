#include "update.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

#define MAX_REF 4096	/* git's own refs are far shorter (PATH_MAX-bound files) */

static int valid_hex(const char *s, size_t len)
{
	if (len != 40 && len != 64)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int pg_hex_is_zero(const char *hex)
{
	if (!*hex)
		return 0;
	for (; *hex; hex++)
		if (*hex != '0')
			return 0;
	return 1;
}

int pg_update_set(struct pg_update *u, const char *ref, const char *old_hex,
		  const char *new_hex)
{
	size_t ol = strlen(old_hex), nl = strlen(new_hex), rl = strlen(ref);

	memset(u, 0, sizeof(*u));
	if (!valid_hex(old_hex, ol) || !valid_hex(new_hex, nl) || ol != nl) {
		pg_error_set("object ids must be 40 or 64 lowercase hex digits");
		return -1;
	}
	if (rl == 0 || rl > MAX_REF) {
		pg_error_set("ref name is empty or longer than %d bytes", MAX_REF);
		return -1;
	}
	if (pg_hex_is_zero(old_hex) && pg_hex_is_zero(new_hex)) {
		pg_error_set("old and new object ids are both zero");
		return -1;
	}
	memcpy(u->old_hex, old_hex, ol + 1);
	memcpy(u->new_hex, new_hex, nl + 1);
	u->ref = pg_xstrdup(ref);
	return 0;
}

/* Splits "OLD NEW REF" at its first two spaces; REF may hold anything else. */
static int parse_line(struct pg_update *u, char *line, size_t len)
{
	char *sp1, *sp2;

	if (memchr(line, '\0', len)) {
		pg_error_set("a NUL byte in the input");
		return -1;
	}
	sp1 = strchr(line, ' ');
	sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (!sp2) {
		pg_error_set("expected 'OLD NEW REF'");
		return -1;
	}
	*sp1 = *sp2 = '\0';
	return pg_update_set(u, sp2 + 1, line, sp1 + 1);
}

int pg_updates_read(FILE *in, struct pg_update **out, size_t *n)
{
	struct pg_update *arr = NULL;
	size_t count = 0, cap = 0, lineno = 0;
	char *line = NULL;
	size_t linecap = 0;
	ssize_t len;

	*out = NULL;
	*n = 0;
	while ((len = getline(&line, &linecap, in)) >= 0) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		/* Gitea's dispatcher normalises trailing newlines: allow blank lines. */
		if (len == 0)
			continue;
		if (count == cap) {
			cap = cap ? cap * 2 : 16;
			arr = pg_xrealloc(arr, cap * sizeof(*arr));
		}
		if (parse_line(&arr[count], line, (size_t)len) < 0) {
			char why[512];

			snprintf(why, sizeof(why), "%s", pg_error_last());
			pg_error_set("input line %zu: %s", lineno, why);
			free(line);
			pg_updates_free(arr, count);
			return -1;
		}
		count++;
	}
	free(line);
	if (ferror(in)) {
		pg_error_set("cannot read the ref updates from standard input");
		pg_updates_free(arr, count);
		return -1;
	}
	*out = arr;
	*n = count;
	return 0;
}

void pg_updates_free(struct pg_update *u, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(u[i].ref);
	free(u);
}
