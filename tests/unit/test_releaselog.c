#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testkey.h"
#include "buf.h"
#include "error.h"
#include "releaselog.h"
#include "signers.h"
#include "sshsig.h"
#include "wire.h"

/*
 * Test vectors made once with OpenSSH 9.2's ssh-keygen and pasted here.
 * LINE1 and LINE2 are the first two lines of a log: each one's signature
 * is `ssh-keygen -Y sign -f key -n pushgate-release-log msg` of the line
 * without its ,"sig":"..." member (the armor's base64 joined on one line).
 * Ed25519 is deterministic, so pg_log_append must write them byte for
 * byte.  LINE2's ref holds ESC, '"', '\', DEL, a byte of ill-formed UTF-8
 * (0xff), U+00E4 and U+0085.
 */

#define KEY_A TEST_KEY_PRIV
#define PUB_A TEST_KEY_PUB

/* ssh-keygen -t ed25519 -N '' -C other -f key2: a key that is not the log's */
static const char KEY_B[] =
	"-----BEGIN OPENSSH PRIVATE KEY-----\n"
	"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
	"QyNTUxOQAAACB6Nae3kvzOwJHHvATQXftYYkMcuJIpjH28q5vvdH4l2gAAAIiKd2Ieindi\n"
	"HgAAAAtzc2gtZWQyNTUxOQAAACB6Nae3kvzOwJHHvATQXftYYkMcuJIpjH28q5vvdH4l2g\n"
	"AAAEBvF3KgvSqpCYT4dit0M29DNrXDGJlx+5ecgizDwA+Fu3o1p7eS/M7Akce8BNBd+1hi\n"
	"Qxy4kimMfbyrm+90fiXaAAAABW90aGVy\n"
	"-----END OPENSSH PRIVATE KEY-----\n";
#define PUB_B "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHo1p7eS/M7Akce8BNBd+1hiQxy4kimMfbyrm+90fiXa"

#define ZEROS64 "0000000000000000000000000000000000000000000000000000000000000000"

/* 2026-11-29T15:20:07Z */
#define T1 ((time_t)1795965607)
/* 2026-11-29T15:21:40Z */
#define T2 ((time_t)1795965700)

#define LINE1 \
	"{\"seq\":1,\"time\":\"2026-11-29T15:20:07Z\",\"event\":\"update\",\"repo\":\"acme/app\"" \
	",\"ref\":\"refs/tags/v1.2.0\",\"old\":\"0000000000000000000000000000000000000000\",\"n" \
	"ew\":\"3f2a1c9e8d7b6a5f4e3d2c1b0a9f8e7d6c5b4a39\",\"pusher\":\"alice\",\"via\":\"gitea" \
	"\",\"rule\":\"tag \\\"v*\\\"\",\"reason\":null,\"push_options\":[],\"approvals\":[],\"" \
	"push_cert\":null,\"prev\":\"0000000000000000000000000000000000000000000000000000000000" \
	"000000\",\"sig\":\"U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgl1IduSbHyWG83izuFcXBr8p" \
	"FvimFKNKq8PObJHeU9KsAAAAUcHVzaGdhdGUtcmVsZWFzZS1sb2cAAAAAAAAABnNoYTUxMgAAAFMAAAALc3NoL" \
	"WVkMjU1MTkAAABALi0WFCiQymxy3pqqO7GzxqXscybbYAzR5jUCSw4Fcnb2dRMuRIiujw3cexoqNo4mUrtsrSx" \
	"vq0+1zsQj4EoRAw==\"}"
#define LINE1_HASH "5c271156aea7c51d166be6c707076565b3cae805b6db18db1a119c7fdd764af1"

#define LINE2 \
	"{\"seq\":2,\"time\":\"2026-11-29T15:21:40Z\",\"event\":\"rejected\",\"repo\":\"acme/ap" \
	"p\",\"ref\":\"refs/heads/a\\u001b[31m\\\"q\\\\\\u007f\\ufffd\xc3\xa4\\u0085\",\"old\":" \
	"\"8e1d0b2f3a4c5d6e7f8091a2b3c4d5e6f7081920\",\"new\":\"3f2a1c9e8d7b6a5f4e3d2c1b0a9f8e7" \
	"d6c5b4a39\",\"pusher\":\"bob\",\"via\":\"env:PUSHGATE_USER\",\"rule\":\"branch \\\"mai" \
	"n\\\"\",\"reason\":\"force-push is not allowed\",\"push_options\":[\"ci.skip\",\"break" \
	"-glass=INC-42 \\\"db down\\\"\"],\"approvals\":[\"carol SHA256:aMGRLlTB4ZjcZwZmxWgmF0q" \
	"VMG7Bl9dUXD2mrNgCYY4\",\"dave SHA256:C0xYBOp1b3dJVbF25UX8SrcVOvEFx3v7DyeTsszKvPM\"],\"" \
	"push_cert\":\"5c1e3b8f0f8e4d2a9c7b6a5f4e3d2c1b0a9f8e7d alice SHA256:3IAk0NV1e9iM3bFmJT" \
	"L3jkOoNhoq5ORkDcqoPF+BBnU\",\"prev\":\"5c271156aea7c51d166be6c707076565b3cae805b6db18d" \
	"b1a119c7fdd764af1\",\"sig\":\"U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgl1IduSbHyWG8" \
	"3izuFcXBr8pFvimFKNKq8PObJHeU9KsAAAAUcHVzaGdhdGUtcmVsZWFzZS1sb2cAAAAAAAAABnNoYTUxMgAAAF" \
	"MAAAALc3NoLWVkMjU1MTkAAABA3P//iH8AB/UK5fnssvJlROTiFY2cohULQVMwJtf90S2X5PNaM05bVgxLsg0g" \
	"7CUmlYtogG1mEAz++i4PjJUrBQ==\"}"
#define LINE2_HASH "11b5b16ca554e3613c3c0d7609f86a279a8901ffed4a0d5738dea1e6c91d0fd1"

/*
 * The same two entries as an older version wrote them, before approvals
 * and push_cert: they must still read and verify.
 */
