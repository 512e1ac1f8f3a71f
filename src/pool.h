/* pool.h: a pool of worker processes that runs tasks 0..n-1.
 *
 * Each worker is a fork of the caller: it takes the next task index from a
 * counter in shared memory, calls the task function, and counts the
 * outcome that function returns.  The caller waits for the workers and
 * hears about their progress every 20 ms or so.  A worker ends with the
 * caller, even one killed by SIGKILL (Linux's PR_SET_PDEATHSIG; elsewhere
 * before its next task), so tasks must leave their work in a state a
 * later run can redo.  Workers share nothing but the counts: a task's
 * results go to files. */
#ifndef VG_POOL_H
#define VG_POOL_H

#include <stddef.h>

#include "vg.h"

enum { POOL_OUTCOMES = 4 };

typedef struct {
    int total;                   /* tasks */
    int done;                    /* tasks finished */
    int outcome[POOL_OUTCOMES];  /* finished tasks by the outcome their function returned */
    int messages;                /* tasks that left a message */
    char message[512];           /* the first of them (complete only after pool_run) */
    int worker_died;             /* a worker ended by a signal or a non-zero exit */
    int interrupted;             /* SIGINT or SIGTERM stopped the pool; 0 when none did */
    double seconds;              /* since the workers started */
} pool_status;

/* Runs task k in a worker; returns its outcome, 0 <= outcome <
 * POOL_OUTCOMES, and may write a one-line message for the caller (for a
 * failure it must hear of); message is "" on entry. */
typedef int (*pool_task)(int k, void *user, char *message, size_t size);

/* Called in the caller's process while the workers run, and once more
 * with final = 1 after they all ended. */
typedef void (*pool_report)(const pool_status *s, int final, void *user);

/* Runs tasks 0..n-1 on min(jobs, n) workers; report may be NULL.  VG_OK
 * when the workers have ended (*s says how the tasks went, a dead worker
 * included); VG_EFAIL when no worker could start.
 *
 * SIGINT and SIGTERM: while the workers run, the caller catches them (the
 * workers ignore them: a terminal's Ctrl-C reaches the whole process
 * group) and stops the pool: no task starts after the signal, the tasks
 * in progress are abandoned (their workers killed with SIGKILL, so that a
 * batch system's grace period is not spent on them), and pool_run returns
 * VG_OK with s->interrupted set to the signal.  The caller's handlers are
 * restored before it returns.  A signal the caller ignores (SIGINT in a
 * job a script started in the background, nohup) stays ignored.  Tasks must therefore leave nothing that a
 * later run could take for finished work (sweepdir.h's temporary run
 * directories). */
int pool_run(int n, int jobs, pool_task task, void *task_user, pool_report report,
             void *report_user, pool_status *s, vg_error *err);

#endif
