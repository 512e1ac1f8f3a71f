/* act.c: the activation table.
 *
 * Each row pairs f with its exact derivative f'.  Both are written to stay
 * finite and accurate for any finite x: the smooth saturating functions use
 * forms such as 1 / (2 + 2 cosh x) instead of s(1-s) or 1 - tanh^2, because
 * those round to exactly 0 once s or tanh rounds to 1 (|x| > ~19 for tanh),
 * and a vanishing-gradient tool must see a gradient of 1e-30 as 1e-30, not 0.
 *
 * At a kink the derivative takes the value stated in the row's desc; the
 * convention is the one-sided value PyTorch's backward uses. */
#include "act.h"
#include "act_vec.h"

#include <math.h>
#include <sleef.h>
#include <string.h>

/* Digits beyond double precision are kept so the literals round correctly. */
#define SQRT1_2 0.70710678118654752440084436210484903928    /* 1/sqrt(2) */
#define INV_SQRT_2PI 0.39894228040143267793994605993438186848 /* 1/sqrt(2 pi) */

/* ---- helpers shared by several rows -------------------------------------- */

/* Logistic sigmoid, stable on both sides: exp only ever sees -|x|.  The
 * output layers of loss.c use it too. */
double act_sigmoid(double x)
{
    if (x >= 0) return 1.0 / (1.0 + exp(-x));
    double e = exp(x);
    return e / (1.0 + e);
}

/* sigmoid'(x) = s(x) s(-x) = e^-|x| / (1 + e^-|x|)^2 = 1 / (2 + 2 cosh x).
 * The last form keeps full relative accuracy in both tails (s(1-s) is 0
 * once s rounds to 1, for x > ~37), and since cosh x >= 1 in floating point
 * too, it never rounds above the true maximum 1/4 near x = 0, as the
 * e^-|x| form can.  It flushes to 0 only for |x| > 710, where the true
 * value is already subnormal. */
static double sigmoid_slope(double x) { return 0.5 / (1.0 + cosh(x)); }

/* sech^2(x) = 1 - tanh^2(x) = 2 / (1 + cosh 2x): accurate in the tails,
 * where 1 - tanh^2 cancels to 0 (|x| > ~19), never above 1, and 0 only for
 * |x| > 355, where the true value is below 1e-308. */
static double sech2(double x) { return 2.0 / (1.0 + cosh(2.0 * x)); }

/* log(1 + e^x) without overflow (x large) or loss of the tiny tail (x very
 * negative, where log1p keeps e^x exactly). */
static double softplus(double x)
{
    if (x > 0) return x + log1p(exp(-x));
    return log1p(exp(x));
}

/* Standard normal CDF via erfc, which keeps full relative accuracy in the
 * left tail where 1 + erf(x/sqrt2) cancels. */
static double normal_cdf(double x) { return 0.5 * erfc(-x * SQRT1_2); }

/* Standard normal density; -x*x/2 may be -inf, and exp(-inf) is 0. */
static double normal_pdf(double x) { return INV_SQRT_2PI * exp(-0.5 * x * x); }

static double clamp(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }

/* dmax of rows whose sup |f'| does not depend on the parameter. */
static double dmax_zero(double param) { (void)param; return 0.0; }
static double dmax_one(double param) { (void)param; return 1.0; }

/* ---- linear ---------------------------------------------------------------- */
static double linear_f(double x, double param) { (void)param; return x; }
static double linear_df(double x, double param) { (void)x; (void)param; return 1.0; }

/* ---- step ------------------------------------------------------------------ */
static double step_f(double x, double param) { (void)param; return x > 0 ? 1.0 : 0.0; }
static double step_df(double x, double param) { (void)x; (void)param; return 0.0; }

/* ---- sigmoid --------------------------------------------------------------- */
static double sigmoid_f(double x, double param) { (void)param; return act_sigmoid(x); }
static double sigmoid_df(double x, double param) { (void)param; return sigmoid_slope(x); }
static double sigmoid_dmax(double param) { (void)param; return 0.25; }

/* ---- hard_sigmoid (PyTorch Hardsigmoid) ------------------------------------ */
static double hard_sigmoid_f(double x, double param)
{
    (void)param;
    return clamp(x / 6.0 + 0.5, 0.0, 1.0);
}
/* Open interval: PyTorch's backward passes no gradient at x = +-3. */
static double hard_sigmoid_df(double x, double param)
{
    (void)param;
    return x > -3.0 && x < 3.0 ? 1.0 / 6.0 : 0.0;
}
static double hard_sigmoid_dmax(double param) { (void)param; return 1.0 / 6.0; }

