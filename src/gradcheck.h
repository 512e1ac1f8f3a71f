/* gradcheck.h: back-propagation checked against finite differences.
 *
 * Each checked parameter's analytic gradient is compared with a Richardson-
 * extrapolated central difference, R(h) = (4 D(h/2) - D(h)) / 3 with
 * D(h) = (L(w + h) - L(w - h)) / 2h and h = 1e-3, whose error is O(h^4) plus
 * rounding of about eps |L| / h, some 1e-13 for a loss near 1.  O(h^4) is
 * small only where h is small against the scale on which the loss bends:
 * a layer normalisation of values that are all equal (an input at the
 * origin into a first layer with zero biases: variance 0) has that scale
 * sqrt(norm_eps) = 3e-3, and R(1e-3) is off by 1e-5 of the gradient there.
 * So R(h / 10) is computed too; where R(h) - R(h / 10), which estimates
 * R(h)'s truncation error, exceeds the rounding noise of R(h / 10)
 * (16 ulps of the loss divided by h / 10), R(h / 10) is the numeric value.
 * The choice never looks at the analytic gradient, so it cannot hide a
 * wrong one.
 *
 * The verdict of a layer is the relative error of its gradient as a whole,
 * ||analytic - numeric|| / max(||analytic||, ||numeric||, 1e-10) over the
 * checked entries: single entries far below the layer's scale are dominated
 * by the rounding noise and say nothing about backprop.  The worst entry's
 * own relative error is reported beside it.  A perturbation that moves a
 * hidden pre-activation across a kink of the activation (relu at 0, hardtanh
 * at +-1, ...) is not differentiable there: that parameter is skipped and
 * counted, not compared. */
#ifndef VG_GRADCHECK_H
#define VG_GRADCHECK_H

#include "config.h"
#include "csvio.h"
#include "mlp.h"
#include "rng.h"

typedef struct {
    int checked, skipped;      /* parameters compared, and skipped at kinks */
    int refined;               /* of those compared, how many at the step h / 10 */
    double rel_error;          /* ||analytic - numeric|| / max(norms, 1e-10): the verdict */
    double max_entry_error;    /* worst |a - n| / max(|a|, |n|, 1e-10) of one entry */
    double grad_norm;          /* ||analytic|| over the checked entries */
    double max_abs_grad;       /* largest |analytic gradient| checked */
} gradcheck_layer;

/* Checks layer l = 1..L of net on the batch in its input (B examples,
 * labels).  Layers with more than max_per_layer parameters are checked on
 * a sample of that many drawn from rng.  out has L + 1 entries (index 0
 * unused).  The trained parameter groups of every layer are checked (not
 * state such as batch normalisation's running statistics, which every
 * training-mode pass moves and which do not enter its loss).  The
 * parameters are restored exactly.  The network's gradients must not be in
 * use: they are recomputed. */
void gradcheck_run(mlp *net, const int *labels, int B, int max_per_layer, rng_state *rng,
                   gradcheck_layer *out);

/* vgrad gradcheck: the verdict, for the command line to say. */
typedef struct {
    int examples;          /* the batch checked */
    int failed;            /* some layer's rel_error exceeds tol (or is NaN) */
    int all_zero;          /* every checked gradient is zero: the check proves nothing */
} gradcheck_report;

/* Checks every layer of cfg's network (resolved) at initialisation on its
 * first max_examples training examples, at most max_per_layer parameters a
 * layer (sampled with the check stream of cfg->seed), and writes one row a
 * layer through rows (opened by the caller, e.g. on stdout):
 * layer,checked,skipped_at_kinks,rel_error,max_entry_error,grad_norm, the
 * errors and norm to 4 significant digits (%.3e).  The verdict against tol
 * is in rep.  VG_EUSAGE for bad input, VG_EFAIL for memory. */
int gradcheck_write(const vg_config *cfg, double tol, int max_examples, int max_per_layer,
                    csv_out *rows, gradcheck_report *rep, vg_error *err);

#endif
