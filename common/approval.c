/* Approvals: the signed message, the note line, and reading a note back. */
#include "approval.h"
#include "error.h"
#include "identity.h"
#include "sshsig.h"
#include "update.h"
#include "wire.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_WORD "approve"
#define ARMOR_BEGIN "-----BEGIN SSH SIGNATURE-----"
#define ARMOR_END "-----END SSH SIGNATURE-----"
/* A note is a few lines a reviewer; more than this is not a note of ours. */
#define NOTE_MAX (1024 * 1024)
#define BAD_MAX 16

void pg_approval_message(struct pg_buf *out, const git_oid *commit)
{
	char hex[PG_HEX_MAX + 1];

	git_oid_tostr(hex, sizeof(hex), commit);
	/* The namespace already says what is signed; the text says it to people. */
	pg_buf_printf(out, "pushgate approval\ncommit %s\n", hex);
}

int pg_approval_line(struct pg_buf *out, const git_oid *commit, const char *armored,
		     size_t len)
{
	struct pg_buf b64 = PG_BUF_INIT, blob = PG_BUF_INIT;
	struct pg_sshsig sig;
	char hex[PG_HEX_MAX + 1];
	const char *p, *end;
	int rc = -1;

	if (pg_sshsig_parse_armored(&sig, armored, len) < 0)
		return -1;
	/* parse_armored checked the armor; keep the base64 between its lines. */
	p = strstr(armored, ARMOR_BEGIN) + strlen(ARMOR_BEGIN);
	end = strstr(p, ARMOR_END);
	for (; p < end; p++)
		if (*p != '\n' && *p != '\r' && *p != ' ' && *p != '\t')
			pg_buf_putc(&b64, *p);
	if (pg_base64_decode(&blob, b64.ptr, b64.len) == 0 &&
	    pg_sshsig_parse_blob(&sig, blob.ptr, blob.len) == 0) {
		git_oid_tostr(hex, sizeof(hex), commit);
		pg_buf_printf(out, "%s %s %s\n", LINE_WORD, hex, b64.ptr);
		rc = 0;
	}
	pg_buf_free(&b64);
	pg_buf_free(&blob);
	return rc;
}

char *pg_approval_user(const char *principals)
{
	const char *p = principals;

	while (p && *p) {
		size_t n = strcspn(p, ",");
		char *item = pg_xstrndup(p, n);

		if (pg_identity_name_valid(item) && !strchr(item, '*') && !strchr(item, '?'))
			return item;
		free(item);
		p += n;
		if (*p == ',')
			p++;
	}
	return NULL;
}

