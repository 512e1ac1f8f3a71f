/* file.h: the small file-system helpers every module that writes files uses.
 *
 * Atomic files: a file is written under a temporary twin of its name
 * ("DIR/.NAME.tmp.PID", beside it, so that the rename stays on one file
 * system) and renamed into place only when every write, the flush, the sync
 * and the close succeeded; on failure the twin is removed.  So a directory
 * never holds a truncated file under a final name.  csv_out (csvio.h) is
 * such a file; file_write_atomic writes a whole small file (manifests,
 * copies) in one call.
 *
 * Directories and paths: file_make_dir (mkdir -p, checked), file_is_dir,
 * file_join (a bounded "A/B").  Whole files: file_read_all, file_copy,
 * file_append (the bytes of one file onto an open stream). */
#ifndef VG_FILE_H
#define VG_FILE_H

#include <stdio.h>

#include "vg.h"

/* The status for a file that cannot be made: VG_EFAIL when errnum is the
 * machine's failure (ENOSPC, EDQUOT, EIO, ENOMEM), VG_EUSAGE otherwise
 * (a path the user gave that cannot be written). */
int file_error_code(int errnum);

/* Opens path's temporary twin for writing: *fp, and *tmp_path (owned by
 * the caller, vg_free).  The directory must exist; it is named when it
 * cannot be written (VG_EUSAGE, or VG_EFAIL for a full disk, as
 * file_error_code); VG_EFAIL when out of memory. */
int file_open_temp(const char *path, FILE **fp, char **tmp_path, vg_error *err);
/* Flushes, syncs and closes fp, then renames tmp_path to path.  failed is
 * the errno of a write that already failed (0 when none did; a positive
 * errno is named in the message).  On any failure the twin is removed and VG_EFAIL
 * returned with the step that failed.  fp is closed either way. */
int file_commit_temp(FILE *fp, int failed, const char *tmp_path, const char *path,
                     vg_error *err);
/* The two halves of file_commit_temp, for files that are to appear
 * together: close each (flush, sync, close; on failure the twin is removed
 * and VG_EFAIL returned), and rename them only when every one closed. */
int file_close_temp(FILE *fp, int failed, const char *tmp_path, const char *path,
                    vg_error *err);
int file_rename_temp(const char *tmp_path, const char *path, vg_error *err);
/* Closes fp (when not NULL) and removes tmp_path (when not NULL). */
void file_discard_temp(FILE *fp, const char *tmp_path);

/* Writes a whole file's text atomically. */
int file_write_atomic(const char *path, const char *text, size_t len, vg_error *err);

/* mkdir -p; VG_EUSAGE with a clear message when it cannot be created or
 * written (a regular file on the way, no permission; VG_EFAIL for a full
 * disk, as file_error_code). */
int file_make_dir(const char *path, vg_error *err);

/* 1 when path is a directory. */
int file_is_dir(const char *path);

/* "a/b" into buf; VG_EUSAGE naming the path when it does not fit. */
int file_join(char *buf, size_t size, const char *a, const char *b, vg_error *err);

/* The whole file, NUL-terminated, its length in *len; owned by the caller
 * (vg_free).  NULL with errno set when it cannot be read (ENOMEM when out
 * of memory). */
char *file_read_all(const char *path, size_t *len);

/* Copies the file from to the file to, atomically. */
int file_copy(const char *from, const char *to, vg_error *err);

/* Appends the bytes of the file at path to out; 0 when a read or a write
 * failed, or out had failed before (nothing is written then). */
int file_append(FILE *out, const char *path);

/* For tests only: makes the n-th write, fsync or close of an atomic file
 * from now on fail with errnum (ENOSPC, EIO; n = 0: none) and restarts the
 * count, as vg_alloc_fail_at does for allocations.  A process that has not
 * called it takes n from the environment variable VGRAD_TEST_FAIL_WRITE
 * ("N" for ENOSPC, "N:EIO"), read when it opens its first atomic file.
 * While a failure is set, atomic files are written through a counting
 * stdio cookie (fopencookie) instead of fopen's stream. */
void file_fail_write_at(long n, int errnum);
/* Writes, syncs and closes counted since the last file_fail_write_at. */
long file_write_count(void);

#endif
