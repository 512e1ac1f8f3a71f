/* test_init.c: the initialiser table.  Each scheme's sample statistics
 * match its documented law, the gain scales exactly, a seed fixes W, and
 * orthogonal gives orthonormal rows or columns with PyTorch's sign rule. */
#include <stdlib.h>

#include "init.h"
#include "test.h"

#define SEED 20240607u

/* The documented rows, in order, with the std each should draw (before the
 * gain), written from the formulas in init.h's contract rather than read
 * back from init_std_of, and whether the law is uniform (so bounded). */
static const struct {
    const char *name;
    int uniform;
} documented[] = {
    {"normal", 0},     {"uniform", 1},   {"glorot_standard", 1},
    {"xavier_uniform", 1}, {"xavier_normal", 0}, {"he_uniform", 1},
    {"he_normal", 0},  {"lecun_normal", 0}, {"orthogonal", 0},
};
#define N_DOCUMENTED ((int)(sizeof documented / sizeof documented[0]))

static double expected_std(const char *name, int fan_out, int fan_in, const init_params *p)
{
    double fi = fan_in, fo = fan_out;
    if (!strcmp(name, "normal")) return p->std;
    if (!strcmp(name, "uniform")) return p->bound / sqrt(3.0);
    if (!strcmp(name, "glorot_standard")) return 1.0 / sqrt(3.0 * fi);
    if (!strcmp(name, "xavier_uniform")) return sqrt(2.0 / (fi + fo));
    if (!strcmp(name, "xavier_normal")) return sqrt(2.0 / (fi + fo));
    if (!strcmp(name, "he_uniform")) return sqrt(2.0 / fi);
    if (!strcmp(name, "he_normal")) return sqrt(2.0 / fi);
    if (!strcmp(name, "lecun_normal")) return sqrt(1.0 / fi);
    if (!strcmp(name, "orthogonal")) return 1.0 / sqrt(fo > fi ? fo : fi);
    return NAN;
}

/* Fills a fresh matrix from a fresh init stream; NULL (and a failed check)
 * if the fill fails. */
static double *draw(int init, int fan_out, int fan_in, const init_params *p, uint64_t seed)
{
    double *W = malloc((size_t)fan_out * fan_in * sizeof *W);
    if (!W) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    rng_state rng;
    rng_seed(&rng, seed, RNG_STREAM_INIT);
    vg_error err = {0, ""};
    int rc = init_table[init].fill(W, fan_out, fan_in, p, &rng, &err);
    if (rc != VG_OK) fprintf(stderr, "  %s: %s\n", init_table[init].name, err.msg);
    CHECK(rc == VG_OK);
    if (rc != VG_OK) {
        free(W);
        return NULL;
    }
    return W;
}

static void test_table_shape(void)
{
    CHECK(init_count >= N_DOCUMENTED);
    for (int i = 0; i < N_DOCUMENTED && i < init_count; i++)
        CHECK_STR(init_table[i].name, documented[i].name);
    for (int i = 0; i < init_count; i++) {
        CHECK(init_find(init_table[i].name) == i);
        for (int j = 0; j < i; j++) CHECK(strcmp(init_table[i].name, init_table[j].name) != 0);
        CHECK(init_table[i].desc && init_table[i].desc[0] && !strchr(init_table[i].desc, '\n'));
        CHECK(init_table[i].fill != NULL);
    }
    const char *unknown[] = {"", "Normal", "xavier", "he", "kaiming_normal", "orthogonal "};
    for (size_t k = 0; k < sizeof unknown / sizeof unknown[0]; k++) CHECK(init_find(unknown[k]) == -1);
    init_params p = {0.1, 0.1, 1.0};
    CHECK(isnan(init_std_of(-1, 3, 3, &p)));
    CHECK(isnan(init_std_of(init_count, 3, 3, &p)));
}

