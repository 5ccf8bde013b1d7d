/*
 * The REF argument of pushgate explain as git would take it: a short
 * name is a branch (refs/heads/NAME), or a tag when only refs/tags/NAME
 * exists.  Taking "main" literally would ask about a ref no rule matches
 * and answer "not protected".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "buf.h"
#include "cli.h"
#include "error.h"

static int exists(git_repository *repo, const char *name)
{
	git_reference *r = NULL;
	int found = repo && git_reference_lookup(&r, repo, name) == 0;

	git_reference_free(r);
	git_error_clear();
	return found;
}

static int valid(const char *name)
{
	int ok = 0;

	return git_reference_name_is_valid(&ok, name) == 0 && ok;
}

char *pg_cli_full_refname(git_repository *repo, const char *arg, int *expanded)
{
	struct pg_buf b = PG_BUF_INIT;

	*expanded = 0;
	if (!strncmp(arg, "refs/", 5)) {
		if (!valid(arg)) {
			pg_error_set("not a valid ref name");
			return NULL;
		}
		return pg_xstrdup(arg);
	}
	if (!strcmp(arg, "HEAD") || !*arg) {
		pg_error_set("name a branch or tag, not HEAD");
		return NULL;
	}
	pg_buf_printf(&b, "refs/heads/%s", arg);
	if (!valid(b.ptr)) {
		pg_buf_free(&b);
		pg_error_set("not a valid ref name");
		return NULL;
	}
	if (!exists(repo, b.ptr)) {
		struct pg_buf tag = PG_BUF_INIT;

		pg_buf_printf(&tag, "refs/tags/%s", arg);
		if (exists(repo, tag.ptr)) {
			pg_buf_free(&b);
			b = tag;
		} else {
			pg_buf_free(&tag);
		}
	}
	*expanded = 1;
	return pg_buf_detach(&b);
}
