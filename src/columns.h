/* columns.h: the columns of the CSV files a run writes, as data.
 *
 * Each file's columns are one X-macro list beside its writer
 * (LAYERS_COLUMNS, TRAIN_COLUMNS and TIME_COLUMNS in train.c, RUNS_COLUMNS
 * in run.c), a
 * row X(name, cell, flags, description).  The header row, the writer's
 * order, `vgrad list --csv` and the README's column tables (`vgrad help
 * columns`) are all made from it, so a new column is one row there. */
#ifndef VG_COLUMNS_H
#define VG_COLUMNS_H

#include <stdio.h>

#include "csvio.h"

enum {
    COL_TEST = 1,  /* only when the file has test columns (a test split) */
    COL_KEYS = 2   /* stands for every key of the key table, in its order */
};

typedef struct {
    const char *name;
    int flags;
    const char *desc;  /* one line, as the README shows it */
} vg_column;

/* The tables the X-macros make (train.c, run.c). */
extern const vg_column layers_columns[], train_columns[], runs_columns[], time_columns[];
extern const int layers_column_count, train_column_count, runs_column_count, time_column_count;

typedef struct {
    const char *file;  /* "layers.csv" */
    const char *list;  /* the list column of `vgrad list --csv`: "layers_column" */
    const vg_column *cols;
    const int *count;
} vg_column_file;

/* layers.csv, train.csv, runs.csv, time.csv. */
enum { COLUMN_FILE_COUNT = 4 };
extern const vg_column_file column_files[COLUMN_FILE_COUNT];

/* Writes the header row of cols[0..count) through o: COL_TEST columns only
 * when with_test, a COL_KEYS column as every key's name. */
void columns_header(csv_out *o, const vg_column *cols, int count, int with_test);

/* The README's column table of one file, as Markdown: | column | meaning |. */
void columns_markdown(FILE *fp, const vg_column_file *f);

/* Every file's table between the README's markers
 * <!-- columns:FILE:begin --> and <!-- columns:FILE:end --> (those lines
 * included), as scripts/update-readme-keys.sh puts them into README.md. */
void columns_readme(FILE *fp);

#endif
