/* csvio.h: every CSV file vgrad reads or writes goes through here (libcsv).
 *
 * Writing: a csv_out is an atomic file (file.h): written under a temporary
 * name beside the final path and renamed into place on csvout_commit, so an
 * interrupted run never leaves a truncated file under the final name.  Text
 * fields are quoted by libcsv when they need it; numbers are written with the
 * fewest significant digits (at most 17) that read back to the same double.
 *
 * Reading: csvread_matrix reads a numeric table, skipping one header row when
 * no field of the first row reads as a number (a first row that mixes numbers
 * and text, or holds nan or inf, is an error), and reports the file, line and
 * column of the first bad field (a NUL byte in a field is one). */
#ifndef VG_CSVIO_H
#define VG_CSVIO_H

#include <stdio.h>

#include "file.h" /* csv_out is an atomic file; its writers make directories */
#include "vg.h"

typedef struct {
    FILE *fp;
    char *tmp_path;    /* owned */
    char *final_path;  /* owned */
    int col;           /* fields written on the current row */
    int failed;        /* the errno of the first failed write (EIO when none was
                        * set), or 0; commit reports it */
} csv_out;

/* Opens path's temporary twin for writing.  The directory must exist. */
int csvout_open(csv_out *o, const char *path, vg_error *err);
void csvout_str(csv_out *o, const char *s);  /* quoted by libcsv if it holds , " or a newline */
void csvout_num(csv_out *o, double v);       /* shortest round-trip form; nan, inf, -inf */
void csvout_int(csv_out *o, long long v);
void csvout_empty(csv_out *o);
void csvout_endrow(csv_out *o);
/* Writes a header row from a comma-separated list of column names. */
void csvout_header(csv_out *o, const char *columns);
/* Flushes, closes and renames into place.  On any failure the temporary
 * file is removed and VG_EFAIL returned.  Frees the paths either way. */
int csvout_commit(csv_out *o, vg_error *err);
/* The first half of commit: flushes, syncs and closes, leaving the file
 * under its temporary name (removed on failure, as by csvout_abort).  A
 * writer of several files closes them all before it commits any, so that
 * a failure leaves the earlier files of the same names all as they were. */
int csvout_close(csv_out *o, vg_error *err);
/* Closes and removes the temporary file; safe on a closed or zeroed csv_out. */
void csvout_abort(csv_out *o);

/* Formats v in the shortest form (at most 17 significant digits) that reads
 * back to v exactly.  buf must hold at least 32 bytes. */
void csv_format_double(char *buf, double v);

/* Reads a numeric CSV.  On success *data (rows x cols, row-major, owned by
 * the caller, free()) holds every value, *header_skipped says whether the
 * first line was a header.  Errors (VG_EUSAGE) name the file, the line and
 * the column: missing file, empty file, ragged row, non-numeric field. */
int csvread_matrix(const char *path, double **data, int *rows, int *cols,
                   int *header_skipped, vg_error *err);

#endif
