/*
 * pushgate explain: one ref update through the same engine a hook uses,
 * without pushing; prints the decision and every rule that applied.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "cli.h"
#include "engine.h"
#include "error.h"
#include "escape.h"
#include "json.h"
#include "logline.h"
#include "report.h"
#include "window.h"

#define MAX_OPTIONS 64

static const char usage[] =
	"usage: pushgate explain [-c FILE] --git-dir DIR [--user NAME] [-o OPTION]... [--at TIME]\n"
	"                        [--pr ID] REF OLD NEW\n"
	"       pushgate explain --diff -c NEW [--live FILE] --git-dir DIR [--last N | --user NAME REF OLD NEW]\n"
	"  REF is a full ref name, or a short one as git takes it (main: refs/heads/main)\n"
	"  OLD and NEW are object ids, revisions of DIR (main~1, v1.0), or 0 for none\n"
	"  --at TIME: judge the push at TIME, \"YYYY-MM-DD HH:MM\" in [core] timezone\n"
	"             (or ending in Z or +HH:MM), or @SECONDS; default: now\n"
	"  --pr ID: as Gitea's merge of pull request ID (require_pr)\n"
	"  --format json: the decision and every rule as one JSON object\n";

static const char *change_name(enum pg_change c)
{
	switch (c) {
	case PG_CHANGE_CREATE:
		return "create";
	case PG_CHANGE_FASTFORWARD:
		return "fast-forward";
	case PG_CHANGE_REWRITE:
		return "non-fast-forward (force-push)";
	case PG_CHANGE_DELETE:
		return "delete";
	}
	return "?";
}

/* "0" or zeros: no object; else a revision of the repository, unpeeled. */
static int resolve(git_repository *repo, const char *spec, char hex[GIT_OID_HEXSZ + 1])
{
	git_object *obj;

	if (strspn(spec, "0") == strlen(spec)) {
		memset(hex, '0', GIT_OID_HEXSZ);
		hex[GIT_OID_HEXSZ] = '\0';
		return 0;
	}
	if (git_revparse_single(&obj, repo, spec) < 0) {
		const git_error *e = git_error_last();

		fprintf(stderr, "pushgate: cannot resolve '%s': %s\n", spec,
			e ? e->message : "unknown");
		return -1;
	}
	git_oid_tostr(hex, GIT_OID_HEXSZ + 1, git_object_id(obj));
	git_object_free(obj);
	return 0;
}

static void print_escaped(const char *label, const char *s)
{
	struct pg_buf b = PG_BUF_INIT;

	pg_escape_puts(&b, s ? s : "(none)");
	printf("%s%s\n", label, b.ptr);
	pg_buf_free(&b);
}

static void print_rule(const struct pg_rule *r, const char *what)
{
	struct pg_buf t = PG_BUF_INIT, w = PG_BUF_INIT;

	pg_rule_title(&t, r);
	pg_escape_puts(&w, what);
	printf("rule:       %s at %s:%d: %s\n", t.ptr, r->file, r->line, w.ptr);
	pg_buf_free(&t);
	pg_buf_free(&w);
}

static int was_applied(const struct pg_verdict *v, const struct pg_rule *r)
{
	for (size_t i = 0; i < v->napplied; i++)
		if (v->applied[i].rule == r)
			return 1;
	return 0;
}

static void print_verdict(const struct pg_engine *e, const struct pg_update *u,
			  const struct pg_verdict *v)
{
	struct pg_buf out = PG_BUF_INIT;

	print_escaped("repository: ", pg_engine_repo_name(e));
	if (pg_engine_user(e))
		printf("pusher:     %s (via %s)\n", pg_engine_user(e), pg_engine_via(e));
	else
		printf("pusher:     (not identified)\n");
	print_escaped("ref:        ", u->ref);
	if (pg_engine_config(e)) {
		struct pg_buf when = PG_BUF_INIT;
		const char *zone = pg_config_zone(pg_engine_config(e));

		pg_time_format(&when, zone, pg_engine_now(e));
		printf("time:       %s (%s)\n", when.ptr, zone);
		pg_buf_free(&when);
	}
	printf("update:     %.12s -> %.12s: %s\n", u->old_hex, u->new_hex,
	       v->classified ? change_name(v->change) : "(not classified)");
	if (!v->napplied && !v->nfindings)
		printf("rules:      none match; the ref is not protected\n");
	for (size_t i = 0; i < v->napplied; i++)
		print_rule(v->applied[i].rule, v->applied[i].what);
	/* Commit and path rules speak only through what they found. */
	for (size_t i = 0; i < v->nfindings; i++)
		if (v->findings[i].rule && !was_applied(v, v->findings[i].rule))
			print_rule(v->findings[i].rule, v->findings[i].reason);
	printf("decision:   %s\n", v->rejected ? "REJECT" : v->nfindings ? "ACCEPT (with warnings)"
									 : "ACCEPT");
	pg_report_verdict(&out, u->ref, v);
	if (out.len) {
		printf("\nwhat the pusher sees:\n");
		fwrite(out.ptr, 1, out.len, stdout);
	}
	pg_buf_free(&out);
}

