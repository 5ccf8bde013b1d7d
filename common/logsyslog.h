/*
 * The release log's entries, also sent to syslog ([core] syslog = yes), so
 * that journald, rsyslog and whatever SIEM the admin forwards them to get
 * each one as it is written: one message a line, the line as it is.
 *
 * Sent over the syslog socket with a non-blocking datagram socket, not
 * with syslog(3): glibc's blocks when the daemon's queue is full and falls
 * back to the console; a push must never wait on a log daemon.  A message
 * that cannot go now is dropped and said so; the release log has it.
 */
#ifndef PG_LOGSYSLOG_H
#define PG_LOGSYSLOG_H

#include <stddef.h>

#include "buf.h"

#define PG_SYSLOG_SOCKET "/dev/log"

/* LOG_USER etc. for "user", "auth", "authpriv", "daemon", "local0".."local7"; else -1. */
int pg_syslog_facility(const char *name);

/*
 * Send each newline-terminated line of LINES[0..LEN) to the syslog socket
 * at SOCKET_PATH as one message of FACILITY (rejections and warnings at
 * notice, the rest at info), tagged "pushgate".  Returns how many could
 * not be sent, with one line saying why appended to STATUS.
 */
size_t pg_syslog_send(const char *socket_path, int facility, const char *lines, size_t len,
		      struct pg_buf *status);

#endif
