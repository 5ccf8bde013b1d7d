/*
 * Signed commits and tags, as git itself checks them with gpg.format=ssh:
 * the signature must verify over the signed bytes in namespace "git", and
 * the key must be allowed in the allowed signers file at the committer's
 * (or tagger's) date.
 */
#include "sigcheck.h"
#include "error.h"
#include "signers.h"
#include "sshsig.h"

#include <string.h>

#define SSH_ARMOR "-----BEGIN SSH SIGNATURE-----"
#define PGP_ARMOR "-----BEGIN PGP SIGNATURE-----"
#define PGP_SIGNED "-----BEGIN PGP SIGNED MESSAGE-----"
#define X509_ARMOR "-----BEGIN SIGNED MESSAGE-----"

static int git_fail(const char *what)
{
	const git_error *e = git_error_last();

	pg_error_set("%s: %s", what, e && e->message ? e->message : "unknown error");
	return -1;
}

static int starts_with(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !memcmp(s, prefix, n);
}

/* Verify armored SIG over PAYLOAD and look the key up; see sigcheck.h. */
static int judge(const char *sig, size_t sig_len, const char *payload, size_t payload_len,
		 time_t when, const struct pg_signers *signers, const char **principal,
		 struct pg_buf *why)
{
	struct pg_sshsig parsed;

	if (starts_with(sig, sig_len, PGP_ARMOR) || starts_with(sig, sig_len, PGP_SIGNED)) {
		pg_buf_puts(why, "GPG signatures are not supported; sign with gpg.format=ssh");
		return 1;
	}
	if (starts_with(sig, sig_len, X509_ARMOR)) {
		pg_buf_puts(why, "X.509 signatures are not supported; sign with gpg.format=ssh");
		return 1;
	}
	if (pg_sshsig_parse_armored(&parsed, sig, sig_len) < 0) {
		pg_buf_printf(why, "malformed signature (%s)", pg_error_last());
		return 1;
	}
	if (pg_sshsig_verify(&parsed, "git", payload, payload_len) < 0) {
		pg_buf_printf(why, "bad signature (%s)", pg_error_last());
		return 1;
	}
	return pg_signers_find(signers, &parsed.key, "git", when, principal, why) == 0 ? 0 : 1;
}

int pg_sigcheck_commit(git_repository *repo, const git_commit *commit, time_t now,
		       const struct pg_signers *signers, const char **principal,
		       struct pg_buf *why)
{
	git_buf sig = GIT_BUF_INIT, payload = GIT_BUF_INIT;
	git_oid id;
	int rc;

	git_oid_cpy(&id, git_commit_id(commit));
	rc = git_commit_extract_signature(&sig, &payload, repo, &id, NULL);
	if (rc == GIT_ENOTFOUND) {
		git_error_clear();
		pg_buf_puts(why, "unsigned");
		return 1;
	}
	if (rc < 0)
		return git_fail("cannot read a commit's signature");
	rc = judge(sig.ptr, sig.size, payload.ptr, payload.size, now, signers, principal, why);
	git_buf_dispose(&sig);
	git_buf_dispose(&payload);
	return rc;
}

/*
 * git appends a tag's signature to its message: the signed bytes are the
 * object up to the line where the armor starts.
 */
static const char *find_armor(const char *data, size_t len)
{
	const char *found = NULL;

	for (size_t i = 0; i < len; i++) {
		if ((i == 0 || data[i - 1] == '\n') &&
		    (starts_with(data + i, len - i, SSH_ARMOR) ||
		     starts_with(data + i, len - i, PGP_ARMOR) ||
		     starts_with(data + i, len - i, X509_ARMOR)))
			found = data + i;	/* the last one is the signature */
	}
	return found;
}

int pg_sigcheck_tag(git_repository *repo, const git_oid *tag, time_t now,
		    const struct pg_signers *signers, const char **principal,
		    struct pg_buf *why)
{
	git_odb *odb = NULL;
	git_odb_object *raw = NULL;
	git_tag *t = NULL;
	const char *data, *armor;
	size_t len;
	int rc = -1;

	if (git_object_lookup((git_object **)&t, repo, tag, GIT_OBJECT_ANY) < 0)
		return git_fail("cannot read the pushed tag");
	if (git_object_type((git_object *)t) != GIT_OBJECT_TAG) {
		git_object_free((git_object *)t);
		pg_buf_puts(why, "a lightweight tag, not a signed annotated tag (git tag -s)");
		return 1;
	}
	if (git_repository_odb(&odb, repo) < 0 || git_odb_read(&raw, odb, tag) < 0) {
		git_fail("cannot read the pushed tag");
		goto out;
	}
	data = git_odb_object_data(raw);
	len = git_odb_object_size(raw);
	armor = find_armor(data, len);
	if (!armor) {
		pg_buf_puts(why, "unsigned");
		rc = 1;
	} else {
		rc = judge(armor, len - (size_t)(armor - data), data, (size_t)(armor - data),
			   now, signers, principal, why);
	}
out:
	git_odb_object_free(raw);
	git_odb_free(odb);
	git_object_free((git_object *)t);
	return rc;
}