static void json_rule(struct pg_buf *b, const struct pg_rule *r)
{
	struct pg_buf t = PG_BUF_INIT;

	if (!r) {
		pg_buf_puts(b, "\"rule\":null,\"file\":null,\"line\":null");
		return;
	}
	pg_rule_title(&t, r);
	pg_buf_puts(b, "\"rule\":");
	pg_json_put_cstring(b, t.ptr);
	pg_buf_puts(b, ",\"file\":");
	pg_json_put_cstring(b, r->file);
	pg_buf_printf(b, ",\"line\":%d", r->line);
	pg_buf_free(&t);
}

static void json_field(struct pg_buf *b, const char *k, const char *v)
{
	pg_buf_printf(b, ",\"%s\":", k);
	pg_json_put_cstring(b, v);
}

/* The same as print_verdict, as one JSON object (json.h escapes pushed bytes). */
static void print_verdict_json(const struct pg_engine *e, const struct pg_update *u,
			       const struct pg_verdict *v, const char *note)
{
	struct pg_buf b = PG_BUF_INIT, when = PG_BUF_INIT, msg = PG_BUF_INIT;
	const struct pg_config *cfg = pg_engine_config(e);
	const char *zone = cfg ? pg_config_zone(cfg) : NULL;

	pg_buf_puts(&b, "{\"repository\":");
	pg_json_put_cstring(&b, pg_engine_repo_name(e));
	json_field(&b, "pusher", pg_engine_user(e));
	json_field(&b, "via", pg_engine_user(e) ? pg_engine_via(e) : NULL);
	json_field(&b, "ref", u->ref);
	json_field(&b, "note", note);
	char iso[21];

	if (pg_log_time_format(iso, pg_engine_now(e)) < 0)
		snprintf(iso, sizeof(iso), "?");
	if (cfg)
		pg_time_format(&when, zone, pg_engine_now(e));
	json_field(&b, "time", iso);
	json_field(&b, "local_time", cfg ? when.ptr : NULL);
	json_field(&b, "zone", zone);
	json_field(&b, "old", u->old_hex);
	json_field(&b, "new", u->new_hex);
	json_field(&b, "change", v->classified ? change_name(v->change) : NULL);
	pg_buf_printf(&b, ",\"config_valid\":%s", pg_engine_config_valid(e) ? "true" : "false");
	json_field(&b, "decision", v->rejected ? "reject" : v->nfindings ? "accept-with-warnings"
									 : "accept");
	pg_buf_puts(&b, ",\"rules\":[");
	for (size_t i = 0; i < v->napplied; i++) {
		pg_buf_puts(&b, i ? ",{" : "{");
		json_rule(&b, v->applied[i].rule);
		pg_buf_printf(&b, ",\"ok\":%s", v->applied[i].ok ? "true" : "false");
		json_field(&b, "said", v->applied[i].what);
		pg_buf_putc(&b, '}');
	}
	pg_buf_puts(&b, "],\"findings\":[");
	for (size_t i = 0; i < v->nfindings; i++) {
		const struct pg_finding *f = &v->findings[i];

		pg_buf_puts(&b, i ? ",{" : "{");
		json_rule(&b, f->rule);
		pg_buf_printf(&b, ",\"warning\":%s", f->warn ? "true" : "false");
		json_field(&b, "reason", f->reason);
		pg_buf_puts(&b, ",\"lines\":[");
		for (size_t j = 0; j < f->nlines; j++) {
			if (j)
				pg_buf_putc(&b, ',');
			pg_json_put_cstring(&b, f->lines[j]);
		}
		pg_buf_puts(&b, "]}");
	}
	/* What the pusher would see, as the hook prints it. */
	pg_report_verdict(&msg, u->ref, v);
	pg_buf_puts(&b, "],\"message\":");
	pg_json_put_string(&b, msg.ptr ? msg.ptr : "", msg.len);
	pg_buf_puts(&b, "}\n");
	fwrite(b.ptr, 1, b.len, stdout);
	pg_buf_free(&b);
	pg_buf_free(&when);
	pg_buf_free(&msg);
}

