/* init.h: the table of weight initialisers.
 *
 * Each row fills a fan_out x fan_in weight matrix (row-major, the PyTorch
 * nn.Linear layout) from the init stream of the RNG.  The gain (init_gain)
 * multiplies every scheme; init_std and init_bound are the explicit scales of
 * `normal` and `uniform`. */
#ifndef VG_INIT_H
#define VG_INIT_H

#include "rng.h"
#include "vg.h"

typedef struct {
    double std;    /* init_std, used by "normal" */
    double bound;  /* init_bound, used by "uniform" */
    double gain;   /* init_gain, multiplies every scheme */
} init_params;

typedef struct {
    const char *name;
    const char *desc;
    /* Fills W (fan_out x fan_in).  Returns VG_OK, or VG_EFAIL with err set
     * (only orthogonal can fail: allocation or LAPACK). */
    int (*fill)(double *W, int fan_out, int fan_in, const init_params *p, rng_state *rng, vg_error *err);
} init_info;

extern const init_info init_table[];
extern const int init_count;

int init_find(const char *name);

/* Standard deviation of the entries each scheme draws, before the gain;
 * used by tests and by the theory module.  Exact for every scheme. */
double init_std_of(int init, int fan_out, int fan_in, const init_params *p);

#endif
