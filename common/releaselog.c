/*
 * Appending to the release log: under one lock, the tail read from the
 * end, a torn tail recovered, each line written whole and fsynced.
 */
#include "releaselog.h"
#include "logline.h"
#include "error.h"
#include "escape.h"
#include "glob.h"
#include "wire.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#define TAIL_BLOCK 65536
/* pg_log_writable wants at least this much room on the file system. */
#define MIN_FREE_BYTES (64 * 1024)

/* ---- writing ---- */

static int pread_full(int fd, void *buf, size_t n, off_t off)
{
	char *p = buf;

	while (n) {
		ssize_t got = pread(fd, p, n, off);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -1;
		if (got == 0) {
			errno = EIO;	/* the file shrank under our lock */
			return -1;
		}
		p += got;
		off += got;
		n -= (size_t)got;
	}
	return 0;
}

static int write_full(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t put = write(fd, p, n);

		if (put < 0 && errno == EINTR)
			continue;
		if (put < 0)
			return -1;
		p += put;
		n -= (size_t)put;
	}
	return 0;
}

/* The directory of PATH, for fsync and access checks. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return pg_xstrdup(".");
	if (slash == path)
		return pg_xstrdup("/");
	return pg_xstrndup(path, (size_t)(slash - path));
}

static const char *base_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int fsync_dir(const char *path)
{
	char *dir = dir_of(path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;

	if (fd < 0 || fsync(fd) < 0) {
		pg_error_set("%s: cannot fsync its directory %s: %s", path, dir, strerror(errno));
		rc = -1;
	}
	if (fd >= 0)
		close(fd);
	free(dir);
	return rc;
}

/*
 * Offset of the last '\n' before offset BEFORE, -1 when there is none,
 * -2 on a read error (errno set).  Reads backwards, one block at a time.
 */
static off_t prev_newline(int fd, off_t before, char *blk)
{
	while (before > 0) {
		off_t start = before > TAIL_BLOCK ? before - TAIL_BLOCK : 0;
		size_t n = (size_t)(before - start);
		const char *nl;

		if (pread_full(fd, blk, n, start) < 0)
			return -2;
		nl = memrchr(blk, '\n', n);
		if (nl)
			return start + (nl - blk);
		before = start;
	}
	return -1;
}

/* What the end of the log says. */
struct tail {
	long long seq;		/* of the last entry; 0: none */
	char prev[65];		/* its line hash; zeros: none */
	off_t good_end;		/* the end of the last entry's newline */
	off_t size;
};

/*
 * Read the line [start, end) (end at its '\n') and, when it is an entry,
 * fill T from it.  1 entry, 0 not, -1 read error.
 */
static int tail_line(int fd, off_t start, off_t end, struct tail *t,
		     struct pg_log_record *rec)
{
	size_t len = (size_t)(end - start);
	char *line;
	int rc = 0;

	if (len > PG_LOG_LINE_MAX)
		return 0;
	line = pg_xmalloc(len + 1);
	if (pread_full(fd, line, len, start) < 0) {
		free(line);
		return -1;
	}
	line[len] = '\0';
	if (pg_log_parse_line(rec, line, len) == 0) {
		t->seq = rec->seq;
		pg_log_line_hash(t->prev, line, len);
		t->good_end = end + 1;
		rc = 1;
	}
	free(line);
	return rc;
}

/*
 * Find the last entry of the open log FD.  0, or -1 with a message: a read
 * error, or a last line that is not an entry after another that is not
 * one either (damage, not a torn write: we do not guess further back).
 */
