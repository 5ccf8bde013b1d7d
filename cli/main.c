/* pushgate: the admin command.  Dispatches to one file per subcommand. */
#include <stdio.h>
#include <string.h>

#include <git2.h>

#include "cli.h"
#include "version.h"

static const char usage[] =
	"usage: pushgate check [-c FILE] [--as USER] [--format text|json]\n"
	"       pushgate explain [-c FILE] --git-dir DIR [--user NAME] [-o OPTION]...\n"
	"                        [--at TIME] [--pr ID] [--format text|json] REF OLD NEW\n"
	"       pushgate explain --diff -c NEW [--live FILE] --git-dir DIR\n"
	"                        [--last N | --user NAME REF OLD NEW]\n"
	"       pushgate log verify [-c FILE] [--log FILE] [--signers FILE] [--replica]\n"
	"       pushgate log show [-c FILE] [--log FILE] [--repo GLOB] [--since DATE]\n"
	"                         [--format table|json|csv]\n"
	"       pushgate scan [-c FILE] [-j JOBS] --git-dir DIR [REV-RANGE]\n"
	"       pushgate approve [--key FILE] [--push REMOTE] [COMMIT]\n"
	"       pushgate report [-c FILE] [--log FILE] [--since DATE] [--until DATE]\n"
	"                       [--format html|md|json] [-o FILE] [--allow-unverified]\n"
	"       pushgate version\n"
	"       pushgate help [COMMAND]\n";

/* Each subcommand's usage, for `pushgate SUBCOMMAND --help`. */
static const char usage_check[] = "usage: pushgate check [-c FILE] [--as USER] [--format text|json]\n";
static const char usage_explain[] =
	"usage: pushgate explain [-c FILE] --git-dir DIR [--user NAME] [-o OPTION]...\n"
	"                        [--at TIME] [--pr ID] [--format text|json] REF OLD NEW\n"
	"       pushgate explain --diff -c NEW [--live FILE] --git-dir DIR\n"
	"                        [--last N | --user NAME REF OLD NEW]\n"
	"  OLD and NEW are object ids, revisions of DIR (main~1, v1.0), or 0 for none\n";
static const char usage_log_verify[] =
	"usage: pushgate log verify [-c FILE] [--log FILE] [--signers FILE] [--replica]\n";
static const char usage_log_show[] =
	"usage: pushgate log show [-c FILE] [--log FILE] [--repo GLOB] [--since DATE]\n"
	"                         [--format table|json|csv]\n"
	"  DATE is YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, in UTC\n";
static const char usage_scan[] =
	"usage: pushgate scan [-c FILE] [-j JOBS] --git-dir DIR [REV-RANGE]\n"
	"  REV-RANGE as git rev-list takes it (A..B, or one revision); default: every ref\n";
static const char usage_approve[] =
	"usage: pushgate approve [--key FILE] [--push REMOTE] [COMMIT]\n"
	"  signs an approval of COMMIT (default HEAD) into refs/notes/approvals;\n"
	"  FILE defaults to git config user.signingKey; --push merges and pushes them\n";
static const char usage_report[] =
	"usage: pushgate report [-c FILE] [--log FILE] [--since DATE] [--until DATE]\n"
	"                       [--format html|md|json] [-o FILE] [--allow-unverified]\n"
	"  the verified release log of a period beside the policy's controls;\n"
	"  DATE is YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, in UTC; --until is exclusive\n";
static const char usage_version[] = "usage: pushgate version\n";
static const char usage_log[] =
	"usage: pushgate log verify [-c FILE] [--log FILE] [--signers FILE] [--replica]\n"
	"       pushgate log show [-c FILE] [--log FILE] [--repo GLOB] [--since DATE]\n"
	"                         [--format table|json|csv]\n";

/* Options of any subcommand that take a value: their value is never read as
 * -h or --help (`explain -o --help` passes the push option "--help"). */
