/*
 * Starting libgit2 the way a hook needs it: quickly, and with only the
 * options a hook wants.  Call pg_git_init once before any other libgit2 call
 * and pg_git_shutdown once at the end.
 */
#ifndef PG_GITINIT_H
#define PG_GITINIT_H

#include <git2.h>

void pg_git_init(void);
void pg_git_shutdown(void);

/*
 * Open the repository GIT_DIR, or with GIT_DIR NULL the one git's hook
 * environment names (GIT_DIR, and in pre-receive the quarantine through
 * GIT_OBJECT_DIRECTORY and its alternates).  0, or a libgit2 error code.
 */
int pg_git_open(git_repository **out, const char *git_dir);

/* REPO's object database into *OUT: 0, or -1 with the error set (error.h). */
int pg_git_odb(git_odb **out, git_repository *repo);

#endif
