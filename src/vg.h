/* vg.h: what every vgrad module shares: the error record and status codes.
 *
 * Library functions never exit and never print.  They return one of the
 * VG_* codes below and, on failure, fill a vg_error with one line that says
 * what is wrong and what is allowed.  Only main.c turns that into stderr and
 * an exit code (the codes double as exit codes). */
#ifndef VG_H
#define VG_H

#include <stddef.h>

#define VG_VERSION "0.1.0"

enum {
    VG_OK = 0,
    VG_EFAIL = 1,  /* the run failed: I/O error, out of memory, numerical failure */
    VG_EUSAGE = 2  /* bad input: unknown key, malformed value, bad data file */
};

typedef struct {
    int code;
    char msg[512];
} vg_error;

/* Records a formatted message in err (may be NULL) and returns code. */
int vg_fail(vg_error *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Overflow-checked size arithmetic for memory planning: each returns 0 and
 * leaves *out untouched when the result would not fit in size_t. */
int vg_mul_size(size_t a, size_t b, size_t *out);
int vg_add_size(size_t a, size_t b, size_t *out);

#endif
