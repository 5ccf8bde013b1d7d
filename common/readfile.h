/*
 * Reading the server's own small files whole: the policy, the allowed
 * signers, the log's signing key.  They decide what pushes are accepted,
 * so whoever else may change them (or, for a key, read it) makes them
 * worthless: the checks live here once.
 */
#ifndef PG_READFILE_H
#define PG_READFILE_H

#include <stddef.h>
#include <sys/stat.h>

#include "buf.h"

/*
 * Read PATH through one descriptor: a regular file of at most MAX bytes.
 * *data is malloc'd once, never grown (a secret leaves no stale copy), and
 * NUL-terminated; *st is what fstat said.  0, or -1 with pg_error_set:
 * "cannot open: ...", "not a regular file", "larger than N bytes",
 * "cannot read: ..." (without the path: callers add it their way).
 */
int pg_file_read(const char *path, size_t max, char **data, size_t *len, struct stat *st);

/*
 * Who else may change or read the file read as ST?  FORBIDDEN are the
 * mode bits nobody but the owner may have (S_IWGRP | S_IWOTH for a policy,
 * 077 for a secret key).  A directory that anyone may write, without the
 * sticky bit, lets anyone replace the file.  0 when neither; else -1 with
 * each reason as a line (no path in front) appended to WHY.
 */
int pg_file_owner_only(const char *path, const struct stat *st, mode_t forbidden,
		       struct pg_buf *why);

#endif
