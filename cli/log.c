/*
 * pushgate log verify: check the whole release log (sequence, hash chain,
 * every signature) and print its size and head hash, or the first bad
 * entry.  pushgate log show: the entries as a table, JSON lines or CSV.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "cli.h"
#include "config.h"
#include "engine.h"
#include "error.h"
#include "gitinit.h"
#include "glob.h"
#include "readfile.h"
#include "releaselog.h"
#include "replica.h"
#include "signers.h"

static const char usage_verify[] =
	"usage: pushgate log verify [-c FILE] [--log FILE] [--signers FILE] [--replica]\n";
static const char usage_show[] =
	"usage: pushgate log show [-c FILE] [--log FILE] [--repo GLOB] [--since DATE]\n"
	"                         [--format table|json|csv]\n"
	"  DATE is YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, in UTC\n";

/*
 * Fill in the log (and, when SIGNERS is not NULL, the log_signers file)
 * that the command line did not name from [core] release_log and
 * log_signers of the configuration, found as `pushgate check` finds it
 * (-c, $PUSHGATE_CONFIG, this repository's pushgate.config,
 * /etc/pushgate/pushgate.ini).  *LOG and *SIGNERS are the caller's to
 * free.  0, or -1 with the reason printed.
 */
static int from_config(const char *cmd, const char *given, char **log, char **signers)
{
	struct pg_config *cfg;
	char *path;
	int rc = -1;

	if (*log && (!signers || *signers))
		return 0;
	cfg = pg_cli_find_config(cmd, given, signers ? "--log and --signers" : "--log", &path);
	if (!cfg)
		return -1;
	if (!*log && !cfg->release_log.value) {
		fprintf(stderr, "pushgate %s: %s has no [core] release_log; give --log\n",
			cmd, path);
		goto out;
	}
	if (signers && !*signers && !cfg->log_signers.value) {
		fprintf(stderr, "pushgate %s: %s has no [core] log_signers; give --signers\n",
			cmd, path);
		goto out;
	}
	if (!*log)
		*log = pg_xstrdup(cfg->release_log.value);
	if (signers && !*signers)
		*signers = pg_xstrdup(cfg->log_signers.value);
	rc = 0;
out:
	pg_config_free(cfg);
	free(path);
	return rc;
}


/* How many complete lines the N bytes at P hold. */
static size_t count_lines(const char *p, size_t n)
{
	size_t lines = 0;

	for (size_t i = 0; i < n; i++)
		if (p[i] == '\n')
			lines++;
	return lines;
}

/*
 * --replica: the remote copy against the local log.  Missing entries that
 * wait in the local queue are a replica behind, not a replica changed.
 */
static int compare_replica(const char *given, const char *log)
{
	struct pg_buf remote = PG_BUF_INIT, qpath = PG_BUF_INIT;
	struct pg_config *cfg;
	char *path, *local = NULL, *queued = NULL;
	size_t llen = 0, qlen = 0, same = 0, start, line = 1;
	struct stat st;
	int rc = PG_EXIT_USAGE;

	cfg = pg_cli_find_config("log verify", given, "a configuration with [replica]", &path);
	if (!cfg)
		return PG_EXIT_USAGE;
	if (!cfg->replica.file) {
		printf("replica: not configured\n");
		goto out;
	}
	{
		const struct pg_replica_settings *rs = &cfg->replica;
		struct pg_replica_cfg rc_cfg = {
			rs->host.value, rs->port, rs->user.value, rs->key.value,
			rs->known_hosts.value, rs->path.value, 0
		};

		if (pg_replica_fetch(&rc_cfg, &remote) < 0) {
			printf("replica: cannot fetch %s from %s: %s\n", rs->path.value,
			       rs->host.value, pg_error_last());
			goto out;
		}
	}
	if (pg_file_read(log, (size_t)1 << 34, &local, &llen, &st) < 0) {
		printf("replica: cannot read %s: %s\n", log, pg_error_last());
		goto out;
	}
	pg_buf_printf(&qpath, "%s.replica-queue", log);
	if (pg_file_read(qpath.ptr, (size_t)1 << 34, &queued, &qlen, &st) < 0)
		qlen = 0;
	/*
	 * A replica set up after the log began starts later: line up its
	 * first entry with the local line of the same seq.
	 */
	if (remote.len) {
		struct pg_log_record rec = PG_LOG_RECORD_INIT;
		size_t first = strcspn(remote.ptr, "\n");

		if (pg_log_parse_line(&rec, remote.ptr, first) == 0 && rec.seq > 1) {
			for (long long k = 1; k < rec.seq && same < llen; same++)
				if (local[same] == '\n') {
					k++;
					line++;
				}
			printf("replica: starts at seq %lld, line %zu of the local log\n", rec.seq, line);
		}
		pg_log_record_free(&rec);
	}
	start = same;
	while (same < llen && same - start < remote.len && local[same] == remote.ptr[same - start]) {
		if (local[same] == '\n')
			line++;
		same++;
	}
	if (same == llen && same - start == remote.len) {
		printf("replica: identical to the local log (%zu lines)\n",
		       count_lines(local + start, llen - start));
		rc = PG_EXIT_OK;
	} else if (same - start == remote.len && (same == start || remote.ptr[same - start - 1] == '\n')) {
		size_t missing = count_lines(local + same, llen - same);
		size_t waiting = count_lines(queued, qlen);

		printf("replica: the last %zu line%s of the local log are not there yet (from line %zu); "
		       "%zu wait in the local queue\n", missing, missing == 1 ? "" : "s", line, waiting);
		rc = missing == waiting ? PG_EXIT_OK : PG_EXIT_NO;
	} else {
		printf("replica: differs from the local log at line %zu\n", line);
		rc = PG_EXIT_NO;
	}
out:
	free(local);
	free(queued);
	pg_buf_free(&remote);
	pg_buf_free(&qpath);
	pg_config_free(cfg);
	free(path);
	return rc;
}

