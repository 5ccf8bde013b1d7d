#include "readfile.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int pg_file_read(const char *path, size_t max, char **data, size_t *len, struct stat *st)
{
	size_t got = 0, size;
	ssize_t n = 0;
	char *buf;
	int fd;

	*data = NULL;
	*len = 0;
	/* O_NONBLOCK: a FIFO named in the policy must not hang a hook; it is refused below. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		pg_error_set("cannot open: %s", strerror(errno));
		return -1;
	}
	/* Checked on the descriptor that is read, not on the name: no race. */
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		pg_error_set("not a regular file");
		close(fd);
		return -1;
	}
	if ((unsigned long long)st->st_size > max) {
		pg_error_set("larger than %zu bytes", max);
		close(fd);
		return -1;
	}
	size = (size_t)st->st_size;
	buf = pg_xmalloc(size + 1);
	while (got < size) {
		n = read(fd, buf + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got != size) {
		pg_error_set("cannot read: %s", n < 0 ? strerror(errno) : "short read");
		memset(buf, 0, size + 1);
		free(buf);
		return -1;
	}
	buf[got] = '\0';
	*data = buf;
	*len = got;
	return 0;
}

int pg_file_owner_only(const char *path, const struct stat *st, mode_t forbidden,
		       struct pg_buf *why)
{
	char *dir, *slash;
	struct stat dst;
	int rc = 0;

	if (st->st_mode & forbidden) {
		pg_buf_printf(why, "%s by others than its owner (mode %04o); refusing it: chmod %s %s\n",
			      forbidden & (S_IRGRP | S_IROTH) ? "readable or writable" : "writable",
			      (unsigned)(st->st_mode & 07777),
			      forbidden & (S_IRGRP | S_IROTH) ? "600" : "go-w", path);
		rc = -1;
	}
	/* Whoever can replace the file can rewrite it. */
	dir = pg_xstrdup(path);
	slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &dst) == 0 && (dst.st_mode & S_IWOTH) && !(dst.st_mode & S_ISVTX)) {
		pg_buf_printf(why, "its directory %s is writable by anyone; refusing it\n", dir);
		rc = -1;
	}
	free(dir);
	return rc;
}
