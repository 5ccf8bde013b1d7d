/*
 * git push --signed: the push certificate that receive-pack stores as a
 * blob and names to pre-receive and post-receive (GIT_PUSH_CERT, with
 * GIT_PUSH_CERT_NONCE_STATUS).  It reads, as git writes it
 * (Documentation/gitprotocol-pack.txt, "push-cert"):
 *
 *	certificate version 0.1
 *	pusher <ident>			(an SSH key: "SHA256:... <time> <tz>")
 *	pushee <url>			(optional)
 *	nonce <nonce>
 *	push-option <option>		(any number)
 *
 *	<old> <new> <ref>		(one line per ref update)
 *	-----BEGIN SSH SIGNATURE-----	(what precedes it is what was signed)
 *
 * The signature is checked here, in process, as commit signatures are
 * (namespace "git"); git's own check (GIT_PUSH_CERT_STATUS) is not used:
 * it needs gpg.ssh.allowedSignersFile in the repository's config, which
 * the policy does not control.
 */
#ifndef PG_PUSHCERT_H
#define PG_PUSHCERT_H

#include <stddef.h>
#include <time.h>

#include <git2.h>

#include "buf.h"
#include "signers.h"
#include "sshsig.h"
#include "update.h"

struct pg_push_cert_cmd {
	struct pg_update u;	/* checked as the hook's own input is */
};

struct pg_push_cert {
	char blob_hex[PG_HEX_MAX + 1];	/* GIT_PUSH_CERT; "" when parsed from text */
	char *nonce_status;	/* GIT_PUSH_CERT_NONCE_STATUS; NULL: not set */
	char *pusher;		/* the pusher header as written */
	char *nonce;
	struct pg_push_cert_cmd *cmds;
	size_t ncmds;
	struct pg_sshsig sig;
	size_t payload_len;	/* the signed bytes: the text's first payload_len */
	char *text;
	size_t len;
};

/*
 * Parse the certificate TEXT[0..LEN) into C (copied).  0, or -1 with
 * pg_error_set for anything git would not have written: a missing or
 * repeated header, a malformed update line, no SSH signature (a GPG one
 * included), bytes after it.
 */
int pg_push_cert_parse(struct pg_push_cert *c, const char *text, size_t len);

/*
 * The push's certificate, from the environment git gives the hook, read
 * from REPO: 0 with *C set; 1 when the push is not signed (no
 * GIT_PUSH_CERT); -1 (pg_error_set) when it cannot be read or parsed.
 */
int pg_push_cert_read(struct pg_push_cert *c, git_repository *repo);

void pg_push_cert_clear(struct pg_push_cert *c);

/*
 * Is C good for a push by USER of the N updates U, at time NOW?  It must
 * carry git's nonce status OK, be signed by a key SIGNERS allows for the
 * principal USER in namespace "git", and list exactly the updates U (no
 * more, no fewer, in any order).  0 yes, with the key's fingerprint
 * appended to KEY_FP (if not NULL); 1 no, with the reason in WHY.
 */
int pg_push_cert_check(const struct pg_push_cert *c, const struct pg_signers *signers,
		       const char *user, time_t now, const struct pg_update *u, size_t n,
		       struct pg_buf *key_fp, struct pg_buf *why);

/*
 * Keep C's blob reachable, so that gc never drops the evidence: a commit
 * whose tree holds it as "cert", on top of refs/pushgate/certs (moved with
 * a compare-and-swap, retried when another push moved it first).  0, or
 * -1 (pg_error_set).  post-receive calls it for every signed push.
 */
#define PG_CERTS_REF "refs/pushgate/certs"
int pg_push_cert_keep(git_repository *repo, const struct pg_push_cert *c);

#endif
