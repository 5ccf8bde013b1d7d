#include "pushcert.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

#define SSH_BEGIN "-----BEGIN SSH SIGNATURE-----"
#define GPG_BEGIN "-----BEGIN PGP SIGNATURE-----"
#define MAX_CMDS 100000

void pg_push_cert_clear(struct pg_push_cert *c)
{
	for (size_t i = 0; i < c->ncmds; i++)
		free(c->cmds[i].u.ref);
	free(c->cmds);
	free(c->nonce_status);
	free(c->pusher);
	free(c->nonce);
	free(c->text);
	memset(c, 0, sizeof(*c));
}

/* Where a line starting with MARK begins in TEXT[0..LEN), or NULL. */
static const char *line_starting(const char *text, size_t len, const char *mark)
{
	size_t mlen = strlen(mark);

	for (size_t i = 0; i + mlen <= len; i++)
		if ((i == 0 || text[i - 1] == '\n') && !memcmp(text + i, mark, mlen))
			return text + i;
	return NULL;
}

/* "NAME VALUE": VALUE as a new string, once. */
static int header(const char *line, const char *name, char **slot)
{
	size_t n = strlen(name);

	if (strncmp(line, name, n) || line[n] != ' ')
		return 0;
	if (*slot) {
		pg_error_set("push certificate: two %s headers", name);
		return -1;
	}
	*slot = pg_xstrdup(line + n + 1);
	return 1;
}

static int command(struct pg_push_cert *c, char *line)
{
	char *old_hex = line, *new_hex, *ref;

	if (!(new_hex = strchr(old_hex, ' ')) || !(ref = strchr(new_hex + 1, ' '))) {
		pg_error_set("push certificate: a ref update line is not OLD NEW REF");
		return -1;
	}
	*new_hex++ = '\0';
	*ref++ = '\0';
	if (c->ncmds == MAX_CMDS) {
		pg_error_set("push certificate: more than %d ref updates", MAX_CMDS);
		return -1;
	}
	c->cmds = pg_xrealloc(c->cmds, (c->ncmds + 1) * sizeof(*c->cmds));
	memset(&c->cmds[c->ncmds], 0, sizeof(*c->cmds));
	if (pg_update_set(&c->cmds[c->ncmds].u, ref, old_hex, new_hex) < 0) {
		pg_error_set("push certificate: %s", pg_error_last());
		return -1;
	}
	c->ncmds++;
	return 0;
}

/* The signed lines: the version, headers, a blank line, the updates. */
static int parse_payload(struct pg_push_cert *c, char *p, char *end)
{
	char *pushee = NULL;
	int in_headers = 1, first = 1, rc = 0;

	while (rc == 0 && p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl || memchr(p, '\0', (size_t)(nl - p))) {
			pg_error_set("push certificate: a line %s", nl ? "holds a NUL" : "does not end");
			return -1;
		}
		*nl = '\0';
		if (first) {
			if (strcmp(p, "certificate version 0.1")) {
				pg_error_set("push certificate: not \"certificate version 0.1\"");
				return -1;
			}
			first = 0;
		} else if (in_headers && !*p) {
			in_headers = 0;
		} else if (in_headers) {
			int r = header(p, "pusher", &c->pusher);

			if (r == 0)
				r = header(p, "pushee", &pushee);
			if (r == 0)
				r = header(p, "nonce", &c->nonce);
			if (r == 0 && !strncmp(p, "push-option ", 12))
				r = 1;
			if (r == 0) {
				pg_error_set("push certificate: unknown header line");
				r = -1;
			}
			rc = r < 0 ? -1 : 0;
		} else {
			rc = command(c, p);
		}
		p = nl + 1;
	}
	free(pushee);
	if (rc == 0 && (first || in_headers || !c->pusher || !c->nonce || !c->ncmds)) {
		pg_error_set("push certificate: %s", first ? "empty" :
			     !c->pusher ? "no pusher header" : !c->nonce ? "no nonce header" :
			     "no ref updates");
		rc = -1;
	}
	return rc;
}

