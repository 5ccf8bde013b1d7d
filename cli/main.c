/* pushgate: the admin command.  Dispatches to one file per subcommand. */
#include <stdio.h>
#include <string.h>

#include <git2.h>

#include "cli.h"
#include "version.h"

static const char usage[] =
	"usage: pushgate check [-c FILE]\n"
	"       pushgate explain [-c FILE] --git-dir DIR [--user NAME] [-o OPTION]... REF OLD NEW\n"
	"       pushgate log verify [-c FILE] [--log FILE] [--signers FILE] [--replica]\n"
	"       pushgate log show [--log FILE] [--repo GLOB] [--since DATE] [--format table|json|csv]\n"
	"       pushgate version\n";

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return PG_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "check"))
		return pg_cmd_check(argc - 1, argv + 1);
	if (!strcmp(argv[1], "explain"))
		return pg_cmd_explain(argc - 1, argv + 1);
	if (!strcmp(argv[1], "log"))
		return pg_cmd_log(argc - 1, argv + 1);
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		int major, minor, rev;

		git_libgit2_version(&major, &minor, &rev);
		printf("pushgate %s (libgit2 %d.%d.%d)\n", PG_VERSION, major, minor, rev);
		return PG_EXIT_OK;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage, stdout);
		return PG_EXIT_OK;
	}
	fprintf(stderr, "pushgate: unknown command '%s'\n%s", argv[1], usage);
	return PG_EXIT_USAGE;
}
