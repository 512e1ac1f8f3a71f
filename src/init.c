/* init.c: the initialiser table.
 *
 * Every scheme but orthogonal draws i.i.d. entries from a centred normal or
 * uniform law whose scale depends only on (fan_out, fan_in) and the
 * explicit init_std / init_bound; INIT_ROWS below is the one list of them,
 * and both the fill functions and init_std_of are generated from it, so a
 * scheme's draw and its documented std cannot drift apart.
 *
 * W is fan_out x fan_in, row-major; entries are drawn in row-major order
 * from the caller's rng (the init stream), so a given seed fixes W. */
#include "init.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { DIST_NORMAL, DIST_UNIFORM, DIST_ORTHOGONAL };

/* The scale of each law, before the gain: the std for DIST_NORMAL, the
 * bound c of U[-c, c] for DIST_UNIFORM, the entry std for DIST_ORTHOGONAL. */
typedef double (*init_scale_fn)(int fan_out, int fan_in, const init_params *p);

static double scale_init_std(int fan_out, int fan_in, const init_params *p)
{
    (void)fan_out; (void)fan_in;
    return p->std;
}
static double scale_init_bound(int fan_out, int fan_in, const init_params *p)
{
    (void)fan_out; (void)fan_in;
    return p->bound;
}
static double scale_sqrt1_in(int fan_out, int fan_in, const init_params *p)
{
    (void)fan_out; (void)p;
    return sqrt(1.0 / fan_in);
}
static double scale_sqrt2_in(int fan_out, int fan_in, const init_params *p)
{
    (void)fan_out; (void)p;
    return sqrt(2.0 / fan_in);
}
static double scale_sqrt6_in(int fan_out, int fan_in, const init_params *p)
{
    (void)fan_out; (void)p;
    return sqrt(6.0 / fan_in);
}
static double scale_sqrt2_in_out(int fan_out, int fan_in, const init_params *p)
{
    (void)p;
    return sqrt(2.0 / ((double)fan_in + fan_out));
}
static double scale_sqrt6_in_out(int fan_out, int fan_in, const init_params *p)
{
    (void)p;
    return sqrt(6.0 / ((double)fan_in + fan_out));
}
/* W holds k = min(fan_in, fan_out) orthonormal vectors of length
 * K = max(fan_in, fan_out).  Each vector's squared entries sum to 1 and,
 * the Gaussian draw being rotation invariant, every entry has the same law
 * with mean 0, so each entry has variance exactly 1/K. */
static double scale_orthogonal(int fan_out, int fan_in, const init_params *p)
{
    (void)p;
    return 1.0 / sqrt(fan_out > fan_in ? (double)fan_out : (double)fan_in);
}

/* name, law, scale, one-line description. */
#define INIT_ROWS(X)                                                                       \
    X(normal, DIST_NORMAL, scale_init_std, "N(0, init_std^2)")                             \
    X(uniform, DIST_UNIFORM, scale_init_bound, "U[-init_bound, init_bound]")               \
    X(glorot_standard, DIST_UNIFORM, scale_sqrt1_in,                                       \
      "U[-1/sqrt(fan_in), 1/sqrt(fan_in)], the 'standard' heuristic of Glorot & Bengio "   \
      "2010 (std 1/sqrt(3 fan_in): shrinks the backward signal)")                          \
    X(xavier_uniform, DIST_UNIFORM, scale_sqrt6_in_out,                                    \
      "U[-c, c], c = sqrt(6/(fan_in+fan_out)) (Glorot & Bengio 2010)")                     \
    X(xavier_normal, DIST_NORMAL, scale_sqrt2_in_out,                                      \
      "N(0, 2/(fan_in+fan_out)) (Glorot & Bengio 2010)")                                   \
    X(he_uniform, DIST_UNIFORM, scale_sqrt6_in, "U[-c, c], c = sqrt(6/fan_in) (He et al. 2015)") \
    X(he_normal, DIST_NORMAL, scale_sqrt2_in, "N(0, 2/fan_in) (He et al. 2015)")           \
    X(lecun_normal, DIST_NORMAL, scale_sqrt1_in, "N(0, 1/fan_in) (LeCun et al. 1998)")     \
    X(orthogonal, DIST_ORTHOGONAL, scale_orthogonal,                                       \
      "orthonormal rows (fan_out<=fan_in) or columns: QR of a Gaussian matrix, "           \
      "signs fixed by diag(R) (PyTorch orthogonal_)")

/* Orthogonal, as PyTorch's nn.init.orthogonal_: draw A (fan_out x fan_in) of
 * N(0, 1), factor whichever of A and A^T is tall (m x n, m >= n) as QR, and
 * scale column c of Q by sign(R_cc).  That makes the factorisation unique
 * (R gets a positive diagonal), so W is Haar-distributed rather than biased
 * by LAPACK's Householder sign convention.  W = Q if A was tall, Q^T
 * otherwise: orthonormal columns or rows. */
