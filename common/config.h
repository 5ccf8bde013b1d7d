/*
 * The policy as the admin wrote it: INI files read with inih, checked
 * against the schema of SPEC.md.  Every problem is kept with its FILE:LINE
 * so `pushgate check` can show them all; a configuration with any problem
 * is not used by the hooks at all (they fail closed), because a typo must
 * never weaken policy.  Nothing here knows about git or about pushes.
 */
#ifndef PG_CONFIG_H
#define PG_CONFIG_H

#include <regex.h>
#include <stddef.h>

#include "identity.h"
#include "signers.h"
#include "window.h"

enum pg_mode { PG_MODE_ENFORCE, PG_MODE_WARN };

/* A member list: user names, "@group"s, '*' (everyone identified), 'none'. */
struct pg_members {
	int set;		/* the key was written; else defaults apply */
	const char *file;	/* where it was written (first line) */
	int line;
	int everyone;		/* '*' */
	int nobody;		/* 'none' */
	char **names;		/* users, and groups with their '@' */
	size_t nnames;
	char *text;		/* normalised for messages: "alice, @release" */
};

/*
 * PG_RULE_SECRETS is the [secrets] section: it is kept apart in
 * pg_config.secrets, never in rules[], and scoped to refs like a path rule.
 */
enum pg_rule_kind { PG_RULE_BRANCH, PG_RULE_TAG, PG_RULE_PATH, PG_RULE_SECRETS };

/* A [core] or [replica] value, with where it was written. */
struct pg_setting {
	char *value;		/* NULL: not set */
	const char *file;
	int line;
};

/* [replica]: every log line is also appended to a file over SFTP. */
struct pg_replica_settings {
	const char *file;	/* NULL: no [replica] section */
	int line;
	struct pg_setting host, user, key, known_hosts, path;
	int port;		/* default 22 */
	int port_line;
};

/* A regular expression as written, and compiled. */
struct pg_regex {
	char *text;		/* NULL: not set */
	int line;
	regex_t re;
};

/* require_signed: no, yes (any key in signers), or signed by these people. */
struct pg_signed {
	int set;
	int line;
	int any;		/* yes */
	struct pg_members by;	/* a member list, matched with the principal */
};

#define PG_APPROVALS_MAX 16

/* A [branch "PATTERN"], [tag "PATTERN"] or [path "GLOB"] section. */
struct pg_rule {
	enum pg_rule_kind kind;
	char *pattern;		/* below refs/heads/, refs/tags/, or a tree path */
	const char *file;
	int line;		/* of the section header */
	char **repos;		/* repository name globs; none: every repo */
	size_t nrepos;
	struct pg_members push;		/* branch: fast-forward */
	struct pg_members create;
	struct pg_members force_push;	/* branch: non-fast-forward */
	struct pg_members del;
	struct pg_members update;	/* tag: moving it */
	struct pg_signed require_signed;	/* branch: commits; tag: the tag */
	struct pg_regex subject;	/* branch: every new commit's first line */
	struct pg_regex message;	/* branch: its whole message */
	int release;			/* branch, tag: accepted updates are logged */
	int release_line;
	int linear;			/* branch: no merge among new commits */
	int linear_line;
	char **refs;			/* path: full ref name globs; none: all */
	size_t nrefs;
	struct pg_members write;	/* path: who may change such paths */
	int deny;			/* path: nobody may */
	int deny_line;
	/*
	 * path: case = sensitive.  Default 0: the glob matches case variants
	 * (and the other spellings macOS and Windows file systems treat as
	 * the same path), because that is where a checkout puts them.
	 */
	int case_sensitive;
	int case_line;
	/*
	 * branch: who may push with -o import=REASON, which skips the commit
	 * and path rules for that update (who may push still applies) and is
	 * always logged.  Default: none.
	 */
	struct pg_members import;
	/*
	 * branch, tag: when the ref may move (window.h).  No window: at any
	 * time; windows and freezes are read in [core] timezone.
	 */
	struct pg_window *windows;
	size_t nwindows;
	struct pg_freeze *freezes;
	size_t nfreezes;
	/*
	 * Who may push outside the windows and during a freeze with
	 * -o break-glass=REASON; logged, and nothing else is bypassed.
	 */
	struct pg_members break_glass;
	int require_pr;			/* branch: only Gitea's pull-request merges */
	int require_pr_line;
	int require_push_cert;		/* git push --signed, by the pusher's key */
	int require_push_cert_line;
	/*
	 * branch: the new tip must carry this many approvals (approval.h) by
	 * distinct members of approvers, neither its author nor the pusher.
	 */
	int approvals;
	int approvals_line;
	struct pg_members approvers;	/* default: everyone identified */
	/* path: blobs larger than this are refused (bytes; 0: no limit) */
	unsigned long long max_size;
	int max_size_line;
	struct pg_regex name;		/* path: every added path must match */
	/* secrets: globs to limit scanning to, and ("!GLOB") to skip */
	char **paths;
	size_t npaths;
	struct pg_members bypass;	/* secrets: may push a finding with -o secret-ok */
	/* tag: globs that must change since the previous tag of this section */
	char **require_changed;
	size_t nrequire_changed;
	int require_changed_line;
	enum pg_mode mode;
	char *control;		/* e.g. "ISO27001:8.32", or NULL */
	char **help;		/* lines */
	size_t nhelp;
};

