/*
 * libFuzzer harness for reading release log lines (common/logline.c,
 * json.c): `pushgate log verify` and `log show` read a file that whoever
 * tampers with the log controls.
 *
 * The input is parsed as one line; then each of its '\n'-separated lines
 * is parsed with the same record, as pg_log_verify reuses one.  For a line
 * that parses: pg_log_signed_message and pg_log_line_hash, and the
 * verifier's path (the sig member decoded, parsed as SSHSIG and verified
 * against the signed message).
 *
 * It aborts when releaselog.h's promises break: the sig member's and the
 * push_options array's offsets, and that cutting the sig member out leaves
 * a valid object of the other 13 members (json.h).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "json.h"
#include "releaselog.h"
#include "sshsig.h"
#include "wire.h"

/* The members of the signed message: the line's without "sig" (SPEC.md). */
static const struct pg_json_key signed_keys[] = {
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
};
#define NSIGNED (sizeof(signed_keys) / sizeof(signed_keys[0]))

static int is_hex64(const char *h)
{
	for (int i = 0; i < 64; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
			return 0;
	return h[64] == '\0';
}

static void check_line(const struct pg_log_record *rec, const char *line, size_t len)
{
	struct pg_buf msg = PG_BUF_INIT, blob = PG_BUF_INIT;
	struct pg_json_object obj = PG_JSON_OBJECT_INIT;
	struct pg_sshsig sig;
	char hex[65];

	if (rec->seq < 1 || !rec->time || !rec->event || !rec->prev || !rec->sig ||
	    strlen(rec->prev) != 64 || strlen(rec->time) != 20)
		abort();
	if (rec->npush_options && !rec->push_options)
		abort();
	for (size_t i = 0; i < rec->npush_options; i++)
		if (!rec->push_options[i])
			abort();
	/* The sig member: [sig_start, sig_end) is ,"sig":"..." and ends the object. */
	if (!(rec->sig_start < rec->sig_end && rec->sig_end < len) ||
	    line[rec->sig_start] != ',' || line[rec->sig_end] != '}' ||
	    rec->sig_end + 1 != len)
		abort();
	/* push_options' array: [opts_start, opts_end) is "[...]". */
	if (!(rec->opts_start < rec->opts_end && rec->opts_end <= rec->sig_start) ||
	    line[rec->opts_start] != '[' || line[rec->opts_end - 1] != ']')
		abort();

	pg_log_signed_message(&msg, rec, line, len);
	if (msg.len != len - (rec->sig_end - rec->sig_start) || msg.ptr[msg.len - 1] != '}')
		abort();
	/* What was signed must itself be an object of the other members. */
	if (pg_json_parse_object(&obj, msg.ptr, msg.len, signed_keys, NSIGNED) != 0)
		abort();

	pg_log_line_hash(hex, line, len);
	if (!is_hex64(hex))
		abort();

	/* pg_log_verify's path: sig is base64 of an SSHSIG blob. */
	if (pg_base64_decode(&blob, rec->sig, strlen(rec->sig)) == 0 &&
	    pg_sshsig_parse_blob(&sig, blob.ptr, blob.len) == 0)
		(void)pg_sshsig_verify(&sig, PG_LOG_NAMESPACE, msg.ptr, msg.len);

	pg_json_object_free(&obj);
	pg_buf_free(&blob);
	pg_buf_free(&msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pg_log_record rec = PG_LOG_RECORD_INIT;
	const char *text = (const char *)data;
	size_t start = 0;

	if (pg_log_parse_line(&rec, text, size) == 0)
		check_line(&rec, text, size);

	/* Line by line with the one record, as the verifier reads a file. */
	while (start < size) {
		const char *nl = memchr(text + start, '\n', size - start);
		size_t end = nl ? (size_t)(nl - text) : size;

		if (pg_log_parse_line(&rec, text + start, end - start) == 0)
			check_line(&rec, text + start, end - start);
		start = end + 1;
	}
	pg_log_record_free(&rec);
	return 0;
}
