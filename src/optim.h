/* optim.h: the table of optimisers and their update rules.
 *
 * The parameters of a network live in one block; an optimizer keeps its
 * state (velocity, moments) in blocks of the same layout, so an update of
 * the range [off, off + n) touches the same range of every block.  The
 * update of a range returns the squared norm of the step it applied, which
 * is what update_ratio = ||dW|| / ||W|| is made of. */
#ifndef VG_OPTIM_H
#define VG_OPTIM_H

#include <stddef.h>

#include "vg.h"

typedef struct {
    const char *name;
    const char *desc;
    int slots;  /* state vectors per parameter */
} optim_info;

extern const optim_info optim_table[];
extern const int optim_count;

int optim_find(const char *name);

typedef struct {
    int kind;               /* optim_table index */
    double lr, momentum, beta1, beta2, eps;
    long long t;            /* updates begun, for Adam's bias correction */
    size_t n;               /* parameters */
    double *state;          /* slots * n, owned */
} optimizer;

int optim_create(optimizer *o, int kind, size_t n_params, vg_error *err);
void optim_free(optimizer *o);

/* Bytes of state for n parameters. */
size_t optim_state_bytes(int kind, size_t n_params);

/* Starts update number t+1 (Adam's bias correction uses it). */
void optim_begin(optimizer *o);

/* Updates params[off .. off+n) from grads[off .. off+n).  Each gradient is
 * taken as grad_scale * grads[i] + decay * params[i] (clipping scales the
 * loss gradient; L2 decay is added after clipping, as in PyTorch's
 * weight_decay).  Returns the sum of squares of the applied change. */
double optim_apply(optimizer *o, double *params, const double *grads, size_t off, size_t n,
                   double grad_scale, double decay);

#endif
