/* act_avx2.c: SLEEF's four-lane AVX2 (with FMA) functions over arrays, for
 * act.c.  This file alone is compiled with -mavx2 -mfma (CMakeLists.txt,
 * x86-64 only); act.c calls it only when the CPU has both (act_avx2_usable),
 * so the rest of vgrad still runs on any x86-64. */
#include "act_vec.h"

#include <sleef.h>

/* fn of one vector.  A switch rather than a pointer: sleef.h declares the
 * functions with a const-qualified return type, which a pointer type here
 * would have to repeat (and clang warns that it has no effect). */
static __m256d call(act_vec_fn fn, __m256d v)
{
    switch (fn) {
    case ACT_VEC_EXP: return Sleef_expd4_u10avx2(v);
    case ACT_VEC_COSH: return Sleef_coshd4_u10avx2(v);
    case ACT_VEC_TANH: return Sleef_tanhd4_u10avx2(v);
    case ACT_VEC_EXPM1: return Sleef_expm1d4_u10avx2(v);
    case ACT_VEC_LOG1P: return Sleef_log1pd4_u10avx2(v);
    case ACT_VEC_ERFC: break;
    }
    return Sleef_erfcd4_u15avx2(v);
}

/* y[k] = fn(x[k]), k < n; y may be x.  Each lane is computed alone, so a
 * value's result depends neither on its neighbours nor on its position;
 * the last n % 4 values go through the same function, padded with zeros. */
void act_avx2_map(act_vec_fn fn, const double *x, double *y, size_t n)
{
    size_t k = 0;
    for (; k + 4 <= n; k += 4) _mm256_storeu_pd(y + k, call(fn, _mm256_loadu_pd(x + k)));
    if (k < n) {
        double quad[4] = {0.0, 0.0, 0.0, 0.0};
        for (size_t i = k; i < n; i++) quad[i - k] = x[i];
        _mm256_storeu_pd(quad, call(fn, _mm256_loadu_pd(quad)));
        for (size_t i = k; i < n; i++) y[i] = quad[i - k];
    }
}