static int orthogonal_qr(double *W, int fan_out, int fan_in, double gain, rng_state *rng,
                         vg_error *err)
{
    int tall = fan_out >= fan_in;
    int m = tall ? fan_out : fan_in;
    int n = tall ? fan_in : fan_out;
    size_t mn, count, bytes;
    if (!vg_mul_size((size_t)m, (size_t)n, &mn) || !vg_add_size(mn, 2 * (size_t)n, &count) ||
        !vg_mul_size(count, sizeof(double), &bytes))
        return vg_fail(err, VG_EFAIL, "init orthogonal: a %d x %d matrix is too large", fan_out,
                       fan_in);
    /* One block: the m x n column-major matrix M, then tau, then the signs. */
    double *M = vg_malloc(bytes);
    if (!M)
        return vg_fail(err, VG_EFAIL, "init orthogonal: out of memory (%zu bytes for the QR of "
                       "a %d x %d matrix)", bytes, fan_out, fan_in);
    double *tau = M + mn, *sign = tau + n;

    /* Draw A in row-major order like every scheme; M(r, c) is M[r + c*m].
     * For a wide A, M = A^T, whose column-major layout is A's row-major one. */
    for (int i = 0; i < fan_out; i++)
        for (int j = 0; j < fan_in; j++) {
            double z = rng_normal(rng);
            if (tall)
                M[i + (size_t)j * m] = z;
            else
                M[j + (size_t)i * m] = z;
        }

    lapack_int info = LAPACKE_dgeqrf(LAPACK_COL_MAJOR, m, n, M, m, tau);
    if (info != 0) {
        free(M);
        return vg_fail(err, VG_EFAIL, "init orthogonal: LAPACKE_dgeqrf failed (info %d) on a "
                       "%d x %d matrix", (int)info, m, n);
    }
    /* R_cc is exactly 0 with probability 0; +1 keeps Q orthonormal if it is. */
    for (int c = 0; c < n; c++) sign[c] = M[c + (size_t)c * m] < 0 ? -1.0 : 1.0;
    info = LAPACKE_dorgqr(LAPACK_COL_MAJOR, m, n, n, M, m, tau);
    if (info != 0) {
        free(M);
        return vg_fail(err, VG_EFAIL, "init orthogonal: LAPACKE_dorgqr failed (info %d) on a "
                       "%d x %d matrix", (int)info, m, n);
    }

    /* sign * Q is exact, so the gain is the only rounding (none for 2^k). */
    for (int i = 0; i < fan_out; i++)
        for (int j = 0; j < fan_in; j++) {
            double q = tall ? sign[j] * M[i + (size_t)j * m] : sign[i] * M[j + (size_t)i * m];
            W[(size_t)i * fan_in + j] = gain * q;
        }
    free(M);
    return VG_OK;
}

/* Fills W with i.i.d. draws of the law at the given scale, times the gain. */
static int fill_law(int dist, double scale, double *W, int fan_out, int fan_in, double gain,
                    rng_state *rng, vg_error *err)
{
    size_t n = (size_t)fan_out * (size_t)fan_in;
    switch (dist) {
    case DIST_NORMAL:
        for (size_t k = 0; k < n; k++) W[k] = gain * (scale * rng_normal(rng));
        return VG_OK;
    case DIST_UNIFORM:
        for (size_t k = 0; k < n; k++) W[k] = gain * rng_uniform_range(rng, -scale, scale);
        return VG_OK;
    default:
        return orthogonal_qr(W, fan_out, fan_in, gain, rng, err);
    }
}

/* One fill function per row, as init_info wants. */
#define X(name, dist, scale, desc)                                                          \
    static int fill_##name(double *W, int fan_out, int fan_in, const init_params *p,       \
                           rng_state *rng, vg_error *err)                                  \
    {                                                                                      \
        return fill_law(dist, scale(fan_out, fan_in, p), W, fan_out, fan_in, p->gain, rng, \
                        err);                                                              \
    }
INIT_ROWS(X)
#undef X

const init_info init_table[] = {
#define X(name, dist, scale, desc) {#name, desc, fill_##name},
    INIT_ROWS(X)
#undef X
};

const int init_count = (int)(sizeof init_table / sizeof init_table[0]);

/* The law of each row, in init_table order, for init_std_of. */
static const struct {
    int dist;
    init_scale_fn scale;
} init_law[] = {
#define X(name, dist, scale, desc) {dist, scale},
    INIT_ROWS(X)
#undef X
};

int init_find(const char *name)
{
    for (int i = 0; i < init_count; i++)
        if (strcmp(init_table[i].name, name) == 0) return i;
    return -1;
}

/* NAN for an index outside the table. */
double init_std_of(int init, int fan_out, int fan_in, const init_params *p)
{
    if (init < 0 || init >= init_count) return NAN;
    double scale = init_law[init].scale(fan_out, fan_in, p);
    /* U[-c, c] has variance c^2/3. */
    return init_law[init].dist == DIST_UNIFORM ? scale / sqrt(3.0) : scale;
}
