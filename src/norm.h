/* norm.h: batch normalisation and layer normalisation over a (B, C) batch,
 * with PyTorch's conventions (torch.nn.BatchNorm1d and torch.nn.LayerNorm),
 * so a user can check vgrad against it.
 *
 *   batch (BatchNorm1d, Ioffe & Szegedy 2015): each unit (column) over the B
 *     examples of the batch.  Training mode: the batch mean and the BIASED
 *     batch variance, x_hat = (x - mean) / sqrt(var + eps), y = gamma * x_hat
 *     + beta; the running mean and running variance move by `momentum`
 *     towards the batch mean and the UNBIASED batch variance (B / (B - 1)
 *     times the biased one):  running = (1 - momentum) * running + momentum
 *     * batch.  Evaluation mode normalises with the running statistics.
 *   layer (LayerNorm, Ba, Kiros & Hinton 2016): each example (row) over its C
 *     units, biased variance, per-unit gamma and beta; the same in both modes.
 *
 * The caller owns all memory.  Nothing here allocates, prints or exits; the
 * functions return VG_OK, or VG_EUSAGE with a message in err for a size or
 * setting they cannot honour.  Gradients ACCUMULATE (+=) into dx, dgamma and
 * dbeta, so the caller zeroes them once per step and a value read twice (as
 * by a shortcut) or a parameter shared between uses gets every contribution.
 *
 * Scratch: norm_scratch_doubles(kind, B, C) doubles, passed unchanged from
 * norm_forward to norm_backward / norm_jvp of the same batch.  The forward
 * leaves there the statistics it normalised with, so the caller can record
 * them:  scratch[0 .. n) the means, scratch[n .. 2n) the reciprocal standard
 * deviations 1 / sqrt(var + eps), with n = C for batch (per unit; in
 * evaluation mode the running statistics) and n = B for layer (per example).
 * The rest is working space: norm_backward and norm_jvp write only there,
 * so both may follow one norm_forward, in either order. */
#ifndef VG_NORM_H
#define VG_NORM_H

#include <stddef.h>

#include "vg.h"

/* The kinds, in the order of norm_table (kind == index). */
enum { NORM_NONE = 0, NORM_BATCH = 1, NORM_LAYER = 2 };

/* Training: batch statistics (and, for batch, running statistics updated).
 * Evaluation: batch normalisation uses the running statistics, as after
 * PyTorch's model.eval(). */
enum { NORM_TRAINING = 0, NORM_EVALUATION = 1 };

#define NORM_EPS_DEFAULT 1e-5
#define NORM_MOMENTUM_DEFAULT 0.1

typedef struct {
    const char *name; /* the value of the norm= key */
    const char *desc;
} norm_info;

extern const norm_info norm_table[];
extern const int norm_count;

/* The kind named name (an index of norm_table), or -1 if there is none. */
int norm_find(const char *name);

typedef struct {
    int kind;        /* NORM_BATCH or NORM_LAYER */
    double eps;      /* added to the variance; >= 0, finite (PyTorch: 1e-5) */
    double momentum; /* batch only: weight of the new batch, in [0, 1] (PyTorch: 0.1) */
} norm_config;

/* Doubles of scratch a layer of this kind over a (B, C) batch needs: 4C for
 * batch, 2B for layer, 0 for none (or for B, C < 1). */
size_t norm_scratch_doubles(int kind, int B, int C);

/* Checks that cfg can normalise a (B, C) batch in mode (NORM_TRAINING or
 * NORM_EVALUATION): a known kind, eps >= 0 and finite, momentum in [0, 1],
 * B >= 1, C >= 1, and for batch normalisation in training mode B >= 2 (the
 * batch variance of one example is 0 and its unbiased estimate undefined;
 * PyTorch refuses it too).  Returns VG_OK or VG_EUSAGE with the reason. */
int norm_check(const norm_config *cfg, int mode, int B, int C, vg_error *err);

/* Forward pass.
 *   x: (B, C) input, y: (B, C) output (must not overlap x: the backward
 *   pass reads x), gamma, beta: (C)
 *   running_mean, running_var: (C), batch only (layer: ignored, may be NULL).
 *     Training: updated with cfg->momentum (NULL for both: not tracked, the
 *     output is the same).  Evaluation: read, required.
 *   scratch: norm_scratch_doubles(cfg->kind, B, C); receives the means and
 *     reciprocal standard deviations (see above).
 * Returns VG_OK, or what norm_check returns (nothing written then). */
int norm_forward(const norm_config *cfg, int mode, int B, int C, const double *x,
                 const double *gamma, const double *beta, double *running_mean,
                 double *running_var, double *y, double *scratch, vg_error *err);

/* Backward pass of the norm_forward call that filled scratch (same cfg, mode,
 * B, C, x, gamma).  With N = B (batch, training) or C (layer),
 * dy_hat = dy * gamma and rstd the cached 1 / sqrt(var + eps):
 *   dx     += rstd / N * (N * dy_hat - sum(dy_hat) - x_hat * sum(dy_hat * x_hat))
 *   dgamma += sum over the examples of dy * x_hat,   dbeta += sum of dy
 * (batch in evaluation mode: dx += dy_hat * rstd, the statistics being
 * constants).
 *   x, dy: (B, C); dx: (B, C), accumulated, must not overlap x or dy;
 *   gamma: (C); dgamma, dbeta: (C), accumulated (either may be NULL: not
 *   wanted); scratch: as left by norm_forward.
 * Returns VG_OK, or what norm_check returns (nothing written then). */
int norm_backward(const norm_config *cfg, int mode, int B, int C, const double *x,
                  const double *gamma, const double *dy, double *dx, double *dgamma,
                  double *dbeta, double *scratch, vg_error *err);

/* As norm_backward, but dx is overwritten (=) instead of accumulated, so a
 * caller that owns dx need not zero it first; and dx_sum (C), unless NULL,
 * is overwritten with the sum over the B examples of dx, added in example
 * order (the gradient of a bias added to x; it equals the sum a caller
 * would take over the stored dx, to the last bit).  One pass over the
 * values fewer than zeroing dx, norm_backward and summing dx.
 * Returns VG_OK, or what norm_check returns (nothing written then). */
int norm_backward_store(const norm_config *cfg, int mode, int B, int C, const double *x,
                        const double *gamma, const double *dy, double *dx, double *dx_sum,
                        double *dgamma, double *dbeta, double *scratch, vg_error *err);

/* Forward-mode derivative (Jacobian-vector product) with respect to the
 * input, of the norm_forward call that filled scratch: for a tangent v of x,
 *   dy = gamma * rstd * (v - mean(v) - x_hat * mean(x_hat * v))
 * with the means over the N values normalised together (batch in evaluation
 * mode: dy = gamma * rstd * v).  This is the transpose of norm_backward's dx.
 *   x, v: (B, C); dy: (B, C), overwritten, must not overlap x or v;
 *   gamma: (C); scratch: as left by norm_forward.
 * Returns VG_OK, or what norm_check returns (nothing written then). */
int norm_jvp(const norm_config *cfg, int mode, int B, int C, const double *x,
             const double *gamma, const double *v, double *dy, double *scratch, vg_error *err);

#endif
