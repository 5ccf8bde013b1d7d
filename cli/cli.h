/* The subcommands of `pushgate`; each returns the process exit code. */
#ifndef PG_CLI_H
#define PG_CLI_H

/* Exit codes of every subcommand (SPEC.md). */
#define PG_EXIT_OK 0		/* valid / accept / intact */
#define PG_EXIT_NO 1		/* invalid / reject / not intact */
#define PG_EXIT_USAGE 2		/* usage or internal error */

int pg_cmd_check(int argc, char **argv);
int pg_cmd_explain(int argc, char **argv);
int pg_cmd_log(int argc, char **argv);
int pg_cmd_scan(int argc, char **argv);
int pg_cmd_approve(int argc, char **argv);

struct pg_config;
struct git_repository;
struct pg_update;

/*
 * explain --diff: ONE (or, when NULL, the last LAST update entries of the
 * live policy's release log) decided under LIVE (NULL: found as a hook
 * would) and NEXT in GIT_DIR; prints the decisions that differ.  Exit code.
 */
int pg_explain_diff(const char *live, const char *next, const char *git_dir, const char *user,
		    const struct pg_update *one, long last);

/*
 * ARG as a full ref name: refs/... as it is, a short name as refs/heads/NAME
 * or, when only that exists in REPO, refs/tags/NAME (*EXPANDED set).  NULL
 * with pg_error_set() for HEAD or a name git would refuse.
 */
char *pg_cli_full_refname(struct git_repository *repo, const char *arg, int *expanded);

/*
 * Open every file CFG needs as USER would (a forked child that becomes
 * USER), printing each one it cannot; 0 all fine, 1 some not, -1 when it
 * could not try (printed).
 */
int pg_check_as(const struct pg_config *cfg, const char *user);

/* Run as root: the owner of [core] repos_root, the hooks' likely account; else NULL. */
const char *pg_check_default_user(const struct pg_config *cfg);

/* Print check's warnings about CFG (read from PATH); the number of problems warned about. */
int pg_check_warnings(const struct pg_config *cfg, const char *path);

#endif
