/*
 * Is a commit or an annotated tag signed by a key that [core] signers
 * allows?  Signatures are OpenSSH's (git's gpg.format=ssh), verified in
 * process with OpenSSL; trust comes from the allowed_signers file, for the
 * namespace "git".  A key's valid-after and valid-before are held to NOW,
 * the time of the push: git checks them at the committer's or tagger's
 * date, which whoever signs writes, so an expired key could sign a
 * backdated commit.
 */
#ifndef PG_SIGCHECK_H
#define PG_SIGCHECK_H

#include <time.h>

#include <git2.h>

#include "buf.h"

struct pg_signers;

/*
 * 0 when COMMIT carries a good SSH signature by a key SIGNERS allows, with
 * *principal set to the allowed_signers principal (valid as long as
 * SIGNERS); 1 when it does not, with WHY saying why in a few words
 * ("unsigned", "GPG signatures are not supported", "signed by a key not in
 * signers", "key expired", ...); -1 on an internal error (pg_error_set).
 */
int pg_sigcheck_commit(git_repository *repo, const git_commit *commit, time_t now,
		       const struct pg_signers *signers, const char **principal,
		       struct pg_buf *why);

/* The same for the annotated tag object TAG; a lightweight tag is unsigned. */
int pg_sigcheck_tag(git_repository *repo, const git_oid *tag, time_t now,
		    const struct pg_signers *signers, const char **principal,
		    struct pg_buf *why);

#endif