static int read_tail(int fd, const char *path, struct tail *t)
{
	struct pg_log_record rec = PG_LOG_RECORD_INIT;
	struct stat st;
	char *blk = NULL;
	off_t nl1, nl0, nl00;
	int rc = -1, r;

	memset(t, 0, sizeof(*t));
	memcpy(t->prev, PG_LOG_ZERO_HASH, 65);
	if (fstat(fd, &st) < 0) {
		pg_error_set("%s: %s", path, strerror(errno));
		return -1;
	}
	t->size = st.st_size;
	if (t->size == 0)
		return 0;
	blk = pg_xmalloc(TAIL_BLOCK);
	nl1 = prev_newline(fd, t->size, blk);
	if (nl1 == -2)
		goto io;
	if (nl1 == -1) {		/* not one complete line: all torn */
		rc = 0;
		goto out;
	}
	nl0 = prev_newline(fd, nl1, blk);
	if (nl0 == -2)
		goto io;
	r = tail_line(fd, nl0 + 1, nl1, t, &rec);
	if (r < 0)
		goto io;
	if (r == 0 && nl0 >= 0) {
		/* The last line is not an entry: the one before it must be. */
		nl00 = prev_newline(fd, nl0, blk);
		if (nl00 == -2)
			goto io;
		r = tail_line(fd, nl00 + 1, nl0, t, &rec);
		if (r < 0)
			goto io;
		if (r == 0) {
			pg_error_set("%s: neither of its last two lines is a log entry; not "
				     "appending to a damaged log (see pushgate log verify)", path);
			goto out;
		}
	}
	rc = 0;
	goto out;
io:
	pg_error_set("%s: cannot read: %s", path, strerror(errno));
out:
	free(blk);
	pg_log_record_free(&rec);
	return rc;
}

/*
 * Move the bytes [t->good_end, t->size) of the log to a new side file,
 * truncate the log to t->good_end and make both durable.  NAME gets the
 * side file's base name.
 */
static int move_torn(int fd, const char *path, const struct tail *t, struct pg_buf *name)
{
	struct pg_buf side = PG_BUF_INIT;
	char *blk = NULL;
	long long now = (long long)time(NULL);
	int sfd = -1, rc = -1;
	off_t off;

	for (int i = 1; i <= 100 && sfd < 0; i++) {
		pg_buf_reset(&side);
		pg_buf_printf(&side, "%s.torn.%lld.%lld", path, t->seq + 1, now);
		if (i > 1)
			pg_buf_printf(&side, ".%d", i);
		sfd = open(side.ptr, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0640);
		if (sfd < 0 && errno != EEXIST)
			break;
	}
	if (sfd < 0) {
		pg_error_set("%s: torn tail: cannot create %s: %s", path, side.ptr, strerror(errno));
		goto out;
	}
	blk = pg_xmalloc(TAIL_BLOCK);
	for (off = t->good_end; off < t->size;) {
		size_t n = t->size - off > TAIL_BLOCK ? TAIL_BLOCK : (size_t)(t->size - off);

		if (pread_full(fd, blk, n, off) < 0) {
			pg_error_set("%s: torn tail: cannot read: %s", path, strerror(errno));
			goto out;
		}
		if (write_full(sfd, blk, n) < 0) {
			pg_error_set("%s: torn tail: cannot write %s: %s", path, side.ptr,
				     strerror(errno));
			goto out;
		}
		off += (off_t)n;
	}
	if (fsync(sfd) < 0) {
		pg_error_set("%s: torn tail: cannot fsync %s: %s", path, side.ptr, strerror(errno));
		goto out;
	}
	/* The side file's name must be durable before the bytes leave the log. */
	if (fsync_dir(path) < 0)
		goto out;
	if (ftruncate(fd, t->good_end) < 0 || fsync(fd) < 0) {
		pg_error_set("%s: torn tail: cannot truncate to %lld bytes: %s", path,
			     (long long)t->good_end, strerror(errno));
		goto out;
	}
	pg_buf_puts(name, base_of(side.ptr));
	rc = 0;
out:
	if (sfd >= 0 && close(sfd) < 0 && rc == 0) {
		pg_error_set("%s: torn tail: cannot close %s: %s", path, side.ptr, strerror(errno));
		rc = -1;
	}
	if (rc < 0 && sfd >= 0)
		unlink(side.ptr);	/* the log still holds the bytes */
	free(blk);
	pg_buf_free(&side);
	return rc;
}

