/*
 * pushgate check's warnings about a policy that is valid but will not do
 * what its admin most likely meant.
 */
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "config.h"
#include "identity.h"

/*
 * Who pushed, when the only answer is the unix account: on a server where
 * every pusher logs in as git@, that is "git" for all of them, and the log
 * would say so.  Warned when `unix` is the only source, or the list is
 * the default one (no source named), and no env:VAR names the pusher.
 * An explicit "gitea, unix" is taken as meant: Gitea always answers first.
 */
static int only_unix_answers(const struct pg_config *cfg)
{
	int unix_src = 0, env = 0;

	for (size_t i = 0; i < cfg->nsources; i++) {
		unix_src |= cfg->sources[i].kind == PG_SRC_UNIX;
		env |= cfg->sources[i].kind == PG_SRC_ENV;
	}
	if (!unix_src || env)
		return 0;
	return cfg->nsources == 1 || !cfg->identity_given;
}

int pg_check_warnings(const struct pg_config *cfg, const char *path, struct pg_check_out *o)
{
	struct stat st;
	const struct passwd *pw = NULL;

	if (!only_unix_answers(cfg))
		return 0;
	if (cfg->repos_root && stat(cfg->repos_root, &st) == 0)
		pw = getpwuid(st.st_uid);
	pg_check_say(o, PG_SAY_WARNING, path, 0, "%s; where pushers share one account, every "
		     "push is that account's%s%s%s",
		     cfg->identity_given
			     ? "identity = unix names the pusher by the account the hooks run as"
			     : "no [core] identity is given, so on a plain SSH server the pusher "
			       "is the account the hooks run as",
		     pw ? " (repos_root is owned by " : "", pw ? pw->pw_name : "", pw ? ")" : "");
	pg_check_say(o, PG_SAY_WARNING, path, 0, "name the source that knows the pusher: "
		     "identity = gitea (Gitea), gitolite, gitlab, http (REMOTE_USER from the web "
		     "server), or env:VAR (e.g. env:PUSHGATE_USER) set per key by an "
		     "authorized_keys forced command (see pushgate.ini(5), [core] identity)");
	return 1;
}
