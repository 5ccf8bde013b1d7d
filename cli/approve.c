/*
 * pushgate approve: a reviewer, in a clone, signs an approval of one exact
 * commit with their SSH key and adds it to refs/notes/approvals.
 *
 * The signature is made by ssh-keygen -Y sign (gpg.ssh.program, as git
 * uses it), so keys in ssh-agent or on a PKCS#11 token work and pushgate
 * never reads a private key.  With --push, the remote's approvals are fetched and merged
 * (cat_sort_uniq: each approval is a line of its own) before pushing, and
 * again when someone else pushed in between.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <git2.h>

#include "approval.h"
#include "cli.h"
#include "error.h"
#include "escape.h"
#include "gitinit.h"
#include "sshsig.h"
#include "update.h"

extern char **environ;

static const char usage[] =
	"usage: pushgate approve [--key FILE] [--push REMOTE] [COMMIT]\n"
	"  COMMIT defaults to HEAD; FILE to git config user.signingKey\n";

#define FETCHED_REF "refs/notes/pushgate-fetched"
#define PUSH_TRIES 3

/*
 * Run ARGV (stdio inherited, but stdout dropped when QUIET); its exit
 * status, or -1 when it did not run.
 */
static int run_git(char *const argv[], int quiet)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status, rc;

	posix_spawn_file_actions_init(&fa);
	if (quiet)
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);

	if (rc != 0) {
		fprintf(stderr, "pushgate approve: cannot run %s: %s\n", argv[0], strerror(rc));
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * Sign MSG with ssh-keygen -Y sign -f KEY, the signature to SIG.  Its
 * stderr is the reviewer's to see (a passphrase or touch prompt, an error).
 */
static int sign(struct pg_buf *sig, const char *program, const char *key, const struct pg_buf *msg)
{
	int in[2], out[2], status;
	posix_spawn_file_actions_t fa;
	char *argv[] = { (char *)program, "-Y", "sign", "-q", "-n", PG_APPROVAL_NAMESPACE, "-f",
			 (char *)key, NULL };
	char chunk[4096];
	ssize_t got;
	pid_t pid;
	int rc;

	if (pipe(in) < 0 || pipe(out) < 0) {
		pg_error_set("pipe: %s", strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_addclose(&fa, in[1]);
	posix_spawn_file_actions_addclose(&fa, out[0]);
	rc = posix_spawnp(&pid, program, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(out[1]);
	if (rc != 0) {
		close(in[1]);
		close(out[0]);
		pg_error_set("cannot run %s: %s", program, strerror(rc));
		return -1;
	}
	/* A few dozen bytes: the pipe takes them before ssh-keygen reads. */
	if (write(in[1], msg->ptr, msg->len) != (ssize_t)msg->len)
		rc = -1;
	close(in[1]);
	while ((got = read(out[0], chunk, sizeof(chunk))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		pg_buf_put(sig, chunk, (size_t)got);
	}
	close(out[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			break;
	if (rc != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		pg_error_set("%s -Y sign -f %s failed", program, key);
		return -1;
	}
	return 0;
}

/* The key: --key, else user.signingKey, as git's ssh signing finds it. */
static char *find_key(git_repository *repo, const char *given, char **program)
{
	git_config *cfg = NULL;
	git_buf val = { 0 };
	char *key = NULL;

	*program = NULL;
	if (git_repository_config_snapshot(&cfg, repo) == 0) {
		if (git_config_get_string_buf(&val, cfg, "gpg.ssh.program") == 0)
			*program = pg_xstrdup(val.ptr);
		git_buf_dispose(&val);
		if (!given && git_config_get_path(&val, cfg, "user.signingkey") == 0)
			key = pg_xstrdup(val.ptr);
		git_buf_dispose(&val);
		git_config_free(cfg);
	}
	if (!*program)
		*program = pg_xstrdup("ssh-keygen");
	if (given)
		key = pg_xstrdup(given);
	return key;
}

/* Add LINE to the note of COMMIT, committed by WHO; 1 when it was there already. */
static int store(git_repository *repo, const git_oid *commit, const struct pg_buf *line,
		 const git_signature *who)
{
	struct pg_buf text = PG_BUF_INIT;
	git_note *note = NULL;
	git_oid noid;
	int rc = git_note_read(&note, repo, PG_APPROVALS_REF, commit);

	if (rc == 0) {
		const char *old = git_note_message(note);

		if (strstr(old, line->ptr)) {
			git_note_free(note);
			return 1;
		}
		pg_buf_puts(&text, old);
		if (text.len && text.ptr[text.len - 1] != '\n')
			pg_buf_putc(&text, '\n');
		git_note_free(note);
	} else if (rc != GIT_ENOTFOUND) {
		pg_error_set("%s: %s", PG_APPROVALS_REF, git_error_last()->message);
		return -1;
	}
	pg_buf_put(&text, line->ptr, line->len);
	rc = git_note_create(&noid, repo, PG_APPROVALS_REF, who, who, commit, text.ptr, 1);
	pg_buf_free(&text);
	if (rc < 0) {
		pg_error_set("%s: %s", PG_APPROVALS_REF, git_error_last()->message);
		return -1;
	}
	return 0;
}

/* Fetch REMOTE's approvals and merge them into ours; 0 also when it has none. */
static int merge_remote(const char *remote)
{
	char *ls[] = { "git", "ls-remote", "--exit-code", (char *)remote, PG_APPROVALS_REF, NULL };
	char *fetch[] = { "git", "fetch", "-q", (char *)remote,
			  "+" PG_APPROVALS_REF ":" FETCHED_REF, NULL };
	char *merge[] = { "git", "notes", "--ref=" PG_APPROVALS_REF, "merge", "-q", "-s",
			  "cat_sort_uniq", FETCHED_REF, NULL };
	char *drop[] = { "git", "update-ref", "-d", FETCHED_REF, NULL };
	int rc = run_git(ls, 1);

	if (rc == 2)
		return 0;	/* the remote has no approvals yet */
	if (rc != 0 || run_git(fetch, 0) != 0)
		return -1;
	rc = run_git(merge, 0) == 0 ? 0 : -1;
	run_git(drop, 1);
	return rc;
}

static int publish(const char *remote)
{
	char *push[] = { "git", "push", "-q", (char *)remote,
			 PG_APPROVALS_REF ":" PG_APPROVALS_REF, NULL };

	for (int i = 0; i < PUSH_TRIES; i++) {
		if (merge_remote(remote) < 0) {
			fprintf(stderr, "pushgate approve: cannot merge the approvals of %s\n", remote);
			return -1;
		}
		if (run_git(push, 0) == 0)
			return 0;
		/* Someone pushed approvals in between: merge theirs, try again. */
	}
	fprintf(stderr, "pushgate approve: %s did not take the approvals after %d tries\n",
		remote, PUSH_TRIES);
	return -1;
}

int pg_cmd_approve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "push", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	const char *given_key = NULL, *remote = NULL, *rev = "HEAD";
	struct pg_buf msg = PG_BUF_INIT, sig = PG_BUF_INIT, line = PG_BUF_INIT, fp = PG_BUF_INIT;
	struct pg_buf subject = PG_BUF_INIT;
	git_repository *repo = NULL;
	git_signature *who = NULL;
	git_object *obj = NULL;
	git_commit *commit = NULL;
	struct pg_sshsig parsed;
	char *key = NULL, *program = NULL;
	char hex[PG_HEX_MAX + 1];
	int c, rc = PG_EXIT_USAGE, stored;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'k') {
			given_key = optarg;
		} else if (c == 'p') {
			remote = optarg;
		} else {
			fputs(usage, stderr);
			return PG_EXIT_USAGE;
		}
	}
	if (optind < argc)
		rev = argv[optind++];
	if (optind < argc) {
		fputs(usage, stderr);
		return PG_EXIT_USAGE;
	}
	pg_git_init();
	if (git_repository_open_ext(&repo, ".", 0, NULL) < 0) {
		fprintf(stderr, "pushgate approve: not in a git repository: %s\n",
			git_error_last()->message);
		goto out;
	}
	if (git_revparse_single(&obj, repo, rev) < 0 ||
	    git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT) < 0) {
		fprintf(stderr, "pushgate approve: %s is not a commit: %s\n", rev,
			git_error_last()->message);
		goto out;
	}
	/* The note is a commit: know who makes it before asking for a signature. */
	if (git_signature_default(&who, repo) < 0) {
		fprintf(stderr, "pushgate approve: who are you? git config user.name and "
			"user.email first (%s)\n", git_error_last()->message);
		goto out;
	}
	key = find_key(repo, given_key, &program);
	if (!key) {
		fprintf(stderr, "pushgate approve: which key? pass --key ~/.ssh/id_ed25519.pub, or "
			"git config user.signingKey ~/.ssh/id_ed25519.pub\n");
		goto out;
	}
	pg_approval_message(&msg, git_commit_id(commit));
	if (sign(&sig, program, key, &msg) < 0 ||
	    pg_approval_line(&line, git_commit_id(commit), sig.ptr, sig.len) < 0 ||
	    pg_sshsig_parse_armored(&parsed, sig.ptr, sig.len) < 0 ||
	    pg_sshsig_verify(&parsed, PG_APPROVAL_NAMESPACE, msg.ptr, msg.len) < 0) {
		fprintf(stderr, "pushgate approve: %s\n", pg_error_last());
		goto out;
	}
	stored = store(repo, git_commit_id(commit), &line, who);
	if (stored < 0) {
		fprintf(stderr, "pushgate approve: %s\n", pg_error_last());
		goto out;
	}
	git_oid_tostr(hex, sizeof(hex), git_commit_id(commit));
	pg_pubkey_fingerprint(&fp, &parsed.key);
	pg_escape_put(&subject, git_commit_summary(commit) ? git_commit_summary(commit) : "",
		      strlen(git_commit_summary(commit) ? git_commit_summary(commit) : ""));
	printf("%s %.7s \"%s\" with %s\n", stored ? "already approved" : "approved", hex,
	       subject.ptr ? subject.ptr : "", fp.ptr);
	if (remote) {
		if (publish(remote) < 0) {
			rc = PG_EXIT_NO;
			goto out;
		}
		printf("pushed %s to %s\n", PG_APPROVALS_REF, remote);
	} else {
		printf("publish it: git push origin %s (or pushgate approve --push origin)\n",
		       PG_APPROVALS_REF);
	}
	rc = PG_EXIT_OK;
out:
	free(key);
	free(program);
	pg_buf_free(&msg);
	pg_buf_free(&sig);
	pg_buf_free(&line);
	pg_buf_free(&fp);
	pg_buf_free(&subject);
	git_signature_free(who);
	git_commit_free(commit);
	git_object_free(obj);
	git_repository_free(repo);
	pg_git_shutdown();
	return rc;
}
