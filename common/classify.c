#include "classify.h"
#include "error.h"

static int peel_commit(git_repository *repo, const char *hex, git_oid *out, int *is_commit)
{
	git_object *obj = NULL, *peeled = NULL;
	git_oid id;
	int rc;

	*is_commit = 0;
	if (git_oid_fromstr(&id, hex) < 0 ||
	    git_object_lookup(&obj, repo, &id, GIT_OBJECT_ANY) < 0) {
		const git_error *e = git_error_last();

		pg_error_set("cannot read object %.12s: %s", hex, e ? e->message : "unknown");
		return -1;
	}
	rc = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
	if (rc == 0) {
		git_oid_cpy(out, git_object_id(peeled));
		*is_commit = 1;
	} else if (rc != GIT_EINVALIDSPEC && rc != GIT_ENOTFOUND && rc != GIT_EPEEL) {
		const git_error *e = git_error_last();

		pg_error_set("cannot peel object %.12s: %s", hex, e ? e->message : "unknown");
		git_object_free(obj);
		return -1;
	}
	git_object_free(peeled);
	git_object_free(obj);
	return 0;
}

int pg_classify(git_repository *repo, const struct pg_update *u, enum pg_change *out)
{
	git_oid old_c, new_c;
	int old_ok, new_ok, rc;

	if (pg_hex_is_zero(u->old_hex)) {
		*out = PG_CHANGE_CREATE;
		return 0;
	}
	if (pg_hex_is_zero(u->new_hex)) {
		*out = PG_CHANGE_DELETE;
		return 0;
	}
	if (peel_commit(repo, u->old_hex, &old_c, &old_ok) < 0 ||
	    peel_commit(repo, u->new_hex, &new_c, &new_ok) < 0)
		return -1;
	if (!old_ok || !new_ok) {
		*out = PG_CHANGE_REWRITE;
		return 0;
	}
	if (git_oid_equal(&old_c, &new_c)) {
		*out = PG_CHANGE_FASTFORWARD;
		return 0;
	}
	rc = git_graph_descendant_of(repo, &new_c, &old_c);
	if (rc < 0) {
		const git_error *e = git_error_last();

		pg_error_set("cannot compare %.12s with %.12s: %s", u->new_hex, u->old_hex,
			     e ? e->message : "unknown");
		return -1;
	}
	*out = rc ? PG_CHANGE_FASTFORWARD : PG_CHANGE_REWRITE;
	return 0;
}
