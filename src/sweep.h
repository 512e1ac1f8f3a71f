/* sweep.h: `vgrad sweep`: an experiment's plan (experiment.h), or one shard
 * of it, run on a pool of worker processes (pool.h) into a sweep directory
 * (sweepdir.h), whose result files are then assembled in plan order.
 * Progress goes to a callback; the library prints nothing. */
#ifndef VG_SWEEP_H
#define VG_SWEEP_H

#include "experiment.h"
#include "vg.h"

/* How far a sweep's workers are, for a progress display. */
typedef struct {
    int done, total, failed;  /* runs of this sweep's to-do list */
    double seconds;           /* since the workers started */
    int final;                /* 1 for the last report, after every worker ended */
} sweep_progress;

typedef struct {
    int jobs;            /* worker processes */
    int shard_k, shard_n;/* run only plan entries with index % n == k - 1 */
    int resume;
    const char *command_line;
    /* Called (when not NULL) about every 20 ms while the workers run, and
     * once more with final set; the library itself prints nothing. */
    void (*progress)(const sweep_progress *p, void *user);
    void *progress_user;
} sweep_options;

typedef struct {
    int total, done, failed, diverged, skipped;  /* skipped: already finished (resume) */
    int interrupted;   /* SIGINT or SIGTERM stopped the sweep (pool.h); 0 when none did */
} sweep_summary;

/* Runs the plan (or this shard of it) into experiment_out(e).  Returns
 * VG_OK when every run finished (diverged runs included), VG_EFAIL when some
 * failed (recorded in runs.csv) or could not be written, VG_EUSAGE for bad
 * usage (-j beyond the machine's memory, a directory of other results).
 * SIGINT or SIGTERM while the runs run stops the sweep: the runs in
 * progress are abandoned and removed, the result files are not assembled,
 * s->interrupted is the signal and VG_EFAIL is returned; --resume
 * finishes the sweep.  (A signal while the directory is prepared or the
 * results assembled ends the process as usual: every file is atomic, and
 * --resume removes the temporaries.) */
int sweep_run(const experiment *e, const sweep_options *o, sweep_summary *s, vg_error *err);

#endif
