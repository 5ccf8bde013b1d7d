#include "pushopt.h"

#include <stdio.h>
#include <string.h>

const char *pg_push_option(const char *const *options, size_t n, const char *name)
{
	size_t len = strlen(name);
	const char *found = NULL;

	for (size_t i = 0; i < n; i++)
		if (options[i] && !strncmp(options[i], name, len) && options[i][len] == '=')
			found = options[i] + len + 1;
	return found;
}

const char *pg_reason_problem(const char *reason)
{
	static char too_long[64];

	/* Blanks say nothing an auditor could follow up. */
	if (!reason[strspn(reason, " \t\r\n")])
		return "it needs a reason";
	if (strlen(reason) > PG_REASON_MAX) {
		snprintf(too_long, sizeof(too_long), "its reason is too long (at most %d bytes)",
			 PG_REASON_MAX);
		return too_long;
	}
	return NULL;
}