/* ---- tanh ------------------------------------------------------------------ */
static double tanh_f(double x, double param) { (void)param; return tanh(x); }
static double tanh_df(double x, double param) { (void)param; return sech2(x); }

/* ---- hardtanh -------------------------------------------------------------- */
static double hardtanh_f(double x, double param) { (void)param; return clamp(x, -1.0, 1.0); }
static double hardtanh_df(double x, double param)
{
    (void)param;
    return x > -1.0 && x < 1.0 ? 1.0 : 0.0;
}

/* ---- relu ------------------------------------------------------------------ */
static double relu_f(double x, double param) { (void)param; return x > 0 ? x : 0.0; }
static double relu_df(double x, double param) { (void)param; return x > 0 ? 1.0 : 0.0; }

/* ---- leaky_relu: param = slope of the negative side ----------------------- */
static double leaky_relu_f(double x, double slope) { return x > 0 ? x : slope * x; }
static double leaky_relu_df(double x, double slope) { return x > 0 ? 1.0 : slope; }
static double leaky_relu_dmax(double slope) { return fmax(1.0, fabs(slope)); }

/* ---- elu: param = alpha, the negative saturation level -------------------- */
static double elu_f(double x, double alpha) { return x > 0 ? x : alpha * expm1(x); }
static double elu_df(double x, double alpha) { return x > 0 ? 1.0 : alpha * exp(x); }
/* For alpha > 1 the sup is alpha, reached at x = 0 (the left-side value). */
static double elu_dmax(double alpha) { return fmax(1.0, alpha); }

/* ---- selu (Klambauer et al. 2017): lambda * elu with a fixed alpha -------- */
#define SELU_LAMBDA 1.0507009873554804934193349852946
#define SELU_ALPHA 1.6732632423543772848170429916717
static double selu_f(double x, double param)
{
    (void)param;
    return x > 0 ? SELU_LAMBDA * x : SELU_LAMBDA * SELU_ALPHA * expm1(x);
}
static double selu_df(double x, double param)
{
    (void)param;
    return x > 0 ? SELU_LAMBDA : SELU_LAMBDA * SELU_ALPHA * exp(x);
}
/* lambda * alpha > lambda: the largest slope is the left side at x = 0. */
static double selu_dmax(double param) { (void)param; return SELU_LAMBDA * SELU_ALPHA; }

/* ---- gelu, exact erf form: x * Phi(x) -------------------------------------- */
static double gelu_f(double x, double param) { (void)param; return x * normal_cdf(x); }
static double gelu_df(double x, double param)
{
    (void)param;
    return normal_cdf(x) + x * normal_pdf(x);
}
/* f'' = phi(x) (2 - x^2) vanishes at x = sqrt(2), so the max is
 * Phi(sqrt2) + sqrt2 phi(sqrt2) = (1 + erf(1))/2 + e^-1/sqrt(pi); evaluated to
 * 50 digits with mpmath.  (The minimum, -0.1289 at -sqrt2, is smaller in
 * magnitude.) */
static double gelu_dmax(double param) { (void)param; return 1.1289041451851547863407; }

/* ---- silu = swish: x * sigmoid(x) ------------------------------------------ */
static double silu_f(double x, double param) { (void)param; return x * act_sigmoid(x); }
/* s(x) (1 + x (1 - s(x))), with 1 - s(x) taken as s(-x) so that it does not
 * round to 0 for large x. */
static double silu_df(double x, double param)
{
    (void)param;
    return act_sigmoid(x) * (1.0 + x * act_sigmoid(-x));
}
/* f'' = s(1-s) (2 + x (1 - 2s)) vanishes where x tanh(x/2) = 2, at
 * x = 2.39935728051546766783; the value there, from mpmath findroot at 50
 * digits and checked by long-double Newton.  (The minimum, -0.0998 at
 * x = -2.3994, is smaller in magnitude.) */
static double silu_dmax(double param) { (void)param; return 1.0998393201288669169582; }

