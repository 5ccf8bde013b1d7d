/*
 * One INI file, read through inih, told line by line.
 *
 * inih calls back once per "key = value" and never for a section header,
 * but a section with no keys means something to pushgate (the classic
 * protected branch), and inih's line numbers are a Debian-only extension.
 * So inih is fed through our own line reader: it counts lines, sees every
 * header, and reports each line inih would reject at its own line, where
 * inih would only give the first error's.  It knows nothing of the schema.
 *
 * Files are read whole (at most 1 MiB), and refused when anyone but their
 * owner may write them or replace them (see check_permissions).
 */
#ifndef PG_INIFILE_H
#define PG_INIFILE_H

#include <stddef.h>

#define PG_INI_MAX_LINE 4096	/* bytes of text per line */

struct pg_ini_handler {
	/* A "[NAME]" line; NAME is what stands between the brackets. */
	void (*section)(void *ctx, int line, const char *name, size_t len);
	/*
	 * "name = value"; continuation is 1 for an indented line that inih
	 * reads as more of the previous key's value (name is that key's).
	 */
	void (*key)(void *ctx, int line, const char *name, const char *value,
		    int continuation);
	/*
	 * The previous key's value is complete: a header, another key or the
	 * end of the file follows.  Lists are checked as a whole here.
	 */
	void (*value_end)(void *ctx);
	/*
	 * A line that cannot be read (line 0: the file itself).  With
	 * lost_section, a section header was lost: the keys up to the next
	 * header belong to no known section.  brief says it without quoting
	 * the file (for pushers); msg may quote it, but never more than the
	 * one line.
	 */
	void (*problem)(void *ctx, int line, int lost_section, const char *brief,
			const char *msg);
};

/*
 * Read PATH, calling H with CTX.  Returns 0, or -1 when the file could not
 * be read at all (problem() was told why, at line 0).  The handler may
 * call pg_ini_read again (includes).
 */
int pg_ini_read(const char *path, const struct pg_ini_handler *h, void *ctx);

/* The same over TEXT[0..LEN), text built into pushgate: no file, no permissions. */
void pg_ini_parse(const char *text, size_t len, const struct pg_ini_handler *h, void *ctx);

#endif
