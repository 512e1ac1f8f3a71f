/* loss.c: output layers and losses, forward and backward side by side. */
#include "loss.h"

#include "act.h"

#include <math.h>
#include <string.h>

static int outputs_per_class(int n_classes, int flags)
{
    (void)flags;
    return n_classes;
}

/* One output unit for two classes (the 0/1 label), else one per class or
 * per label. */
static int outputs_bce(int n_classes, int flags)
{
    return n_classes == 2 && !(flags & LOSS_MULTI_LABEL) ? 1 : n_classes;
}

/* The target of output k for label y: bit k of a multi-label y; one unit
 * holds y itself, several hold the one-hot vector. */
static double target(int y, int k, int K, int flags)
{
    if (flags & LOSS_MULTI_LABEL) return (double)((y >> k) & 1);
    return K == 1 ? (double)y : (double)(y == k);
}

/* softmax + cross-entropy, mean over the batch.
 * loss_i = logsumexp(z_i) - z_i[y_i];  dL/dz_i = (p_i - onehot(y_i)) / B */
static double softmax_ce(const double *z, double *a, double *dz, const int *labels, int B, int K,
                         int flags)
{
    (void)flags; /* already a sum over the outputs; one class per example (config checks) */
    double total = 0.0;
    for (int i = 0; i < B; i++) {
        const double *zi = z + (size_t)i * K;
        double *ai = a + (size_t)i * K;
        double zmax = zi[0];
        for (int k = 1; k < K; k++) if (zi[k] > zmax) zmax = zi[k];
        double sum = 0.0;
        for (int k = 0; k < K; k++) sum += exp(zi[k] - zmax);
        double log_sum = log(sum);
        for (int k = 0; k < K; k++) ai[k] = exp(zi[k] - zmax - log_sum);
        total += zmax + log_sum - zi[labels[i]];
        if (dz) {
            double *dzi = dz + (size_t)i * K;
            for (int k = 0; k < K; k++) dzi[k] = (ai[k] - (k == labels[i])) / B;
        }
    }
    return total / B;
}

/* sigmoid + binary cross-entropy per unit, in the stable form
 * max(z,0) - z t + log1p(e^-|z|);  dL/dz = (sigmoid(z) - t) / N
 * with N = B*K (element mean) or B (sum over outputs, mean over batch). */
static double sigmoid_bce(const double *z, double *a, double *dz, const int *labels, int B, int K,
                          int flags)
{
    double n = flags & LOSS_SUM_OUTPUTS ? (double)B : (double)B * K;
    double total = 0.0;
    for (int i = 0; i < B; i++) {
        for (int k = 0; k < K; k++) {
            size_t j = (size_t)i * K + k;
            double t = target(labels[i], k, K, flags);
            a[j] = act_sigmoid(z[j]);
            total += fmax(z[j], 0.0) - z[j] * t + log1p(exp(-fabs(z[j])));
            if (dz) dz[j] = (a[j] - t) / n;
        }
    }
    return total / n;
}

/* identity output, mean squared error over all B*K elements against the
 * one-hot target;  dL/dz = 2 (z - t) / (B K) */
static double mse(const double *z, double *a, double *dz, const int *labels, int B, int K,
                  int flags)
{
    double n = flags & LOSS_SUM_OUTPUTS ? (double)B : (double)B * K;
    double total = 0.0;
    for (int i = 0; i < B; i++) {
        for (int k = 0; k < K; k++) {
            size_t j = (size_t)i * K + k;
            double diff = z[j] - target(labels[i], k, K, flags);
            a[j] = z[j];
            total += diff * diff;
            if (dz) dz[j] = 2.0 * diff / n;
        }
    }
    return total / n;
}

/* mse against real-valued targets t (B, K), as mse. */
static double mse_real(const double *z, double *a, double *dz, const double *t, int B, int K,
                       int flags)
{
    double n = flags & LOSS_SUM_OUTPUTS ? (double)B : (double)B * K;
    double total = 0.0;
    for (size_t j = 0; j < (size_t)B * K; j++) {
        double diff = z[j] - t[j];
        a[j] = z[j];
        total += diff * diff;
        if (dz) dz[j] = 2.0 * diff / n;
    }
    return total / n;
}

static double dout_identity(double a) { (void)a; return 1.0; }
static double dout_logistic(double a) { return a * (1.0 - a); }

const loss_info loss_table[] = {
    {"softmax_ce", "softmax output, cross-entropy averaged over the batch (K outputs for K classes)",
     outputs_per_class, softmax_ce, dout_logistic, 0.25, NULL},
    {"sigmoid_bce", "sigmoid on every output, binary cross-entropy averaged over batch x outputs "
                    "(1 output for 2 classes, else K one-hot outputs, or one per label)",
     outputs_bce, sigmoid_bce, dout_logistic, 0.25, NULL},
    {"mse", "identity output, squared error to the one-hot (or multi-label) target averaged over "
            "batch x outputs (a regression dataset's real-valued target: adding)",
     outputs_per_class, mse, dout_identity, 1.0, mse_real},
};
const int loss_count = (int)(sizeof loss_table / sizeof loss_table[0]);

int loss_find(const char *name)
{
    for (int i = 0; i < loss_count; i++)
        if (strcmp(loss_table[i].name, name) == 0) return i;
    return -1;
}

double loss_correct(const double *a, const int *labels, int B, int K, int flags)
{
    double correct = 0;
    for (int i = 0; i < B; i++) {
        const double *ai = a + (size_t)i * K;
        if (flags & LOSS_MULTI_LABEL) {
            int right = 0;
            for (int k = 0; k < K; k++) right += (ai[k] > 0.5) == ((labels[i] >> k) & 1);
            correct += (double)right / K;
            continue;
        }
        int pred;
        if (K == 1) {
            pred = ai[0] > 0.5;
        } else {
            pred = 0;
            for (int k = 1; k < K; k++) if (ai[k] > ai[pred]) pred = k;
        }
        correct += pred == labels[i];
    }
    return correct;
}
