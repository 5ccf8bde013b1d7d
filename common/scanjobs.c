/*
 * A job other than the first writes what it finds to a pipe as records of
 * NUL-terminated fields (a path may hold any byte but NUL):
 *   F commit path line rule masked fingerprint allowed
 *   S blobs bytes read_ms scan_ms		(last, when it succeeded)
 *   E message				(last, when it failed)
 * The first job is this process; the others' pipes are read in order
 * once it is done (a job whose pipe is full waits meanwhile).
 */
#include "scanjobs.h"
#include "buf.h"
#include "error.h"
#include "oidset.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_JOBS 16
#define MIN_COMMITS_PER_JOB 1000	/* below, a job costs more than it saves */

struct merge {
	struct pg_oidset *seen;		/* fingerprints passed on, hashed */
	int (*fn)(const struct pg_secret_finding *f, void *arg);
	void *arg;
};

struct child {
	pid_t pid;
	int fd;
};

/* Pass F on unless an earlier job found the same fingerprint. */
static int pass_on(const struct pg_secret_finding *f, void *arg)
{
	struct merge *m = arg;
	git_oid key;

	if (git_odb_hash(&key, f->fingerprint, strlen(f->fingerprint), GIT_OBJECT_BLOB) < 0) {
		pg_error_set("cannot hash a fingerprint");
		return -1;
	}
	if (!pg_oidset_insert(m->seen, &key))
		return 0;
	return m->fn(f, m->arg);
}

static void put_field(FILE *out, const char *s)
{
	fwrite(s, 1, strlen(s) + 1, out);
}

static int write_finding(const struct pg_secret_finding *f, void *arg)
{
	FILE *out = arg;
	char num[32];

	put_field(out, "F");
	put_field(out, git_oid_tostr_s(f->commit));
	put_field(out, f->path);
	snprintf(num, sizeof(num), "%zu", f->line);
	put_field(out, num);
	put_field(out, f->rule);
	put_field(out, f->masked);
	put_field(out, f->fingerprint);
	put_field(out, f->allowed ? "1" : "0");
	return ferror(out) ? -1 : 0;
}

/* In the child: scan COMMITS[0..N) with a repository of its own, report to FD. */
static void run_job(const char *gitdir, const struct pg_config *cfg, const git_oid *commits,
		    size_t n, int fd)
{
	FILE *out = fdopen(fd, "w");
	struct pg_scan_stats st = { 0 };
	git_repository *repo = NULL;
	char num[64];
	int rc;

	if (!out)
		_exit(2);
	if (git_repository_open_bare(&repo, gitdir) < 0) {
		pg_error_set("cannot open %s: %s", gitdir,
			     git_error_last() ? git_error_last()->message : "?");
		rc = -1;
	} else {
		rc = pg_content_scan(repo, cfg, commits, n, write_finding, out, &st);
	}
	if (rc == 0) {
		put_field(out, "S");
		snprintf(num, sizeof(num), "%zu", st.blobs);
		put_field(out, num);
		snprintf(num, sizeof(num), "%llu", st.bytes);
		put_field(out, num);
		snprintf(num, sizeof(num), "%.3f", st.read_ms);
		put_field(out, num);
		snprintf(num, sizeof(num), "%.3f", st.scan_ms);
		put_field(out, num);
	} else {
		put_field(out, "E");
		put_field(out, pg_error_last());
	}
	git_repository_free(repo);
	_exit(fclose(out) == 0 && rc == 0 ? 0 : 1);
}

static int read_all(int fd, struct pg_buf *b)
{
	char chunk[65536];
	ssize_t got;

	for (;;) {
		got = read(fd, chunk, sizeof(chunk));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -1;
		if (got == 0)
			return 0;
		pg_buf_put(b, chunk, (size_t)got);
	}
}

/* The next field of B from *POS, or NULL when none is left. */
static const char *field(const struct pg_buf *b, size_t *pos)
{
	const char *s, *end;

	if (*pos >= b->len)
		return NULL;
	s = b->ptr + *pos;
	end = memchr(s, '\0', b->len - *pos);
	if (!end)
		return NULL;
	*pos += (size_t)(end - s) + 1;
	return s;
}

