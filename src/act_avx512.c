/* act_avx512.c: SLEEF's eight-lane AVX-512F functions over arrays, for
 * act.c.  This file alone is compiled with -mavx512f (CMakeLists.txt,
 * x86-64 only); act.c calls it only when the CPU has AVX-512F, so the rest
 * of vgrad still runs on any x86-64. */
#include "act_vec.h"

#include <sleef.h>

/* fn of one vector.  A switch rather than a pointer: sleef.h declares the
 * functions with a const-qualified return type, which a pointer type here
 * would have to repeat (and clang warns that it has no effect). */
static __m512d call(act_vec_fn fn, __m512d v)
{
    switch (fn) {
    case ACT_VEC_EXP: return Sleef_expd8_u10avx512f(v);
    case ACT_VEC_COSH: return Sleef_coshd8_u10avx512f(v);
    case ACT_VEC_TANH: return Sleef_tanhd8_u10avx512f(v);
    case ACT_VEC_EXPM1: return Sleef_expm1d8_u10avx512f(v);
    case ACT_VEC_LOG1P: return Sleef_log1pd8_u10avx512f(v);
    case ACT_VEC_ERFC: break;
    }
    return Sleef_erfcd8_u15avx512f(v);
}

/* y[k] = fn(x[k]), k < n; y may be x.  Each lane is computed alone, so a
 * value's result depends neither on its neighbours nor on its position;
 * the last n % 8 values go through the same function, padded with zeros. */
void act_avx512_map(act_vec_fn fn, const double *x, double *y, size_t n)
{
    size_t k = 0;
    for (; k + 8 <= n; k += 8) _mm512_storeu_pd(y + k, call(fn, _mm512_loadu_pd(x + k)));
    if (k < n) {
        double lanes[8] = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
        for (size_t i = k; i < n; i++) lanes[i - k] = x[i];
        _mm512_storeu_pd(lanes, call(fn, _mm512_loadu_pd(lanes)));
        for (size_t i = k; i < n; i++) y[i] = lanes[i - k];
    }
}
