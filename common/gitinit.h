/*
 * Starting libgit2 the way a hook needs it: quickly, and with only the
 * options a hook wants.  Call pg_git_init once before any other libgit2 call
 * and pg_git_shutdown once at the end.
 */
#ifndef PG_GITINIT_H
#define PG_GITINIT_H

void pg_git_init(void);
void pg_git_shutdown(void);

#endif