/* ---- mish (Misra 2019): x * tanh(softplus(x)) ------------------------------ */
static double mish_f(double x, double param) { (void)param; return x * tanh(softplus(x)); }
/* d/dx tanh(sp(x)) = sech^2(sp) * sp'(x) and sp' = sigmoid. */
static double mish_df(double x, double param)
{
    (void)param;
    double sp = softplus(x);
    return tanh(sp) + x * sech2(sp) * act_sigmoid(x);
}
/* Max of f' at x = 1.49057117948542845929 (root of f'' by mpmath findroot at
 * 50 digits, checked by long-double bisection).  (The minimum, -0.1125 at
 * x = -2.2564, is smaller in magnitude.) */
static double mish_dmax(double param) { (void)param; return 1.0884981612517278612283; }

/* ---- softplus -------------------------------------------------------------- */
static double softplus_f(double x, double param) { (void)param; return softplus(x); }
static double softplus_df(double x, double param) { (void)param; return act_sigmoid(x); }
/* A supremum: sigmoid approaches 1 as x -> inf. */

/* ---- softsign -------------------------------------------------------------- */
static double softsign_f(double x, double param) { (void)param; return x / (1.0 + fabs(x)); }
static double softsign_df(double x, double param)
{
    (void)param;
    double d = 1.0 / (1.0 + fabs(x));   /* squared after the division: no overflow */
    return d * d;
}

/* ---- smelu (Shamir et al. 2020): param = beta, the half-width ------------- */
/* A quadratic bridge joins 0 and x with matching slopes, so f is C1: f' is
 * continuous, 0 at -beta and 1 at +beta. */
static double smelu_f(double x, double beta)
{
    if (x <= -beta) return 0.0;
    if (x >= beta) return x;
    return (x + beta) * (x + beta) / (4.0 * beta);
}
static double smelu_df(double x, double beta)
{
    if (x <= -beta) return 0.0;
    if (x >= beta) return 1.0;
    return (x + beta) / (2.0 * beta);
}

/* ---- pieces of the piecewise activations (see act.h) ------------------------ */
static int piece_at_zero(double x, double param) { (void)param; return x > 0; }
static int piece_hard_sigmoid(double x, double param) { (void)param; return (x > -3) + (x >= 3); }
static int piece_hardtanh(double x, double param) { (void)param; return (x > -1) + (x >= 1); }
static int piece_smelu(double x, double beta) { return (x > -beta) + (x >= beta); }

/* ---- whole-layer forms (see act.h) -------------------------------------------
 * Each row has f and f' over n values, name##_fs and name##_dfs, from which
 * the forward and backward of act.h are made.  Most rows loop their scalar f
 * and f' (ACT_LOOPS), which the compiler inlines; the rows whose f or f'
 * needs exp, cosh, tanh, expm1, log1p or erfc evaluate those with SLEEF's
 * vector functions (ACT_SLEEF rows below), with the same formulas as the
 * scalar rows above, so that only the elementary functions differ, by their
 * last bits (SLEEF's are within 1 ULP, erfc 1.5, as libm's). */

/* Values per block of the backward's work buffer. */
#define ACT_BLOCK 256

typedef void act_bulk_fn(const double *x, double *y, size_t n, double param);

/* forward: z (rows, n) += b (n) when b != NULL;  a = f(z) */
static void bulk_forward(act_bulk_fn *fs, const double *b, double *z, double *a, int rows, int n,
                         double param)
{
    if (b)
        for (int i = 0; i < rows; i++) {
            double *zi = z + (size_t)i * n;
            for (int j = 0; j < n; j++) zi[j] += b[j];
        }
    fs(z, a, (size_t)rows * n, param);
}

/* backward: dz (n) *= f'(z), f'(z) kept in slope (n) unless NULL. */
static void bulk_backward(act_bulk_fn *dfs, const double *z, double *dz, double *slope, size_t n,
                          double param)
{
    double buf[ACT_BLOCK];
    for (size_t k0 = 0; k0 < n; k0 += ACT_BLOCK) {
        size_t m = n - k0 < ACT_BLOCK ? n - k0 : ACT_BLOCK;
        double *d = slope ? slope + k0 : buf;
        dfs(z + k0, d, m, param);
        for (size_t k = 0; k < m; k++) dz[k0 + k] *= d[k];
    }
}

#define ACT_LOOPS(name)                                                                     \
    static void name##_fs(const double *x, double *y, size_t n, double param)              \
    {                                                                                       \
        for (size_t k = 0; k < n; k++) y[k] = name##_f(x[k], param);                        \
    }                                                                                       \
    static void name##_dfs(const double *x, double *y, size_t n, double param)             \
    {                                                                                       \
        for (size_t k = 0; k < n; k++) y[k] = name##_df(x[k], param);                       \
    }