static void add_bad(struct pg_approvals *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add_bad(struct pg_approvals *a, const char *fmt, ...)
{
	struct pg_buf b = PG_BUF_INIT;
	va_list ap;

	if (a->nbad >= BAD_MAX)
		return;
	va_start(ap, fmt);
	pg_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	a->bad = pg_xrealloc(a->bad, (a->nbad + 1) * sizeof(*a->bad));
	a->bad[a->nbad++] = pg_buf_detach(&b);
}

/* One line of the note; LINE is NUL-terminated, without its newline. */
static void judge_line(struct pg_approvals *a, const char *line, const git_oid *commit,
		       const struct pg_buf *msg, const struct pg_signers *signers, time_t now)
{
	char hex[PG_HEX_MAX + 1];
	struct pg_buf blob = PG_BUF_INIT, fp = PG_BUF_INIT, why = PG_BUF_INIT;
	const char *principals = NULL;
	struct pg_sshsig sig;
	size_t hexlen;
	const char *b64;
	char *who = NULL;

	git_oid_tostr(hex, sizeof(hex), commit);
	hexlen = strlen(hex);
	if (strncmp(line, LINE_WORD " ", strlen(LINE_WORD) + 1) != 0) {
		if (*line)
			add_bad(a, "a line that is not an approval");
		return;
	}
	line += strlen(LINE_WORD) + 1;
	if (strncmp(line, hex, hexlen) != 0 || line[hexlen] != ' ') {
		/* A note moved onto another commit does not approve this one. */
		add_bad(a, "an approval of another commit");
		return;
	}
	b64 = line + hexlen + 1;
	if (pg_base64_decode(&blob, b64, strlen(b64)) < 0 ||
	    pg_sshsig_parse_blob(&sig, blob.ptr, blob.len) < 0) {
		add_bad(a, "an approval whose signature cannot be read: %s", pg_error_last());
		goto out;
	}
	pg_pubkey_fingerprint(&fp, &sig.key);
	if (strcmp(sig.namespace, PG_APPROVAL_NAMESPACE) != 0) {
		add_bad(a, "a signature by %s that is no approval (namespace \"%s\")", fp.ptr,
			sig.namespace);
		goto out;
	}
	if (pg_sshsig_verify(&sig, PG_APPROVAL_NAMESPACE, msg->ptr, msg->len) < 0) {
		add_bad(a, "an approval by %s that does not verify", fp.ptr);
		goto out;
	}
	if (!signers || pg_signers_find(signers, &sig.key, PG_APPROVAL_NAMESPACE, now,
					&principals, &why) != 0) {
		add_bad(a, "an approval by %s, which [core] signers does not allow: %s", fp.ptr,
			why.ptr ? why.ptr : "no signers");
		goto out;
	}
	who = pg_approval_user(principals);
	if (!who) {
		add_bad(a, "an approval by %s, whose principals (%s) name no user", fp.ptr,
			principals);
		goto out;
	}
	for (size_t i = 0; i < a->n; i++)
		if (!strcmp(a->list[i].fp, fp.ptr))
			goto out;	/* the same key twice is one approval */
	a->list = pg_xrealloc(a->list, (a->n + 1) * sizeof(*a->list));
	a->list[a->n].who = who;
	a->list[a->n].principals = pg_xstrdup(principals);
	snprintf(a->list[a->n].fp, sizeof(a->list[a->n].fp), "%s", fp.ptr);
	a->n++;
	who = NULL;
out:
	free(who);
	pg_buf_free(&blob);
	pg_buf_free(&fp);
	pg_buf_free(&why);
}

int pg_approvals_read(struct pg_approvals *out, git_repository *repo, const git_oid *notes,
		      const git_oid *commit, const struct pg_signers *signers, time_t now)
{
	struct pg_buf msg = PG_BUF_INIT;
	git_commit *nc = NULL;
	git_note *note = NULL;
	const char *text;
	char *copy, *save = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!notes)
		return 0;
	if (git_commit_lookup(&nc, repo, notes) < 0) {
		pg_error_set("%s: %s", PG_APPROVALS_REF, git_error_last()->message);
		return -1;
	}
	rc = git_note_commit_read(&note, repo, nc, commit);
	git_commit_free(nc);
	if (rc == GIT_ENOTFOUND)
		return 0;
	if (rc < 0) {
		pg_error_set("%s: cannot read the note: %s", PG_APPROVALS_REF,
			     git_error_last()->message);
		return -1;
	}
	text = git_note_message(note);
	if (strlen(text) > NOTE_MAX) {
		add_bad(out, "a note larger than %d bytes", NOTE_MAX);
		git_note_free(note);
		return 0;
	}
	pg_approval_message(&msg, commit);
	copy = pg_xstrdup(text);
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		judge_line(out, l, commit, &msg, signers, now);
	free(copy);
	pg_buf_free(&msg);
	git_note_free(note);
	return 0;
}

void pg_approvals_clear(struct pg_approvals *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->list[i].who);
		free(a->list[i].principals);
	}
	free(a->list);
	for (size_t i = 0; i < a->nbad; i++)
		free(a->bad[i]);
	free(a->bad);
	memset(a, 0, sizeof(*a));
}