struct pg_secrules;
struct pg_allowlist;

/* [secrets]: secret scanning of added content (content.h). */
struct pg_secrets {
	struct pg_rule rule;		/* refs, repos, paths, bypass, mode, control, help */
	int builtin;			/* rules = builtin (also the default) */
	struct pg_setting *rule_files;	/* rules = FILE, ... */
	size_t nrule_files;
	int rules_line;
	struct pg_setting allow;	/* the allowlist of fingerprints */
	struct pg_secrules *set;	/* the rules, read; compiled when first needed */
	struct pg_allowlist *allowed;	/* NULL without allow */
};

struct pg_group {
	char *name;		/* without '@' */
	const char *file;
	int line;
	struct pg_members members;
};

/*
 * A problem with the policy.  msg is for the admin (pushgate check) and may
 * quote the policy; brief is what a pusher is shown: a short wording that
 * quotes nothing from the policy, since the rest of the file is none of
 * the pusher's business.  Both are bounded (PG_DIAG_MAX bytes).
 */
struct pg_diag {
	const char *file;
	int line;		/* 0: the whole file */
	char *msg;
	char *brief;
};

#define PG_DIAG_MAX 512

struct pg_config {
	const char *path;		/* the top file, as given */
	struct pg_source *sources;	/* [core] identity, in order */
	size_t nsources;
	int identity_given;		/* else sources is the default list */
	char *repos_root;
	struct pg_setting signers;	/* allowed_signers for commits and tags */
	struct pg_signers *allowed;	/* that file, read; NULL without one */
	struct pg_setting release_log;	/* the signed, hash-chained log */
	struct pg_setting signing_key;	/* its Ed25519 key, OpenSSH format */
	struct pg_setting log_signers;	/* the key's allowed_signers line */
	struct pg_setting timezone;	/* for windows and freezes; NULL: UTC */
	int log_rejections;		/* default yes */
	int log_rejections_line;
	int syslog;			/* each log entry also to syslog (logsyslog.h) */
	int syslog_line;
	const char *syslog_file;
	struct pg_setting syslog_facility;	/* "user" when not set */
	struct pg_setting syslog_socket;	/* "/dev/log" when not set */
	struct pg_replica_settings replica;
	int atomic;
	struct pg_group *groups;
	size_t ngroups;
	struct pg_rule *rules;		/* in file order */
	struct pg_secrets *secrets;	/* NULL: no [secrets] */
	size_t nrules;
	char **files;			/* every file read; owns the names above */
	size_t nfiles;
	struct pg_diag *diags;		/* problems, in the order found */
	size_t ndiags;
	/*
	 * What does not make the policy invalid but an admin must hear:
	 * signers lines pushgate skips (a key type it cannot verify, a line it
	 * cannot read).  A skipped line only trusts fewer keys.
	 */
	struct pg_diag *warnings;
	size_t nwarnings;
};

/*
 * Read PATH and what it includes.  *out is always set (free it with
 * pg_config_free); returns 0 when the configuration is valid and -1 when
 * (*out)->diags lists at least one problem.
 */
int pg_config_load(struct pg_config **out, const char *path);
void pg_config_free(struct pg_config *cfg);

/*
 * Is USER in M (resolving @groups of CFG)?  USER NULL (nobody identified)
 * is in no list.  M must come from a valid configuration.
 */
int pg_members_contains(const struct pg_config *cfg,
			const struct pg_members *m, const char *user);

/*
 * "FILE:LINE: BRIEF" (or "FILE: BRIEF") for a pusher's screen, appended to
 * OUT; a very long FILE is shortened to its end, so the line stays short.
 */
void pg_diag_pusher_text(struct pg_buf *out, const struct pg_diag *d);

/* "[branch \"main\"]" for messages. */
void pg_rule_title(struct pg_buf *out, const struct pg_rule *r);

/* The zone windows and freezes are read in: [core] timezone, or UTC. */
const char *pg_config_zone(const struct pg_config *cfg);

/* Identity sources used when [core] identity is not written. */
extern const char *const pg_default_identity;

#endif
