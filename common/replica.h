/*
 * The release log's off-host copy: [replica] in pushgate.ini.  Every line
 * appended to the local log is also appended to a file on another host over
 * SFTP (libssh2), so that someone who gets a shell as the git user cannot
 * quietly rewrite history in both places.
 *
 * The server is authenticated by its ed25519 host key, which must already
 * be in known_hosts: there is no trust on first use.  We authenticate with
 * an unencrypted ed25519 key (libssh2 1.10 signs RSA only with SHA-1
 * "ssh-rsa", which OpenSSH 8.8 and later refuse, so RSA keys are refused
 * here with that explanation, before any traffic).
 *
 * A replica that cannot be reached must not fail a push: what could not be
 * delivered waits in a local queue file and goes first on the next push.
 */
#ifndef PG_REPLICA_H
#define PG_REPLICA_H

#include <stddef.h>

#include "buf.h"

#define PG_REPLICA_TIMEOUT_MS_DEFAULT 10000

struct pg_replica_cfg {
	const char *host;		/* name or address; resolved with getaddrinfo */
	int port;			/* <= 0: 22 */
	const char *user;
	const char *key;		/* private key, OpenSSH format; public key: key + ".pub" */
	/* OpenSSH known_hosts, plain or hashed.  For port != 22 write
	 * "[host]:port ssh-ed25519 ..." as OpenSSH does; libssh2 1.10 also
	 * accepts a plain "host" line then, OpenSSH would not. */
	const char *known_hosts;
	const char *path;		/* the remote file */
	int timeout_ms;			/* <= 0: PG_REPLICA_TIMEOUT_MS_DEFAULT */
};

/*
 * libssh2_init(), once per process; the functions below call it
 * themselves.  0, or -1 with a message.
 */
int pg_replica_init(void);

/*
 * Appends LEN bytes at DATA to rc->path on the replica: connect (within
 * timeout_ms), SSH handshake with the host key algorithm pinned to
 * ssh-ed25519, the host key checked against rc->known_hosts (only an exact
 * match is accepted), public key authentication, SFTP open with
 * WRITE|CREAT|APPEND (mode 0640 when created), the data written in full,
 * the handle closed and its status checked.  The write starts at the
 * file's current size as well, so a server that ignores APPEND still does
 * not overwrite earlier entries (as long as nothing else writes the file
 * at the same time).
 *
 * Every network wait is bounded by timeout_ms (libssh2's session timeout,
 * which applies to each wait, not to the whole call; name resolution has
 * no timeout of ours).  0, or -1 with pg_error_set(); the message does not
 * start with "replica:", callers add their own context.
 */
int pg_replica_append(const struct pg_replica_cfg *rc, const char *data, size_t len);

/*
 * Delivers NEW_LINES (complete lines, each ending in '\n'; LEN may be 0 to
 * only flush the queue) after whatever waits in the queue file QUEUE_PATH
 * (created 0640 if missing), in order, as one pg_replica_append(), all
 * under an exclusive flock() on the queue file:
 *
 *   0   delivered; the queue is emptied.  STATUS gets "replica: delivered N
 *       entries, M of them queued earlier" when a backlog went out, and
 *       stays empty in the usual case of no backlog.
 *   1   not delivered: NEW_LINES were appended to the queue (and fsynced)
 *       and STATUS gets "replica: N entries queued: WHY".  Not an error
 *       for a push; show STATUS to the pusher.
 *  -1   local error (queue file unusable, or emptying it after a delivery
 *       failed, which would deliver the backlog twice next time), with
 *       pg_error_set(); STATUS says the same, prefixed "replica: ".
 *
 * The queue is emptied only after the remote append succeeded, so nothing
 * is lost and nothing is sent twice, except when the connection breaks in
 * the middle of a write: then the remote may hold a prefix of the data,
 * which is sent again next time (log verify --replica shows it).
 * A torn last line in the queue (a crash while queueing) is never sent:
 * it is cut off, and STATUS says so; the local log still has the entry.
 *
 * To keep the remote copy in the local log's order, call this while still
 * holding the release log's lock: two hooks that append locally in one
 * order must not deliver in the other.
 *
 * STATUS is appended to (it may be NULL); several lines are separated by
 * "\n", with none at the end.
 */
int pg_replica_deliver(const struct pg_replica_cfg *rc, const char *queue_path,
		       const char *new_lines, size_t len, struct pg_buf *status);

/*
 * Reads the whole remote file rc->path into OUT (appended), for
 * `pushgate log verify --replica`.  0; 1 when the remote file does not
 * exist (OUT unchanged); -1 with pg_error_set() for anything else.
 */
int pg_replica_fetch(const struct pg_replica_cfg *rc, struct pg_buf *out);

#endif