/* The records of job NUM, passed on through M, its stats added to ST. */
static int merge_job(const struct pg_buf *b, int num, struct merge *m, struct pg_scan_stats *st)
{
	size_t pos = 0;
	const char *kind, *v[7];

	while ((kind = field(b, &pos))) {
		size_t want = !strcmp(kind, "F") ? 7 : !strcmp(kind, "S") ? 4 : 1;

		for (size_t i = 0; i < want; i++)
			if (!(v[i] = field(b, &pos)))
				goto torn;
		if (!strcmp(kind, "F")) {
			git_oid commit;
			struct pg_secret_finding f = {
				&commit, v[1], strtoul(v[2], NULL, 10), v[3], v[4], v[5], v[6][0] == '1'
			};

			if (git_oid_fromstr(&commit, v[0]) < 0)
				goto torn;
			if (pass_on(&f, m) < 0)
				return -1;
		} else if (!strcmp(kind, "S")) {
			st->blobs += strtoul(v[0], NULL, 10);
			st->bytes += strtoull(v[1], NULL, 10);
			st->read_ms += strtod(v[2], NULL);
			st->scan_ms += strtod(v[3], NULL);
			return 0;
		} else if (!strcmp(kind, "E")) {
			pg_error_set("%s", v[0]);
			return -1;
		} else {
			goto torn;
		}
	}
torn:
	pg_error_set("scan job %d stopped before it finished", num + 1);
	return -1;
}

static int collect(git_revwalk *walk, git_oid **ids, size_t *n)
{
	size_t cap = 0;
	git_oid id;
	int r;

	while ((r = git_revwalk_next(&id, walk)) == 0) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 1024;
			*ids = pg_xrealloc(*ids, cap * sizeof(**ids));
		}
		git_oid_cpy(&(*ids)[(*n)++], &id);
	}
	if (r != GIT_ITEROVER) {
		pg_error_set("cannot walk the history: %s",
			     git_error_last() ? git_error_last()->message : "?");
		return -1;
	}
	return 0;
}

int pg_scan_jobs(git_repository *repo, const struct pg_config *cfg, git_revwalk *walk, int jobs,
		 int (*fn)(const struct pg_secret_finding *f, void *arg), void *arg,
		 struct pg_scan_stats *stats)
{
	struct merge m = { pg_oidset_new(), fn, arg };
	struct child kids[MAX_JOBS];
	git_oid *ids = NULL;
	size_t n = 0, per, nkids = 0;
	int rc;

	memset(stats, 0, sizeof(*stats));
	rc = collect(walk, &ids, &n);
	if (jobs > MAX_JOBS)
		jobs = MAX_JOBS;
	if ((size_t)jobs > n / MIN_COMMITS_PER_JOB)
		jobs = (int)(n / MIN_COMMITS_PER_JOB);
	if (jobs < 1)
		jobs = 1;
	per = (n + (size_t)jobs - 1) / (size_t)jobs;
	/* Output the children inherit unflushed would be written twice. */
	fflush(NULL);
	for (int j = 1; rc == 0 && j < jobs; j++) {
		size_t from = (size_t)j * per, count = from < n ? (n - from < per ? n - from : per) : 0;
		int p[2];
		pid_t pid;

		if (!count)
			break;
		if (pipe(p) < 0 || (pid = fork()) < 0) {
			pg_error_set("cannot start a scan job: %s", strerror(errno));
			rc = -1;
			break;
		}
		if (pid == 0) {
			close(p[0]);
			for (size_t k = 0; k < nkids; k++)
				close(kids[k].fd);
			run_job(git_repository_path(repo), cfg, ids + from, count, p[1]);
		}
		close(p[1]);
		kids[nkids].pid = pid;
		kids[nkids++].fd = p[0];
	}
	if (rc == 0)
		rc = pg_content_scan(repo, cfg, ids, n < per ? n : per, pass_on, &m, stats);
	for (size_t k = 0; k < nkids; k++) {
		struct pg_buf b = PG_BUF_INIT;
		int status;

		if (rc < 0)
			kill(kids[k].pid, SIGTERM);
		else if (read_all(kids[k].fd, &b) < 0) {
			pg_error_set("cannot read scan job %zu: %s", k + 2, strerror(errno));
			rc = -1;
		} else {
			rc = merge_job(&b, (int)k + 1, &m, stats);
		}
		close(kids[k].fd);
		while (waitpid(kids[k].pid, &status, 0) < 0 && errno == EINTR)
			;
		if (rc == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
			pg_error_set("scan job %zu failed", k + 2);
			rc = -1;
		}
		pg_buf_free(&b);
	}
	free(ids);
	pg_oidset_free(m.seen);
	return rc;
}
