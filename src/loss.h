/* loss.h: the table of output layers and losses.
 *
 * Each row turns the output pre-activations z (B, K) into the output
 * activations a (B, K), the batch loss, and dL/dz (B, K), for integer class
 * labels, or (LOSS_MULTI_LABEL) for multi-label targets: bit k of a label
 * is the 0/1 target of output k.  Reductions follow PyTorch's defaults:
 * softmax_ce is the mean over the batch of each example's cross-entropy;
 * sigmoid_bce and mse are the mean over all B x K elements (with
 * LOSS_SUM_OUTPUTS they sum over the K outputs and mean over the batch, as
 * Nielsen's book does).  So gradients are batch means. */
#ifndef VG_LOSS_H
#define VG_LOSS_H

/* flags of a loss: the reduction sums over the outputs (Nielsen's cost);
 * labels are bit sets of K multi-label targets. */
enum { LOSS_SUM_OUTPUTS = 1, LOSS_MULTI_LABEL = 2 };

typedef struct {
    const char *name;
    const char *desc;
    /* Output units for n_classes classes (or labels, with LOSS_MULTI_LABEL). */
    int (*n_outputs)(int n_classes, int flags);
    /* z, a, dz: (B, K).  Returns the loss; writes a, and dz when dz != NULL. */
    double (*forward_backward)(const double *z, double *a, double *dz, const int *labels,
                               int B, int K, int flags);
    /* Elementwise derivative of the output nonlinearity given its output a
     * (identity 1, sigmoid a(1-a), softmax's diagonal p(1-p)) and its largest
     * value: the output layer's reference for saturated_frac and dead_frac. */
    double (*dout)(double a);
    double dout_max;
    /* As forward_backward, against real-valued targets t (B, K) (the
     * adding problem's); NULL for a loss of class labels only. */
    double (*forward_backward_real)(const double *z, double *a, double *dz, const double *t,
                                    int B, int K, int flags);
} loss_info;

extern const loss_info loss_table[];
extern const int loss_count;

int loss_find(const char *name);

/* Correct predictions in a batch of outputs a (B, K): examples whose
 * argmax (one output: a > 0.5) is the label; with LOSS_MULTI_LABEL each
 * example counts the fraction of its K outputs on the right side of 0.5. */
double loss_correct(const double *a, const int *labels, int B, int K, int flags);

#endif
