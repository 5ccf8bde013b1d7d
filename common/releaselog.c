#include "releaselog.h"
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

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"
#define TAIL_BLOCK 65536
/* pg_log_writable wants at least this much room on the file system. */
#define MIN_FREE_BYTES (64 * 1024)

static const char hexdigits[] = "0123456789abcdef";

/* The fields of a line, in order (SPEC.md). */
enum {
	F_SEQ, F_TIME, F_EVENT, F_REPO, F_REF, F_OLD, F_NEW, F_PUSHER, F_VIA,
	F_RULE, F_REASON, F_PUSH_OPTIONS, F_PREV, F_SIG, NFIELDS
};

static const struct pg_json_key fields[NFIELDS] = {
	{ "seq", PG_JSON_INT },
	{ "time", PG_JSON_STRING },
	{ "event", PG_JSON_STRING },
	{ "repo", PG_JSON_STRING | PG_JSON_NULL },
	{ "ref", PG_JSON_STRING | PG_JSON_NULL },
	{ "old", PG_JSON_STRING | PG_JSON_NULL },
	{ "new", PG_JSON_STRING | PG_JSON_NULL },
	{ "pusher", PG_JSON_STRING | PG_JSON_NULL },
	{ "via", PG_JSON_STRING | PG_JSON_NULL },
	{ "rule", PG_JSON_STRING | PG_JSON_NULL },
	{ "reason", PG_JSON_STRING | PG_JSON_NULL },
	{ "push_options", PG_JSON_STRINGS },
	{ "prev", PG_JSON_STRING },
	{ "sig", PG_JSON_STRING },
};

static const char *const events[] = { "update", "rejected", "warning", "recovered" };

static int known_event(const char *e)
{
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		if (!strcmp(e, events[i]))
			return 1;
	return 0;
}

static int is_lower_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* An object id: 40 (SHA-1) or 64 (SHA-256) lower-case hex digits. */
static int is_oid(const char *s)
{
	size_t n = strlen(s);

	return (n == 40 || n == 64) && is_lower_hex(s, n);
}

static int is_base64(const char *s, size_t n)
{
	size_t pad = 0;

	if (n == 0 || n % 4)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '=') {
			pad++;
			continue;
		}
		if (pad || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			     (c >= '0' && c <= '9') || c == '+' || c == '/'))
			return 0;
	}
	return pad <= 2;
}

static void to_hex(char *out, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hexdigits[p[i] >> 4];
		out[2 * i + 1] = hexdigits[p[i] & 0xf];
	}
	out[2 * n] = '\0';
}

/*
 * sha256 through a fetched EVP_MD: EVP_sha256() would make OpenSSL 3 look
 * the implementation up again on every call, which verify would feel.
 */
static EVP_MD *sha256_md;

void pg_log_line_hash(char hex[65], const char *line, size_t len)
{
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int hlen = 0;

	if (!sha256_md)
		sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (EVP_Digest(len ? line : "", len, h, &hlen,
		       sha256_md ? sha256_md : EVP_sha256(), NULL) != 1 || hlen != 32) {
		/* Cannot happen short of a broken OpenSSL: never chain onto it. */
		ERR_clear_error();
		fprintf(stderr, "pushgate: OpenSSL cannot compute sha256\n");
		abort();
	}
	to_hex(hex, h, 32);
}

/* ---- time ---- */

static int days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