/* Sample mean and std of every scheme on a tall and a wide matrix. */
static void test_statistics(void)
{
    /* Explicit scales unlike any fan-derived one, so a swap would show. */
    init_params p = {0.37, 0.81, 1.0};
    const int shapes[][2] = {{300, 200}, {200, 300}};   /* fan_out, fan_in */
    for (int i = 0; i < N_DOCUMENTED; i++) {
        int init = init_find(documented[i].name);
        CHECK(init >= 0);
        if (init < 0) continue;
        for (int s = 0; s < 2; s++) {
            int fan_out = shapes[s][0], fan_in = shapes[s][1];
            double want = expected_std(documented[i].name, fan_out, fan_in, &p);
            double std_of = init_std_of(init, fan_out, fan_in, &p);
            CHECK_NEAR(std_of, want, 1e-15);
            double *W = draw(init, fan_out, fan_in, &p, SEED);
            if (!W) continue;
            size_t n = (size_t)fan_out * fan_in;
            double sum = 0, bound = documented[i].uniform ? sqrt(3.0) * std_of : INFINITY;
            double largest = 0;
            for (size_t k = 0; k < n; k++) {
                sum += W[k];
                largest = fmax(largest, fabs(W[k]));
            }
            double mean = sum / (double)n, ss = 0;
            for (size_t k = 0; k < n; k++) ss += (W[k] - mean) * (W[k] - mean);
            double std = sqrt(ss / (double)(n - 1));
            int ok = fabs(std - std_of) <= 0.03 * std_of &&
                     fabs(mean) < 4.0 * std_of / sqrt((double)n) &&
                     largest <= bound * (1.0 + 1e-15);
            if (!ok)
                fprintf(stderr, "  %s %dx%d: mean %.3g std %.6g (want %.6g) max |w| %.6g bound %.6g\n",
                        documented[i].name, fan_out, fan_in, mean, std, std_of, largest, bound);
            CHECK(fabs(std - std_of) <= 0.03 * std_of);
            CHECK(fabs(mean) < 4.0 * std_of / sqrt((double)n));
            CHECK(largest <= bound * (1.0 + 1e-15));
            /* Uniform draws fill their interval: the extreme is near the bound. */
            if (documented[i].uniform) CHECK(largest > 0.99 * bound);
            free(W);
        }
    }
}

/* The same seed gives the same matrix; gain 2 doubles every entry exactly;
 * another seed gives another matrix. */
static void test_seed_and_gain(void)
{
    init_params p1 = {0.37, 0.81, 1.0}, p2 = {0.37, 0.81, 2.0};
    const int shapes[][2] = {{300, 200}, {200, 300}, {64, 64}};
    for (int init = 0; init < init_count; init++)
        for (int s = 0; s < 3; s++) {
            int fan_out = shapes[s][0], fan_in = shapes[s][1];
            size_t n = (size_t)fan_out * fan_in;
            double *a = draw(init, fan_out, fan_in, &p1, SEED);
            double *b = draw(init, fan_out, fan_in, &p1, SEED);
            double *doubled = draw(init, fan_out, fan_in, &p2, SEED);
            double *other = draw(init, fan_out, fan_in, &p1, SEED + 1);
            if (a && b && doubled && other) {
                CHECK(memcmp(a, b, n * sizeof *a) == 0);
                size_t exact = 0, same = 0;
                for (size_t k = 0; k < n; k++) {
                    exact += doubled[k] == 2.0 * a[k];
                    same += other[k] == a[k];
                }
                if (exact != n)
                    fprintf(stderr, "  %s %dx%d: %zu of %zu entries not doubled by gain 2\n",
                            init_table[init].name, fan_out, fan_in, n - exact, n);
                CHECK(exact == n);
                CHECK(same < n / 100);
            }
            free(a);
            free(b);
            free(doubled);
            free(other);
        }
}

/* Largest |(G - scale I)_ij| for the Gram matrix G of W's rows (by_rows)
 * or columns: G = W W^T (fan_out x fan_out) or W^T W (fan_in x fan_in). */
