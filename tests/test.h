/* test.h: the few checks every vgrad test uses.  A test's exit code is its
 * verdict: each failed check prints what was expected and what was found,
 * and main returns test_report(). */
#ifndef VG_TEST_H
#define VG_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failures = 0;
static int test_checks = 0;

#define CHECK(cond)                                                          \
    do {                                                                     \
        test_checks++;                                                       \
        if (!(cond)) {                                                       \
            test_failures++;                                                 \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                  \
        }                                                                    \
    } while (0)

/* |actual - expected| <= tol * max(1, |expected|): absolute near zero,
 * relative for large values. */
#define CHECK_NEAR(actual, expected, tol)                                     \
    do {                                                                      \
        double a_ = (actual), e_ = (expected), t_ = (tol);                    \
        double s_ = fabs(e_) > 1.0 ? fabs(e_) : 1.0;                          \
        test_checks++;                                                        \
        if (!(fabs(a_ - e_) <= t_ * s_)) {                                    \
            test_failures++;                                                  \
            fprintf(stderr, "%s:%d: %s = %.17g, expected %.17g (tol %g)\n",   \
                    __FILE__, __LINE__, #actual, a_, e_, t_);                 \
        }                                                                     \
    } while (0)

#define CHECK_STR(actual, expected)                                          \
    do {                                                                     \
        const char *a_ = (actual), *e_ = (expected);                         \
        test_checks++;                                                       \
        if (!a_ || strcmp(a_, e_) != 0) {                                    \
            test_failures++;                                                 \
            fprintf(stderr, "%s:%d: %s = \"%s\", expected \"%s\"\n",         \
                    __FILE__, __LINE__, #actual, a_ ? a_ : "(null)", e_);    \
        }                                                                    \
    } while (0)

/* Substring check, for error messages. */
#define CHECK_CONTAINS(haystack, needle)                                      \
    do {                                                                      \
        const char *h_ = (haystack), *n_ = (needle);                          \
        test_checks++;                                                        \
        if (!h_ || !strstr(h_, n_)) {                                         \
            test_failures++;                                                  \
            fprintf(stderr, "%s:%d: \"%s\" does not contain \"%s\"\n",        \
                    __FILE__, __LINE__, h_ ? h_ : "(null)", n_);              \
        }                                                                     \
    } while (0)

/* Writes text to the file at path (a test's input). */
static inline void test_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* Removes a test's temporary directory and all in it; 0 on success. */
static inline int test_remove_tree(const char *dir)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

/* Allocation failure, SQLite-style: runs op (which calls the library and
 * frees whatever it returned) with the first, second, third... allocation
 * through vg_malloc and friends made to fail, until op no longer reaches
 * that many allocations.  Every failed allocation must end op with
 * VG_EFAIL and an "out of memory" message (the ASan build finds any leak at
 * exit); the run that reaches no failure must succeed.  Returns the number
 * of allocations op makes. */
#ifdef VG_H
static inline long check_alloc_failures(const char *what, int (*op)(void *ctx, vg_error *err), void *ctx)
{
    for (long n = 1; n <= 1000000; n++) {
        vg_error err = {0, ""};
        vg_alloc_fail_at(n);
        int rc = op(ctx, &err);
        long made = vg_alloc_count();
        vg_alloc_fail_at(0);
        test_checks++;
        if (made < n) {
            if (rc != VG_OK) {
                test_failures++;
                fprintf(stderr, "%s: failed (%d: %s) with no allocation failing\n", what, rc,
                        err.msg);
            }
            return made;
        }
        if (rc != VG_EFAIL || !strstr(err.msg, "out of memory")) {
            test_failures++;
            fprintf(stderr, "%s: allocation %ld of %ld failed, yet it returned %d (\"%s\"), "
                    "expected %d and \"out of memory\"\n", what, n, made, rc, err.msg, VG_EFAIL);
        }
    }
    test_failures++;
    fprintf(stderr, "%s: more than 1000000 allocations\n", what);
    return -1;
}
#endif

static int test_report(const char *name)
{
    if (test_checks == 0) {
        fprintf(stderr, "%s: no checks ran\n", name);
        return 1;
    }
    fprintf(stderr, "%s: %d checks, %d failed\n", name, test_checks, test_failures);
    return test_failures ? 1 : 0;
}

#endif
