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
 *   layers_column, train_column, runs_column  the columns of those files */
#ifndef VG_LIST_H
#define VG_LIST_H

#include <stdio.h>

#include "csvio.h"

/* Writes the text listing to fp. */
void list_print(FILE *fp);

/* Writes the CSV listing through o (opened by the caller; header included).
 * Write failures are recorded in o->failed, as every csvout_* call does. */
void list_write_csv(csv_out *o);

#endif