static int num(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* "YYYY-MM-DDTHH:MM:SSZ", exactly, into *when (UTC). */
static int parse_time(const char *s, time_t *when)
{
	struct tm tm = { 0 };
	int y, mo, d, h, mi, se;

	if (strlen(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return -1;
	y = num(s, 4);
	mo = num(s + 5, 2);
	d = num(s + 8, 2);
	h = num(s + 11, 2);
	mi = num(s + 14, 2);
	se = num(s + 17, 2);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
	    h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	*when = timegm(&tm);
	return 0;
}

static int format_time(char out[21], time_t t)
{
	struct tm tm;
	char buf[80];

	if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 < 1970 || tm.tm_year + 1900 > 9999)
		return -1;
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	memcpy(out, buf, 21);
	return 0;
}

int pg_log_parse_since(char since[21], const char *arg)
{
	char buf[32];
	time_t t;

	if (strlen(arg) == 10)
		snprintf(buf, sizeof(buf), "%sT00:00:00Z", arg);
	else
		snprintf(buf, sizeof(buf), "%s", arg);
	if (strlen(arg) > 20 || parse_time(buf, &t) < 0) {
		pg_error_set("'%s' is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)",
			     arg);
		return -1;
	}
	memcpy(since, buf, 21);
	return 0;
}

/* ---- reading a line ---- */

static const char *str_or_null(const struct pg_json_value *v)
{
	return v->kind == PG_JSON_STRING ? v->str : NULL;
}

int pg_log_parse_line(struct pg_log_record *rec, const char *line, size_t len)
{
	const struct pg_json_value *v;
	int recovered;

	if (len > PG_LOG_LINE_MAX) {
		pg_error_set("line longer than %d bytes", PG_LOG_LINE_MAX);
		return -1;
	}
	if (pg_json_parse_object(&rec->obj, line, len, fields, NFIELDS) < 0)
		return -1;
	v = rec->obj.values;
	rec->seq = v[F_SEQ].num;
	rec->time = v[F_TIME].str;
	rec->event = v[F_EVENT].str;
	rec->repo = str_or_null(&v[F_REPO]);
	rec->ref = str_or_null(&v[F_REF]);
	rec->old_hex = str_or_null(&v[F_OLD]);
	rec->new_hex = str_or_null(&v[F_NEW]);
	rec->pusher = str_or_null(&v[F_PUSHER]);
	rec->via = str_or_null(&v[F_VIA]);
	rec->rule = str_or_null(&v[F_RULE]);
	rec->reason = str_or_null(&v[F_REASON]);
	rec->push_options = v[F_PUSH_OPTIONS].items;
	rec->npush_options = v[F_PUSH_OPTIONS].nitems;
	rec->opts_start = v[F_PUSH_OPTIONS].value_start;
	rec->opts_end = v[F_PUSH_OPTIONS].end;
	rec->prev = v[F_PREV].str;
	rec->sig = v[F_SIG].str;
	rec->sig_start = v[F_SIG].start;
	rec->sig_end = v[F_SIG].end;

	if (rec->seq < 1) {
		pg_error_set("seq %lld is not a positive number", rec->seq);
		return -1;
	}
	if (parse_time(rec->time, &rec->when) < 0) {
		struct pg_buf b = PG_BUF_INIT;

		pg_escape_put(&b, rec->time, strlen(rec->time) > 40 ? 40 : strlen(rec->time));
		pg_error_set("time \"%s\" is not YYYY-MM-DDTHH:MM:SSZ", pg_buf_cstr(&b));
		pg_buf_free(&b);
		return -1;
	}
	if (!known_event(rec->event)) {
		struct pg_buf b = PG_BUF_INIT;

		pg_escape_put(&b, rec->event, strlen(rec->event) > 40 ? 40 : strlen(rec->event));
		pg_error_set("unknown event \"%s\"", pg_buf_cstr(&b));
		pg_buf_free(&b);
		return -1;
	}
	recovered = !strcmp(rec->event, "recovered");
	if (!recovered && (!rec->repo || !rec->ref || !rec->old_hex || !rec->new_hex)) {
		pg_error_set("a%s \"%s\" entry needs repo, ref, old and new",
			     rec->event[0] == 'u' ? "n" : "", rec->event);
		return -1;
	}
	if ((rec->old_hex && !is_oid(rec->old_hex)) || (rec->new_hex && !is_oid(rec->new_hex))) {
		pg_error_set("\"old\" and \"new\" must be 40 or 64 lower-case hex digits");
		return -1;
	}
	if (strlen(rec->prev) != 64 || !is_lower_hex(rec->prev, 64)) {
		pg_error_set("\"prev\" must be 64 lower-case hex digits");
		return -1;
	}
	if (!is_base64(rec->sig, v[F_SIG].len)) {
		pg_error_set("\"sig\" is not base64");
		return -1;
	}
	return 0;
}

void pg_log_record_free(struct pg_log_record *rec)
{
	pg_json_object_free(&rec->obj);
	memset(rec, 0, sizeof(*rec));
}

void pg_log_signed_message(struct pg_buf *out, const struct pg_log_record *rec,
			   const char *line, size_t len)
{
	pg_buf_put(out, line, rec->sig_start);
	pg_buf_put(out, line + rec->sig_end, len - rec->sig_end);
}

/* ---- writing ---- */

static int validate_entry(const struct pg_log_entry *e)
{
	if (!e->event || !known_event(e->event)) {
		pg_error_set("release log entry: unknown event \"%s\"", e->event ? e->event : "(null)");
		return -1;
	}
	if (strcmp(e->event, "recovered") != 0 &&
	    (!e->repo || !e->ref || !e->old_hex || !e->new_hex)) {
		pg_error_set("release log entry: repo, ref, old and new are required for \"%s\"",
			     e->event);
		return -1;
	}
	if ((e->old_hex && !is_oid(e->old_hex)) || (e->new_hex && !is_oid(e->new_hex))) {
		pg_error_set("release log entry: old and new must be 40 or 64 lower-case hex digits");
		return -1;
	}
	if (e->npush_options && !e->push_options) {
		pg_error_set("release log entry: %zu push options but no array", e->npush_options);
		return -1;
	}
	for (size_t i = 0; i < e->npush_options; i++) {
		if (!e->push_options[i]) {
			pg_error_set("release log entry: push option %zu is NULL", i);
			return -1;
		}
	}
	return 0;
}

/* The signed message of an entry: the line up to and with "prev", then '}'. */
static int build_message(struct pg_buf *b, long long seq, const char *when,
			 const struct pg_log_entry *e, const char *prev)
{
	pg_buf_printf(b, "{\"seq\":%lld,\"time\":\"%s\",\"event\":", seq, when);
	pg_json_put_cstring(b, e->event);
	pg_buf_puts(b, ",\"repo\":");
	pg_json_put_cstring(b, e->repo);
	pg_buf_puts(b, ",\"ref\":");
	pg_json_put_cstring(b, e->ref);
	pg_buf_puts(b, ",\"old\":");
	pg_json_put_cstring(b, e->old_hex);
	pg_buf_puts(b, ",\"new\":");
	pg_json_put_cstring(b, e->new_hex);
	pg_buf_puts(b, ",\"pusher\":");
	pg_json_put_cstring(b, e->pusher);
	pg_buf_puts(b, ",\"via\":");
	pg_json_put_cstring(b, e->via);
	pg_buf_puts(b, ",\"rule\":");
	pg_json_put_cstring(b, e->rule);
	pg_buf_puts(b, ",\"reason\":");
	pg_json_put_cstring(b, e->reason);
	pg_buf_puts(b, ",\"push_options\":[");
	for (size_t i = 0; i < e->npush_options; i++) {
		if (i)
			pg_buf_putc(b, ',');
		pg_json_put_cstring(b, e->push_options[i]);
	}
	pg_buf_printf(b, "],\"prev\":\"%s\"}", prev);
	if (b->len > PG_LOG_LINE_MAX - 512) {
		pg_error_set("release log entry: longer than %d bytes", PG_LOG_LINE_MAX - 512);
		return -1;
	}
	return 0;
}

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
	memcpy(t->prev, ZERO_HASH, 65);
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

	if (format_time(when, e->time ? e->time : time(NULL)) < 0) {
		pg_error_set("%s: the entry's time cannot be written", path);
		goto out;
	}
	if (build_message(&msg, t->seq + 1, when, e, t->prev) < 0)
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
		if (validate_entry(&entries[i]) < 0) {
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

/* ---- verifying ---- */

static void bad(struct pg_log_report *r, size_t line, long seq, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void bad(struct pg_log_report *r, size_t line, long seq, const char *fmt, ...)
{
	struct pg_buf b = PG_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	pg_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	r->bad_line = line;
	r->bad_seq = seq;
	r->why = pg_buf_detach(&b);
}

/* The seq a torn line started with, if that much of it is there; else -1. */
static long torn_seq(const char *line, size_t len)
{
	static const char prefix[] = "{\"seq\":";
	size_t i = sizeof(prefix) - 1;
	long v = 0;

	if (len <= i || memcmp(line, prefix, i) != 0)
		return -1;
	for (; i < len && line[i] >= '0' && line[i] <= '9'; i++) {
		if (v > (LONG_MAX - 9) / 10)
			return -1;
		v = v * 10 + (line[i] - '0');
	}
	return i < len && line[i] == ',' ? v : -1;
}

/* Context kept from one line to the next. */
struct verifier {
	const struct pg_signers *signers;
	struct pg_log_record rec;
	struct pg_buf msg, blob, why, fp;
	long long prev_seq;
	char prev[65];
};

/* Check one line (without its newline). 0 good, 1 bad (reported). */
static int verify_line(struct verifier *v, struct pg_log_report *r, size_t lineno,
		       const char *line, size_t len)
{
	struct pg_log_record *rec = &v->rec;
	struct pg_sshsig sig;
	long seq;

	if (len == 0) {
		bad(r, lineno, -1, "empty line");
		return 1;
	}
	if (pg_log_parse_line(rec, line, len) < 0) {
		bad(r, lineno, torn_seq(line, len), "not a log entry: %s", pg_error_last());
		return 1;
	}
	seq = rec->seq > LONG_MAX ? -1 : (long)rec->seq;
	if (rec->seq != v->prev_seq + 1) {
		if (rec->seq <= v->prev_seq)
			bad(r, lineno, seq, "seq %lld after seq %lld: entries reordered or repeated",
			    rec->seq, v->prev_seq);
		else if (rec->seq == v->prev_seq + 2)
			bad(r, lineno, seq, "seq %lld after seq %lld: entry %lld is missing "
			    "(removed, or moved elsewhere)", rec->seq, v->prev_seq, v->prev_seq + 1);
		else
			bad(r, lineno, seq, "seq %lld after seq %lld: entries %lld..%lld are missing "
			    "(removed, or moved elsewhere)", rec->seq, v->prev_seq, v->prev_seq + 1,
			    rec->seq - 1);
		return 1;
	}
	if (strcmp(rec->prev, v->prev) != 0) {
		if (lineno == 1)
			bad(r, lineno, seq, "prev is not 64 zeros, as the first entry's must be");
		else
			bad(r, lineno, seq, "prev does not match the hash of line %zu "
			    "(an entry before this one was changed)", lineno - 1);
		return 1;
	}
	pg_buf_reset(&v->blob);
	if (pg_base64_decode(&v->blob, rec->sig, strlen(rec->sig)) < 0 ||
	    pg_sshsig_parse_blob(&sig, v->blob.ptr, v->blob.len) < 0) {
		bad(r, lineno, seq, "bad signature: %s", pg_error_last());
		return 1;
	}
	if (strcmp(sig.hash_alg, "sha512") != 0) {
		bad(r, lineno, seq, "signature uses %s, not sha512", sig.hash_alg);
		return 1;
	}
	pg_buf_reset(&v->msg);
	pg_log_signed_message(&v->msg, rec, line, len);
	if (pg_sshsig_verify(&sig, PG_LOG_NAMESPACE, v->msg.ptr, v->msg.len) < 0) {
		bad(r, lineno, seq, "signature invalid: %s", pg_error_last());
		return 1;
	}
	pg_buf_reset(&v->why);
	if (pg_signers_principal_allowed(v->signers, sig.pk, PG_LOG_PRINCIPAL,
					 PG_LOG_NAMESPACE, rec->when, &v->why) != 0) {
		pg_buf_reset(&v->fp);
		pg_sshkey_fingerprint(&v->fp, sig.pk);
		bad(r, lineno, seq, "signed by %s, not a log key: %s", pg_buf_cstr(&v->fp),
		    pg_buf_cstr(&v->why));
		return 1;
	}
	v->prev_seq = rec->seq;
	pg_log_line_hash(v->prev, line, len);
	return 0;
}

int pg_log_verify(const char *path, const struct pg_signers *signers,
		  struct pg_log_report *out)
{
	struct verifier v = { .signers = signers, .rec = PG_LOG_RECORD_INIT };
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;
	FILE *f;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->bad_seq = -1;
	memcpy(out->head, ZERO_HASH, 65);
	memcpy(v.prev, ZERO_HASH, 65);
	f = fopen(path, "re");
	if (!f) {
		pg_error_set("%s: %s", path, strerror(errno));
		return -1;
	}
	setvbuf(f, NULL, _IOFBF, 1 << 18);
	errno = 0;
	while ((n = getline(&line, &cap, f)) > 0) {
		size_t len = (size_t)n;

		lineno++;
		if (line[len - 1] != '\n') {
			bad(out, lineno, torn_seq(line, len),
			    "torn last line: %zu byte%s without a newline", len, len == 1 ? "" : "s");
			rc = 1;
			break;
		}
		if (verify_line(&v, out, lineno, line, len - 1)) {
			rc = 1;
			break;
		}
		out->entries++;
		memcpy(out->head, v.prev, 65);
	}
	if (rc == 0 && ferror(f)) {
		pg_error_set("%s: cannot read: %s", path, strerror(errno ? errno : EIO));
		rc = -1;
	}
	fclose(f);
	free(line);
	pg_log_record_free(&v.rec);
	pg_buf_free(&v.msg);
	pg_buf_free(&v.blob);
	pg_buf_free(&v.why);
	pg_buf_free(&v.fp);
	return rc;
}

void pg_log_report_free(struct pg_log_report *r)
{
	free(r->why);
	r->why = NULL;
}

/* ---- showing ---- */

enum { C_SEQ, C_TIME, C_EVENT, C_REPO, C_REF, C_IDS, C_PUSHER, C_REASON, NCOLS };

static const char *const col_names[NCOLS] = {
	"SEQ", "TIME", "EVENT", "REPO", "REF", "OLD..NEW", "PUSHER", "REASON"
};

/* Screen columns of S: code points (pg_escape_put leaves only printable ones). */
static size_t width(const char *s, size_t len)
{
	size_t w = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

static void put_text(struct pg_buf *b, const char *s)
{
	if (!s)
		pg_buf_putc(b, '-');
	else if (!*s)
		pg_buf_puts(b, "\"\"");
	else
		pg_escape_puts(b, s);
}

/* The table's cells of REC, each escaped, into CELLS. */
static void table_cells(struct pg_buf cells[NCOLS], const struct pg_log_record *rec)
{
	for (int c = 0; c < NCOLS; c++)
		pg_buf_reset(&cells[c]);
	pg_buf_printf(&cells[C_SEQ], "%lld", rec->seq);
	pg_buf_puts(&cells[C_TIME], rec->time);
	put_text(&cells[C_EVENT], rec->event);
	put_text(&cells[C_REPO], rec->repo);
	put_text(&cells[C_REF], rec->ref);
	if (rec->old_hex && rec->new_hex)
		pg_buf_printf(&cells[C_IDS], "%.7s..%.7s", rec->old_hex, rec->new_hex);
	else
		pg_buf_putc(&cells[C_IDS], '-');
	put_text(&cells[C_PUSHER], rec->pusher);
	if (rec->reason)
		pg_escape_puts(&cells[C_REASON], rec->reason);
}

static void csv_field(struct pg_buf *b, const char *s, size_t len, int escape)
{
	struct pg_buf e = PG_BUF_INIT;
	const char *p = s;
	size_t n = len;

	if (escape) {
		pg_escape_put(&e, s, len);
		p = pg_buf_cstr(&e);
		n = e.len;
	}
	if (memchr(p, ',', n) || memchr(p, '"', n) || memchr(p, '\r', n) || memchr(p, '\n', n)) {
		pg_buf_putc(b, '"');
		for (size_t i = 0; i < n; i++) {
			if (p[i] == '"')
				pg_buf_putc(b, '"');
			pg_buf_putc(b, p[i]);
		}
		pg_buf_putc(b, '"');
	} else {
		pg_buf_put(b, p, n);
	}
	pg_buf_free(&e);
}

static void csv_text(struct pg_buf *b, const char *s)
{
	if (s)
		csv_field(b, s, strlen(s), 1);
}

static void csv_row(struct pg_buf *b, const struct pg_log_record *rec, const char *line)
{
	pg_buf_printf(b, "%lld,%s,", rec->seq, rec->time);
	csv_text(b, rec->event);
	pg_buf_putc(b, ',');
	csv_text(b, rec->repo);
	pg_buf_putc(b, ',');
	csv_text(b, rec->ref);
	pg_buf_putc(b, ',');
	csv_text(b, rec->old_hex);
	pg_buf_putc(b, ',');
	csv_text(b, rec->new_hex);
	pg_buf_putc(b, ',');
	csv_text(b, rec->pusher);
	pg_buf_putc(b, ',');
	csv_text(b, rec->via);
	pg_buf_putc(b, ',');
	csv_text(b, rec->rule);
	pg_buf_putc(b, ',');
	csv_text(b, rec->reason);
	pg_buf_putc(b, ',');
	/* As the JSON array in the line: already escaped, already ASCII-safe. */
	csv_field(b, line + rec->opts_start, rec->opts_end - rec->opts_start, 0);
	pg_buf_printf(b, ",%s\r\n", rec->prev);
}

static int matches(const struct pg_log_record *rec, const struct pg_log_filter *f)
{
	if (!f)
		return 1;
	if (f->repo_glob && (!rec->repo || !pg_glob_match(f->repo_glob, rec->repo)))
		return 0;
	if (f->since[0] && strcmp(rec->time, f->since) < 0)
		return 0;
	return 1;
}

int pg_log_show(FILE *out, FILE *err, const char *path,
		const struct pg_log_filter *filter, enum pg_log_format format)
{
	struct pg_log_record rec = PG_LOG_RECORD_INIT;
	struct pg_buf cells[NCOLS], row = PG_BUF_INIT;
	size_t widths[NCOLS], cap = 0;
	char *line = NULL;
	int skipped = 0, rc = 0;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		pg_error_set("%s: %s", path, strerror(errno));
		return -1;
	}
	for (int c = 0; c < NCOLS; c++) {
		struct pg_buf init = PG_BUF_INIT;

		cells[c] = init;
		widths[c] = strlen(col_names[c]);
	}
	if (format == PG_LOG_CSV)
		fputs("seq,time,event,repo,ref,old,new,pusher,via,rule,reason,push_options,prev\r\n",
		      out);
	/* The table takes two passes: the widths first, then the rows. */
	for (int pass = format == PG_LOG_TABLE ? 0 : 1; pass < 2; pass++) {
		size_t lineno = 0;
		ssize_t n;

		if (pass == 1 && format == PG_LOG_TABLE) {
			rewind(f);
			for (int c = 0; c < NCOLS - 1; c++)
				fprintf(out, "%-*s  ", (int)widths[c], col_names[c]);
			fprintf(out, "%s\n", col_names[NCOLS - 1]);
		}
		errno = 0;
		while ((n = getline(&line, &cap, f)) > 0) {
			size_t len = (size_t)n;

			lineno++;
			if (line[len - 1] != '\n') {
				if (pass == 1) {
					fprintf(err, "%s:%zu: torn last line (%zu bytes), skipped\n",
						path, lineno, len);
					skipped = 1;
				}
				continue;
			}
			len--;
			if (pg_log_parse_line(&rec, line, len) < 0) {
				if (pass == 1) {
					fprintf(err, "%s:%zu: not a log entry, skipped: %s\n",
						path, lineno, pg_error_last());
					skipped = 1;
				}
				continue;
			}
			if (!matches(&rec, filter))
				continue;
			if (format == PG_LOG_JSON) {
				fwrite(line, 1, len, out);
				fputc('\n', out);
				continue;
			}
			if (format == PG_LOG_CSV) {
				pg_buf_reset(&row);
				csv_row(&row, &rec, line);
				fwrite(row.ptr, 1, row.len, out);
				continue;
			}
			table_cells(cells, &rec);
			if (pass == 0) {
				for (int c = 0; c < NCOLS; c++) {
					size_t w = width(cells[c].ptr, cells[c].len);

					if (w > widths[c])
						widths[c] = w;
				}
				continue;
			}
			pg_buf_reset(&row);
			for (int c = 0; c < NCOLS - 1; c++) {
				size_t w = width(cells[c].ptr, cells[c].len);

				pg_buf_put(&row, cells[c].ptr, cells[c].len);
				for (; w < widths[c] + 2; w++)
					pg_buf_putc(&row, ' ');
			}
			pg_buf_put(&row, cells[C_REASON].ptr, cells[C_REASON].len);
			while (row.len && row.ptr[row.len - 1] == ' ')
				row.len--;
			pg_buf_putc(&row, '\n');
			fwrite(row.ptr, 1, row.len, out);
		}
		if (ferror(f)) {
			pg_error_set("%s: cannot read: %s", path, strerror(errno ? errno : EIO));
			rc = -1;
			break;
		}
	}
	fclose(f);
	free(line);
	for (int c = 0; c < NCOLS; c++)
		pg_buf_free(&cells[c]);
	pg_buf_free(&row);
	pg_log_record_free(&rec);
	if (rc == 0 && fflush(out) == EOF) {
		pg_error_set("cannot write the output: %s", strerror(errno));
		rc = -1;
	}
	return rc < 0 ? -1 : skipped;
}