static int takes_value(const char *a)
{
	static const char *const opts[] = {
		"-c", "--config", "--git-dir", "--user", "-o", "--push-option",
		"--log", "--signers", "--repo", "--since", "--format", "--key", "--push", "--until", "--output",
	};
	for (size_t i = 0; i < sizeof opts / sizeof *opts; i++)
		if (!strcmp(a, opts[i]))
			return 1;
	return 0;
}

/* Whether ARGV[FROM..ARGC) asks for help: -h or --help before any "--". */
static int wants_help(int argc, char **argv, int from)
{
	for (int i = from; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return 0;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
		if (takes_value(argv[i]))
			i++;
	}
	return 0;
}

/* The usage of CMD (SUB: its second word, for log), or NULL for none. */
static const char *usage_of(const char *cmd, const char *sub)
{
	if (!strcmp(cmd, "log")) {
		if (sub && !strcmp(sub, "verify"))
			return usage_log_verify;
		if (sub && !strcmp(sub, "show"))
			return usage_log_show;
		return usage_log;
	}
	return !strcmp(cmd, "check")     ? usage_check
	       : !strcmp(cmd, "explain") ? usage_explain
	       : !strcmp(cmd, "scan")    ? usage_scan
	       : !strcmp(cmd, "approve") ? usage_approve
	       : !strcmp(cmd, "report")  ? usage_report
	       : !strcmp(cmd, "version") ? usage_version
					 : NULL;
}

/* `pushgate SUBCOMMAND ... --help`: that subcommand's usage on stdout, exit 0;
 * returns -1 when ARGV asks for no help (or names no known subcommand). */
static int subcommand_help(int argc, char **argv)
{
	const char *sub = argc > 2 && !strcmp(argv[1], "log") ? argv[2] : NULL;
	int words = sub && (!strcmp(sub, "verify") || !strcmp(sub, "show")) ? 3 : 2;
	const char *text = usage_of(argv[1], sub);

	if (!text || !wants_help(argc, argv, words))
		return -1;
	fputs(text, stdout);
	return PG_EXIT_OK;
}

/* `pushgate help [CMD [SUB]]`. */
static int help(int argc, char **argv)
{
	const char *text;

	if (argc < 3) {
		fputs(usage, stdout);
		fputs("Each command's usage: pushgate help CMD. The manual: man pushgate, "
		      "man 5 pushgate.ini.\n", stdout);
		return PG_EXIT_OK;
	}
	text = usage_of(argv[2], argc > 3 ? argv[3] : NULL);
	if (!text) {
		fprintf(stderr, "pushgate help: no command '%s'\n%s", argv[2], usage);
		return PG_EXIT_USAGE;
	}
	fputs(text, stdout);
	return PG_EXIT_OK;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return PG_EXIT_USAGE;
	}
	int asked = subcommand_help(argc, argv);
	if (asked >= 0)
		return asked;
	if (!strcmp(argv[1], "check"))
		return pg_cmd_check(argc - 1, argv + 1);
	if (!strcmp(argv[1], "explain"))
		return pg_cmd_explain(argc - 1, argv + 1);
	if (!strcmp(argv[1], "log"))
		return pg_cmd_log(argc - 1, argv + 1);
	if (!strcmp(argv[1], "scan"))
		return pg_cmd_scan(argc - 1, argv + 1);
	if (!strcmp(argv[1], "approve"))
		return pg_cmd_approve(argc - 1, argv + 1);
	if (!strcmp(argv[1], "report"))
		return pg_cmd_report(argc - 1, argv + 1);
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		int major, minor, rev;

		git_libgit2_version(&major, &minor, &rev);
		printf("pushgate %s (libgit2 %d.%d.%d)\n", PG_VERSION, major, minor, rev);
		return PG_EXIT_OK;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return help(argc, argv);
	fprintf(stderr, "pushgate: unknown command '%s'\n%s", argv[1], usage);
	return PG_EXIT_USAGE;
}
