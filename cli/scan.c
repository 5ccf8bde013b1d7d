/*
 * pushgate scan: the [secrets] rules over existing history, for adopting a
 * repository.  Each finding is printed as a line of an allowlist, its
 * fingerprint then a comment saying where it is, so that an admin who
 * decides a finding may stay can paste its line into [secrets] allow.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "cli.h"
#include "config.h"
#include "content.h"
#include "engine.h"
#include "error.h"
#include "escape.h"
#include "gitinit.h"
#include "scanjobs.h"
#include "secrules.h"

static const char usage[] =
	"usage: pushgate scan [-c FILE] [-j JOBS] --git-dir DIR [REV-RANGE]\n";

struct counts {
	size_t findings;
	size_t allowed;
};

static int print_finding(const struct pg_secret_finding *f, void *arg)
{
	struct counts *n = arg;
	struct pg_buf line = PG_BUF_INIT, esc = PG_BUF_INIT;
	char abbrev[8];

	if (f->allowed) {
		n->allowed++;
		return 0;
	}
	git_oid_tostr(abbrev, sizeof(abbrev), f->commit);
	pg_buf_printf(&line, "%s  # %s %s:%zu %s %s", f->fingerprint, abbrev, f->path, f->line,
		      f->rule, f->masked);
	/* Paths and the shown bytes of a secret came from pushers. */
	pg_escape_puts(&esc, line.ptr);
	printf("%s\n", esc.ptr);
	pg_buf_free(&esc);
	pg_buf_free(&line);
	n->findings++;
	return 0;
}

/*
 * Compile the rules through the cache the hooks use (beside the policy);
 * the builtin rules alone through one in the user's cache directory.
 */
static int compile(const struct pg_config *cfg, int builtin_only)
{
	struct pg_buf dir = PG_BUF_INIT;
	const char *home = getenv("HOME"), *xdg = getenv("XDG_CACHE_HOME"), *file, *slash;
	int rc;

	if (builtin_only) {
		if (xdg && *xdg == '/')
			pg_buf_printf(&dir, "%s/pushgate", xdg);
		else if (home && *home == '/')
			pg_buf_printf(&dir, "%s/.cache/pushgate", home);
		if (dir.len) {
			char *parent = pg_xstrndup(dir.ptr, (size_t)(strrchr(dir.ptr, '/') - dir.ptr));

			mkdir(parent, 0700);
			mkdir(dir.ptr, 0700);
			free(parent);
		}
	} else {
		file = cfg->secrets->rule.file;
		slash = strrchr(file, '/');
		if (slash)
			pg_buf_put(&dir, file, (size_t)(slash - file) + (slash == file));
		else
			pg_buf_puts(&dir, ".");
	}
	rc = pg_secrules_compile_cached(cfg->secrets->set, dir.len ? dir.ptr : NULL);
	pg_buf_free(&dir);
	return rc;
}

/* REV-RANGE as git rev-list takes one: A..B, or one revision; none: every ref. */
static int push_range(git_revwalk *w, git_repository *repo, const char *range)
{
	git_revspec spec;
	int rc;

	if (!range)
		return git_revwalk_push_glob(w, "refs/*");
	if (strstr(range, ".."))
		return git_revwalk_push_range(w, range);
	if (git_revparse(&spec, repo, range) < 0)
		return -1;
	rc = git_revwalk_push(w, git_object_id(spec.from));
	git_object_free(spec.from);
	git_object_free(spec.to);
	return rc;
}

int pg_cmd_scan(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "git-dir", required_argument, NULL, 'g' },
		{ "jobs", required_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	const char *given = NULL, *git_dir = NULL, *range = NULL;
	struct pg_config *cfg = NULL, *builtin = NULL;
	git_repository *repo = NULL;
	git_revwalk *walk = NULL;
	struct counts n = { 0 };
	struct pg_scan_stats st = { 0 };
	char *path = NULL, *tried = NULL, *end;
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	int c, rc = PG_EXIT_USAGE;

	while ((c = getopt_long(argc, argv, "c:j:", longopts, NULL)) != -1) {
		if (c == 'c') {
			given = optarg;
		} else if (c == 'g') {
			git_dir = optarg;
		} else if (c == 'j') {
			jobs = strtol(optarg, &end, 10);
			if (*end || end == optarg || jobs < 1 || jobs > 64) {
				fprintf(stderr, "pushgate scan: -j wants a number of jobs, 1 to 64\n");
				return PG_EXIT_USAGE;
			}
		} else {
			fputs(usage, stderr);
			return PG_EXIT_USAGE;
		}
	}
	if (optind < argc)
		range = argv[optind++];
	if (!git_dir || optind != argc) {
		fputs(usage, stderr);
		return PG_EXIT_USAGE;
	}
	pg_git_init();
	if (git_repository_open_bare(&repo, git_dir) < 0 &&
	    git_repository_open(&repo, git_dir) < 0) {
		fprintf(stderr, "pushgate scan: cannot open %s: %s\n", git_dir,
			git_error_last() ? git_error_last()->message : "?");
		goto out;
	}
	path = pg_config_locate(given, repo, &tried);
	if (path && pg_config_load(&cfg, path) < 0) {
		fprintf(stderr, "pushgate scan: %s is invalid; pushgate check -c %s says why\n",
			path, path);
		goto out;
	}
	if (!cfg || !cfg->secrets) {
		/* No [secrets] to follow: pushgate's own rules. */
		builtin = pg_xcalloc(1, sizeof(*builtin));
		builtin->secrets = pg_xcalloc(1, sizeof(*builtin->secrets));
		builtin->secrets->set = pg_secrules_new();
		pg_secrules_add_builtin(builtin->secrets->set);
		fprintf(stderr, "pushgate scan: %s; using the builtin rules\n",
			path ? "the configuration has no [secrets]" : "no configuration found");
	}
	if (compile(builtin ? builtin : cfg, builtin != NULL) < 0) {
		fprintf(stderr, "pushgate scan: %s\n", pg_error_last());
		goto out;
	}
	if (git_revwalk_new(&walk, repo) < 0 ||
	    git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE) < 0 ||
	    push_range(walk, repo, range) < 0) {
		fprintf(stderr, "pushgate scan: %s: %s\n", range ? range : "refs",
			git_error_last() ? git_error_last()->message : "?");
		goto out;
	}
	if (pg_scan_jobs(repo, builtin ? builtin : cfg, walk, (int)jobs, print_finding, &n, &st) < 0) {
		fprintf(stderr, "pushgate scan: %s\n", pg_error_last());
		goto out;
	}
	fprintf(stderr, "pushgate scan: %zu finding%s in %zu blob%s read", n.findings,
		n.findings == 1 ? "" : "s", st.blobs, st.blobs == 1 ? "" : "s");
	if (n.allowed)
		fprintf(stderr, " (%zu more allowed)", n.allowed);
	fprintf(stderr, "; %.1f MB, read in %.0f ms, scanned in %.0f ms\n",
		(double)st.bytes / 1e6, st.read_ms, st.scan_ms);
	rc = n.findings ? PG_EXIT_NO : PG_EXIT_OK;
out:
	git_revwalk_free(walk);
	git_repository_free(repo);
	if (builtin) {
		pg_secrules_free(builtin->secrets->set);
		free(builtin->secrets);
		free(builtin);
	}
	pg_config_free(cfg);
	free(path);
	free(tried);
	pg_git_shutdown();
	return rc;
}