static int cmd_verify(int argc, char **argv)
{
	enum { OPT_LOG = 256, OPT_SIGNERS, OPT_REPLICA };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "log", required_argument, NULL, OPT_LOG },
		{ "signers", required_argument, NULL, OPT_SIGNERS },
		{ "replica", no_argument, NULL, OPT_REPLICA },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *config = NULL;
	char *log = NULL, *signers_path = NULL;
	struct pg_signers *signers = NULL;
	struct pg_log_report r;
	int c, replica = 0, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case OPT_LOG:
			free(log);
			log = pg_xstrdup(optarg);
			break;
		case OPT_SIGNERS:
			free(signers_path);
			signers_path = pg_xstrdup(optarg);
			break;
		case OPT_REPLICA:
			replica = 1;
			break;
		case 'h':
			fputs(usage_verify, stdout);
			rc = PG_EXIT_OK;
			goto out;
		default:
			fputs(usage_verify, stderr);
			rc = PG_EXIT_USAGE;
			goto out;
		}
	}
	rc = PG_EXIT_USAGE;
	if (optind != argc) {
		fputs(usage_verify, stderr);
		goto out;
	}
	if (from_config("log verify", config, &log, &signers_path) < 0)
		goto out;
	if (pg_cli_load_signers(&signers, signers_path) < 0) {
		fprintf(stderr, "pushgate log verify: cannot use %s\n", signers_path);
		goto out;
	}

	rc = pg_log_verify(log, signers, &r);
	if (rc < 0) {
		fprintf(stderr, "pushgate log verify: %s\n", pg_error_last());
		rc = PG_EXIT_USAGE;
	} else if (rc == 0) {
		printf("%zu entr%s, head %s\n", r.entries, r.entries == 1 ? "y" : "ies", r.head);
		rc = PG_EXIT_OK;
	} else {
		if (r.bad_seq >= 0)
			printf("not intact: line %zu (seq %ld): %s\n", r.bad_line, r.bad_seq, r.why);
		else
			printf("not intact: line %zu: %s\n", r.bad_line, r.why);
		rc = PG_EXIT_NO;
	}
	if (replica) {
		int rrc = compare_replica(config, log);

		if (rrc != PG_EXIT_OK && rc == PG_EXIT_OK)
			rc = rrc;
	}
	pg_log_report_free(&r);
	if (fflush(stdout) == EOF) {
		perror("pushgate log verify: stdout");
		rc = PG_EXIT_USAGE;
	}
out:
	pg_signers_free(signers);
	free(log);
	free(signers_path);
	return rc;
}

static int cmd_show(int argc, char **argv)
{
	enum { OPT_LOG = 256, OPT_REPO, OPT_SINCE, OPT_FORMAT };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "log", required_argument, NULL, OPT_LOG },
		{ "repo", required_argument, NULL, OPT_REPO },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct pg_log_filter filter = { 0 };
	enum pg_log_format format = PG_LOG_TABLE;
	const char *config = NULL;
	char *log = NULL;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case OPT_LOG:
			free(log);
			log = pg_xstrdup(optarg);
			break;
		case OPT_REPO:
			if (pg_glob_check(optarg) < 0) {
				fprintf(stderr, "pushgate log show: --repo: %s\n", pg_error_last());
				goto usage;
			}
			filter.repo_glob = optarg;
			break;
		case OPT_SINCE:
			if (pg_log_parse_since(filter.since, optarg) < 0) {
				fprintf(stderr, "pushgate log show: --since: %s\n", pg_error_last());
				goto usage;
			}
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "table")) {
				format = PG_LOG_TABLE;
			} else if (!strcmp(optarg, "json")) {
				format = PG_LOG_JSON;
			} else if (!strcmp(optarg, "csv")) {
				format = PG_LOG_CSV;
			} else {
				fprintf(stderr, "pushgate log show: --format must be table, json or csv\n");
				goto usage;
			}
			break;
		case 'h':
			fputs(usage_show, stdout);
			free(log);
			return PG_EXIT_OK;
		default:
			fputs(usage_show, stderr);
			goto usage;
		}
	}
	if (optind != argc) {
		fputs(usage_show, stderr);
		goto usage;
	}
	if (from_config("log show", config, &log, NULL) < 0)
		goto usage;
	rc = pg_log_show(stdout, stderr, log, &filter, format);
	free(log);
	if (rc < 0) {
		fprintf(stderr, "pushgate log show: %s\n", pg_error_last());
		return PG_EXIT_USAGE;
	}
	/* Skipped lines: the log is not intact (pushgate log verify says where). */
	return rc ? PG_EXIT_NO : PG_EXIT_OK;
usage:
	free(log);
	return PG_EXIT_USAGE;
}

int pg_cmd_log(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "verify"))
		return cmd_verify(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "show"))
		return cmd_show(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage_verify, stdout);
		fputs(usage_show, stdout);
		return PG_EXIT_OK;
	}
	if (argc >= 2)
		fprintf(stderr, "pushgate log: unknown subcommand '%s'\n", argv[1]);
	fputs(usage_verify, stderr);
	fputs(usage_show, stderr);
	return PG_EXIT_USAGE;
}