ACT_LOOPS(linear)
ACT_LOOPS(step)
ACT_LOOPS(hard_sigmoid)
ACT_LOOPS(hardtanh)
ACT_LOOPS(relu)
ACT_LOOPS(leaky_relu)
ACT_LOOPS(mish)
ACT_LOOPS(softsign)
ACT_LOOPS(smelu)

/* ---- SLEEF's vector functions over arrays -----------------------------------
 * The variant is chosen from the CPU's features alone, so one machine always
 * runs the same code and gets the same bytes: on an x86-64 with AVX-512F the
 * eight-lane AVX-512 functions (act_avx512.c), on one with AVX2 and FMA the
 * four-lane AVX2 functions (act_avx2.c), on another x86-64 SLEEF's
 * two-lane dispatcher (which picks its SSE2 or SSE4.1 build by CPUID, once
 * per process), elsewhere SLEEF's scalar functions.  Each lane is computed
 * alone, so a value's result does not depend on its neighbours. */
#if defined(__x86_64__)
/* fn of one two-lane vector.  A switch rather than a pointer: sleef.h
 * declares the functions with a const-qualified return type, which a
 * pointer type here would have to repeat (and clang warns that it has no
 * effect). */
static __m128d sleef_d2(act_vec_fn fn, __m128d v)
{
    switch (fn) {
    case ACT_VEC_EXP: return Sleef_expd2_u10(v);
    case ACT_VEC_COSH: return Sleef_coshd2_u10(v);
    case ACT_VEC_TANH: return Sleef_tanhd2_u10(v);
    case ACT_VEC_EXPM1: return Sleef_expm1d2_u10(v);
    case ACT_VEC_LOG1P: return Sleef_log1pd2_u10(v);
    case ACT_VEC_ERFC: break;
    }
    return Sleef_erfcd2_u15(v);
}

static int avx2_usable(void)
{
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

const char *act_vec_variant(void)
{
    return __builtin_cpu_supports("avx512f") ? "avx512f" : avx2_usable() ? "avx2" : "sse2";
}

/* y[k] = fn(x[k]), k < n; y may be x. */
static void vec_map(act_vec_fn fn, const double *x, double *y, size_t n)
{
    if (__builtin_cpu_supports("avx512f")) {
        act_avx512_map(fn, x, y, n);
        return;
    }
    if (avx2_usable()) {
        act_avx2_map(fn, x, y, n);
        return;
    }
    size_t k = 0;
    for (; k + 2 <= n; k += 2) _mm_storeu_pd(y + k, sleef_d2(fn, _mm_loadu_pd(x + k)));
    if (k < n) {
        double pair[2] = {x[k], 0.0};
        _mm_storeu_pd(pair, sleef_d2(fn, _mm_loadu_pd(pair)));
        y[k] = pair[0];
    }
}
#else
static double sleef_d1(act_vec_fn fn, double v)
{
    switch (fn) {
    case ACT_VEC_EXP: return Sleef_exp_u10(v);
    case ACT_VEC_COSH: return Sleef_cosh_u10(v);
    case ACT_VEC_TANH: return Sleef_tanh_u10(v);
    case ACT_VEC_EXPM1: return Sleef_expm1_u10(v);
    case ACT_VEC_LOG1P: return Sleef_log1p_u10(v);
    case ACT_VEC_ERFC: break;
    }
    return Sleef_erfc_u15(v);
}

const char *act_vec_variant(void) { return "scalar"; }

static void vec_map(act_vec_fn fn, const double *x, double *y, size_t n)
{
    for (size_t k = 0; k < n; k++) y[k] = sleef_d1(fn, x[k]);
}
#endif

/* y[k] = cosh(x[k]); y may be x (the arguments are copied by blocks).  SLEEF's cosh overflows a little earlier
 * than libm's (|x| > 709.78 against 710.48), which would make the slopes
 * 2 / (1 + cosh 2x) and 0.5 / (1 + cosh x) 0 where they are still normal
 * numbers, so beyond 709 libm's cosh is taken. */
static void cosh_map(const double *x, double *y, size_t n)
{
    double arg[ACT_BLOCK];
    for (size_t k0 = 0; k0 < n; k0 += ACT_BLOCK) {
        size_t m = n - k0 < ACT_BLOCK ? n - k0 : ACT_BLOCK;
        memcpy(arg, x + k0, m * sizeof(double));
        vec_map(ACT_VEC_COSH, arg, y + k0, m);
        for (size_t k = 0; k < m; k++)
            if (fabs(arg[k]) > 709.0) y[k0 + k] = cosh(arg[k]);
    }
}

/* y[k] = exp(-|x[k]|), the one exponential of the stable sigmoid. */
static void exp_neg_abs(const double *x, double *y, size_t n)
{
    for (size_t k = 0; k < n; k++) y[k] = -fabs(x[k]);
    vec_map(ACT_VEC_EXP, y, y, n);
}

/* act_sigmoid(x) from e = exp(-|x|): 1/(1+e) for x >= 0, e/(1+e) below. */
static double sigmoid_from(double x, double e) { return x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e); }

