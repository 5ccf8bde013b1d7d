/*
 * pushgate explain --diff: the same updates decided under the live policy
 * and under a new one, printing only where the decisions differ, so that
 * an admin sees what a policy change would change before installing it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "buf.h"
#include "cli.h"
#include "engine.h"
#include "error.h"
#include "escape.h"
#include "releaselog.h"
#include "update.h"

struct side {
	int ok;			/* decided: the configuration is valid, the objects there */
	int rejected;
	char *why;		/* the first finding, or NULL */
};

/*
 * Decide U under CONFIG.  A logged push (REC) is decided as it was pushed:
 * at its time, with its push options, so that windows, freezes and
 * break-glass compare like for like; a single update (REC NULL) now.
 */
static void decide(struct side *s, const char *config, const char *git_dir, const char *user,
		   const struct pg_update *u, const struct pg_log_record *rec)
{
	static const char *const none[1] = { NULL };
	struct pg_engine_opts opts = {
		.config_path = config, .git_dir = git_dir, .user = user,
		.options = rec && rec->npush_options ? rec->push_options : none,
		.noptions = rec ? rec->npush_options : 0,
	};
	struct pg_engine *e;
	struct pg_verdict v;

	memset(s, 0, sizeof(*s));
	memset(&v, 0, sizeof(v));
	pg_engine_open(&e, &opts);
	if (rec)
		pg_engine_set_now(e, rec->when);
	if (pg_engine_config_valid(e) && pg_engine_repo(e)) {
		pg_engine_decide(e, u, &v);
		s->ok = 1;
		s->rejected = v.rejected;
		if (v.nfindings)
			s->why = pg_xstrdup(v.findings[0].reason);
	}
	pg_verdict_clear(&v);
	pg_engine_free(e);
}

static const char *word(const struct side *s)
{
	return !s->ok ? "(not decided)" : s->rejected ? "REJECT" : "ACCEPT";
}

/* One update under both; 1 when they differ (printed), 0 when not. */
static int compare(const char *live, const char *next, const char *git_dir, const char *user,
		   const struct pg_update *u, const struct pg_log_record *rec)
{
	struct side a, b;
	struct pg_buf line = PG_BUF_INIT, esc = PG_BUF_INIT;
	int differ;

	decide(&a, live, git_dir, user, u, rec);
	decide(&b, next, git_dir, user, u, rec);
	differ = a.ok != b.ok || a.rejected != b.rejected;
	if (differ) {
		pg_buf_printf(&line, "%s %.7s..%.7s by %s: live: %s -> new: %s", u->ref, u->old_hex,
			      u->new_hex, user ? user : "(none)", word(&a), word(&b));
		if (b.rejected && b.why)
			pg_buf_printf(&line, ": %s", b.why);
		else if (a.rejected && a.why)
			pg_buf_printf(&line, " (live said: %s)", a.why);
		pg_escape_puts(&esc, line.ptr);
		printf("%s\n", esc.ptr);
	}
	free(a.why);
	free(b.why);
	pg_buf_free(&line);
	pg_buf_free(&esc);
	return differ;
}

/* The last N update entries of LOG that name REPO (NULL: any). */
static int replay(const char *live, const char *next, const char *git_dir, const char *log,
		  const char *repo, long last, int *compared)
{
	struct pg_log_record rec = PG_LOG_RECORD_INIT;
	char **lines = NULL;
	size_t n = 0, cap = 0, start;
	char *buf = NULL;
	size_t len = 0;
	ssize_t got;
	FILE *f = fopen(log, "r");
	int differ = 0;

	if (!f) {
		printf("pushgate: cannot read the release log %s\n", log);
		return -1;
	}
	while ((got = getline(&buf, &len, f)) > 0) {
		if (buf[got - 1] == '\n')
			buf[--got] = '\0';
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			lines = pg_xrealloc(lines, cap * sizeof(*lines));
		}
		lines[n++] = pg_xstrdup(buf);
	}
	free(buf);
	fclose(f);
	start = last > 0 && (size_t)last < n ? n - (size_t)last : 0;
	for (size_t i = start; i < n; i++) {
		struct pg_update u;

		if (pg_log_parse_line(&rec, lines[i], strlen(lines[i])) < 0 || !rec.ref ||
		    !rec.old_hex || !rec.new_hex || (repo && rec.repo && strcmp(rec.repo, repo)))
			continue;
		if (pg_update_set(&u, rec.ref, rec.old_hex, rec.new_hex) < 0)
			continue;
		(*compared)++;
		differ += compare(live, next, git_dir, rec.pusher, &u, &rec);
		free(u.ref);
	}
	pg_log_record_free(&rec);
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	return differ;
}

int pg_explain_diff(const char *live, const char *next, const char *git_dir, const char *user,
		    const struct pg_update *one, long last)
{
	struct pg_engine_opts opts = { .config_path = live, .git_dir = git_dir };
	const struct pg_config *cfg;
	struct pg_engine *e;
	int compared = 0, differ = 0, r = 0;

	pg_engine_open(&e, &opts);
	cfg = pg_engine_config(e);
	if (!cfg || !pg_engine_repo(e)) {
		printf("pushgate: the live policy%s cannot be used, or %s is no repository\n",
		       live ? "" : " (found as a hook would)", git_dir);
		pg_engine_free(e);
		return PG_EXIT_USAGE;
	}
	printf("comparing the live policy %s with %s over %s\n",
	       pg_engine_config_path(e), next, one ? "one update" : "the release log's last entries");
	printf("replayed against %s as it is now: commits that are on its refs already are no "
	       "longer new, so commit and path rules compare only what is still new\n", git_dir);
	if (one) {
		compared = 1;
		differ = compare(live, next, git_dir, user, one, NULL);
	} else if (!cfg->release_log.value) {
		printf("pushgate: the live policy has no release_log to replay; give REF OLD NEW\n");
		r = -1;
	} else {
		r = replay(live, next, git_dir, cfg->release_log.value, pg_engine_repo_name(e), last,
			   &compared);
		if (r >= 0)
			differ = r;
	}
	pg_engine_free(e);
	if (r < 0)
		return PG_EXIT_USAGE;
	printf("%d update%s compared, %d differ\n", compared, compared == 1 ? "" : "s", differ);
	return differ ? PG_EXIT_NO : PG_EXIT_OK;
}