int pg_push_cert_parse(struct pg_push_cert *c, const char *text, size_t len)
{
	const char *sig;
	char *copy;
	int rc;

	memset(c, 0, sizeof(*c));
	sig = line_starting(text, len, SSH_BEGIN);
	if (!sig) {
		pg_error_set(line_starting(text, len, GPG_BEGIN) ?
			     "the push certificate is GPG-signed; pushgate verifies SSH signatures "
			     "(git config gpg.format ssh)" :
			     "the push certificate has no SSH signature");
		return -1;
	}
	c->text = pg_xstrndup(text, len);
	c->len = len;
	c->payload_len = (size_t)(sig - text);
	if (pg_sshsig_parse_armored(&c->sig, sig, len - c->payload_len) < 0) {
		pg_error_set("push certificate: %s", pg_error_last());
		pg_push_cert_clear(c);
		return -1;
	}
	copy = pg_xstrndup(text, c->payload_len);
	rc = parse_payload(c, copy, copy + c->payload_len);
	free(copy);
	if (rc < 0)
		pg_push_cert_clear(c);
	return rc;
}

int pg_push_cert_read(struct pg_push_cert *c, git_repository *repo)
{
	const char *hex = getenv("GIT_PUSH_CERT");
	const char *status = getenv("GIT_PUSH_CERT_NONCE_STATUS");
	git_blob *blob;
	git_oid id;
	int rc;

	memset(c, 0, sizeof(*c));
	if (!hex || !*hex)
		return 1;
	if (strlen(hex) > PG_HEX_MAX || git_oid_fromstr(&id, hex) < 0) {
		pg_error_set("GIT_PUSH_CERT is not an object id");
		return -1;
	}
	if (git_blob_lookup(&blob, repo, &id) < 0) {
		pg_error_set("cannot read the push certificate %s: %s", hex,
			     git_error_last() ? git_error_last()->message : "?");
		return -1;
	}
	rc = pg_push_cert_parse(c, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
	git_blob_free(blob);
	if (rc < 0)
		return -1;
	snprintf(c->blob_hex, sizeof(c->blob_hex), "%s", hex);
	c->nonce_status = status ? pg_xstrdup(status) : NULL;
	return 0;
}

static const char *nonce_problem(const char *status)
{
	if (!status)
		return "git did not check its nonce (receive.certNonceSeed is not set on the server)";
	if (!strcmp(status, "OK"))
		return NULL;
	if (!strcmp(status, "BAD") || !strcmp(status, "SLOP"))
		return "its nonce is not the one this push was given (a certificate is good for "
		       "one push only)";
	if (!strcmp(status, "MISSING"))
		return "it has no nonce";
	if (!strcmp(status, "UNSOLICITED"))
		return "it has a nonce the server did not ask for";
	return "git could not check its nonce";
}

/* Does the certificate list exactly the updates U[0..N)? */
static int same_updates(const struct pg_push_cert *c, const struct pg_update *u, size_t n)
{
	unsigned char *used;
	int same = c->ncmds == n;

	if (!same)
		return 0;
	used = pg_xcalloc(n ? n : 1, 1);
	for (size_t i = 0; i < n && same; i++) {
		same = 0;
		for (size_t j = 0; j < c->ncmds && !same; j++) {
			const struct pg_update *cu = &c->cmds[j].u;

			if (!used[j] && !strcmp(cu->ref, u[i].ref) &&
			    !strcmp(cu->old_hex, u[i].old_hex) && !strcmp(cu->new_hex, u[i].new_hex))
				same = used[j] = 1;
		}
	}
	free(used);
	return same;
}

int pg_push_cert_check(const struct pg_push_cert *c, const struct pg_signers *signers,
		       const char *user, time_t now, const struct pg_update *u, size_t n,
		       struct pg_buf *key_fp, struct pg_buf *why)
{
	const char *problem = nonce_problem(c->nonce_status);
	struct pg_buf fp = PG_BUF_INIT, reason = PG_BUF_INIT;

	if (problem) {
		pg_buf_printf(why, "the push certificate is refused: %s", problem);
		return 1;
	}
	if (pg_sshsig_verify(&c->sig, "git", c->text, c->payload_len) < 0) {
		pg_buf_printf(why, "the push certificate's signature does not verify: %s",
			      pg_error_last());
		return 1;
	}
	if (!user) {
		pg_buf_puts(why, "the pusher is not identified, so no certificate can be theirs");
		return 1;
	}
	if (!signers) {
		pg_buf_puts(why, "[core] signers is not set: no key may sign a push");
		return 1;
	}
	if (pg_signers_principal_allowed(signers, &c->sig.key, user, "git", now, &reason) != 0) {
		pg_pubkey_fingerprint(&fp, &c->sig.key);
		pg_buf_printf(why, "the push certificate is signed by %s, which [core] signers does "
			      "not allow for %s (%s)", fp.ptr, user, reason.ptr ? reason.ptr : "");
		pg_buf_free(&fp);
		pg_buf_free(&reason);
		return 1;
	}
	if (!same_updates(c, u, n)) {
		pg_buf_puts(why, "the push certificate lists other ref updates than this push");
		return 1;
	}
	if (key_fp)
		pg_pubkey_fingerprint(key_fp, &c->sig.key);
	return 0;
}

#define KEEP_TRIES 5

int pg_push_cert_keep(git_repository *repo, const struct pg_push_cert *c)
{
	git_oid blob, tree_id, commit_id, parent_id;
	git_signature *sig = NULL;
	git_treebuilder *tb = NULL;
	git_commit *parent = NULL;
	git_reference *ref = NULL;
	git_tree *tree = NULL;
	struct pg_buf msg = PG_BUF_INIT;
	int rc = -1, got;

	if (git_oid_fromstr(&blob, c->blob_hex) < 0) {
		pg_error_set("push certificate: bad blob id");
		return -1;
	}
	pg_buf_printf(&msg, "push certificate %s\n\npusher %s\n", c->blob_hex, c->pusher);
	if (git_signature_now(&sig, "pushgate", "pushgate@localhost") < 0 ||
	    git_treebuilder_new(&tb, repo, NULL) < 0 ||
	    git_treebuilder_insert(NULL, tb, "cert", &blob, GIT_FILEMODE_BLOB) < 0 ||
	    git_treebuilder_write(&tree_id, tb) < 0 || git_tree_lookup(&tree, repo, &tree_id) < 0)
		goto git_fail;
	for (int i = 0; i < KEEP_TRIES; i++) {
		const git_commit *parents[1];

		got = git_reference_name_to_id(&parent_id, repo, PG_CERTS_REF);
		if (got < 0 && got != GIT_ENOTFOUND)
			goto git_fail;
		git_commit_free(parent);
		parent = NULL;
		if (got == 0 && git_commit_lookup(&parent, repo, &parent_id) < 0)
			goto git_fail;
		parents[0] = parent;
		if (git_commit_create(&commit_id, repo, NULL, sig, sig, NULL, msg.ptr, tree,
				      parent ? 1 : 0, parents) < 0)
			goto git_fail;
		got = git_reference_create_matching(&ref, repo, PG_CERTS_REF, &commit_id, got == 0,
						    got == 0 ? &parent_id : NULL,
						    "pushgate: keep a push certificate");
		git_reference_free(ref);
		ref = NULL;
		if (got == 0) {
			rc = 0;
			break;
		}
		/* Another push moved (or made) the ref first: stack on theirs. */
		if (got != GIT_EMODIFIED && got != GIT_EEXISTS)
			goto git_fail;
	}
	if (rc < 0)
		pg_error_set("%s kept moving; the certificate %s is not kept", PG_CERTS_REF,
			     c->blob_hex);
	goto out;
git_fail:
	pg_error_set("%s: %s", PG_CERTS_REF,
		     git_error_last() ? git_error_last()->message : "unknown error");
out:
	git_commit_free(parent);
	git_tree_free(tree);
	git_treebuilder_free(tb);
	git_signature_free(sig);
	pg_buf_free(&msg);
	return rc;
}
