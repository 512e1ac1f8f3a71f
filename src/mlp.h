/* mlp.h: the multilayer perceptron, its forward and backward passes, and the
 * per-layer statistics vgrad records.
 *
 * Dimension legend
 *   L        weight layers = hidden layers + 1 (the output layer)
 *   l        a weight layer, 1..L; layer l maps units of layer l-1 to layer l
 *   dims[l]  units of layer l: dims[0] inputs, dims[L] outputs
 *   B        examples in the current batch (<= max_batch)
 *
 * Tensors of layer l (row-major):
 *   W[l]  (dims[l], dims[l-1])   fan_out x fan_in, as PyTorch's nn.Linear
 *   b[l]  (dims[l])
 *   z[l]  (B, dims[l])           pre-activation  z = a[l-1] W^T + b
 *   a[l]  (B, dims[l])           activation      a = f(z); a[L] is the output
 *   dz[l] (B, dims[l])           delta           dL/dz of the batch-mean loss
 * a[0] holds the current input batch.
 *
 * Memory: every parameter in one block (W[1], b[1], W[2], b[2], ...), the
 * gradients in a second block of the same layout, and z, a, dz of every
 * layer in a third; all sized once for max_batch.  Nothing is allocated
 * after mlp_create. */
#ifndef VG_MLP_H
#define VG_MLP_H

#include <stddef.h>

#include "act.h"
#include "loss.h"
#include "vg.h"

typedef struct {
    int L;
    int *dims;                  /* L + 1 entries */
    int max_batch;
    const act_info *act;
    double act_param;
    const loss_info *loss;
    int loss_flags;             /* LOSS_SUM_OUTPUTS, LOSS_MULTI_LABEL (see loss.h) */
    int has_bias;
    size_t n_params;
    double *params, *grads;     /* n_params each */
    size_t *w_off, *b_off;      /* offsets of W[l], b[l] in params, index 1..L */
    double **W, **b, **dW, **db;
    double **z, **a, **dz;      /* index 0..L; z[0], dz[0] unused */
    double *act_block;          /* z, a, dz storage */
    void *ptr_block;            /* the arrays above */
} mlp;

/* Bytes mlp_create will allocate for these sizes, or SIZE_MAX on overflow. */
size_t mlp_memory_bytes(const int *dims, int L, int max_batch);

/* Builds an uninitialised network (parameters zero).  act is an act_table
 * row, loss a loss_table row.  VG_EUSAGE on sizes that overflow, VG_EFAIL
 * when memory runs out. */
int mlp_create(mlp *net, const int *dims, int L, int max_batch, const act_info *act,
               double act_param, const loss_info *loss, int loss_flags, int has_bias,
               vg_error *err);
void mlp_free(mlp *net);

/* Forward pass of B examples from a[0]; fills z[1..L], a[1..L-1] and the
 * output a[L]; returns the batch loss against labels.  When with_grad, also
 * computes dz[L]. */
double mlp_forward(mlp *net, const int *labels, int B, int with_grad);

/* Backward pass after mlp_forward(..., with_grad = 1): dW, db, dz of every
 * layer (dz[L] already set). */
void mlp_backward(mlp *net, int B);

/* What vgrad records of layer l at a logged step. */
typedef struct {
    double grad_w_norm, grad_b_norm, delta_norm;
    double preact_mean, preact_std, act_mean, act_std;
    double saturated_frac, dead_frac, weight_norm;
} layer_stats;

/* Statistics of layer l (1..L) for the batch of the last forward/backward.
 * saturated_frac: fraction of unit-examples whose |f'(z)| is below 1% of the
 * activation's largest |f'| (all of them when that largest is 0, as for
 * step); dead_frac: fraction of units whose f'(z) is 0 on every example.  For
 * the output layer f' is the output nonlinearity's (loss.h). */
void mlp_layer_stats(const mlp *net, int l, int B, layer_stats *s);

/* Frobenius norm of n values, scaled to avoid overflow and underflow. */
double vg_norm(const double *x, size_t n);

#endif
