/*
 * Approvals: a reviewer's SSH signature over one exact commit id, kept as
 * a git note on that commit under refs/notes/approvals, so that approvals
 * travel with fetch and push and stay as evidence.
 *
 * A note holds one approval a line:
 *
 *	approve <commit hex> <base64 SSHSIG blob, on one line>
 *
 * where the signature is `ssh-keygen -Y sign -n pushgate-approval` of the
 * message pg_approval_message gives.  Several reviewers approving the same
 * commit in parallel each add a line to the same note; `git notes merge
 * -s cat_sort_uniq` joins them without a conflict, because a line stands
 * alone and order does not matter.
 *
 * Which key signed says who approved: the principal of the key's line in
 * [core] signers, for namespace pushgate-approval, at the time of the push.
 */
#ifndef PG_APPROVAL_H
#define PG_APPROVAL_H

#include <stddef.h>
#include <time.h>
#include <git2.h>

#include "buf.h"
#include "signers.h"

#define PG_APPROVALS_REF "refs/notes/approvals"
#define PG_APPROVAL_NAMESPACE "pushgate-approval"

/* Append what a reviewer signs to approve COMMIT. */
void pg_approval_message(struct pg_buf *out, const git_oid *commit);

/*
 * Append the note line (with its newline) for an approval of COMMIT by the
 * armored signature ARMORED[0..LEN), as ssh-keygen wrote it.  0, or -1
 * (pg_error_set) when it is not an SSH signature pushgate can check.
 */
int pg_approval_line(struct pg_buf *out, const git_oid *commit, const char *armored,
		     size_t len);

struct pg_approval {
	char *who;		/* the user name the key's principals give */
	char *principals;	/* the signers line's principals, as written */
	char fp[64];		/* "SHA256:..." of the key */
};

/* What a note held for one commit. */
struct pg_approvals {
	struct pg_approval *list;	/* good ones, one per key, in note order */
	size_t n;
	/* lines that did not count, each "why", for the refusal: */
	char **bad;
	size_t nbad;
};

/*
 * The approvals of COMMIT in the notes of NOTES (a commit of the notes
 * ref; NULL: there are none), judged against SIGNERS at time NOW.  A line
 * counts when its commit id is COMMIT, its signature verifies over the
 * message for COMMIT in namespace pushgate-approval, and SIGNERS allows
 * the key for that namespace and names a user.  0 with *OUT filled (free
 * it with pg_approvals_clear), or -1 (pg_error_set) when the note cannot
 * be read.
 */
int pg_approvals_read(struct pg_approvals *out, git_repository *repo, const git_oid *notes,
		      const git_oid *commit, const struct pg_signers *signers, time_t now);
void pg_approvals_clear(struct pg_approvals *a);

/*
 * The user name of a signers principal list ("carol" of "carol,carol@x"):
 * the first item that is a valid user name, or NULL.  Freed by the caller.
 */
char *pg_approval_user(const char *principals);

#endif
