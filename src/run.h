/* run.h: `vgrad run`: one configuration, four CSV files.
 *
 * Output directory cfg->out receives layers.csv, train.csv, runs.csv and
 * timing.csv.  Every file is written under a temporary name and renamed only
 * when the run has finished, so a directory never holds a truncated file.
 * Bad input fails before the directory is created. */
#ifndef VG_RUN_H
#define VG_RUN_H

#include "config.h"
#include "csvio.h"
#include "train.h"

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
