/*
 * One release log line: its fields and their forms, reading one back,
 * building one, its hash and what its signature covers.
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


static const char hexdigits[] = "0123456789abcdef";

/* The fields of a line, in order (SPEC.md). */
enum {
	F_SEQ, F_TIME, F_EVENT, F_REPO, F_REF, F_OLD, F_NEW, F_PUSHER, F_VIA,
	F_RULE, F_REASON, F_PUSH_OPTIONS, F_APPROVALS, F_PUSH_CERT, F_PREV, F_SIG, NFIELDS
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
	/* Since approvals and signed pushes: absent from older lines. */
	{ "approvals", PG_JSON_STRINGS | PG_JSON_ABSENT },
	{ "push_cert", PG_JSON_STRING | PG_JSON_NULL | PG_JSON_ABSENT },
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

int pg_log_time_format(char out[21], time_t t)
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
	rec->approvals = v[F_APPROVALS].items;
	rec->napprovals = v[F_APPROVALS].nitems;
	rec->push_cert = str_or_null(&v[F_PUSH_CERT]);
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

/* ---- building a line ---- */

int pg_log_entry_valid(const struct pg_log_entry *e)
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
	for (size_t i = 0; i < e->napprovals; i++) {
		if (!e->approvals || !e->approvals[i]) {
			pg_error_set("release log entry: approval %zu is NULL", i);
			return -1;
		}
	}
	return 0;
}

/* The signed message of an entry: the line up to and with "prev", then '}'. */
int pg_log_line_build(struct pg_buf *b, long long seq, const char *when,
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
	pg_buf_puts(b, "],\"approvals\":[");
	for (size_t i = 0; i < e->napprovals; i++) {
		if (i)
			pg_buf_putc(b, ',');
		pg_json_put_cstring(b, e->approvals[i]);
	}
	pg_buf_puts(b, "],\"push_cert\":");
	pg_json_put_cstring(b, e->push_cert);
	pg_buf_printf(b, ",\"prev\":\"%s\"}", prev);
	if (b->len > PG_LOG_LINE_MAX - 512) {
		pg_error_set("release log entry: longer than %d bytes", PG_LOG_LINE_MAX - 512);
		return -1;
	}
	return 0;
}

