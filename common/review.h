/*
 * approvals = N on a branch: its new tip must carry N approvals
 * (approval.h) by distinct members of approvers, none of them the pusher
 * or the author of what they approve.
 *
 * "The tip" is the new tip itself, or, when that is a merge the pusher
 * made after review, the commit it merges: a two-parent merge one of whose
 * parents is already on the ref counts as approved when its other parent
 * is and its tree is exactly the clean merge of the two (as libgit2
 * merges them).  Anything the merge adds, drops or resolves by hand (an
 * "evil merge") needs approvals of its own.
 *
 * The author of a commit is whoever its author email names among an
 * approver's principals in [core] signers, and whoever signed it.
 */
#ifndef PG_REVIEW_H
#define PG_REVIEW_H

#include <stddef.h>
#include <time.h>
#include <git2.h>

#include "config.h"
#include "policy.h"
#include "update.h"

struct pg_review_checks {
	git_repository *repo;
	const struct pg_config *cfg;
	const char *repo_name;
	const char *user;		/* the pusher; NULL: not identified */
	time_t now;
	/* refs/notes/approvals as the push leaves it; NULL: there is none */
	const git_oid *notes;
};

/*
 * Judge U (of kind CHANGE) against every branch rule with approvals that
 * applies, adding findings and notes to V.  0, or -1 (pg_error_set) when
 * the repository cannot be read: the caller fails closed.
 */
int pg_review_check(const struct pg_review_checks *c, const struct pg_update *u,
		    enum pg_change change, struct pg_verdict *v);

/*
 * The approvals U was accepted with, for the release log: "carol SHA256:..."
 * each, appended to *ITEMS (*N of them; free each and the array).  None
 * when no rule with approvals applies.  0, or -1 (pg_error_set).
 */
int pg_review_used(const struct pg_review_checks *c, const struct pg_update *u,
		   char ***items, size_t *n);

/*
 * Where the approvals are for a push of the N updates U: the new value of
 * refs/notes/approvals when the push moves it, else the ref as it is.  0
 * with *OUT set, 1 when there is none, -1 (pg_error_set).
 */
int pg_review_notes(git_oid *out, git_repository *repo, const struct pg_update *u, size_t n);

#endif
