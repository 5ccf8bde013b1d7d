/*
 * Why the stat() below exists: Debian 12's libgit2 1.5 is built with mbedTLS, and
 * git_libgit2_init() parses the whole system CA bundle
 * (/etc/ssl/certs/ca-certificates.crt, about 140 certificates) in case a
 * TLS connection is made later.  Measured with callgrind, that is 84% of
 * the instructions of a program that only initialises libgit2, about 10 ms
 * per process, and each push runs up to three hooks.  A hook never opens a
 * network connection through libgit2, so the bundle is useless here.
 *
 * libgit2 only loads the bundle when stat() says it is a regular file or a
 * directory.  We define stat() in the executable, which the dynamic linker
 * lets take precedence over libc's (ordinary ELF symbol interposition), and
 * while git_libgit2_init() runs it answers ENOENT for paths under the TLS
 * certificate directories; every other call, and every call outside init,
 * is passed to libc's fstatat() unchanged.  If a future libgit2 loads its
 * certificates differently, this stops saving time and changes nothing else.
 */
#include "gitinit.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include <git2.h>
#include <openssl/crypto.h>

static int hide_tls_certificates;

static int is_tls_certificate_path(const char *path)
{
	static const char *const dirs[] = { "/etc/ssl/", "/usr/lib/ssl/", "/etc/pki/" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (!strncmp(path, dirs[i], strlen(dirs[i])))
			return 1;
	return 0;
}

int stat(const char *restrict path, struct stat *restrict st)
{
	if (hide_tls_certificates && is_tls_certificate_path(path)) {
		errno = ENOENT;
		return -1;
	}
	return fstatat(AT_FDCWD, path, st, 0);
}

void pg_git_init(void)
{
	/*
	 * libgit2 starts libssh2, which starts OpenSSL asking for its error
	 * strings: 0.9 million instructions of hash-table inserts, a third of
	 * a hook's start-up.  Hooks print no OpenSSL error text, and OpenSSL
	 * lets the first caller decline them (OPENSSL_init_crypto(3)).
	 */
	OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS, NULL);
	hide_tls_certificates = 1;
	git_libgit2_init();
	hide_tls_certificates = 0;

	/* Objects a push brings were hashed by index-pack already. */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	/* git itself checked the repository's owner before running the hook. */
	git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
	/*
	 * No object cache: the commit walk keeps the trees it needs itself
	 * (treecache.c).  libgit2's cache grows with history (440 MB over
	 * git.git) or, capped, spends its time evicting: measured on 50,000
	 * commits, 7.5 s with a 32 MB cap against 2.6 s without any cache.
	 */
	git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
}

int pg_git_open(git_repository **out, const char *git_dir)
{
	if (git_dir)
		return git_repository_open_ext(out, git_dir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	return git_repository_open_ext(out, NULL, GIT_REPOSITORY_OPEN_FROM_ENV, NULL);
}

void pg_git_shutdown(void)
{
	git_libgit2_shutdown();
}

int pg_git_odb(git_odb **out, git_repository *repo)
{
	if (git_repository_odb(out, repo) < 0) {
		const git_error *e = git_error_last();

		pg_error_set("cannot open the object database: %s", e && e->message ? e->message : "?");
		return -1;
	}
	return 0;
}
