/*
 * libFuzzer harness for the policy reader (common/config.c, inifile.c and
 * inih): the file is admin-written, and whatever it holds must end in
 * diagnostics, never in a crash, since the hooks fail closed on it.
 *
 * pg_config_load takes a path, so each input is written to a fresh file
 * (mkstemps, mode 0600) in a directory made once (mkdtemp, mode 0700) in
 * $TMPDIR or /tmp, and the file is removed after the run (a crash, timeout
 * or out-of-memory exit leaves the directory and that one input behind:
 * `make fuzz` points TMPDIR below build/fuzz for that reason).  Relative
 * includes and file settings resolve in that directory, which holds
 * nothing else.  Absolute paths in an input are only opened for reading
 * (the loader writes nothing).
 *
 * The contract checked: the return value against the diagnostics, and
 * every diagnostic has a message and a file name.  A valid configuration's
 * member lists are also resolved (groups of groups).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

static char dir[4096];

static void remove_dir(void)
{
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	if (!tmp || !*tmp)
		tmp = "/tmp";
	if ((size_t)snprintf(dir, sizeof(dir), "%s/pushgate-fuzz-config-XXXXXX", tmp) >=
	    sizeof(dir) - 64 || !mkdtemp(dir)) {	/* mode 0700 */
		perror("fuzz_config: mkdtemp");
		abort();
	}
	atexit(remove_dir);
	return 0;
}

static void write_all(int fd, const uint8_t *data, size_t size)
{
	while (size) {
		ssize_t n = write(fd, data, size);

		if (n <= 0) {
			perror("fuzz_config: write");
			abort();
		}
		data += n;
		size -= (size_t)n;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[sizeof(dir)];
	struct pg_config *cfg = NULL;
	int fd, rc;

	snprintf(path, sizeof(path), "%s/pushgate-XXXXXX.ini", dir);
	fd = mkstemps(path, 4);
	if (fd < 0) {
		perror("fuzz_config: mkstemps");
		abort();
	}
	write_all(fd, data, size);
	close(fd);

	rc = pg_config_load(&cfg, path);
	if (!cfg || (rc == 0) != (cfg->ndiags == 0) || (rc != 0 && rc != -1))
		abort();
	for (size_t i = 0; i < cfg->ndiags; i++)
		if (!cfg->diags[i].msg || !cfg->diags[i].file || cfg->diags[i].line < 0)
			abort();
	for (size_t i = 0; i < cfg->nrules; i++) {
		const struct pg_rule *r = &cfg->rules[i];

		if (!r->pattern || !r->file)
			abort();
		/* Member lists may only be asked about in a valid configuration. */
		if (rc == 0) {
			(void)pg_members_contains(cfg, &r->push, "alice");
			(void)pg_members_contains(cfg, &r->write, "alice");
			(void)pg_members_contains(cfg, &r->require_signed.by, "carol");
		}
	}
	pg_config_free(cfg);
	unlink(path);
	return 0;
}