/* sigmoid: f as act_sigmoid; f' = 0.5 / (1 + cosh x) (sigmoid_slope). */
static void sigmoid_fs(const double *x, double *y, size_t n, double param)
{
    (void)param;
    exp_neg_abs(x, y, n);
    for (size_t k = 0; k < n; k++) y[k] = sigmoid_from(x[k], y[k]);
}
static void sigmoid_dfs(const double *x, double *y, size_t n, double param)
{
    (void)param;
    cosh_map(x, y, n);
    for (size_t k = 0; k < n; k++) y[k] = 0.5 / (1.0 + y[k]);
}

/* tanh: f = tanh x; f' = 2 / (1 + cosh 2x) (sech2). */
static void tanh_fs(const double *x, double *y, size_t n, double param)
{
    (void)param;
    vec_map(ACT_VEC_TANH, x, y, n);
}
static void tanh_dfs(const double *x, double *y, size_t n, double param)
{
    (void)param;
    for (size_t k = 0; k < n; k++) y[k] = 2.0 * x[k];
    cosh_map(y, y, n);
    for (size_t k = 0; k < n; k++) y[k] = 2.0 / (1.0 + y[k]);
}

/* elu and selu: x for x > 0, scale * expm1(x) below; f' = 1 (selu: lambda)
 * for x > 0, scale * exp(x) below.  expm1 and exp are taken of min(x, 0),
 * the value the scalar rows take them of where they use them. */
static void negative_part(const double *x, double *y, size_t n)
{
    for (size_t k = 0; k < n; k++) y[k] = x[k] > 0 ? 0.0 : x[k];
}
static void elu_like_fs(const double *x, double *y, size_t n, double positive, double scale)
{
    negative_part(x, y, n);
    vec_map(ACT_VEC_EXPM1, y, y, n);
    for (size_t k = 0; k < n; k++) y[k] = x[k] > 0 ? positive * x[k] : scale * y[k];
}
static void elu_like_dfs(const double *x, double *y, size_t n, double positive, double scale)
{
    negative_part(x, y, n);
    vec_map(ACT_VEC_EXP, y, y, n);
    for (size_t k = 0; k < n; k++) y[k] = x[k] > 0 ? positive : scale * y[k];
}
static void elu_fs(const double *x, double *y, size_t n, double alpha)
{
    elu_like_fs(x, y, n, 1.0, alpha);
}
static void elu_dfs(const double *x, double *y, size_t n, double alpha)
{
    elu_like_dfs(x, y, n, 1.0, alpha);
}
static void selu_fs(const double *x, double *y, size_t n, double param)
{
    (void)param;
    elu_like_fs(x, y, n, SELU_LAMBDA, SELU_LAMBDA * SELU_ALPHA);
}
static void selu_dfs(const double *x, double *y, size_t n, double param)
{
    (void)param;
    elu_like_dfs(x, y, n, SELU_LAMBDA, SELU_LAMBDA * SELU_ALPHA);
}

/* gelu: f = x Phi(x), f' = Phi(x) + x phi(x), Phi(x) = 0.5 erfc(-x/sqrt2)
 * (normal_cdf) and phi(x) = exp(-x^2/2) / sqrt(2 pi) (normal_pdf). */
