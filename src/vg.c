/* vg.c: the shared error record, checked size arithmetic, the clock, the
 * machine's memory and the allocation hook. */
#include "vg.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int vg_fail(vg_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

int vg_mul_size(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > SIZE_MAX / a) return 0;
    *out = a * b;
    return 1;
}

int vg_add_size(size_t a, size_t b, size_t *out)
{
    if (b > SIZE_MAX - a) return 0;
    *out = a + b;
    return 1;
}

double vg_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

size_t vg_physical_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0) return SIZE_MAX;
    size_t bytes;
    return vg_mul_size((size_t)pages, (size_t)page, &bytes) ? bytes : SIZE_MAX;
}

/* ---- allocation hook ---------------------------------------------------------- */

static long alloc_count = 0;    /* allocations since vg_alloc_fail_at */
static long alloc_fail_at = 0;  /* the one to fail; 0: none */
static int alloc_set = 0;       /* alloc_fail_at set, by a test or from the environment */

/* Counts an allocation; 0 when it is the one made to fail.  The first call
 * reads VGRAD_TEST_FAIL_ALLOC unless a test has set the failure itself. */
static int alloc_allowed(void)
{
    if (!alloc_set) {
        const char *n = getenv("VGRAD_TEST_FAIL_ALLOC");
        alloc_set = 1;
        if (n) alloc_fail_at = atol(n);
    }
    return ++alloc_count != alloc_fail_at;
}

void *vg_malloc(size_t size) { return alloc_allowed() ? malloc(size) : NULL; }

void *vg_calloc(size_t n, size_t size) { return alloc_allowed() ? calloc(n, size) : NULL; }

void *vg_realloc(void *p, size_t size) { return alloc_allowed() ? realloc(p, size) : NULL; }

char *vg_strdup(const char *s) { return alloc_allowed() ? strdup(s) : NULL; }

void vg_free(void *p) { free(p); }

void vg_alloc_fail_at(long n)
{
    alloc_fail_at = n;
    alloc_count = 0;
    alloc_set = 1;
}

long vg_alloc_count(void) { return alloc_count; }
