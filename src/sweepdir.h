/* sweepdir.h: the sweep directory, where a sweep keeps its runs and
 * assembles its results.
 *
 * Files of a sweep directory DIR:
 *   DIR/{layers,train,hist,predictions,runs,timing}.csv
 *                             the assembled results, in plan order
 *   DIR/experiment.ini        a copy of the experiment file
 *   DIR/manifest              versions, command line, start time
 *   DIR/.runs/plan            the full plan: one run_id a line
 *   DIR/.runs/shard           "K/N" of this directory
 *   DIR/.runs/.lock           held (flock) by the one sweep or merge writing DIR
 *   DIR/.runs/<run_id>/       the rows of one finished run
 * A run writes its rows into DIR/.runs/.tmp.<run_id>.<pid>/ and renames that
 * directory when complete: a run directory exists only for a finished run,
 * which is how --resume knows what not to compute again.  Shard directories
 * of one plan merge into a directory byte-identical to the unsharded sweep
 * (manifest and timing.csv aside). */
#ifndef VG_SWEEPDIR_H
#define VG_SWEEPDIR_H

#include "experiment.h"
#include "train.h" /* run_status */
#include "vg.h"

/* Makes DIR/.runs and locks it (*lock_fd holds the lock until closed; -1
 * where the file system has no locks), then writes the plan, the shard and
 * the experiment file's copy into a new directory, or, with resume, checks
 * that an existing one holds the same plan and shard; and removes the run
 * directories a killed worker left half-written.  VG_EUSAGE for a directory
 * of other results, another sweep's directory (or one being written), or a
 * resume of a different plan. */
int sweepdir_open(const char *dir, const experiment *e, int shard_k, int shard_n, int resume,
                  int *lock_fd, vg_error *err);

/* Removes what a killed sweep or worker left: the temporary run
 * directories in DIR/.runs and the temporary twins of DIR's files.  Only
 * for the holder of DIR's lock. */
void sweepdir_remove_partial(const char *dir);

/* 1 when plan entry run_id has finished in dir. */
int sweepdir_has_run(const char *dir, const char *run_id);

/* Runs plan entry i into DIR/.runs/<run_id>/ (DIR/.runs must exist),
 * through DIR/.runs/.tmp.<run_id>.<pid>/ renamed when complete.  Returns
 * VG_OK when the run's directory was written: *status says how the run
 * ended, and a failed run's reason is in its runs.csv row and in err.
 * VG_EFAIL when the directory could not be written (err says why). */
int sweepdir_run_one(const experiment *e, int i, const char *dir, run_status *status,
                     vg_error *err);

/* Writes dir's result files from the finished runs of this shard, in plan
 * order, and its manifest (naming command_line). */
int sweepdir_finish(const char *dir, const experiment *e, int shard_k, int shard_n,
                    const char *command_line, vg_error *err);

/* Combines shard directories into out, a new directory, byte-identical to
 * the unsharded sweep (manifest and timing.csv aside).  VG_EUSAGE when the
 * directories are not all the shards of one plan, or a run has not
 * finished. */
int sweepdir_merge(const char *out, char **dirs, int n_dirs, vg_error *err);

#endif
