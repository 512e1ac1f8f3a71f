/* run.h: `vgrad run`: one configuration, seven CSV files.
 *
 * Output directory cfg->out receives the files of VG_RUN_FILES below:
 * layers.csv, train.csv, hist.csv, time.csv (its header only but for the
 * recurrent models), predictions.csv (its header only unless
 * save_predictions), runs.csv and timing.csv; a sweep's run directories and
 * assembled results hold the same seven.  Every file is written under a
 * temporary name and renamed only when the run has finished, so a directory
 * never holds a truncated file.  Bad input fails before the directory is
 * created. */
#ifndef VG_RUN_H
#define VG_RUN_H

#include "config.h"
#include "csvio.h"
#include "train.h"

/* The result files of a run, in the order they are opened and assembled:
 * X(ID, file name) gives F_ID, an index of run_file_names. */
#define VG_RUN_FILES(X)                 \
    X(LAYERS, "layers.csv")             \
    X(TRAIN, "train.csv")               \
    X(HIST, "hist.csv")                 \
    X(TIME, "time.csv")                 \
    X(PREDICTIONS, "predictions.csv")   \
    X(RUNS, "runs.csv")                 \
    X(TIMING, "timing.csv")

enum {
#define X(id, name) F_##id,
    VG_RUN_FILES(X)
#undef X
    F_COUNT
};
extern const char *const run_file_names[F_COUNT];

/* runs.csv: run_id, every key of the key table, then the outcome. */
void runs_header(csv_out *o);
void runs_row(csv_out *o, const vg_config *cfg, const char *run_id, const run_result *res);

/* timing.csv: wall-clock figures, kept apart so the other files are
 * byte-identical when a configuration runs again. */
void timing_header(csv_out *o);
void timing_row(csv_out *o, const char *run_id, double setup_seconds, const run_result *res);

/* Runs cfg (resolved).  On success res holds the outcome (which may be a
 * divergence).  VG_EUSAGE: bad input, nothing written; VG_EFAIL: failed
 * run or write, no file left under a final name. */
int run_single(const vg_config *cfg, run_result *res, vg_error *err);

#endif