/*
 * Open PATH for appending and hold an exclusive lock on the file that is
 * at PATH once the lock is ours (a file renamed away while we waited is
 * not the log any more).  fstatat, not stat: gitinit.c defines stat() for
 * libgit2's sake, and calling it would drag libgit2 into every program
 * that links the log.
 */
static int open_locked(const char *path, int *created)
{
	for (int tries = 0; tries < 20; tries++) {
		struct stat st, now;
		int fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

		*created = 0;
		if (fd < 0 && errno == ENOENT) {
			fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC |
				  O_NOCTTY | O_NOFOLLOW, 0640);
			if (fd < 0 && errno == EEXIST) {
				if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
					pg_error_set("%s: a symbolic link to nowhere", path);
					return -1;
				}
				continue;	/* another process created it */
			}
			*created = fd >= 0;
		}
		if (fd < 0) {
			pg_error_set("%s: cannot open for appending: %s", path, strerror(errno));
			return -1;
		}
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			pg_error_set("%s: not a regular file", path);
			close(fd);
			return -1;
		}
		while (flock(fd, LOCK_EX) < 0) {
			if (errno != EINTR) {
				pg_error_set("%s: cannot lock: %s", path, strerror(errno));
				close(fd);
				return -1;
			}
		}
		if (fstatat(AT_FDCWD, path, &now, 0) == 0 && now.st_dev == st.st_dev && now.st_ino == st.st_ino)
			return fd;
		close(fd);
	}
	pg_error_set("%s: the file keeps being replaced; cannot lock it", path);
	return -1;
}

/* Build, sign and write one entry after T; T then describes it. */
static int append_one(int fd, const char *path, const struct pg_sshkey *key,
		      const struct pg_log_entry *e, struct tail *t, struct pg_buf *appended)
{
	struct pg_buf msg = PG_BUF_INIT, blob = PG_BUF_INIT;
	char when[21];
	int rc = -1;

	if (pg_log_time_format(when, e->time ? e->time : time(NULL)) < 0) {
		pg_error_set("%s: the entry's time cannot be written", path);
		goto out;
	}
	if (pg_log_line_build(&msg, t->seq + 1, when, e, t->prev) < 0)
		goto out;
	if (pg_sshsig_sign_blob(&blob, key, PG_LOG_NAMESPACE, msg.ptr, msg.len) < 0) {
		char why[768];

		snprintf(why, sizeof(why), "%s", pg_error_last());
		pg_error_set("%s: cannot sign the entry: %s", path, why);
		goto out;
	}
	/* {...,"prev":"..."} -> {...,"prev":"...","sig":"..."}\n */
	msg.len--;
	pg_buf_puts(&msg, ",\"sig\":\"");
	pg_base64_encode(&msg, blob.ptr, blob.len);
	pg_buf_puts(&msg, "\"}\n");
	if (write_full(fd, msg.ptr, msg.len) < 0) {
		int err = errno;

		/* No half line may stay behind for the next entry to follow. */
		if (ftruncate(fd, t->size) < 0)
			pg_error_set("%s: cannot write the entry (%s), and a partial line "
				     "is left: %s", path, strerror(err), strerror(errno));
		else
			pg_error_set("%s: cannot write the entry: %s", path, strerror(err));
		goto out;
	}
	t->seq++;
	pg_log_line_hash(t->prev, msg.ptr, msg.len - 1);
	t->size += (off_t)msg.len;
	t->good_end = t->size;
	if (appended)
		pg_buf_put(appended, msg.ptr, msg.len);
	rc = 0;
out:
	pg_buf_free(&msg);
	pg_buf_free(&blob);
	return rc;
}

int pg_log_append(const char *path, const struct pg_sshkey *key,
		  const struct pg_log_entry *entries, size_t n, struct pg_buf *appended)
{
	return pg_log_append_ex(path, key, entries, n, appended, NULL, NULL);
}

