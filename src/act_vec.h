/* act_vec.h: the elementary functions act.c's whole-layer forms take from
 * SLEEF, over arrays, and the AVX-512 and AVX2 builds of them (act_avx512.c,
 * act_avx2.c). */
#ifndef VG_ACT_VEC_H
#define VG_ACT_VEC_H

#include <stddef.h>

typedef enum {
    ACT_VEC_EXP,    /* Sleef_exp*_u10:   1.0 ULP */
    ACT_VEC_COSH,   /* Sleef_cosh*_u10 */
    ACT_VEC_TANH,   /* Sleef_tanh*_u10 */
    ACT_VEC_EXPM1,  /* Sleef_expm1*_u10 */
    ACT_VEC_LOG1P,  /* Sleef_log1p*_u10 */
    ACT_VEC_ERFC    /* Sleef_erfc*_u15:  1.5 ULP */
} act_vec_fn;

/* y[k] = fn(x[k]) for k < n (y may be x) with Sleef_<fn>d4_<ulp>avx2.
 * Only on a CPU with AVX2 and FMA. */
void act_avx2_map(act_vec_fn fn, const double *x, double *y, size_t n);

/* The same with Sleef_<fn>d8_<ulp>avx512f.  Only on a CPU with AVX-512F. */
void act_avx512_map(act_vec_fn fn, const double *x, double *y, size_t n);

/* The variant act.c uses on this CPU: "avx512f" (Sleef_<fn>d8_<ulp>avx512f),
 * "avx2" (Sleef_<fn>d4_<ulp>avx2, without AVX-512F),
 * "sse2" (SLEEF's two-lane dispatcher, Sleef_<fn>d2_<ulp>, on an x86-64
 * without AVX2 and FMA) or "scalar" (Sleef_<fn>_<ulp>, elsewhere). */
const char *act_vec_variant(void);

#endif
