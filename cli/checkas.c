/*
 * pushgate check --as USER: the files the hooks need, tried as the account
 * the hooks run as.  Run as root, check can read everything; the git user
 * may not be able to read the signing key or append to the log, and then
 * every release push fails.  So a child process becomes USER and opens
 * each file the way a hook would.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "config.h"

static int try_read(struct pg_check_out *o, const char *path, const char *what, const char *user)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		pg_check_say(o, PG_SAY_PROBLEM, path, 0, "%s is not readable by %s: %s", what, user,
			     strerror(errno));
		return 1;
	}
	close(fd);
	return 0;
}

/* The log is appended to; a log not yet there is created in its directory. */
static int try_append(struct pg_check_out *o, const char *path, const char *user)
{
	struct pg_buf dir = PG_BUF_INIT;
	const char *slash;
	int fd = open(path, O_WRONLY | O_APPEND | O_NONBLOCK | O_CLOEXEC), bad = 0;

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (errno != ENOENT) {
		pg_check_say(o, PG_SAY_PROBLEM, path, 0, "release_log cannot be appended to by %s: %s",
			     user, strerror(errno));
		return 1;
	}
	slash = strrchr(path, '/');
	pg_buf_put(&dir, path, slash ? (size_t)(slash - path) + (slash == path) : 1);
	if (!slash)
		pg_buf_reset(&dir), pg_buf_puts(&dir, ".");
	if (access(dir.ptr, W_OK | X_OK) < 0) {
		pg_check_say(o, PG_SAY_PROBLEM, path, 0, "release_log cannot be created by %s in %s: %s",
			     user, dir.ptr, strerror(errno));
		bad = 1;
	}
	pg_buf_free(&dir);
	return bad;
}

static int child_checks(struct pg_check_out *o, const struct pg_config *cfg, const char *user)
{
	int bad = 0;

	for (size_t i = 0; i < cfg->nfiles; i++)
		bad += try_read(o, cfg->files[i], "the policy", user);
	if (cfg->signers.value)
		bad += try_read(o, cfg->signers.value, "signers", user);
	if (cfg->signing_key.value)
		bad += try_read(o, cfg->signing_key.value, "signing_key", user);
	if (cfg->log_signers.value)
		bad += try_read(o, cfg->log_signers.value, "log_signers", user);
	if (cfg->replica.key.value)
		bad += try_read(o, cfg->replica.key.value, "the replica key", user);
	if (cfg->replica.known_hosts.value)
		bad += try_read(o, cfg->replica.known_hosts.value, "known_hosts", user);
	if (cfg->release_log.value)
		bad += try_append(o, cfg->release_log.value, user);
	return bad;
}

const char *pg_check_default_user(const struct pg_config *cfg)
{
	struct stat st;
	const struct passwd *pw;

	if (geteuid() != 0 || !cfg->repos_root || stat(cfg->repos_root, &st) < 0 || st.st_uid == 0)
		return NULL;
	pw = getpwuid(st.st_uid);
	return pw ? pw->pw_name : NULL;
}

int pg_check_as(const struct pg_config *cfg, const char *user, struct pg_check_out *o)
{
	const struct passwd *pw = getpwnam(user);
	struct pg_buf said = PG_BUF_INIT;
	int status, fds[2] = { -1, -1 };
	char chunk[4096];
	ssize_t got;
	pid_t pid;

	if (!pw) {
		pg_check_say(o, PG_SAY_PROBLEM, NULL, 0, "--as %s: no such user", user);
		return -1;
	}
	if (geteuid() != 0 && geteuid() != pw->pw_uid) {
		pg_check_say(o, PG_SAY_PROBLEM, NULL, 0, "--as %s needs root", user);
		return -1;
	}
	/* With JSON, what the child finds comes back through a pipe. */
	if (o->json && pipe(fds) < 0) {
		pg_check_say(o, PG_SAY_PROBLEM, NULL, 0, "cannot make a pipe: %s", strerror(errno));
		return -1;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		pg_check_say(o, PG_SAY_PROBLEM, NULL, 0, "cannot fork: %s", strerror(errno));
		if (fds[0] >= 0) {
			close(fds[0]);
			close(fds[1]);
		}
		return -1;
	}
	if (pid == 0) {
		int bad = 2;

		if (fds[0] >= 0)
			close(fds[0]);
		/* Groups first, then the gid, then the uid: after setuid nothing else may change. */
		if (geteuid() == 0 &&
		    (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
		     setuid(pw->pw_uid) < 0 || (pw->pw_uid != 0 && setuid(0) == 0)))
			pg_check_say(o, PG_SAY_PROBLEM, NULL, 0, "cannot become %s: %s", user,
				     strerror(errno));
		else
			bad = child_checks(o, cfg, user) ? 1 : 0;
		if (fds[1] >= 0)
			pg_check_out_send(o, fds[1]);
		fflush(stdout);
		_exit(bad);
	}
	if (fds[1] >= 0) {
		close(fds[1]);
		while ((got = read(fds[0], chunk, sizeof(chunk))) != 0) {
			if (got < 0 && errno == EINTR)
				continue;
			if (got < 0)
				break;
			pg_buf_put(&said, chunk, (size_t)got);
		}
		close(fds[0]);
		pg_check_out_receive(o, said.ptr ? said.ptr : "", said.len);
		pg_buf_free(&said);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) == 2)
		return -1;
	return WEXITSTATUS(status);
}
