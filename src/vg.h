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

/* Seconds on the monotonic clock: for elapsed times (differences) only. */
double vg_seconds(void);

/* The machine's physical memory in bytes; SIZE_MAX when it cannot be told. */
size_t vg_physical_memory(void);

/* The allocation hook, as SQLite has one: thin wrappers of malloc, calloc,
 * realloc, strdup and free (memory from them may be freed with free(), and
 * the reverse).  A failed allocation returns NULL as the C library's does.
 * Every library module allocates through them, so that a test can reach
 * each out-of-memory path (tests/test_faults.sh, check_alloc_failures in
 * tests/test.h).  Only what other libraries allocate inside (libcsv,
 * OpenBLAS, stdio's buffers, getline) bypasses them. */
void *vg_malloc(size_t size);
void *vg_calloc(size_t n, size_t size);
void *vg_realloc(void *p, size_t size);
char *vg_strdup(const char *s);
void vg_free(void *p);

/* For tests only: makes the n-th allocation through the wrappers from now
 * on fail (n >= 1; 0 makes none fail) and restarts the count.  A test calls
 * it for n = 1, 2, ... until vg_alloc_count() stays below n, that is until
 * the operation under test no longer reaches an n-th allocation, and checks
 * each time that the operation failed cleanly.  Not thread-safe: the
 * library allocates from one thread (sweep workers are processes, which
 * go on counting from the count at their fork).
 *
 * A process that has not called it takes n from the environment variable
 * VGRAD_TEST_FAIL_ALLOC (read at its first allocation), so that a test can
 * make the n-th allocation of a whole vgrad command fail. */
void vg_alloc_fail_at(long n);
/* Allocations through the wrappers since the last vg_alloc_fail_at. */
long vg_alloc_count(void);

#endif
