/* test.h: the few checks every vgrad test uses.  A test's exit code is its
 * verdict: each failed check prints what was expected and what was found,
 * and main returns test_report(). */
#ifndef VG_TEST_H
#define VG_TEST_H

#include <math.h>
#include <stdio.h>
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
