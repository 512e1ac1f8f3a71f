/* sweep.h: experiment files and grids of runs.
 *
 * An experiment file is INI (read with inih):
 *
 *   [experiment]          name, description
 *   [run]                 key = value: the base configuration (keys of vgrad run)
 *   [sweep]               key = v1, v2, ...: lists whose Cartesian product is the grid
 *   [sweep.NAME]          more grids, each [sweep] plus its own lists; the runs
 *                         of all grids are unioned (a configuration met twice runs once)
 *   [quick]               key = value or list: overrides applied by --quick (a
 *                         small version of the experiment, for CI and trying out)
 *
 * A list is comma-separated; integers also take ranges a..b and a..b..step;
 * values that hold commas themselves (widths) are separated by '|'.  The
 * runs are ordered grid by grid, and within a grid by the keys in the order
 * the file gives them, the last key varying fastest.  That order (the plan)
 * fixes the order of rows in every output file. */
#ifndef VG_SWEEP_H
#define VG_SWEEP_H

#include "config.h"
#include "train.h" /* run_status */
#include "vg.h"

typedef struct {
    int key;            /* key_table index */
    char **values;      /* owned */
    int n_values;
    int line;           /* line in the file; 0 for the command line */
} sweep_axis;

typedef struct {
    char name[64];      /* "" for [sweep] itself */
    sweep_axis *axes;
    int n_axes;
} sweep_grid;

typedef struct {
    int grid;           /* which grid */
    int *choice;        /* value index per axis of that grid (owned) */
    char run_id[17];
} sweep_point;

typedef struct {
    char path[VG_PATH_MAX];
    char name[128];
    char description[1024];
    sweep_axis *base;   /* [run] and single-valued overrides, one value each */
    int n_base;
    sweep_grid *grids;
    int n_grids;
    sweep_point *points;  /* the plan, after experiment_expand */
    int n_points;
    char **quick;         /* [quick] entries as key=value, and their lines */
    int *quick_line;
    int n_quick;
    int test_columns;     /* some run has a test split */
    size_t max_run_bytes; /* memory of the largest run */
} experiment;

/* Reads FILE, applies its [quick] overrides when quick, then the
 * command-line overrides (key=value, where value may be a list: it then
 * replaces that key's list in every grid; one value replaces it everywhere).
 * VG_EUSAGE with file:line: key for any unknown section or key. */
int experiment_load(experiment *e, const char *path, char **overrides, int n_overrides,
                    int quick, vg_error *err);

/* Resolves and validates every grid point, computes run_ids, drops
 * repeated configurations, and checks each distinct csv data file once.
 * An error names the file, the line and the key of the offending value. */
int experiment_expand(experiment *e, vg_error *err);

/* The resolved configuration of plan entry i. */
int experiment_config(const experiment *e, int i, vg_config *cfg, vg_error *err);

void experiment_free(experiment *e);

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
} sweep_summary;

/* The output directory: out= from the command line or [run], else
 * results/<name>. */
const char *experiment_out(const experiment *e);

/* Runs the plan (or this shard of it) into experiment_out(e).  Returns
 * VG_OK when every run finished (diverged runs included), VG_EFAIL when some
 * failed (recorded in runs.csv), VG_EUSAGE for bad usage. */
int sweep_run(const experiment *e, const sweep_options *o, sweep_summary *s, vg_error *err);

/* Runs plan entry i into DIR/.runs/<run_id>/ (DIR/.runs must exist),
 * through DIR/.runs/.tmp.<run_id>.<pid>/ renamed when complete.  Returns
 * VG_OK when the run's directory was written: *status says how the run
 * ended, and a failed run's reason is in its runs.csv row and in err.
 * VG_EFAIL when the directory could not be written (err says why). */
int sweep_run_one(const experiment *e, int i, const char *dir, run_status *status,
                  vg_error *err);

/* Combines shard directories into out, byte-identical to the unsharded
 * sweep (manifest and timing.csv aside). */
int sweep_merge(const char *out, char **dirs, int n_dirs, vg_error *err);

#endif
