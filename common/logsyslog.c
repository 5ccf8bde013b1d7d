/* The release log's lines to syslog, without ever waiting for the daemon. */
#include "logsyslog.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

/* Past this a datagram is refused by most daemons' defaults: cut, and say so. */
#define MESSAGE_MAX 65000

int pg_syslog_facility(const char *name)
{
	static const struct {
		const char *name;
		int facility;
	} names[] = {
		{ "user", LOG_USER }, { "auth", LOG_AUTH }, { "authpriv", LOG_AUTHPRIV },
		{ "daemon", LOG_DAEMON }, { "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
		{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 },
		{ "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i].name))
			return names[i].facility;
	return -1;
}

/* "<PRI>Mmm dd hh:mm:ss pushgate[PID]: ", as syslog(3) writes it (RFC 3164). */
static void header(struct pg_buf *b, int pri)
{
	char stamp[32] = "";
	time_t now = time(NULL);
	struct tm tm;

	if (localtime_r(&now, &tm))
		strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
	pg_buf_printf(b, "<%d>%s pushgate[%ld]: ", pri, stamp, (long)getpid());
}

size_t pg_syslog_send(const char *socket_path, int facility, const char *lines, size_t len,
		      struct pg_buf *status)
{
	struct sockaddr_un addr;
	struct pg_buf msg = PG_BUF_INIT;
	const char *p = lines, *end = lines + len;
	size_t failed = 0, total = 0;
	int fd, err = 0;

	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	if (strlen(socket_path) >= sizeof(addr.sun_path)) {
		err = ENAMETOOLONG;
		fd = -1;
	} else {
		memcpy(addr.sun_path, socket_path, strlen(socket_path) + 1);
		fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			err = errno;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		int pri = facility | (memmem(p, n, "\"event\":\"rejected\"", 18) ||
				      memmem(p, n, "\"event\":\"warning\"", 17) ? LOG_NOTICE : LOG_INFO);

		total++;
		pg_buf_reset(&msg);
		header(&msg, pri);
		if (n > MESSAGE_MAX) {
			pg_buf_put(&msg, p, MESSAGE_MAX);
			pg_buf_puts(&msg, "...(cut; the release log has the whole line)");
		} else {
			pg_buf_put(&msg, p, n);
		}
		if (fd >= 0 && sendto(fd, msg.ptr, msg.len, MSG_NOSIGNAL,
				      (const struct sockaddr *)&addr, sizeof(addr)) < 0) {
			err = errno;
			failed++;
		} else if (fd < 0) {
			failed++;
		}
		p += n + (nl ? 1 : 0);
	}
	if (failed)
		pg_buf_printf(status, "%ssyslog: %zu of %zu entr%s not sent (%s: %s); the release "
			      "log has %s", status->len ? "; " : "", failed, total,
			      total == 1 ? "y" : "ies", socket_path, strerror(err),
			      failed == 1 ? "it" : "them");
	if (fd >= 0)
		close(fd);
	pg_buf_free(&msg);
	return failed;
}