#define OLD_LINE1 \
	"{\"seq\":1,\"time\":\"2026-11-29T15:20:07Z\",\"event\":\"update\",\"repo\":\"acme/app\"," \
	"\"ref\":\"refs/tags/v1.2.0\",\"old\":\"0000000000000000000000000000000000000000\"," \
	"\"new\":\"3f2a1c9e8d7b6a5f4e3d2c1b0a9f8e7d6c5b4a39\",\"pusher\":\"alice\",\"via\":\"gitea\"," \
	"\"rule\":\"tag \\\"v*\\\"\",\"reason\":null,\"push_options\":[]," \
	"\"prev\":\"" ZEROS64 "\"," \
	"\"sig\":\"U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgl1IduSbHyWG83izuFcXBr8pFvimFKNKq8P" \
	"ObJHeU9KsAAAAUcHVzaGdhdGUtcmVsZWFzZS1sb2cAAAAAAAAABnNoYTUxMgAAAFMAAAALc3NoLWVkMjU1MTkAAA" \
	"BAVVf3EF+4kICIVJNE99ooPKRmQbtTWaKCrxc4smjpiq/gNx+VeuPDyxvxBDlcK4zeOMQw6kI7//xe+C8BdoxRBg" \
	"==\"}"
#define OLD_LINE1_HASH "3f63d68f21185ee908959614de0738b49a25b8bba698185c9afd37ef40d061d1"

#define OLD_LINE2 \
	"{\"seq\":2,\"time\":\"2026-11-29T15:21:40Z\",\"event\":\"rejected\",\"repo\":\"acme/app\"," \
	"\"ref\":\"refs/heads/a\\u001b[31m\\\"q\\\\\\u007f\\ufffd\xc3\xa4\\u0085\"," \
	"\"old\":\"8e1d0b2f3a4c5d6e7f8091a2b3c4d5e6f7081920\"," \
	"\"new\":\"3f2a1c9e8d7b6a5f4e3d2c1b0a9f8e7d6c5b4a39\",\"pusher\":\"bob\"," \
	"\"via\":\"env:PUSHGATE_USER\",\"rule\":\"branch \\\"main\\\"\"," \
	"\"reason\":\"force-push is not allowed\"," \
	"\"push_options\":[\"ci.skip\",\"break-glass=INC-42 \\\"db down\\\"\"]," \
	"\"prev\":\"" OLD_LINE1_HASH "\"," \
	"\"sig\":\"U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgl1IduSbHyWG83izuFcXBr8pFvimFKNKq8P" \
	"ObJHeU9KsAAAAUcHVzaGdhdGUtcmVsZWFzZS1sb2cAAAAAAAAABnNoYTUxMgAAAFMAAAALc3NoLWVkMjU1MTkAAA" \
	"BA2qNI+FST2RLRTTFzIBFujgW/EnKnb/qbO9FF8/06RdvBE59G+pR0cz+E+3JMCDsKwyX//Yn6KuOwfa8mPM99Dg" \
	"==\"}"
#define OLD_LINE2_HASH "ffd2536af5c82c3398c921f1e3889a61f33c90ba0f3b459bcbda02a2ec404562"

/* The ref of LINE2 as git would have handed it over. */
#define RAW_REF2 "refs/heads/a\x1b[31m\"q\\\x7f\xff\xc3\xa4\xc2\x85"

#define LEN(s) (sizeof(s) - 1)

static const char *const OPTS2[] = { "ci.skip", "break-glass=INC-42 \"db down\"" };
static const char *const APPROVALS2[] = {
	"carol SHA256:aMGRLlTB4ZjcZwZmxWgmF0qVMG7Bl9dUXD2mrNgCYY4",
	"dave SHA256:C0xYBOp1b3dJVbF25UX8SrcVOvEFx3v7DyeTsszKvPM"
};
#define CERT2 "5c1e3b8f0f8e4d2a9c7b6a5f4e3d2c1b0a9f8e7d alice SHA256:3IAk0NV1e9iM3bFmJTL3jkOoNhoq5ORkDcqoPF+BBnU"

static const struct pg_log_entry ENTRY1 = {
	.event = "update", .repo = "acme/app", .ref = "refs/tags/v1.2.0",
	.old_hex = "0000000000000000000000000000000000000000",
	.new_hex = "3f2a1c9e8d7b6a5f4e3d2c1b0a9f8e7d6c5b4a39",
	.pusher = "alice", .via = "gitea", .rule = "tag \"v*\"", .reason = NULL,
	.time = T1,
};

static const struct pg_log_entry ENTRY2 = {
	.event = "rejected", .repo = "acme/app", .ref = RAW_REF2,
	.old_hex = "8e1d0b2f3a4c5d6e7f8091a2b3c4d5e6f7081920",
	.new_hex = "3f2a1c9e8d7b6a5f4e3d2c1b0a9f8e7d6c5b4a39",
	.pusher = "bob", .via = "env:PUSHGATE_USER", .rule = "branch \"main\"",
	.reason = "force-push is not allowed",
	.push_options = OPTS2, .npush_options = 2,
	.approvals = APPROVALS2, .napprovals = 2, .push_cert = CERT2,
	.time = T2,
};

static char tmpdir[PATH_MAX];
static char logpath[PATH_MAX + 32];
static struct pg_sshkey key_a, key_b;
static struct pg_signers *signers;

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	const char *base = getenv("TMPDIR");
	const char *text = "pushgate " PUB_A "\n";

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/pg-log-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(logpath, sizeof(logpath), "%s/release.log", tmpdir);
	if (pg_sshkey_load_private_mem(&key_a, KEY_A, LEN(KEY_A)) < 0 ||
	    pg_sshkey_load_private_mem(&key_b, KEY_B, LEN(KEY_B)) < 0)
		return -1;
	return pg_signers_parse(&signers, "log_signers", text, strlen(text));
}

