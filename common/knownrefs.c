#include "knownrefs.h"
#include "error.h"

#include <stdlib.h>

static int list_failed(void)
{
	const git_error *e = git_error_last();

	pg_error_set("cannot list the refs: %s", e && e->message ? e->message : "?");
	return -1;
}

int pg_known_refs_read(struct pg_known_refs *k, git_repository *repo)
{
	git_reference_iterator *it = NULL;
	git_reference *r;
	int err;

	if (k->read)
		return 0;
	if (git_reference_iterator_new(&it, repo) < 0)
		return list_failed();
	while ((err = git_reference_next(&r, it)) == 0) {
		/* HEAD and other symbolic refs name a ref that is listed too. */
		if (git_reference_type(r) == GIT_REFERENCE_DIRECT) {
			struct pg_known_ref *n;

			k->refs = pg_xrealloc(k->refs, (k->n + 1) * sizeof(*k->refs));
			n = &k->refs[k->n++];
			n->name = pg_xstrdup(git_reference_name(r));
			git_oid_cpy(&n->target, git_reference_target(r));
			n->peeled = 0;
		}
		git_reference_free(r);
	}
	git_reference_iterator_free(it);
	if (err != GIT_ITEROVER)
		return list_failed();
	k->read = 1;
	return 0;
}

void pg_known_refs_clear(struct pg_known_refs *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->refs[i].name);
	free(k->refs);
	k->refs = NULL;
	k->n = 0;
	k->read = 0;
}

const git_oid *pg_known_ref_commit(git_repository *repo, struct pg_known_ref *r)
{
	git_object *obj = NULL, *c = NULL;

	if (!r->peeled) {
		r->peeled = -1;
		if (git_object_lookup(&obj, repo, &r->target, GIT_OBJECT_ANY) == 0 &&
		    git_object_peel(&c, obj, GIT_OBJECT_COMMIT) == 0) {
			git_oid_cpy(&r->commit, git_object_id(c));
			r->peeled = 1;
		}
		git_error_clear();
		git_object_free(c);
		git_object_free(obj);
	}
	return r->peeled == 1 ? &r->commit : NULL;
}
