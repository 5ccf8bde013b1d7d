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
int pg_cmd_report(int argc, char **argv);

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

/* What pushgate check says (checksay.c): lines for people, or JSON. */
#include "buf.h"
enum pg_say { PG_SAY_PROBLEM, PG_SAY_WARNING, PG_SAY_NOTE, PG_SAY_INFO };
struct pg_check_out {
	int json;
	struct pg_buf problems, warnings, notes;	/* json: the arrays' contents */
};
/* FILE NULL: pushgate itself; LINE 0: the whole file. */
void pg_check_say(struct pg_check_out *o, enum pg_say kind, const char *file, int line,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void pg_check_out_send(const struct pg_check_out *o, int fd);
void pg_check_out_receive(struct pg_check_out *o, const char *text, size_t len);
void pg_check_out_free(struct pg_check_out *o);

/*
 * Open every file CFG needs as USER would (a forked child that becomes
 * USER), printing each one it cannot; 0 all fine, 1 some not, -1 when it
 * could not try (printed).
 */
int pg_check_as(const struct pg_config *cfg, const char *user, struct pg_check_out *o);

/* Run as root: the owner of [core] repos_root, the hooks' likely account; else NULL. */
const char *pg_check_default_user(const struct pg_config *cfg);

/* Print check's warnings about CFG (read from PATH); the number of problems warned about. */
int pg_check_warnings(const struct pg_config *cfg, const char *path, struct pg_check_out *o);

/*
 * The configuration, found as `pushgate check` finds it (GIVEN, then
 * $PUSHGATE_CONFIG, this repository's pushgate.config, /etc/pushgate),
 * when it is valid; NULL with the reason printed as "pushgate CMD: ...",
 * WITHOUT saying what to give instead.  *PATH is the caller's to free.
 */
struct pg_signers;
struct pg_config *pg_cli_find_config(const char *cmd, const char *given, const char *without,
				     char **path);

/* Load an allowed signers file, printing its problems; -1 when it is unusable whole. */
int pg_cli_load_signers(struct pg_signers **out, const char *path);

/* pushgate report's formats (reportjson.c, reportmd.c, reporthtml.c). */
#include <stdio.h>
struct pg_evidence;
struct pg_report_meta {
	const char *config_path;
	const char *generated;		/* YYYY-MM-DDTHH:MM:SSZ */
};
void pg_report_json(FILE *out, const struct pg_evidence *ev, const struct pg_report_meta *m);
void pg_report_md(FILE *out, const struct pg_evidence *ev, const struct pg_report_meta *m);
void pg_report_html(FILE *out, const struct pg_evidence *ev, const struct pg_report_meta *m);

#endif