static int teardown(void **state)
{
	(void)state;
	pg_signers_free(signers);
	signers = NULL;
	pg_sshkey_clear(&key_a);
	pg_sshkey_clear(&key_b);
	return nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void read_file(struct pg_buf *b, const char *path)
{
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	assert_non_null(f);
	pg_buf_reset(b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		pg_buf_put(b, chunk, n);
	fclose(f);
}

static void write_file(const char *path, const char *data, size_t len, const char *mode)
{
	FILE *f = fopen(path, mode);

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* The lines of the log (without newlines), in a NULL-terminated array. */
static char **log_lines(size_t *n)
{
	struct pg_buf b = PG_BUF_INIT;
	char **lines;
	size_t count = 0;
	char *p, *nl;

	read_file(&b, logpath);
	lines = calloc(b.len + 2, sizeof(*lines));
	assert_non_null(lines);
	for (p = b.ptr; p && (nl = memchr(p, '\n', b.len - (size_t)(p - b.ptr))); p = nl + 1)
		lines[count++] = strndup(p, (size_t)(nl - p));
	*n = count;
	pg_buf_free(&b);
	return lines;
}

static void free_lines(char **lines)
{
	for (size_t i = 0; lines[i]; i++)
		free(lines[i]);
	free(lines);
}

/* Write LINES[0..n) back as the log, each with a newline. */
static void put_lines(char **lines, size_t n)
{
	struct pg_buf b = PG_BUF_INIT;

	for (size_t i = 0; i < n; i++) {
		pg_buf_puts(&b, lines[i]);
		pg_buf_putc(&b, '\n');
	}
	write_file(logpath, b.ptr ? b.ptr : "", b.len, "wb");
	pg_buf_free(&b);
}

/* N entries "update" by PUSHER, each a call of its own, signed by KEY. */
static void append_n(size_t n, const struct pg_sshkey *key, const char *pusher)
{
	for (size_t i = 0; i < n; i++) {
		struct pg_log_entry e = ENTRY1;
		char ref[64];

		snprintf(ref, sizeof(ref), "refs/tags/v1.%zu", i);
		e.ref = ref;
		e.pusher = pusher;
		e.time = T1 + (time_t)i;
		if (pg_log_append(logpath, key, &e, 1, NULL) < 0)
			fail_msg("append: %s", pg_error_last());
	}
}

/* pg_log_verify must say not intact, at LINE (and SEQ), with WHY in its reason. */
static void expect_bad(size_t line, long seq, const char *why)
{
	struct pg_log_report r;
	int rc = pg_log_verify(logpath, signers, &r);

	if (rc != 1 || r.bad_line != line || r.bad_seq != seq || !r.why || !strstr(r.why, why))
		fail_msg("verify: rc %d, line %zu, seq %ld, why \"%s\"; wanted 1, line %zu, "
			 "seq %ld, \"%s\"", rc, r.bad_line, r.bad_seq, r.why ? r.why : "(none)",
			 line, seq, why);
	assert_int_equal(r.entries, line - 1);
	pg_log_report_free(&r);
}

static void expect_intact(size_t entries)
{
	struct pg_log_report r;
	int rc = pg_log_verify(logpath, signers, &r);

	if (rc != 0)
		fail_msg("verify: rc %d, line %zu: %s", rc, r.bad_line,
			 r.why ? r.why : pg_error_last());
	assert_int_equal(r.entries, entries);
	assert_int_equal(r.bad_line, 0);
	assert_int_equal(r.bad_seq, -1);
	assert_null(r.why);
	pg_log_report_free(&r);
}

/* ---- writing ---- */

static void test_vector_first_entry(void **state)
{
	struct pg_buf got = PG_BUF_INIT, appended = PG_BUF_INIT;
	struct stat st;

	(void)state;
	assert_int_equal(pg_log_append(logpath, &key_a, &ENTRY1, 1, &appended), 0);
	read_file(&got, logpath);
	assert_string_equal(pg_buf_cstr(&got), LINE1 "\n");
	assert_string_equal(pg_buf_cstr(&appended), LINE1 "\n");
	assert_int_equal(stat(logpath, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640 & ~umask(022));
	umask(022);
	pg_buf_free(&got);
	pg_buf_free(&appended);
}

static void test_vector_second_entry(void **state)
{
	struct pg_buf got = PG_BUF_INIT, appended = PG_BUF_INIT;
	struct pg_log_report r;

	(void)state;
	assert_int_equal(pg_log_append(logpath, &key_a, &ENTRY1, 1, NULL), 0);
	assert_int_equal(pg_log_append(logpath, &key_a, &ENTRY2, 1, &appended), 0);
	read_file(&got, logpath);
	assert_string_equal(pg_buf_cstr(&got), LINE1 "\n" LINE2 "\n");
	assert_string_equal(pg_buf_cstr(&appended), LINE2 "\n");

	assert_int_equal(pg_log_verify(logpath, signers, &r), 0);
	assert_int_equal(r.entries, 2);
	assert_string_equal(r.head, LINE2_HASH);
	pg_log_report_free(&r);

	/* Both in one call: the same bytes. */
	unlink(logpath);
	{
		struct pg_log_entry both[2] = { ENTRY1, ENTRY2 };

		pg_buf_reset(&appended);
		assert_int_equal(pg_log_append(logpath, &key_a, both, 2, &appended), 0);
	}
	read_file(&got, logpath);
	assert_string_equal(pg_buf_cstr(&got), LINE1 "\n" LINE2 "\n");
	assert_string_equal(pg_buf_cstr(&appended), LINE1 "\n" LINE2 "\n");
	pg_buf_free(&got);
	pg_buf_free(&appended);
}

static void test_line_hash(void **state)
{
	char hex[65];

	(void)state;
	pg_log_line_hash(hex, LINE1, LEN(LINE1));
	assert_string_equal(hex, LINE1_HASH);
	pg_log_line_hash(hex, "", 0);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* Lines an older version wrote, without approvals and push_cert, read and verify. */
static void test_older_lines(void **state)
{
	struct pg_log_record rec = PG_LOG_RECORD_INIT;
	struct pg_log_report r;

	(void)state;
	assert_int_equal(pg_log_parse_line(&rec, OLD_LINE2, LEN(OLD_LINE2)), 0);
	assert_int_equal(rec.napprovals, 0);
	assert_null(rec.push_cert);
	assert_int_equal(rec.npush_options, 2);
	assert_string_equal(rec.prev, OLD_LINE1_HASH);
	/* The new fields, where they are written, stand in their place. */
	assert_int_equal(pg_log_parse_line(&rec, LINE2, LEN(LINE2)), 0);
	assert_int_equal(rec.napprovals, 2);
	assert_string_equal(rec.approvals[1], APPROVALS2[1]);
	assert_string_equal(rec.push_cert, CERT2);
	write_file(logpath, OLD_LINE1 "\n" OLD_LINE2 "\n", LEN(OLD_LINE1 OLD_LINE2) + 2, "w");
	assert_int_equal(pg_log_verify(logpath, signers, &r), 0);
	assert_int_equal(r.entries, 2);
	assert_string_equal(r.head, OLD_LINE2_HASH);
	/* A new entry chains onto them. */
	assert_int_equal(pg_log_append(logpath, &key_a, &ENTRY1, 1, NULL), 0);
	assert_int_equal(pg_log_verify(logpath, signers, &r), 0);
	assert_int_equal(r.entries, 3);
	pg_log_record_free(&rec);
}

/* What the reader gets back from LINE2: the pusher's bytes, escaped for JSON. */
static void test_parse_escaped_ref(void **state)
{
	struct pg_log_record rec = PG_LOG_RECORD_INIT;
	struct pg_buf msg = PG_BUF_INIT;

	(void)state;
	assert_int_equal(pg_log_parse_line(&rec, LINE2, LEN(LINE2)), 0);
	assert_int_equal(rec.seq, 2);
	assert_string_equal(rec.time, "2026-11-29T15:21:40Z");
	assert_true(rec.when == T2);
	assert_string_equal(rec.event, "rejected");
	/* 0xff was not UTF-8: it comes back as U+FFFD. */
	assert_string_equal(rec.ref, "refs/heads/a\x1b[31m\"q\\\x7f\xef\xbf\xbd\xc3\xa4\xc2\x85");
	assert_string_equal(rec.via, "env:PUSHGATE_USER");
	assert_int_equal(rec.npush_options, 2);
	assert_string_equal(rec.push_options[1], "break-glass=INC-42 \"db down\"");
	assert_string_equal(rec.prev, LINE1_HASH);
	assert_null(pg_log_parse_line(&rec, LINE1, LEN(LINE1)) ? "fail" : NULL);
	assert_null(rec.reason);
	assert_int_equal(rec.npush_options, 0);
	/* The signed message is the line up to "prev", closed. */
	pg_log_signed_message(&msg, &rec, LINE1, LEN(LINE1));
	assert_int_equal(msg.ptr[msg.len - 1], '}');
	assert_non_null(strstr(msg.ptr, "\"prev\":\"" ZEROS64 "\"}"));
	assert_null(strstr(msg.ptr, "\"sig\""));
	assert_int_equal(msg.len, rec.sig_start + 1);
	pg_buf_free(&msg);
	pg_log_record_free(&rec);
}

static void test_chaining(void **state)
{
	struct pg_log_entry batch[3] = { ENTRY1, ENTRY2, ENTRY1 };
	struct pg_log_record rec = PG_LOG_RECORD_INIT;
	struct pg_buf appended = PG_BUF_INIT, all = PG_BUF_INIT;
	char prev[65] = ZEROS64, **lines;
	size_t n;

	(void)state;
	batch[2].time = 0;	/* now */
	append_n(2, &key_a, "alice");
	assert_int_equal(pg_log_append(logpath, &key_a, batch, 3, &appended), 0);
	append_n(1, &key_a, "carol");
	lines = log_lines(&n);
	assert_int_equal(n, 6);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(pg_log_parse_line(&rec, lines[i], strlen(lines[i])), 0);
		assert_int_equal(rec.seq, (long long)i + 1);
		assert_string_equal(rec.prev, prev);
		pg_log_line_hash(prev, lines[i], strlen(lines[i]));
	}
	/* "now" is now */
	assert_int_equal(pg_log_parse_line(&rec, lines[4], strlen(lines[4])), 0);
	assert_true(rec.when >= time(NULL) - 60 && rec.when <= time(NULL));
	/* appended holds exactly the batch's lines */
	for (size_t i = 2; i < 5; i++) {
		pg_buf_puts(&all, lines[i]);
		pg_buf_putc(&all, '\n');
	}
	assert_string_equal(pg_buf_cstr(&appended), pg_buf_cstr(&all));
	expect_intact(6);
	free_lines(lines);
	pg_log_record_free(&rec);
	pg_buf_free(&appended);
	pg_buf_free(&all);
}

/* What the while_locked callback saw. */
struct seen {
	int calls;
	int was_locked;
	struct pg_buf lines;
};

static void while_locked(void *ctx, const char *lines, size_t len)
{
	struct seen *s = ctx;
	int fd = open(logpath, O_RDONLY);

	s->calls++;
	pg_buf_put(&s->lines, lines, len);
	/* Another open file description cannot take the lock now. */
	s->was_locked = fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK;
	if (fd >= 0)
		close(fd);
}

static void test_append_ex_while_locked(void **state)
{
	struct seen s = { 0, 0, PG_BUF_INIT };
	struct pg_buf appended = PG_BUF_INIT, file = PG_BUF_INIT;

	(void)state;
	write_file(logpath, "{\"seq\":1,", 9, "wb");	/* torn: recovered first */
	pg_buf_puts(&appended, "kept:");
	assert_int_equal(pg_log_append_ex(logpath, &key_a, &ENTRY1, 1, &appended,
					  while_locked, &s), 0);
	assert_int_equal(s.calls, 1);
	assert_true(s.was_locked);
	read_file(&file, logpath);
	/* the recovered entry and ENTRY1, exactly as in the file */
	assert_string_equal(pg_buf_cstr(&s.lines), pg_buf_cstr(&file));
	assert_int_equal(strncmp(appended.ptr, "kept:", 5), 0);
	assert_string_equal(appended.ptr + 5, pg_buf_cstr(&file));
	/* Without APPENDED, and with nothing to append. */
	pg_buf_reset(&s.lines);
	assert_int_equal(pg_log_append_ex(logpath, &key_a, &ENTRY2, 1, NULL, while_locked, &s), 0);
	assert_int_equal(s.calls, 2);
	assert_non_null(strstr(pg_buf_cstr(&s.lines), "\"seq\":3,"));
	assert_int_equal(pg_log_append_ex(logpath, &key_a, NULL, 0, NULL, while_locked, &s), 0);
	assert_int_equal(s.calls, 3);
	expect_intact(3);
	/* A failed append does not call it. */
	{
		struct pg_log_entry bad = ENTRY1;

		bad.event = "nope";
		assert_int_equal(pg_log_append_ex(logpath, &key_a, &bad, 1, NULL,
						  while_locked, &s), -1);
		assert_int_equal(s.calls, 3);
	}
	pg_buf_free(&s.lines);
	pg_buf_free(&appended);
	pg_buf_free(&file);
}

static void test_append_refuses_bad_entries(void **state)
{
	struct pg_log_entry e;
	const char *opts[] = { "a", NULL };
	struct stat st;

	(void)state;
	e = ENTRY1;
	e.event = "deploy";
	assert_int_equal(pg_log_append(logpath, &key_a, &e, 1, NULL), -1);
	assert_non_null(strstr(pg_error_last(), "unknown event"));
	assert_non_null(strstr(pg_error_last(), logpath));
	e = ENTRY1;
	e.repo = NULL;
	assert_int_equal(pg_log_append(logpath, &key_a, &e, 1, NULL), -1);
	e = ENTRY1;
	e.new_hex = "3F2A1C9E8D7B6A5F4E3D2C1B0A9F8E7D6C5B4A39";
	assert_int_equal(pg_log_append(logpath, &key_a, &e, 1, NULL), -1);
	e = ENTRY1;
	e.old_hex = "1234";
	assert_int_equal(pg_log_append(logpath, &key_a, &e, 1, NULL), -1);
	e = ENTRY1;
	e.push_options = opts;
	e.npush_options = 2;
	assert_int_equal(pg_log_append(logpath, &key_a, &e, 1, NULL), -1);
	/* Refused before the file is touched. */
	assert_int_equal(stat(logpath, &st), -1);
	/* A SHA-256 repository's ids are fine. */
	e = ENTRY1;
	e.old_hex = ZEROS64;
	e.new_hex = LINE1_HASH;
	assert_int_equal(pg_log_append(logpath, &key_a, &e, 1, NULL), 0);
	/* An entry with null fields where they may be null. */
	e = ENTRY1;
	e.pusher = e.via = e.rule = NULL;
	assert_int_equal(pg_log_append(logpath, &key_a, &e, 1, NULL), 0);
	expect_intact(2);
	/* Not a regular file */
	assert_int_equal(pg_log_append(tmpdir, &key_a, &ENTRY1, 1, NULL), -1);
	{
		char missing[PATH_MAX + 64];

		snprintf(missing, sizeof(missing), "%s/no/such/dir/log", tmpdir);
		assert_int_equal(pg_log_append(missing, &key_a, &ENTRY1, 1, NULL), -1);
		assert_non_null(strstr(pg_error_last(), missing));
	}
}

/* ---- torn tails ---- */

/* The side file's name in the temporary directory (there must be one). */
static void side_file(char *out, size_t n, int expect_count)
{
	DIR *d = opendir(tmpdir);
	struct dirent *de;
	int count = 0;

	assert_non_null(d);
	out[0] = '\0';
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "release.log.torn.", 17) == 0) {
			snprintf(out, n, "%s", de->d_name);
			count++;
		}
	}
	closedir(d);
	assert_int_equal(count, expect_count);
}

static void test_torn_tail_recovered(void **state)
{
	const char torn[] = "{\"seq\":3,\"time\":\"2026-11-29T1";
	struct pg_log_record rec = PG_LOG_RECORD_INIT;
	struct pg_buf side = PG_BUF_INIT, appended = PG_BUF_INIT;
	char name[256], path[PATH_MAX + 300], want[512], **lines;
	size_t n;
	time_t before = time(NULL);

	(void)state;
	append_n(2, &key_a, "alice");
	write_file(logpath, torn, LEN(torn), "ab");
	expect_bad(3, 3, "torn last line: 29 bytes without a newline");
	assert_int_equal(pg_log_writable(logpath), 0);

	assert_int_equal(pg_log_append(logpath, &key_a, &ENTRY2, 1, &appended), 0);
	side_file(name, sizeof(name), 1);
	/* release.log.torn.<seq of the recovered entry>.<unix time> */
	assert_int_equal(strncmp(name, "release.log.torn.3.", 19), 0);
	assert_true(atoll(name + 19) >= before && atoll(name + 19) <= time(NULL));
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	read_file(&side, path);
	assert_int_equal(side.len, LEN(torn));
	assert_memory_equal(side.ptr, torn, LEN(torn));

	lines = log_lines(&n);
	assert_int_equal(n, 4);
	assert_int_equal(pg_log_parse_line(&rec, lines[2], strlen(lines[2])), 0);
	assert_int_equal(rec.seq, 3);
	assert_string_equal(rec.event, "recovered");
	assert_null(rec.repo);
	assert_null(rec.ref);
	assert_null(rec.old_hex);
	assert_null(rec.pusher);
	snprintf(want, sizeof(want), "torn tail: 29 bytes moved to %s", name);
	assert_string_equal(rec.reason, want);
	assert_int_equal(pg_log_parse_line(&rec, lines[3], strlen(lines[3])), 0);
	assert_int_equal(rec.seq, 4);
	assert_string_equal(rec.event, "rejected");
	/* The replica gets the recovered entry too. */
	assert_int_equal(strncmp(appended.ptr, lines[2], strlen(lines[2])), 0);
	expect_intact(4);
	free_lines(lines);
	pg_log_record_free(&rec);
	pg_buf_free(&side);
	pg_buf_free(&appended);
}

/* A complete last line that is not an entry is moved aside the same way. */
static void test_torn_bad_last_line(void **state)
{
	const char junk[] = "{\"seq\":3,\"garbage\n";
	struct pg_log_record rec = PG_LOG_RECORD_INIT;
	struct pg_buf side = PG_BUF_INIT;
	char name[256], path[PATH_MAX + 300], **lines;
	size_t n;

	(void)state;
	append_n(2, &key_a, "alice");
	write_file(logpath, junk, LEN(junk), "ab");
	expect_bad(3, 3, "not a log entry: column 10: unterminated string");
	append_n(1, &key_a, "bob");
	side_file(name, sizeof(name), 1);
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	read_file(&side, path);
	assert_string_equal(pg_buf_cstr(&side), junk);
	lines = log_lines(&n);
	assert_int_equal(n, 4);
	assert_int_equal(pg_log_parse_line(&rec, lines[2], strlen(lines[2])), 0);
	assert_string_equal(rec.event, "recovered");
	assert_non_null(strstr(rec.reason, "18 bytes moved to release.log.torn.3."));
	expect_intact(4);
	free_lines(lines);
	pg_log_record_free(&rec);
	pg_buf_free(&side);
}

/* A torn first line: the recovered entry starts the chain. */
static void test_torn_first_line(void **state)
{
	struct pg_log_record rec = PG_LOG_RECORD_INIT;
	char name[256], **lines;
	size_t n;

	(void)state;
	write_file(logpath, "{\"se", 4, "wb");
	expect_bad(1, -1, "torn last line");
	append_n(1, &key_a, "alice");
	side_file(name, sizeof(name), 1);
	assert_int_equal(strncmp(name, "release.log.torn.1.", 19), 0);
	lines = log_lines(&n);
	assert_int_equal(n, 2);
	assert_int_equal(pg_log_parse_line(&rec, lines[0], strlen(lines[0])), 0);
	assert_int_equal(rec.seq, 1);
	assert_string_equal(rec.prev, ZEROS64);
	assert_string_equal(rec.event, "recovered");
	expect_intact(2);
	free_lines(lines);
	pg_log_record_free(&rec);
}

/* Two bad lines at the end are damage, not a crash: nothing is touched. */
static void test_damaged_tail_refused(void **state)
{
	struct pg_buf before = PG_BUF_INIT, after = PG_BUF_INIT;
	char name[256];

	(void)state;
	append_n(2, &key_a, "alice");
	write_file(logpath, "bad\nworse\n", 10, "ab");
	read_file(&before, logpath);
	assert_int_equal(pg_log_append(logpath, &key_a, &ENTRY1, 1, NULL), -1);
	assert_non_null(strstr(pg_error_last(), "neither of its last two lines"));
	assert_int_equal(pg_log_writable(logpath), -1);
	read_file(&after, logpath);
	assert_int_equal(before.len, after.len);
	assert_memory_equal(before.ptr, after.ptr, before.len);
	side_file(name, sizeof(name), 0);
	pg_buf_free(&before);
	pg_buf_free(&after);
}

/* Only the tail is read: junk far before it does not stop an append. */
static void test_append_reads_only_the_tail(void **state)
{
	struct pg_buf b = PG_BUF_INIT, entries = PG_BUF_INIT, log = PG_BUF_INIT;
	char **lines;
	size_t n;

	(void)state;
	/* 200 KiB of lines that are no entries, then two good ones. */
	append_n(2, &key_a, "alice");
	read_file(&entries, logpath);
	for (int i = 0; i < 4000; i++)
		pg_buf_puts(&b, "this is not an entry of the release log at all!\n");
	pg_buf_put(&b, entries.ptr, entries.len);
	write_file(logpath, b.ptr, b.len, "wb");
	append_n(1, &key_a, "bob");
	lines = log_lines(&n);
	assert_int_equal(n, 4003);
	assert_non_null(strstr(lines[4002], "\"seq\":3,"));
	expect_bad(1, -1, "not a log entry");
	read_file(&log, logpath);
	assert_memory_equal(log.ptr, b.ptr, b.len);
	free_lines(lines);
	pg_buf_free(&b);
	pg_buf_free(&entries);
	pg_buf_free(&log);
}

static void test_log_writable(void **state)
{
	char path[PATH_MAX + 64];

	(void)state;
	/* Not there yet, in a directory that is. */
	assert_int_equal(pg_log_writable(logpath), 0);
	append_n(1, &key_a, "alice");
	assert_int_equal(pg_log_writable(logpath), 0);
	snprintf(path, sizeof(path), "%s/missing/release.log", tmpdir);
	assert_int_equal(pg_log_writable(path), -1);
	assert_non_null(strstr(pg_error_last(), path));
	/* A directory is no log. */
	assert_int_equal(pg_log_writable(tmpdir), -1);
	/* The parent is a file. */
	snprintf(path, sizeof(path), "%s/release.log/x", tmpdir);
	assert_int_equal(pg_log_writable(path), -1);
	assert_int_equal(pg_log_writable(""), -1);
	assert_int_equal(pg_log_writable(NULL), -1);
	if (geteuid() != 0) {
		/* Permissions mean nothing to root. */
		assert_int_equal(chmod(logpath, 0440), 0);
		assert_int_equal(pg_log_writable(logpath), -1);
		assert_int_equal(chmod(tmpdir, 0555), 0);
		snprintf(path, sizeof(path), "%s/new.log", tmpdir);
		assert_int_equal(pg_log_writable(path), -1);
		assert_int_equal(chmod(tmpdir, 0700), 0);
	}
}

/* ---- verifying ---- */

static void test_verify_intact_and_empty(void **state)
{
	struct pg_log_report r;
	char missing[PATH_MAX + 32];

	(void)state;
	write_file(logpath, "", 0, "wb");
	assert_int_equal(pg_log_verify(logpath, signers, &r), 0);
	assert_int_equal(r.entries, 0);
	assert_string_equal(r.head, ZEROS64);
	pg_log_report_free(&r);
	append_n(5, &key_a, "alice");
	expect_intact(5);
	snprintf(missing, sizeof(missing), "%s/nope", tmpdir);
	assert_int_equal(pg_log_verify(missing, signers, &r), -1);
	assert_non_null(strstr(pg_error_last(), missing));
	pg_log_report_free(&r);
}

/* An entry changed after the fact: its own signature fails. */
static void test_verify_changed_field(void **state)
{
	char **lines, *p;
	size_t n;

	(void)state;
	append_n(5, &key_a, "alice");
	lines = log_lines(&n);
	p = strstr(lines[2], "\"alice\"");
	assert_non_null(p);
	memcpy(p, "\"alicf\"", 7);
	put_lines(lines, n);
	expect_bad(3, 3, "signature invalid");
	free_lines(lines);
}

/*
 * The same change, re-signed with the right key by someone who has it:
 * the entry itself verifies, the next one's prev gives it away.
 */
static void test_verify_changed_and_resigned(void **state)
{
	struct pg_log_record rec = PG_LOG_RECORD_INIT;
	struct pg_buf msg = PG_BUF_INIT, blob = PG_BUF_INIT, line = PG_BUF_INIT;
	char **lines, *p;
	size_t n;

	(void)state;
	append_n(5, &key_a, "alice");
	lines = log_lines(&n);
	assert_int_equal(pg_log_parse_line(&rec, lines[2], strlen(lines[2])), 0);
	pg_log_signed_message(&msg, &rec, lines[2], strlen(lines[2]));
	p = strstr(msg.ptr, "\"alice\"");
	memcpy(p, "\"malic\"", 7);
	assert_int_equal(pg_sshsig_sign_blob(&blob, &key_a, PG_LOG_NAMESPACE, msg.ptr, msg.len), 0);
	pg_buf_put(&line, msg.ptr, msg.len - 1);
	pg_buf_puts(&line, ",\"sig\":\"");
	pg_base64_encode(&line, blob.ptr, blob.len);
	pg_buf_puts(&line, "\"}");
	free(lines[2]);
	lines[2] = pg_buf_detach(&line);
	put_lines(lines, n);
	expect_bad(4, 4, "prev does not match the hash of line 3");
	free_lines(lines);
	pg_log_record_free(&rec);
	pg_buf_free(&msg);
	pg_buf_free(&blob);
}

static void test_verify_removed_entry(void **state)
{
	char **lines;
	size_t n;

	(void)state;
	append_n(5, &key_a, "alice");
	lines = log_lines(&n);
	free(lines[2]);
	memmove(lines + 2, lines + 3, (n - 3 + 1) * sizeof(*lines));
	put_lines(lines, n - 1);
	expect_bad(3, 4, "seq 4 after seq 2: entry 3 is missing");
	/* Removing the first: the log does not start at 1. */
	put_lines(lines + 1, n - 2);
	expect_bad(1, 2, "seq 2 after seq 0: entry 1 is missing");
	free_lines(lines);
}

static void test_verify_swapped_entries(void **state)
{
	char **lines, *t;
	size_t n;

	(void)state;
	append_n(5, &key_a, "alice");
	lines = log_lines(&n);
	t = lines[1];
	lines[1] = lines[2];
	lines[2] = t;
	put_lines(lines, n);
	expect_bad(2, 3, "seq 3 after seq 1");
	/* An entry repeated */
	lines[2] = lines[1];
	lines[1] = t;
	free(lines[3]);
	lines[3] = strdup(lines[2]);
	put_lines(lines, n);
	expect_bad(4, 3, "seq 3 after seq 3: entries reordered or repeated");
	free_lines(lines);
}

/* An entry appended with another key: chained right, signed by a stranger. */
static void test_verify_foreign_signed(void **state)
{
	(void)state;
	append_n(3, &key_a, "alice");
	append_n(1, &key_b, "mallory");
	expect_bad(4, 4, "not a log key: key not in signers (log_signers)");
}

static void test_verify_signer_restrictions(void **state)
{
	const char *ns_git = "pushgate namespaces=\"git\" " PUB_A "\n";
	const char *other = "alice " PUB_A "\n";
	/* valid until 2026-11-29T15:20:07Z: entry 1 (15:20:07) passes, entry 2 not */
	const char *expired = "pushgate valid-before=\"20261129152007Z\" " PUB_A "\n";
	const char *both = "pushgate " PUB_A "\npushgate " PUB_B "\n";

	(void)state;
	append_n(2, &key_a, "alice");
	pg_signers_free(signers);
	assert_int_equal(pg_signers_parse(&signers, "log_signers", ns_git, strlen(ns_git)), 0);
	expect_bad(1, 1, "not allowed for namespace");
	pg_signers_free(signers);
	assert_int_equal(pg_signers_parse(&signers, "log_signers", other, strlen(other)), 0);
	expect_bad(1, 1, "not allowed for principal pushgate");
	pg_signers_free(signers);
	assert_int_equal(pg_signers_parse(&signers, "log_signers", expired, strlen(expired)), 0);
	expect_bad(2, 2, "expired");
	/* Key rotation: both keys allowed, entries by either verify. */
	pg_signers_free(signers);
	assert_int_equal(pg_signers_parse(&signers, "log_signers", both, strlen(both)), 0);
	append_n(2, &key_b, "bob");
	expect_intact(4);
}

static void test_verify_torn_tail(void **state)
{
	char **lines;
	size_t n;

	(void)state;
	append_n(3, &key_a, "alice");
	lines = log_lines(&n);
	/* The last line without its newline and its last 40 bytes */
	put_lines(lines, n - 1);
	write_file(logpath, lines[2], strlen(lines[2]) - 40, "ab");
	expect_bad(3, 3, "torn last line");
	/* The whole line but its newline: still torn */
	put_lines(lines, n - 1);
	write_file(logpath, lines[2], strlen(lines[2]), "ab");
	expect_bad(3, 3, "torn last line");
	free_lines(lines);
}

static void test_verify_malformed_lines(void **state)
{
	char **lines, *p;
	size_t n;

	(void)state;
	append_n(3, &key_a, "alice");
	lines = log_lines(&n);

	/* white space */
	p = lines[1];
	lines[1] = malloc(strlen(p) + 2);
	snprintf(lines[1], strlen(p) + 2, "%s ", p);
	put_lines(lines, n);
	expect_bad(2, 2, "not a log entry: column");
	free(lines[1]);
	lines[1] = p;

	/* an empty line */
	lines[1] = strdup("");
	put_lines(lines, n);
	expect_bad(2, -1, "empty line");
	free(lines[1]);
	lines[1] = p;

	/* a bad signature blob */
	p = strstr(lines[1], "\"sig\":\"U1NIU0lH");
	assert_non_null(p);
	memcpy(p + 7, "AAAA", 4);
	put_lines(lines, n);
	expect_bad(2, 2, "bad signature");

	/* a prev that is not the first entry's */
	p = strstr(lines[0], "\"prev\":\"0");
	p[8] = '1';
	put_lines(lines, n);
	expect_bad(1, 1, "prev is not 64 zeros");
	free_lines(lines);
}

/* ---- concurrency ---- */

static void test_concurrent_appends(void **state)
{
	enum { PROCS = 8, EACH = 5 };
	pid_t pids[PROCS];

	(void)state;
	for (int i = 0; i < PROCS; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			for (int j = 0; j < EACH; j++)
				if (pg_log_append(logpath, &key_a, &ENTRY2, 1, NULL) < 0)
					_exit(1);
			_exit(0);
		}
	}
	for (int i = 0; i < PROCS; i++) {
		int st;

		assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	expect_intact(PROCS * EACH);
}

/* ---- showing ---- */

static char *show(const struct pg_log_filter *f, enum pg_log_format fmt, int want_rc)
{
	char *out = NULL, *err = NULL;
	size_t outlen = 0, errlen = 0;
	FILE *o = open_memstream(&out, &outlen), *e = open_memstream(&err, &errlen);
	int rc;

	assert_non_null(o);
	assert_non_null(e);
	rc = pg_log_show(o, e, logpath, f, fmt);
	fclose(o);
	fclose(e);
	if (rc != want_rc)
		fail_msg("show: rc %d, stderr %s", rc, err);
	free(err);
	return out;
}

static void test_show(void **state)
{
	struct pg_log_entry other = ENTRY1;
	struct pg_log_filter f = { 0 };
	char *out;

	(void)state;
	other.repo = "tools/ci";
	other.time = T2 + 86400;	/* 2026-11-30 */
	assert_int_equal(pg_log_append(logpath, &key_a, &ENTRY1, 1, NULL), 0);
	assert_int_equal(pg_log_append(logpath, &key_a, &ENTRY2, 1, NULL), 0);
	assert_int_equal(pg_log_append(logpath, &key_a, &other, 1, NULL), 0);

	out = show(NULL, PG_LOG_TABLE, 0);
	assert_string_equal(out,
		"SEQ  TIME                  EVENT     REPO      REF                                     OLD..NEW          PUSHER  APPROVED-BY  SIGNED-PUSH  REASON\n"
		"1    2026-11-29T15:20:07Z  update    acme/app  refs/tags/v1.2.0                        0000000..3f2a1c9  alice   -            -\n"
		"2    2026-11-29T15:21:40Z  rejected  acme/app  refs/heads/a\\x1b[31m\"q\\\\\\x7f\xef\xbf\xbd\xc3\xa4\\xc2\\x85  8e1d0b2..3f2a1c9  bob     carol,dave   alice        force-push is not allowed\n"
		"3    2026-11-30T15:21:40Z  update    tools/ci  refs/tags/v1.2.0                        0000000..3f2a1c9  alice   -            -\n");
	free(out);

	f.repo_glob = "acme/*";
	out = show(&f, PG_LOG_JSON, 0);
	assert_string_equal(out, LINE1 "\n" LINE2 "\n");
	free(out);

	f.repo_glob = NULL;
	assert_int_equal(pg_log_parse_since(f.since, "2026-11-30"), 0);
	assert_string_equal(f.since, "2026-11-30T00:00:00Z");
	out = show(&f, PG_LOG_CSV, 0);
	assert_non_null(strstr(out, "seq,time,event,repo,ref,old,new,pusher,via,rule,reason,"
				    "push_options,approvals,push_cert,prev\r\n3,2026-11-30T15:21:40Z,update,tools/ci,"
				    "refs/tags/v1.2.0,0000000000000000000000000000000000000000,"
				    "3f2a1c9e8d7b6a5f4e3d2c1b0a9f8e7d6c5b4a39,alice,gitea,"
				    "\"tag \"\"v*\"\"\",,[],"));
	assert_null(strstr(out, "\r\n2,"));
	free(out);

	assert_int_equal(pg_log_parse_since(f.since, "2026-11-29T15:21:40Z"), 0);
	out = show(&f, PG_LOG_CSV, 0);
	assert_non_null(strstr(out, "\r\n2,2026-11-29T15:21:40Z,rejected,acme/app,"
				    "\"refs/heads/a\\x1b[31m\"\"q\\\\\\x7f"));
	assert_non_null(strstr(out, ",\"[\"\"ci.skip\"\",\"\"break-glass=INC-42 \\\"\"db down\\\"\"\"\"]\","
				    "carol SHA256:aMGRLlTB4ZjcZwZmxWgmF0qVMG7Bl9dUXD2mrNgCYY4 "
				    "dave SHA256:C0xYBOp1b3dJVbF25UX8SrcVOvEFx3v7DyeTsszKvPM," CERT2 ","
				    LINE1_HASH "\r\n"));
	free(out);

	/* A bad line is skipped and reported (rc 1), the rest still shown. */
	write_file(logpath, "junk\n", 5, "ab");
	out = show(NULL, PG_LOG_JSON, 1);
	{
		size_t nl = 0;

		for (char *c = out; *c; c++)
			nl += *c == '\n';
		assert_int_equal(nl, 3);
	}
	assert_null(strstr(out, "junk"));
	free(out);
}

static void test_parse_since(void **state)
{
	char s[21];

	(void)state;
	assert_int_equal(pg_log_parse_since(s, "2024-02-29"), 0);
	assert_string_equal(s, "2024-02-29T00:00:00Z");
	assert_int_equal(pg_log_parse_since(s, "2024-02-29T23:59:59Z"), 0);
	assert_int_equal(pg_log_parse_since(s, "2023-02-29"), -1);
	assert_int_equal(pg_log_parse_since(s, "2023-13-01"), -1);
	assert_int_equal(pg_log_parse_since(s, "yesterday"), -1);
	assert_int_equal(pg_log_parse_since(s, "2024-02-29T24:00:00Z"), -1);
	assert_int_equal(pg_log_parse_since(s, "2024-02-29T23:59:59"), -1);
	assert_int_equal(pg_log_parse_since(s, "2024-02-29T23:59:59Zx"), -1);
	assert_int_equal(pg_log_parse_since(s, ""), -1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_vector_first_entry),
		T(test_vector_second_entry),
		cmocka_unit_test(test_line_hash),
		T(test_older_lines),
		cmocka_unit_test(test_parse_escaped_ref),
		T(test_chaining),
		T(test_append_ex_while_locked),
		T(test_append_refuses_bad_entries),
		T(test_torn_tail_recovered),
		T(test_torn_bad_last_line),
		T(test_torn_first_line),
		T(test_damaged_tail_refused),
		T(test_append_reads_only_the_tail),
		T(test_log_writable),
		T(test_verify_intact_and_empty),
		T(test_verify_changed_field),
		T(test_verify_changed_and_resigned),
		T(test_verify_removed_entry),
		T(test_verify_swapped_entries),
		T(test_verify_foreign_signed),
		T(test_verify_signer_restrictions),
		T(test_verify_torn_tail),
		T(test_verify_malformed_lines),
		T(test_concurrent_appends),
		T(test_show),
		cmocka_unit_test(test_parse_since),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
