/* sweep.c: `vgrad sweep`: the memory check, the sweep directory, the runs
 * still to do on the worker pool, and the assembled results. */
#include "sweep.h"

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pool.h"
#include "sweepdir.h"

typedef struct {
    const experiment *e;
    const char *dir;
    const int *todo;    /* plan entries to run, by task */
    const sweep_options *o;
} sweep_job;

/* The outcome of a run that did not finish (out of memory, a failed write):
 * it is not recorded, and --resume runs it again. */
enum { RUN_NOT_DONE = RUN_FAILED + 1 };

/* A pool task: one plan entry; its outcome is its run_status, or
 * RUN_NOT_DONE with the reason in message. */
static int run_task(int k, void *user, char *message, size_t size)
{
    const sweep_job *job = user;
    run_status status;
    vg_error err = {0, ""};
    if (sweepdir_run_one(job->e, job->todo[k], job->dir, &status, &err) != VG_OK) {
        snprintf(message, size, "%s", err.msg);
        return RUN_NOT_DONE;
    }
    return (int)status;
}

static void report(const pool_status *s, int final, void *user)
{
    const sweep_job *job = user;
    sweep_progress p = {s->done, s->total, s->outcome[RUN_FAILED], s->seconds, final};
    job->o->progress(&p, job->o->progress_user);
}

int sweep_run(const experiment *e, const sweep_options *o, sweep_summary *s, vg_error *err)
{
    memset(s, 0, sizeof *s);
    const char *dir = experiment_out(e);
    if (strlen(dir) >= VG_PATH_MAX)
        return vg_fail(err, VG_EUSAGE, "output directory name '%s' is too long", dir);
    size_t memory = vg_physical_memory();
    double have = memory == SIZE_MAX ? 1e300 : (double)memory;   /* unknown: no limit */
    if ((double)e->max_run_bytes * o->jobs > have) {
        int fit = (int)(have / (double)(e->max_run_bytes ? e->max_run_bytes : 1));
        return vg_fail(err, VG_EUSAGE, "-j %d needs %.3g GiB (%.3g GiB per run), more than the "
                       "machine's %.3g GiB; use -j %d or less", o->jobs,
                       (double)e->max_run_bytes * o->jobs / 1073741824.0,
                       (double)e->max_run_bytes / 1073741824.0, have / 1073741824.0,
                       fit > 0 ? fit : 1);
    }
    int lock_fd;
    int rc = sweepdir_open(dir, e, o->shard_k, o->shard_n, o->resume, &lock_fd, err);
    int *todo = rc == VG_OK ? vg_malloc(((size_t)e->n_points + 1) * sizeof(int)) : NULL;
    if (rc == VG_OK && !todo) rc = vg_fail(err, VG_EFAIL, "out of memory");
    int n_todo = 0;
    for (int i = 0; rc == VG_OK && i < e->n_points; i++) {
        if (i % o->shard_n != o->shard_k - 1) continue;
        s->total++;
        if (sweepdir_has_run(dir, e->points[i].run_id)) s->skipped++;
        else todo[n_todo++] = i;
    }
    pool_status ps;
    sweep_job job = {e, dir, todo, o};
    if (rc == VG_OK)
        rc = pool_run(n_todo, o->jobs, run_task, &job, o->progress ? report : NULL, &job, &ps,
                      err);
    vg_free(todo);
    if (rc == VG_OK && ps.interrupted) {
        sweepdir_remove_partial(dir);
        if (lock_fd >= 0) close(lock_fd);
        s->interrupted = ps.interrupted;
        s->done = ps.done - ps.outcome[RUN_NOT_DONE];
        return vg_fail(err, VG_EFAIL, "interrupted by %s: %d of %d runs done, the runs in "
                       "progress abandoned (nothing half-written); vgrad sweep --resume "
                       "finishes it", ps.interrupted == SIGINT ? "SIGINT" : "SIGTERM",
                       s->skipped + s->done, s->total);
    }
    if (rc == VG_OK) {
        s->done = ps.done - ps.outcome[RUN_NOT_DONE];
        s->failed = ps.outcome[RUN_FAILED];
        s->diverged = ps.outcome[RUN_DIVERGED];
        rc = sweepdir_finish(dir, e, o->shard_k, o->shard_n, o->command_line, err);
    }
    if (lock_fd >= 0) close(lock_fd);
    if (rc != VG_OK) return rc;
    if (ps.messages)
        return vg_fail(err, VG_EFAIL, "%d of %d runs did not finish (the first: %s); run again "
                       "with --resume to finish them", ps.messages, s->total, ps.message);
    if (ps.worker_died)
        return vg_fail(err, VG_EFAIL, "a worker died; run again with --resume to finish");
    if (s->failed) return vg_fail(err, VG_EFAIL, "%d of %d runs failed (see runs.csv)",
                                  s->failed, s->total);
    return VG_OK;
}