static void normal_cdfs(const double *x, double *y, size_t n)
{
    for (size_t k = 0; k < n; k++) y[k] = -x[k] * SQRT1_2;
    vec_map(ACT_VEC_ERFC, y, y, n);
    for (size_t k = 0; k < n; k++) y[k] = 0.5 * y[k];
}
static void gelu_fs(const double *x, double *y, size_t n, double param)
{
    (void)param;
    normal_cdfs(x, y, n);
    for (size_t k = 0; k < n; k++) y[k] = x[k] * y[k];
}
static void gelu_dfs(const double *x, double *y, size_t n, double param)
{
    (void)param;
    double pdf[ACT_BLOCK];
    for (size_t k0 = 0; k0 < n; k0 += ACT_BLOCK) {
        size_t m = n - k0 < ACT_BLOCK ? n - k0 : ACT_BLOCK;
        const double *xb = x + k0;
        double *yb = y + k0;
        for (size_t k = 0; k < m; k++) pdf[k] = -0.5 * xb[k] * xb[k];
        vec_map(ACT_VEC_EXP, pdf, pdf, m);
        normal_cdfs(xb, yb, m);
        for (size_t k = 0; k < m; k++) yb[k] = yb[k] + xb[k] * (INV_SQRT_2PI * pdf[k]);
    }
}

/* silu: f = x s(x), f' = s(x) (1 + x s(-x)); s(x) and s(-x) from the one
 * e = exp(-|x|). */
static void silu_fs(const double *x, double *y, size_t n, double param)
{
    (void)param;
    exp_neg_abs(x, y, n);
    for (size_t k = 0; k < n; k++) y[k] = x[k] * sigmoid_from(x[k], y[k]);
}
static void silu_dfs(const double *x, double *y, size_t n, double param)
{
    (void)param;
    exp_neg_abs(x, y, n);
    for (size_t k = 0; k < n; k++)
        y[k] = sigmoid_from(x[k], y[k]) * (1.0 + x[k] * sigmoid_from(-x[k], y[k]));
}

/* softplus: f = x + log1p(e) for x > 0, log1p(e) below, e = exp(-|x|);
 * f' = s(x). */
static void softplus_fs(const double *x, double *y, size_t n, double param)
{
    (void)param;
    double e[ACT_BLOCK];
    for (size_t k0 = 0; k0 < n; k0 += ACT_BLOCK) {
        size_t m = n - k0 < ACT_BLOCK ? n - k0 : ACT_BLOCK;
        const double *xb = x + k0;
        double *yb = y + k0;
        exp_neg_abs(xb, e, m);
        vec_map(ACT_VEC_LOG1P, e, yb, m);
        /* log1p(e) rounds to e for e < 2^-60; SLEEF's log1p is not within
         * 1 ULP for subnormal e, so those take e itself, as libm gives. */
        for (size_t k = 0; k < m; k++) {
            double l = e[k] < 0x1p-60 ? e[k] : yb[k];
            yb[k] = xb[k] > 0 ? xb[k] + l : l;
        }
    }
}
static void softplus_dfs(const double *x, double *y, size_t n, double param)
{
    (void)param;
    exp_neg_abs(x, y, n);
    for (size_t k = 0; k < n; k++) y[k] = sigmoid_from(x[k], y[k]);
}

