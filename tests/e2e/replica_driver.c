/*
 * Drives common/replica.c from tests/e2e/t_replica.sh:
 *
 *   replica_driver append  OPTIONS < DATA     exit 0, or 1 with the error on stderr
 *   replica_driver deliver OPTIONS -q QUEUE < NEW_LINES
 *                                            status on stdout; exit 0, 1 (queued), 2 (local error)
 *   replica_driver fetch   OPTIONS           remote file on stdout; exit 0, 1 error, 3 missing
 *
 * OPTIONS: -h HOST -p PORT -u USER -k KEY -K KNOWN_HOSTS -P PATH [-t TIMEOUT_MS]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "replica.h"

static void usage(void)
{
	fprintf(stderr, "usage: replica_driver append|deliver|fetch -h HOST -p PORT -u USER "
		"-k KEY -K KNOWN_HOSTS -P PATH [-t MS] [-q QUEUE]\n");
	exit(64);
}

static void read_stdin(struct pg_buf *b)
{
	char chunk[65536];
	ssize_t n;

	for (;;) {
		n = read(0, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("read stdin");
			exit(64);
		}
		if (n == 0)
			return;
		pg_buf_put(b, chunk, (size_t)n);
	}
}

int main(int argc, char **argv)
{
	struct pg_replica_cfg rc;
	struct pg_buf in = PG_BUF_INIT, out = PG_BUF_INIT;
	const char *cmd, *queue = NULL;
	int opt, r, code;

	if (argc < 2)
		usage();
	cmd = argv[1];
	memset(&rc, 0, sizeof(rc));
	optind = 2;
	while ((opt = getopt(argc, argv, "h:p:u:k:K:P:t:q:")) != -1) {
		switch (opt) {
		case 'h': rc.host = optarg; break;
		case 'p': rc.port = atoi(optarg); break;
		case 'u': rc.user = optarg; break;
		case 'k': rc.key = optarg; break;
		case 'K': rc.known_hosts = optarg; break;
		case 'P': rc.path = optarg; break;
		case 't': rc.timeout_ms = atoi(optarg); break;
		case 'q': queue = optarg; break;
		default: usage();
		}
	}

	if (!strcmp(cmd, "append")) {
		read_stdin(&in);
		r = pg_replica_append(&rc, in.ptr ? in.ptr : "", in.len);
		if (r < 0)
			fprintf(stderr, "error: %s\n", pg_error_last());
		code = r < 0 ? 1 : 0;
	} else if (!strcmp(cmd, "deliver")) {
		if (!queue)
			usage();
		read_stdin(&in);
		r = pg_replica_deliver(&rc, queue, in.ptr ? in.ptr : "", in.len, &out);
		if (out.len)
			printf("%s\n", pg_buf_cstr(&out));
		if (r < 0)
			fprintf(stderr, "error: %s\n", pg_error_last());
		code = r < 0 ? 2 : r;
	} else if (!strcmp(cmd, "fetch")) {
		r = pg_replica_fetch(&rc, &out);
		if (r == 0)
			fwrite(out.ptr ? out.ptr : "", 1, out.len, stdout);
		else if (r < 0)
			fprintf(stderr, "error: %s\n", pg_error_last());
		code = r < 0 ? 1 : r == 1 ? 3 : 0;
	} else {
		usage();
	}
	pg_buf_free(&in);
	pg_buf_free(&out);
	return code;
}
