/*
 * Test driver: every commit reachable from TIP in GIT_DIR (which should
 * have no refs, so all are new), and the paths pg_pathwalk_commit says it
 * changes, one per line after a line with the commit id.  t_walk.sh
 * compares this with git diff-tree -c over the same history.  With
 * "merge-base", merges are charged against their merge base (walk.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "error.h"
#include "gitinit.h"
#include "walk.h"

static struct pg_pathwalk *pw;
static enum pg_merge_rule how = PG_MERGE_PARENTS;

static int on_path(const struct pg_path_change *c, void *arg)
{
	(void)arg;
	fwrite(c->path, 1, c->len, stdout);
	putchar('\n');
	return 0;
}

static const struct pg_path_visitor visitor = { on_path, NULL, NULL };

static int on_commit(git_commit *c, void *arg)
{
	(void)arg;
	printf("commit %s\n", git_oid_tostr_s(git_commit_id(c)));
	return pg_pathwalk_commit(pw, c, how, &visitor, NULL);
}

int main(int argc, char **argv)
{
	git_repository *repo;
	git_oid tip;
	int rc;

	if (argc == 4 && !strcmp(argv[3], "merge-base")) {
		how = PG_MERGE_BASE;
		argc--;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: walk_driver GIT_DIR TIP [merge-base]\n");
		return 2;
	}
	pg_git_init();
	if (pg_git_open(&repo, argv[1]) < 0 || git_oid_fromstr(&tip, argv[2]) < 0) {
		fprintf(stderr, "walk_driver: cannot open %s or read %s\n", argv[1], argv[2]);
		return 2;
	}
	pw = pg_pathwalk_new(repo);
	rc = pg_walk_new_commits(repo, &tip, NULL, NULL, 0, on_commit, NULL);
	if (rc < 0)
		fprintf(stderr, "walk_driver: %s\n", pg_error_last());
	pg_pathwalk_free(pw);
	git_repository_free(repo);
	pg_git_shutdown();
	return rc < 0 ? 1 : 0;
}
