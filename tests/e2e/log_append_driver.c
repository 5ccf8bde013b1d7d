/*
 * A test driver for the release log: appends entries with pg_log_append,
 * as the hooks will.  t_log.sh and b_log.sh compile it against
 * $PUSHGATE_BUILD/libpushgate.a; it is not installed.
 *
 *   log_append_driver -k KEY -l LOG [-n COUNT] [-b BATCH] [-d USEC]
 *                     [-e EVENT] [-r REPO] [-f REF] [-p PUSHER] [-R REASON]
 *                     [-o OPTION]... [-t UNIXTIME] [-v]
 *
 * COUNT entries (default 1) in calls of BATCH entries each (default 1: one
 * lock, one fsync per entry), sleeping USEC microseconds after each call.
 * REF defaults to refs/tags/v<pid>.<n>, so concurrent drivers write
 * distinct entries.  -v prints the lines appended.  Exit 0, 1 when an
 * append failed (the message on stderr), 2 on a usage error.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "releaselog.h"
#include "sshsig.h"

/*
 * libpushgate's gitinit.c defines stat() for libgit2's sake, and readfile.c
 * calls stat(): without this plain one, linking the log would drag in
 * libgit2 and its 18 shared libraries, whose loading would then be most of
 * what a one-append driver process costs (the hooks link them statically).
 */
int stat(const char *restrict path, struct stat *restrict st)
{
	return fstatat(AT_FDCWD, path, st, 0);
}

/* 40 hex digits that differ between drivers and entries from the start. */
static void hexid(char out[41], unsigned long k)
{
	unsigned long x = (k + 1) * 2654435761UL ^ (unsigned long)getpid() << 16;

	for (int i = 0; i < 5; i++) {
		snprintf(out + 8 * i, 9, "%08lx", x & 0xffffffffUL);
		x = x * 6364136223846793005UL + 1442695040888963407UL;
	}
}

static void usage(void)
{
	fputs("usage: log_append_driver -k KEY -l LOG [-n COUNT] [-b BATCH] [-d USEC]\n"
	      "       [-e EVENT] [-r REPO] [-f REF] [-p PUSHER] [-R REASON] [-o OPTION]...\n"
	      "       [-t UNIXTIME] [-v]\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *keypath = NULL, *log = NULL, *event = "update", *repo = "acme/app";
	const char *ref = NULL, *pusher = "alice", *reason = NULL;
	const char **opts = calloc((size_t)argc, sizeof(*opts));
	long count = 1, batch = 1, delay = 0;
	long long when = 0;
	size_t nopts = 0;
	int c, verbose = 0;
	struct pg_sshkey key;
	struct pg_log_entry *entries;
	char (*refs)[80], (*olds)[41], (*news)[41];
	struct pg_buf appended = PG_BUF_INIT;

	if (!opts)
		return 2;
	while ((c = getopt(argc, argv, "k:l:n:b:d:e:r:f:p:R:o:t:v")) != -1) {
		switch (c) {
		case 'k': keypath = optarg; break;
		case 'l': log = optarg; break;
		case 'n': count = atol(optarg); break;
		case 'b': batch = atol(optarg); break;
		case 'd': delay = atol(optarg); break;
		case 'e': event = optarg; break;
		case 'r': repo = optarg; break;
		case 'f': ref = optarg; break;
		case 'p': pusher = optarg; break;
		case 'R': reason = optarg; break;
		case 'o': opts[nopts++] = optarg; break;
		case 't': when = atoll(optarg); break;
		case 'v': verbose = 1; break;
		default: usage();
		}
	}
	if (!keypath || !log || optind != argc || count < 0 || batch < 1 || delay < 0)
		usage();
	if (pg_sshkey_load_private(&key, keypath) < 0) {
		fprintf(stderr, "log_append_driver: %s\n", pg_error_last());
		return 1;
	}
	entries = calloc((size_t)batch, sizeof(*entries));
	refs = calloc((size_t)batch, sizeof(*refs));
	olds = calloc((size_t)batch, sizeof(*olds));
	news = calloc((size_t)batch, sizeof(*news));
	if (!entries || !refs || !olds || !news)
		return 2;
	for (long done = 0; done < count;) {
		long n = count - done < batch ? count - done : batch;

		for (long i = 0; i < n; i++) {
			unsigned long k = (unsigned long)(done + i);

			if (ref)
				snprintf(refs[i], sizeof(refs[i]), "%s", ref);
			else
				snprintf(refs[i], sizeof(refs[i]), "refs/tags/v%ld.%lu",
					 (long)getpid(), k);
			hexid(olds[i], k);
			hexid(news[i], k + 1);
			entries[i] = (struct pg_log_entry) {
				.event = event, .repo = repo, .ref = refs[i],
				.old_hex = olds[i], .new_hex = news[i],
				.pusher = pusher, .via = "env:PUSHGATE_USER",
				.rule = "tag \"v*\"", .reason = reason,
				.push_options = opts, .npush_options = nopts,
				.time = (time_t)when,
			};
		}
		pg_buf_reset(&appended);
		if (pg_log_append(log, &key, entries, (size_t)n, verbose ? &appended : NULL) < 0) {
			fprintf(stderr, "log_append_driver: %s\n", pg_error_last());
			pg_sshkey_clear(&key);
			return 1;
		}
		if (verbose)
			fwrite(appended.ptr, 1, appended.len, stdout);
		done += n;
		if (delay)
			usleep((useconds_t)delay);
	}
	pg_sshkey_clear(&key);
	pg_buf_free(&appended);
	free(entries);
	free(refs);
	free(olds);
	free(news);
	free(opts);
	return 0;
}
