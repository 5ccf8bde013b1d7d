/* Verifying the whole release log: sequence, chain, every signature. */
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
	if (pg_signers_principal_allowed(v->signers, &sig.key, PG_LOG_PRINCIPAL,
					 PG_LOG_NAMESPACE, rec->when, &v->why) != 0) {
		pg_buf_reset(&v->fp);
		pg_pubkey_fingerprint(&v->fp, &sig.key);
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
	memcpy(out->head, PG_LOG_ZERO_HASH, 65);
	memcpy(v.prev, PG_LOG_ZERO_HASH, 65);
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

