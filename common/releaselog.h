/*
 * The release log (SPEC.md, "Release log"): one compact JSON object a
 * line, each signed (SSHSIG, namespace pushgate-release-log, sha512) and
 * chained to the line before it by its sha256.
 *
 *	{"seq":1,"time":"2026-11-29T15:20:07Z","event":"update","repo":"acme/app",
 *	 "ref":"refs/tags/v1.2.0","old":"0000...","new":"3f2a...","pusher":"alice",
 *	 "via":"gitea","rule":"tag \"v*\"","reason":null,"push_options":[],
 *	 "approvals":["carol SHA256:..."],"push_cert":"<blob> alice SHA256:...",
 *	 "prev":"<sha256 hex of the previous line>","sig":"<base64 SSHSIG blob>"}
 *
 * (on one line).  The signed message is the line without its newline and
 * without its ,"sig":"..." member, so it ends in '}'.  Any entry verifies
 * with stock `ssh-keygen -Y verify -n pushgate-release-log -I pushgate`.
 *
 * The log knows nothing of policy: it takes entries and a key.
 */
#ifndef PG_RELEASELOG_H
#define PG_RELEASELOG_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "buf.h"
#include "json.h"
#include "signers.h"
#include "sshsig.h"

#define PG_LOG_NAMESPACE "pushgate-release-log"
#define PG_LOG_PRINCIPAL "pushgate"	/* whom log_signers must allow */
/* A line longer than this is refused when appending and not an entry when read. */
#define PG_LOG_LINE_MAX (1024 * 1024)

/* One entry to append.  seq, prev and sig are the log's to fill in. */
struct pg_log_entry {
	const char *event;	/* "update", "rejected", "warning" or "recovered" */
	/*
	 * Required for every event but "recovered" (where NULL writes null).
	 * old_hex and new_hex: 40 or 64 lower-case hex digits (zeros for a
	 * creation or a deletion).
	 */
	const char *repo, *ref, *old_hex, *new_hex;
	const char *pusher, *via, *rule;	/* NULL -> null */
	const char *reason;			/* NULL -> null */
	const char *const *push_options;
	size_t npush_options;
	/* "carol SHA256:..." for each approval the update was accepted with */
	const char *const *approvals;
	size_t napprovals;
	/* "BLOB PRINCIPAL SHA256:..." of the push certificate; NULL -> null */
	const char *push_cert;
	time_t time;		/* 0: now */
};

/*
 * Append N entries to the log at PATH (created 0640 when missing), each
 * signed with KEY, under an exclusive flock(2) on the file:
 *
 *   - the previous entry's seq and line hash are read from the end of the
 *     file (backwards, block by block), never by reading it all;
 *   - a torn tail (bytes after the last newline, or a last line that is
 *     not a log entry) is moved to a side file PATH.torn.SEQ.UNIXTIME
 *     (SEQ: that of the "recovered" entry; created O_EXCL and fsynced),
 *     the log is truncated to its last complete entry and fsynced, and a
 *     "recovered" entry saying how many bytes went where is appended first;
 *     when the line before a bad last line is not an entry either, nothing
 *     is moved or appended (that is damage, not a crash: see
 *     pg_log_verify);
 *   - each line is written with one write(2) (looping only on a partial
 *     write; a failed write is truncated away again), then the file is
 *     fsynced (and its directory, when the file was new) before the lock
 *     is released.
 *
 * APPENDED, if not NULL, receives the lines written, each with its
 * newline (for an off-host replica).  0, or -1 with a message naming PATH;
 * an entry that is not valid (unknown event, bad hex, missing field) is
 * refused before the file is touched.
 */
int pg_log_append(const char *path, const struct pg_sshkey *key,
		  const struct pg_log_entry *entries, size_t n, struct pg_buf *appended);

/*
 * The same, and when every line is written and fsynced, WHILE_LOCKED (if
 * not NULL) is called with them (LEN bytes of LINES, each ending in '\n',
 * the recovered entry included) before the lock is released: the off-host
 * replica delivers there, so that two hooks cannot deliver in the other
 * order than they appended.  It cannot fail the append (the entries are
 * in the log by then); it reports its own trouble.  When the append fails
 * half-way, APPENDED still holds the lines that did reach the log.
 */
int pg_log_append_ex(const char *path, const struct pg_sshkey *key,
		     const struct pg_log_entry *entries, size_t n, struct pg_buf *appended,
		     void (*while_locked)(void *ctx, const char *lines, size_t len),
		     void *ctx);

