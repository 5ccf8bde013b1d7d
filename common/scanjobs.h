/*
 * `pushgate scan` over several processes.  The history, oldest first, is
 * cut into consecutive runs of commits, one per job; each job scans its
 * run as if it were the whole history (content.c), and what a later job
 * finds again (a file its first commit still has) is dropped in favour of
 * the earlier job's finding, so the result is what one job would print.
 * Processes, not threads: libgit2 1.5 serialises the pack reads of all
 * threads of a process behind one lock (docs/performance.md).
 */
#ifndef PG_SCANJOBS_H
#define PG_SCANJOBS_H

#include <git2.h>

#include "config.h"
#include "content.h"

/*
 * Every commit WALK yields, in its order, scanned by at most JOBS
 * processes (this one among them) with the compiled [secrets] of CFG;
 * each finding passed once to FN, in the order of the commits.  STATS
 * adds up what every job read.  0, or -1 (pg_error_set).
 */
int pg_scan_jobs(git_repository *repo, const struct pg_config *cfg, git_revwalk *walk, int jobs,
		 int (*fn)(const struct pg_secret_finding *f, void *arg), void *arg,
		 struct pg_scan_stats *stats);

#endif
