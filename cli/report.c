/*
 * pushgate report: the verified release log of a period, beside the
 * controls the policy names, as an auditor reads it (html), a wiki takes
 * it (md) or a tool does (json).  A log that does not verify is not
 * presented, unless --allow-unverified, which marks the report so.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "config.h"
#include "error.h"
#include "evidence.h"
#include "logline.h"
#include "releaselog.h"
#include "signers.h"

static const char usage[] =
	"usage: pushgate report [-c FILE] [--log FILE] [--since DATE] [--until DATE]\n"
	"                       [--format html|md|json] [-o FILE] [--allow-unverified]\n"
	"  DATE is YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, in UTC; --until is exclusive\n";

int pg_cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "log", required_argument, NULL, 'l' },
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "allow-unverified", no_argument, NULL, 'A' },
		{ NULL, 0, NULL, 0 }
	};
	const char *given = NULL, *log = NULL, *format = "html", *output = NULL;
	char since[21] = "", until[21] = "", generated[21];
	struct pg_signers *signers = NULL;
	struct pg_config *cfg = NULL;
	struct pg_report_meta meta;
	struct pg_evidence ev;
	int c, allow = 0, rc = PG_EXIT_USAGE, collected = 0;
	char *path = NULL;
	FILE *out = stdout;

	while ((c = getopt_long(argc, argv, "c:o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': given = optarg; break;
		case 'l': log = optarg; break;
		case 'f': format = optarg; break;
		case 'o': output = optarg; break;
		case 'A': allow = 1; break;
		case 's':
		case 'u':
			if (pg_log_parse_since(c == 's' ? since : until, optarg) < 0) {
				fprintf(stderr, "pushgate report: --%s: %s\n",
					c == 's' ? "since" : "until", pg_error_last());
				return PG_EXIT_USAGE;
			}
			break;
		default:
			fputs(usage, stderr);
			return PG_EXIT_USAGE;
		}
	}
	if (optind < argc || (strcmp(format, "html") && strcmp(format, "md") &&
			      strcmp(format, "json"))) {
		fputs(usage, stderr);
		return PG_EXIT_USAGE;
	}
	/* The controls are the policy's: a report needs it, whatever --log says. */
	cfg = pg_cli_find_config("report", given, "a valid configuration", &path);
	if (!cfg)
		return PG_EXIT_USAGE;
	if (!log)
		log = cfg->release_log.value;
	if (!log || !cfg->log_signers.value) {
		fprintf(stderr, "pushgate report: %s has no [core] %s\n", path,
			log ? "log_signers to verify the log with" : "release_log; give --log");
		goto out;
	}
	if (pg_cli_load_signers(&signers, cfg->log_signers.value) < 0)
		goto out;
	if (pg_evidence_collect(&ev, cfg, log, signers, since, until) < 0) {
		fprintf(stderr, "pushgate report: %s\n", pg_error_last());
		goto out;
	}
	collected = 1;
	if (!ev.verified) {
		fprintf(stderr, "pushgate report: %s does not verify: %s\n", log,
			ev.verify_why ? ev.verify_why : "?");
		if (!allow) {
			fprintf(stderr, "pushgate report: not presenting it (--allow-unverified "
				"makes a report marked UNVERIFIED)\n");
			rc = PG_EXIT_NO;
			goto out;
		}
	}
	if (output && !(out = fopen(output, "we"))) {
		perror(output);
		goto out;
	}
	if (pg_log_time_format(generated, time(NULL)) < 0)
		snprintf(generated, sizeof(generated), "?");
	meta.config_path = path;
	meta.generated = generated;
	if (!strcmp(format, "json"))
		pg_report_json(out, &ev, &meta);
	else if (!strcmp(format, "md"))
		pg_report_md(out, &ev, &meta);
	else
		pg_report_html(out, &ev, &meta);
	if (fflush(out) == EOF || ferror(out)) {
		fprintf(stderr, "pushgate report: cannot write %s\n", output ? output : "the output");
		goto out;
	}
	rc = ev.verified ? PG_EXIT_OK : PG_EXIT_NO;
out:
	if (out != stdout && out)
		fclose(out);
	if (collected)
		pg_evidence_free(&ev);
	pg_signers_free(signers);
	pg_config_free(cfg);
	free(path);
	return rc;
}