int pg_log_append_ex(const char *path, const struct pg_sshkey *key,
		     const struct pg_log_entry *entries, size_t n, struct pg_buf *appended,
		     void (*while_locked)(void *ctx, const char *lines, size_t len),
		     void *ctx)
{
	struct pg_buf mine = PG_BUF_INIT, *lines = appended ? appended : &mine;
	size_t first = appended ? appended->len : 0;
	struct tail t;
	int fd, created, rc = -1;
	off_t initial_size;

	for (size_t i = 0; i < n; i++) {
		if (pg_log_entry_valid(&entries[i]) < 0) {
			char why[768];

			snprintf(why, sizeof(why), "%s", pg_error_last());
			pg_error_set("%s: %s", path, why);
			return -1;
		}
	}
	fd = open_locked(path, &created);
	if (fd < 0)
		return -1;
	if (read_tail(fd, path, &t) < 0)
		goto out;
	initial_size = t.size;
	if (t.good_end < t.size) {
		struct pg_buf name = PG_BUF_INIT, reason = PG_BUF_INIT;
		struct pg_log_entry rec = { .event = "recovered" };
		long long moved = (long long)(t.size - t.good_end);
		int r;

		if (move_torn(fd, path, &t, &name) < 0) {
			pg_buf_free(&name);
			goto out;
		}
		t.size = t.good_end;
		pg_buf_printf(&reason, "torn tail: %lld byte%s moved to %s", moved,
			      moved == 1 ? "" : "s", name.ptr);
		rec.reason = reason.ptr;
		r = append_one(fd, path, key, &rec, &t, lines);
		pg_buf_free(&name);
		pg_buf_free(&reason);
		if (r < 0)
			goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (append_one(fd, path, key, &entries[i], &t, lines) < 0)
			goto out;
	if (fsync(fd) < 0) {
		pg_error_set("%s: cannot fsync: %s", path, strerror(errno));
		goto out;
	}
	/* A new file's name must be durable too (whoever created it). */
	if ((created || initial_size == 0) && fsync_dir(path) < 0)
		goto out;
	if (while_locked)
		while_locked(ctx, lines->ptr ? lines->ptr + first : "", lines->len - first);
	rc = 0;
out:
	/* Closing releases the lock, after the fsync. */
	if (close(fd) < 0 && rc == 0) {
		pg_error_set("%s: cannot close: %s", path, strerror(errno));
		rc = -1;
	}
	pg_buf_free(&mine);
	return rc;
}

static int room_ok(const char *path, const struct statvfs *vfs)
{
	if (vfs->f_flag & ST_RDONLY) {
		pg_error_set("%s: on a read-only file system", path);
		return -1;
	}
	if ((unsigned long long)vfs->f_bavail * vfs->f_frsize < MIN_FREE_BYTES) {
		pg_error_set("%s: no space left on its file system", path);
		return -1;
	}
	return 0;
}

int pg_log_writable(const char *path)
{
	struct statvfs vfs;
	struct stat st;
	struct tail t;
	char *dir;
	int fd, rc;

	if (!path || !*path) {
		pg_error_set("no release log configured");
		return -1;
	}
	fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd >= 0) {
		rc = -1;
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
			pg_error_set("%s: not a regular file", path);
		else if (fstatvfs(fd, &vfs) < 0)
			pg_error_set("%s: %s", path, strerror(errno));
		else if (room_ok(path, &vfs) == 0 && read_tail(fd, path, &t) == 0)
			rc = 0;
		close(fd);
		return rc;
	}
	if (errno != ENOENT) {
		pg_error_set("%s: cannot open for appending: %s", path, strerror(errno));
		return -1;
	}
	dir = dir_of(path);
	rc = -1;
	if (fstatat(AT_FDCWD, dir, &st, 0) < 0)
		pg_error_set("%s: its directory %s: %s", path, dir, strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		pg_error_set("%s: %s is not a directory", path, dir);
	else if (faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) < 0)
		pg_error_set("%s: cannot create it in %s: %s", path, dir, strerror(errno));
	else if (statvfs(dir, &vfs) < 0)
		pg_error_set("%s: %s: %s", path, dir, strerror(errno));
	else
		rc = room_ok(path, &vfs);
	free(dir);
	return rc;
}