int pg_cmd_explain(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "git-dir", required_argument, NULL, 'g' },
		{ "user", required_argument, NULL, 'u' },
		{ "push-option", required_argument, NULL, 'o' },
		{ "diff", no_argument, NULL, 'd' },
		{ "live", required_argument, NULL, 'l' },
		{ "last", required_argument, NULL, 'n' },
		{ "at", required_argument, NULL, 'a' },
		{ "pr", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	struct pg_engine_opts opts = { 0 };
	char old_hex[GIT_OID_HEXSZ + 1], new_hex[GIT_OID_HEXSZ + 1];
	struct pg_verdict v;
	struct pg_update u;
	struct pg_engine *e;
	char *ref, *end;
	const char *live = NULL, *at = NULL;
	const char *options[MAX_OPTIONS];
	size_t noptions = 0;
	int c, rc, expanded, diff = 0, json = 0;
	struct pg_buf note = PG_BUF_INIT;
	long last = 20;

	while ((c = getopt_long(argc, argv, "c:o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			opts.config_path = optarg;
			break;
		case 'g':
			opts.git_dir = optarg;
			break;
		case 'u':
			opts.user = optarg;
			break;
		case 'o':
			if (noptions == MAX_OPTIONS) {
				fprintf(stderr, "pushgate: at most %d -o options\n", MAX_OPTIONS);
				return PG_EXIT_USAGE;
			}
			options[noptions++] = optarg;
			break;
		case 'a':
			at = optarg;
			break;
		case 'p':
			opts.pr_id = optarg;
			break;
		case 'd':
			diff = 1;
			break;
		case 'f':
			if (strcmp(optarg, "json") && strcmp(optarg, "text")) {
				fputs(usage, stderr);
				return PG_EXIT_USAGE;
			}
			json = !strcmp(optarg, "json");
			break;
		case 'l':
			live = optarg;
			break;
		case 'n':
			last = strtol(optarg, &end, 10);
			if (*end || last < 1) {
				fputs(usage, stderr);
				return PG_EXIT_USAGE;
			}
			break;
		default:
			fputs(usage, stderr);
			return PG_EXIT_USAGE;
		}
	}
	if (diff && !opts.config_path) {
		fputs("pushgate: explain --diff needs -c NEW, the policy to compare\n", stderr);
		return PG_EXIT_USAGE;
	}
	if (diff && argc == optind && opts.git_dir)
		return pg_explain_diff(live, opts.config_path, opts.git_dir, NULL, NULL, last);
	if (argc - optind != 3 || !opts.git_dir) {
		fputs(usage, stderr);
		return PG_EXIT_USAGE;
	}

	/* What git would hand pre-receive: explain never reads GIT_PUSH_OPTION_*. */
	opts.options = options;
	opts.noptions = noptions;
	pg_engine_open(&e, &opts);
	if (!pg_engine_repo(e)) {
		fprintf(stderr, "pushgate: cannot open repository %s\n", opts.git_dir);
		pg_engine_free(e);
		return PG_EXIT_USAGE;
	}
	if (at) {
		const struct pg_config *cfg = pg_engine_config(e);
		struct pg_buf err = PG_BUF_INIT;
		time_t t;

		if (pg_time_parse(&t, at, cfg ? pg_config_zone(cfg) : "UTC", &err) < 0) {
			fprintf(stderr, "pushgate: --at: %s\n", err.ptr);
			pg_buf_free(&err);
			pg_engine_free(e);
			return PG_EXIT_USAGE;
		}
		pg_engine_set_now(e, t);
	}
	ref = pg_cli_full_refname(pg_engine_repo(e), argv[optind], &expanded);
	if (!ref) {
		struct pg_buf name = PG_BUF_INIT;

		pg_escape_puts(&name, argv[optind]);
		fprintf(stderr, "pushgate: %s: %s\n", name.ptr, pg_error_last());
		pg_buf_free(&name);
		pg_engine_free(e);
		return PG_EXIT_USAGE;
	}
	if (resolve(pg_engine_repo(e), argv[optind + 1], old_hex) < 0 ||
	    resolve(pg_engine_repo(e), argv[optind + 2], new_hex) < 0 ||
	    pg_update_set(&u, ref, old_hex, new_hex) < 0) {
		if (pg_error_last()[0])
			fprintf(stderr, "pushgate: %s\n", pg_error_last());
		free(ref);
		pg_engine_free(e);
		return PG_EXIT_USAGE;
	}
	if (expanded) {
		pg_buf_printf(&note, "%s taken as %s", argv[optind], ref);
		if (!json)
			print_escaped("note:       ", note.ptr);
	}
	free(ref);

	if (diff) {
		pg_engine_free(e);
		pg_buf_free(&note);
		rc = pg_explain_diff(live, opts.config_path, opts.git_dir, opts.user, &u, 0);
		free(u.ref);
		return rc;
	}
	memset(&v, 0, sizeof(v));
	pg_engine_decide(e, &u, &v);
	if (json)
		print_verdict_json(e, &u, &v, note.len ? note.ptr : NULL);
	else
		print_verdict(e, &u, &v);
	pg_buf_free(&note);
	if (!pg_engine_config_valid(e))
		rc = PG_EXIT_USAGE;
	else
		rc = v.rejected ? PG_EXIT_NO : PG_EXIT_OK;
	pg_verdict_clear(&v);
	free(u.ref);
	pg_engine_free(e);
	return rc;
}