#define ACT_BULK(name)                                                                      \
    static void name##_forward(const double *b, double *z, double *a, int rows, int n,      \
                               double param)                                                \
    {                                                                                       \
        bulk_forward(name##_fs, b, z, a, rows, n, param);                                   \
    }                                                                                       \
    static void name##_backward(const double *z, double *dz, size_t n, double param)        \
    {                                                                                       \
        bulk_backward(name##_dfs, z, dz, NULL, n, param);                                   \
    }                                                                                       \
    static void name##_backward_slope(const double *z, double *dz, double *slope, size_t n, \
                                      double param)                                         \
    {                                                                                       \
        bulk_backward(name##_dfs, z, dz, slope, n, param);                                  \
    }

ACT_BULK(linear)
ACT_BULK(step)
ACT_BULK(sigmoid)
ACT_BULK(hard_sigmoid)
ACT_BULK(tanh)
ACT_BULK(hardtanh)
ACT_BULK(relu)
ACT_BULK(leaky_relu)
ACT_BULK(elu)
ACT_BULK(selu)
ACT_BULK(gelu)
ACT_BULK(silu)
ACT_BULK(mish)
ACT_BULK(softplus)
ACT_BULK(softsign)
ACT_BULK(smelu)

/* ---- the table ------------------------------------------------------------- */
/* One row per activation; ACT_ROW fills in its f, f' and the whole-layer
 * forms ACT_BULK made from them, so a row cannot pair mismatched functions.
 *      name          description
 *      parameter name, default, allowed low, high, low bound open
 *      largest |f'|, pieces (NULL: smooth) */
#define ACT_ROW(name, desc, pname, pdef, plo, phi, popen, dmax, piece) \
    {#name, desc, name##_f, name##_df, pname, pdef, plo, phi, popen, dmax, piece, \
     name##_forward, name##_backward, name##_backward_slope}

const act_info act_table[] = {
    ACT_ROW(linear, "identity f(x)=x; f'=1 everywhere (no saturation)",
            NULL, 0, 0, 0, 0, dmax_one, NULL),
    ACT_ROW(step, "Heaviside: 1 for x>0, 0 for x<=0 (f(0)=0); f'=0 everywhere, so no gradient flows",
            NULL, 0, 0, 0, 0, dmax_zero, piece_at_zero),
    ACT_ROW(sigmoid, "logistic 1/(1+e^-x); f' peaks at 0.25 at x=0",
            NULL, 0, 0, 0, 0, sigmoid_dmax, NULL),
    ACT_ROW(hard_sigmoid, "PyTorch Hardsigmoid clamp(x/6+1/2,0,1); f'=1/6 on (-3,3), 0 elsewhere incl. x=+-3",
            NULL, 0, 0, 0, 0, hard_sigmoid_dmax, piece_hard_sigmoid),
    ACT_ROW(tanh, "tanh(x); f'=1-tanh^2 peaks at 1 at x=0",
            NULL, 0, 0, 0, 0, dmax_one, NULL),
    ACT_ROW(hardtanh, "clamp(x,-1,1); f'=1 on (-1,1), 0 elsewhere incl. x=+-1",
            NULL, 0, 0, 0, 0, dmax_one, piece_hardtanh),
    ACT_ROW(relu, "max(0,x); f'=1 for x>0, 0 for x<=0 (f'(0)=0)",
            NULL, 0, 0, 0, 0, dmax_one, piece_at_zero),
    ACT_ROW(leaky_relu, "x for x>0, slope*x otherwise; f'=1 for x>0, slope for x<=0 (f'(0)=slope)",
            "slope", 0.01, -1.0, 1.0, 0, leaky_relu_dmax, piece_at_zero),
    ACT_ROW(elu, "x for x>0, alpha*(e^x-1) otherwise; f'=1 for x>0, alpha*e^x for x<=0 (f'(0)=alpha)",
            "alpha", 1.0, 0.0, 1e6, 0, elu_dmax, piece_at_zero),
    ACT_ROW(selu, "lambda*elu, alpha=1.6733, lambda=1.0507 (Klambauer 2017); f'(0)=lambda*alpha=1.7581, the max",
            NULL, 0, 0, 0, 0, selu_dmax, piece_at_zero),
    ACT_ROW(gelu, "x*Phi(x), exact erf form; f'(0)=0.5, f' peaks at 1.1289 at x=sqrt(2)",
            NULL, 0, 0, 0, 0, gelu_dmax, NULL),
    ACT_ROW(silu, "x*sigmoid(x), also called swish; f'(0)=0.5, f' peaks at 1.0998 at x=2.3994",
            NULL, 0, 0, 0, 0, silu_dmax, NULL),
    ACT_ROW(mish, "x*tanh(softplus(x)); f' peaks at 1.0885 at x=1.4906",
            NULL, 0, 0, 0, 0, mish_dmax, NULL),
    ACT_ROW(softplus, "log(1+e^x); f'=sigmoid(x), tends to 1 as x->inf (sup, never reached)",
            NULL, 0, 0, 0, 0, dmax_one, NULL),
    ACT_ROW(softsign, "x/(1+|x|); f'=1/(1+|x|)^2 peaks at 1 at x=0, decays only polynomially",
            NULL, 0, 0, 0, 0, dmax_one, piece_at_zero),
    ACT_ROW(smelu, "SmeLU (Shamir 2020): 0 for x<=-beta, (x+beta)^2/(4beta) between, x for x>=beta; "
              "C1: f'(-beta)=0, f'(beta)=1",
            "beta", 1.0, 0.0, 1e6, 1, dmax_one, piece_smelu),
};

const int act_count = (int)(sizeof act_table / sizeof act_table[0]);

int act_find(const char *name)
{
    for (int i = 0; i < act_count; i++)
        if (strcmp(act_table[i].name, name) == 0) return i;
    return -1;
}
