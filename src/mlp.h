/* mlp.h: the network: its layer instances (layer.h), its memory, and the
 * forward and backward passes and statistics, which dispatch to each
 * instance's kind.
 *
 * Dimension legend
 *   L        weight layers = hidden layers + 1 (the output layer)
 *   l        a weight layer, 1..L; layer l maps units of layer l-1 to layer l
 *   dims[l]  units of layer l: dims[0] inputs, dims[L] outputs
 *   B        examples in the current batch (<= max_batch)
 *
 * Layer l is instance net->layers[l] (layer.h); today every one is dense,
 * reads layer l - 1, and the last is the output layer.  Its buffers
 * (row-major):
 *   z[l]  (B, dims[l])           pre-activation  z = a[l-1] W^T + b
 *   a[l]  (B, dims[l])           activation      a = f(z); a[L] is the output
 *   dz[l] (B, dims[l])           delta           dL/dz of the batch-mean loss
 *                                (during the backward pass, first dL/da)
 * a[0] holds the current input batch; z[0], which no layer has, is the
 * statistics' work row (max_batch * dims[0] >= max_batch doubles).
 *
 * The source s of a shortcut (a layer whose output a later layer l = s + K
 * adds, a_l = a_s + scale f(z_l)) has two more buffers, filled by the
 * backward pass, whose sum is dL/da_s:
 *   dshortcut[s] (B, dims[s])    the part through the shortcut: dL/da_l
 *   dbranch[s]   (B, dims[s])    the part through the next layer s + 1:
 *                                dL/du_{s+1} W_{s+1}, u_{s+1} its affine
 *                                output (z_{s+1} for the dense kind)
 * (with K = 1 both come from layer s + 1).  NULL for other layers.  The parameters of layer l are its
 * kind's groups (the dense kind: W (dims[l], dims[l-1]), fan_out x fan_in as
 * PyTorch's nn.Linear, and b (dims[l])): mlp_param(net, l, g).
 *
 * Memory: every parameter in one block (layer 1's groups, layer 2's, ...),
 * the gradients in a second block of the same layout, z, a, dz of every
 * layer (and dshortcut, dbranch of the shortcuts' sources) in a third, and the kinds' scratch in a fourth; all sized once for
 * max_batch.  Nothing is allocated after mlp_create. */
#ifndef VG_MLP_H
#define VG_MLP_H

#include <stddef.h>

#include "act.h"
#include "layer.h"
#include "loss.h"
#include "vg.h"

typedef struct mlp {
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
    layer *layers;              /* index 1..L */
    double **z, **a, **dz;      /* index 0..L; z[0] the statistics' work, dz[0] unused */
    double **dshortcut, **dbranch;  /* index 0..L; NULL but at a shortcut's source */
    double *act_block;          /* z, a, dz storage */
    double *scratch;            /* the kinds' scratch, n_scratch doubles (NULL if 0) */
    size_t n_scratch;
    void *ptr_block;            /* the arrays above */
    /* Real-valued targets of the current batch, (B * S, K) with S the output
     * layer's steps (1 unless seq_output=all) and K its fan_out, for a loss
     * with forward_backward_real (mse); NULL: the labels are the targets.
     * Not owned (train.c points it at its batch). */
    const double *targets;
} mlp;

/* What the hidden layers are besides dense (NULL or all zero: a plain MLP).
 *   norm: NORM_NONE, NORM_BATCH or NORM_LAYER (norm.h), normalising every
 *     hidden layer's pre-activation with norm_eps (and norm_momentum);
 *   residual = K > 0: hidden layers 1+K, 1+2K, ... add the output of the
 *     layer K below, a_l = a_{l-K} + residual_scale f(z_l); their widths must
 *     agree. */
typedef struct {
    int norm;
    double norm_eps, norm_momentum;
    int residual;
    double residual_scale;
    /* model: MODEL_MLP (0) or a recurrent model (rnn.h): layers 1..L-1 are
     * then recurrent layers of its kind over seq_len steps and dims count
     * the units of whole sequences: dims[0] = T * inputs per step, dims[l] =
     * T * hidden units (the top layer with seq_all 0: its hidden units, the
     * last step's), dims[L] = outputs (T * outputs when seq_all: the output
     * layer applied to every step). */
    int model, seq_len, seq_all;
} mlp_arch;

/* Bytes mlp_create will allocate for these sizes, or SIZE_MAX on overflow;
 * the parameters it will have in *n_params when n_params is not NULL. */
size_t mlp_memory_bytes(const int *dims, int L, int max_batch, const mlp_arch *arch,
                        size_t *n_params);

/* Builds an uninitialised network (parameters zero).  act is an act_table
 * row, loss a loss_table row, arch NULL for a plain MLP.  VG_EUSAGE on
 * sizes that overflow or widths a shortcut cannot add, VG_EFAIL when memory
 * runs out. */
int mlp_create(mlp *net, const int *dims, int L, int max_batch, const act_info *act,
               double act_param, const loss_info *loss, int loss_flags, int has_bias,
               const mlp_arch *arch, vg_error *err);
void mlp_free(mlp *net);

/* Group g of layer l's parameters and of their gradients. */
static inline double *mlp_param(const mlp *net, int l, int g)
{
    return net->params + net->layers[l].group_off[g];
}
static inline double *mlp_grad(const mlp *net, int l, int g)
{
    return net->grads + net->layers[l].group_off[g];
}

/* Whether group g of layer l is in use (a bias group only with biases):
 * trained, checked, saved.  A group not in use stays 0. */
int mlp_group_used(const mlp *net, int l, int g);

/* Whether group g of layer l is trained: in use and not state. */
int mlp_group_trained(const mlp *net, int l, int g);

/* Whether some layer's forward pass differs between the modes (batch
 * normalisation), so that a training pass is no evaluation. */
int mlp_mode_dependent(const mlp *net);

/* Forward pass of B examples from a[0] in mode LAYER_TRAINING or
 * LAYER_EVALUATION (layer.h); fills z[1..L], a[1..L-1] and the output
 * a[L]; returns the batch loss against labels (B * mlp_out_steps labels),
 * or net->targets when set.  When with_grad, also computes dz[L]. */
double mlp_forward_mode(mlp *net, const int *labels, int B, int mode, int with_grad);

/* The output layer's rows per example: T with seq_output=all, else 1; the
 * loss sees B * mlp_out_steps rows of mlp_out_units outputs. */
int mlp_out_steps(const mlp *net);
int mlp_out_units(const mlp *net);

/* mlp_forward_mode in training mode: the training step, the gradient check. */
double mlp_forward(mlp *net, const int *labels, int B, int with_grad);

/* Backward pass after mlp_forward(..., with_grad = 1): the gradients of
 * every parameter group and dz of every layer (dz[L] already set). */
void mlp_backward(mlp *net, int B);

/* Statistics of layer l (1..L) for the batch of the last forward/backward.
 * saturated_frac: fraction of unit-examples whose |f'(z)| is below 1% of the
 * activation's largest |f'| (all of them when that largest is 0, as for
 * step); dead_frac: fraction of units whose f'(z) is 0 on every example.  For
 * the output layer f' is the output nonlinearity's (loss.h). */
void mlp_layer_stats(const mlp *net, int l, int B, layer_stats *s);

/* Frobenius norm of n values, scaled to avoid overflow and underflow. */
double vg_norm(const double *x, size_t n);

#endif