/*
 * 0 when this process can append to the log at PATH: the file opens for
 * writing (or, when it does not exist yet, its directory exists and may be
 * written), the file system is not read-only and has room, and a torn
 * tail, if any, can be recovered.  -1 with the reason.  pre-receive calls
 * it before any ref moves.
 */
int pg_log_writable(const char *path);

/* A line read back.  Reuse one for many lines; free with pg_log_record_free. */
struct pg_log_record {
	long long seq;
	const char *time;	/* "YYYY-MM-DDTHH:MM:SSZ" */
	time_t when;		/* the same, in seconds since the epoch */
	const char *event;
	const char *repo, *ref, *old_hex, *new_hex;	/* NULL: null (recovered only) */
	const char *pusher, *via, *rule, *reason;	/* NULL: null */
	const char *const *push_options;
	size_t npush_options;
	const char *const *approvals;	/* none in a line written before them */
	size_t napprovals;
	const char *push_cert;		/* NULL: null or absent */
	const char *prev;	/* 64 hex digits */
	const char *sig;	/* base64 */
	/* The ,"sig":"..." member in the line: [sig_start, sig_end). */
	size_t sig_start, sig_end;
	/* Where push_options' array is in the line: [opts_start, opts_end). */
	size_t opts_start, opts_end;
	struct pg_json_object obj;	/* private: the storage of the strings */
};

#define PG_LOG_RECORD_INIT { .obj = PG_JSON_OBJECT_INIT }

/*
 * Parse one line (without its newline) as an entry: the fields in order,
 * of the right types and forms (time, event, hex ids, prev, base64 sig).
 * The signature is not checked.  0, or -1 with a message.
 */
int pg_log_parse_line(struct pg_log_record *rec, const char *line, size_t len);
void pg_log_record_free(struct pg_log_record *rec);

/* Append to OUT what was signed: LINE without its ,"sig":"..." member. */
void pg_log_signed_message(struct pg_buf *out, const struct pg_log_record *rec,
			   const char *line, size_t len);

/* HEX = the sha256 of LEN bytes of LINE, 64 lower-case hex digits. */
void pg_log_line_hash(char hex[65], const char *line, size_t len);

/* What pg_log_verify found. */
struct pg_log_report {
	size_t entries;		/* entries that verified (before the bad one) */
	char head[65];		/* sha256 of the last verified line; 64 zeros if none */
	long bad_seq;		/* the bad entry's seq, -1 when unreadable or intact */
	size_t bad_line;	/* its line number (1-based), 0 when intact */
	char *why;		/* NULL when intact */
};

/*
 * Check the whole log at PATH, streaming it: every line an entry, seqs
 * 1, 2, 3... (a gap is a removed entry, a step back a reordered one), each
 * prev the hash of the line before (64 zeros for the first), each
 * signature good and by a key that SIGNERS allows for principal
 * "pushgate" in namespace pushgate-release-log at the entry's time.
 * 0 intact; 1 not, with the first bad entry in OUT (a torn last line is
 * one); -1 when the file cannot be read, with a message.  OUT is always
 * set: free it with pg_log_report_free.
 */
int pg_log_verify(const char *path, const struct pg_signers *signers,
		  struct pg_log_report *out);
void pg_log_report_free(struct pg_log_report *r);

enum pg_log_format { PG_LOG_TABLE, PG_LOG_JSON, PG_LOG_CSV };

struct pg_log_filter {
	const char *repo_glob;	/* NULL: every repo (and recovered entries) */
	char since[21];		/* "" or "YYYY-MM-DDTHH:MM:SSZ": entries at or after it */
};

/*
 * SINCE from "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM:SSZ".
 * 0, or -1 with a message.
 */
int pg_log_parse_since(char since[21], const char *arg);

/*
 * Print the entries of the log at PATH that pass FILTER (NULL: all) to
 * OUT: TABLE (aligned columns SEQ TIME EVENT REPO REF OLD..NEW PUSHER
 * REASON, with every byte that came from a pusher escaped), JSON (the
 * lines as they are in the log, signature included) or CSV (RFC 4180, CRLF
 * line ends, a header row; columns seq, time, event, repo, ref, old, new,
 * pusher, via, rule, reason, push_options as its JSON array, prev; text
 * escaped as in the table).  It does not verify anything: a line that is
 * not an entry is reported on ERR as PATH:LINE and skipped.  0, 1 when
 * some line was skipped, -1 when the file cannot be read.
 */
int pg_log_show(FILE *out, FILE *err, const char *path,
		const struct pg_log_filter *filter, enum pg_log_format format);

#endif