static double gram_error(const double *W, int fan_out, int fan_in, int by_rows, double scale)
{
    int k = by_rows ? fan_out : fan_in, len = by_rows ? fan_in : fan_out;
    double worst = 0;
    for (int a = 0; a < k; a++)
        for (int b = 0; b <= a; b++) {
            double dot = 0;
            for (int t = 0; t < len; t++) {
                double wa = by_rows ? W[(size_t)a * fan_in + t] : W[(size_t)t * fan_in + a];
                double wb = by_rows ? W[(size_t)b * fan_in + t] : W[(size_t)t * fan_in + b];
                dot += wa * wb;
            }
            worst = fmax(worst, fabs(dot - (a == b ? scale : 0.0)));
        }
    return worst;
}

/* W's rows are orthonormal if fan_out <= fan_in, its columns otherwise, and
 * W is the Q of the QR factorisation of the Gaussian matrix the rng drew
 * (or of its transpose) with R's diagonal made positive: redrawing that
 * matrix A from the same seed, R = W^T A (tall) or W A^T (wide) must be
 * upper triangular with a positive diagonal. */
static void test_orthogonal(void)
{
    int init = init_find("orthogonal");
    CHECK(init >= 0);
    if (init < 0) return;
    const int shapes[][2] = {{300, 200}, {200, 300}, {64, 64}, {1, 5}, {5, 1}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        int fan_out = shapes[s][0], fan_in = shapes[s][1];
        int by_rows = fan_out <= fan_in;
        for (int g = 1; g <= 2; g++) {
            init_params p = {0.37, 0.81, (double)g};
            double *W = draw(init, fan_out, fan_in, &p, SEED);
            if (!W) continue;
            double err = gram_error(W, fan_out, fan_in, by_rows, (double)(g * g));
            if (!(err <= 1e-12))
                fprintf(stderr, "  orthogonal %dx%d gain %d: |Gram - I| = %.3g\n", fan_out, fan_in,
                        g, err);
            CHECK(err <= 1e-12);
            /* A square W is orthogonal both ways. */
            if (fan_out == fan_in) CHECK(gram_error(W, fan_out, fan_in, 0, (double)(g * g)) <= 1e-12);
            free(W);
        }

        init_params p = {0.37, 0.81, 1.0};
        double *W = draw(init, fan_out, fan_in, &p, SEED);
        double *A = malloc((size_t)fan_out * fan_in * sizeof *A);
        if (!W || !A) {
            CHECK(0);
            free(W);
            free(A);
            continue;
        }
        rng_state rng;
        rng_seed(&rng, SEED, RNG_STREAM_INIT);
        for (size_t k = 0; k < (size_t)fan_out * fan_in; k++) A[k] = rng_normal(&rng);
        /* R(a, b) = sum_t Q(t, a) M(t, b), with M = A (tall) or A^T (wide), and
         * Q the matching orthonormal-column matrix W or W^T. */
        int tall = fan_out >= fan_in;
        int m = tall ? fan_out : fan_in, n = tall ? fan_in : fan_out;
        double below = 0, min_diag = INFINITY;
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++) {
                double r = 0;
                for (int t = 0; t < m; t++) {
                    size_t qi = tall ? (size_t)t * fan_in + a : (size_t)a * fan_in + t;
                    size_t mi = tall ? (size_t)t * fan_in + b : (size_t)b * fan_in + t;
                    r += W[qi] * A[mi];
                }
                if (a > b) below = fmax(below, fabs(r));
                if (a == b) min_diag = fmin(min_diag, r);
            }
        if (!(below <= 1e-10 && min_diag > 0))
            fprintf(stderr, "  orthogonal %dx%d: R below diagonal %.3g, smallest diagonal %.3g\n",
                    fan_out, fan_in, below, min_diag);
        CHECK(below <= 1e-10);
        CHECK(min_diag > 0);
        free(W);
        free(A);
    }
}

int main(void)
{
    test_table_shape();
    test_statistics();
    test_seed_and_gain();
    test_orthogonal();
    return test_report("test_init");
}
