/* list.h: everything `vgrad list` names, from the tables that define it.
 *
 * Two forms of one listing: the text a user reads (list_print) and a CSV
 * that scripts read instead of keeping copies of what the binary knows
 * (list_write_csv, `vgrad list --csv`).  The CSV has the header
 * list,name,parameter,default,description and one row per item:
 *   activation   NAME, its parameter and default (as runs.csv writes it)
 *   init, loss, optimizer, dataset   NAME and description (dataset also
 *                the csv:PATH and idx:IMAGES[,LABELS] forms)
 *   key          KEY, its type, its default, its help (config.h)
 *   output_key   every key with KEY_OUTPUT (not part of the run id)
 *   hist_quantity  the histograms of hist.csv, in its order
 *   result_file  the CSV files of a run directory (VG_RUN_FILES, run.h),
 *                which a sweep directory also holds, assembled
 *   layers_column, train_column, runs_column  the columns of those files,
 *                in their order (runs.csv's keys one by one); parameter
 *                "test" marks the columns only written with a test split */
#ifndef VG_LIST_H
#define VG_LIST_H

#include <stdio.h>

#include "csvio.h"

/* Writes the text listing to fp. */
void list_print(FILE *fp);

/* Every key of run with its default, help and allowed values (vgrad help
 * run), and the key table as the Markdown table of README.md (vgrad help
 * keys; a test checks that the README holds exactly this text). */
void list_keys_help(FILE *fp);
void list_keys_markdown(FILE *fp);

/* Writes the CSV listing through o (opened by the caller; header included).
 * Write failures are recorded in o->failed, as every csvout_* call does. */
void list_write_csv(csv_out *o);

/* vgrad activations: activation,x,f,df for every activation at its default
 * parameter, at points evenly spaced x from lo to hi (points >= 2). */
void list_activation_curves(csv_out *o, double lo, double hi, long points);

#endif
