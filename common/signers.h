/*
 * The allowed signers file of ssh-keygen(1) ("ALLOWED SIGNERS"), which git's
 * gpg.ssh.allowedSignersFile also reads: who may sign, with which key, in
 * which namespaces and when.  One entry a line:
 *
 *	principals [options] keytype base64-key [comment]
 *
 * principals is a comma-separated pattern list ('*' and '?' wildcards, a
 * leading '!' negates), options are comma-separated and case-insensitive:
 * namespaces="git,pushgate-release-log", valid-after="YYYYMMDD[HHMM[SS]][Z]"
 * and valid-before="..." (local time unless they end in Z, as in
 * ssh-keygen; both ends are included).  '#' starts a comment line.
 * Local times follow daylight saving time, where ssh-keygen 9.2 reads
 * them as standard time: in summer its bounds fall an hour later.
 *
 * pushgate verifies the key types of sshpubkey.h: a line with another key
 * type (security keys, DSA, certificates), an RSA key under 2048 bits, or
 * cert-authority, is reported and skipped.  So is every malformed
 * line; the lines around it still load.  A skipped line can only take
 * trust away, never add it.
 */
#ifndef PG_SIGNERS_H
#define PG_SIGNERS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "sshpubkey.h"

/* One element of a pattern list, ready for fnmatch(3). */
struct pg_signers_pattern {
	char *glob;		/* '[' and '\' escaped: only '*' and '?' are special */
	int negated;		/* written with a leading '!' */
};

struct pg_signer {
	int line;
	char *principals;	/* the pattern list as written, for messages */
	struct pg_signers_pattern *pats;
	size_t npats;
	struct pg_signers_pattern *ns;	/* namespaces=; nns 0: any namespace */
	size_t nns;
	int has_after, has_before;
	int64_t valid_after, valid_before;	/* seconds since the epoch, inclusive */
	struct pg_pubkey key;
};

struct pg_signers_problem {
	const char *file;	/* the file as given to the loader */
	int line;		/* 0: the whole file */
	char *msg;
	/*
	 * 1: ssh-keygen would accept the line, pushgate cannot use it (another
	 * key type, cert-authority).  0: the line or the file is wrong.
	 */
	int unsupported;
};

struct pg_signers {
	char *path;
	struct pg_signer *entries;	/* the usable lines, in file order */
	size_t nentries;
	struct pg_signers_problem *problems;	/* in the order found */
	size_t nproblems;
};

/*
 * Read the allowed signers file at PATH.  It must be a regular file that
 * nobody but its owner may write, in a directory that not everyone may
 * write (the configuration's rule); else it is refused whole: a problem
 * with line 0 and no entries at all.  *out is always set (free it with
 * pg_signers_free); returns 0 when there are no problems and -1 when
 * (*out)->problems lists at least one, each with its line.
 */
int pg_signers_load(struct pg_signers **out, const char *path);

/* The same for LEN bytes of TEXT; NAME stands for the file in problems. */
int pg_signers_parse(struct pg_signers **out, const char *name,
		     const char *text, size_t len);

void pg_signers_free(struct pg_signers *s);

/*
 * Is KEY allowed to sign in NAMESPACE at time WHEN (for a
 * commit: its committer date)?  0 when a line allows it, with
 * *principal_out (if not NULL) set to that line's principals as written,
 * valid as long as S; the first such line wins.  1 when no line does, with
 * *principal_out NULL and the reason appended to WHY (if not NULL): "key
 * not in signers (FILE)", or for the first line that has the key but
 * refuses it "key not allowed for namespace git", "key expired at
 * 2026-01-01T00:00:00Z" or "key not yet valid until ...", then " (FILE:LINE)".
 */
int pg_signers_find(const struct pg_signers *s, const struct pg_pubkey *key,
		    const char *namespace, time_t when,
		    const char **principal_out, struct pg_buf *why);

/*
 * The same for one principal (`ssh-keygen -Y verify -I PRINCIPAL`): only
 * lines whose pattern list matches PRINCIPAL exactly count (fnmatch for the
 * wildcards, a matching '!' pattern excludes the line).  0 allowed, 1 not
 * with the reason in WHY, which may also be "key not allowed for principal
 * alice".  PRINCIPAL NULL is allowed nothing.  A NULL NAMESPACE passes
 * no namespaces= restriction, here and in pg_signers_find.
 */
int pg_signers_principal_allowed(const struct pg_signers *s, const struct pg_pubkey *key,
				 const char *principal, const char *namespace,
				 time_t when, struct pg_buf *why);

#endif
