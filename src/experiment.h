/* experiment.h: experiment files and the plan of runs they expand to.
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
 * values that hold commas themselves (widths, idx:IMAGES,LABELS) are
 * separated by '|'.  The runs are ordered grid by grid, and within a grid by
 * the keys in the order the file gives them, the last key varying fastest.
 * That order (the plan) fixes the order of rows in every output file.
 *
 * experiment_load reads the file and applies the overrides;
 * experiment_expand resolves every grid point into a configuration and a
 * run_id, drops repeats, reads each data file of the plan once and sizes
 * the largest run.  Each returns VG_OK, VG_EUSAGE for bad input (its
 * message names FILE:LINE and the key) or VG_EFAIL when out of memory; an
 * experiment owns all its memory, and experiment_free releases it (after a
 * failure too).  The experiment_* functions read files but write none. */
#ifndef VG_EXPERIMENT_H
#define VG_EXPERIMENT_H

#include <stddef.h>

#include "config.h"
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
    int *choice;        /* value index per axis of that grid (in choice_block) */
    char run_id[17];
    char from_files;    /* its dataset is read from files (csv:, idx:, a file row) */
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
    int *choice_block;    /* every point's choices, one allocation */
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

/* The output directory: out= from the command line or [run], else
 * results/<name>. */
const char *experiment_out(const experiment *e);

#endif
