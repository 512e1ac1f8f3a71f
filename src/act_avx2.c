/* act_avx2.c: SLEEF's four-lane AVX2 (with FMA) functions over arrays, for
 * act.c.  This file alone is compiled with -mavx2 -mfma (CMakeLists.txt,
 * x86-64 only); act.c calls it only when the CPU has both (act_avx2_usable),
 * so the rest of vgrad still runs on any x86-64. */
#include "act_vec.h"

#include <sleef.h>

/* y[k] = fn(x[k]), k < n; y may be x.  Each lane is computed alone, so a
 * value's result depends neither on its neighbours nor on its position;
 * the last n % 4 values go through the same function, padded with zeros. */
void act_avx2_map(act_vec_fn fn, const double *x, double *y, size_t n)
{
    __m256d (*f)(__m256d) = fn == ACT_VEC_EXP     ? Sleef_expd4_u10avx2
                            : fn == ACT_VEC_COSH  ? Sleef_coshd4_u10avx2
                            : fn == ACT_VEC_TANH  ? Sleef_tanhd4_u10avx2
                            : fn == ACT_VEC_EXPM1 ? Sleef_expm1d4_u10avx2
                            : fn == ACT_VEC_LOG1P ? Sleef_log1pd4_u10avx2
                                                  : Sleef_erfcd4_u15avx2;
    size_t k = 0;
    for (; k + 4 <= n; k += 4) _mm256_storeu_pd(y + k, f(_mm256_loadu_pd(x + k)));
    if (k < n) {
        double quad[4] = {0.0, 0.0, 0.0, 0.0};
        for (size_t i = k; i < n; i++) quad[i - k] = x[i];
        _mm256_storeu_pd(quad, f(_mm256_loadu_pd(quad)));
        for (size_t i = k; i < n; i++) y[i] = quad[i - k];
    }
}
