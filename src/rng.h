/* rng.h: the one random number generator of vgrad.
 *
 * xoshiro256** (Blackman & Vigna), seeded through splitmix64 from a 64-bit
 * seed and a stream number, so that the data, the initial weights and the
 * shuffling each draw from their own stream: changing batch_size does not
 * change the initial weights, and changing init does not change the data.
 * Normal variates come from the Box-Muller transform, both values used. */
#ifndef VG_RNG_H
#define VG_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t s[4];
    double spare;   /* second Box-Muller value, valid when has_spare */
    int has_spare;
} rng_state;

/* The streams vgrad uses; new uses get a new number, never reuse one. */
enum { RNG_STREAM_DATA = 1, RNG_STREAM_INIT = 2, RNG_STREAM_SHUFFLE = 3,
       RNG_STREAM_SPLIT = 4, RNG_STREAM_TEACHER = 5, RNG_STREAM_CHECK = 6 };

void rng_seed(rng_state *r, uint64_t seed, uint64_t stream);
uint64_t rng_u64(rng_state *r);
double rng_uniform(rng_state *r);                 /* [0, 1), 53 bits */
double rng_uniform_range(rng_state *r, double lo, double hi);
double rng_normal(rng_state *r);                  /* N(0, 1) */
uint64_t rng_below(rng_state *r, uint64_t n);     /* uniform in [0, n), unbiased; n > 0 */
void rng_shuffle(rng_state *r, int *idx, int n);  /* Fisher-Yates */

#endif
