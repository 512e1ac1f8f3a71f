/* norm.c: batch normalisation and layer normalisation, forward, backward and
 * forward-mode derivative side by side.  The conventions (biased variance
 * in the normalisation, unbiased in the running variance, eps inside the
 * square root, momentum as the weight of the new batch) are PyTorch's; see
 * norm.h.
 *
 * Dimensions:
 *   B  examples in the batch (rows; row-major, a row is contiguous)
 *   C  units of the layer (columns)
 *   N  the number of values normalised together: B for batch (a column),
 *      C for layer (a row)
 *
 * Every loop runs over rows outside and units inside, so the (B, C) arrays
 * are read in memory order; batch normalisation's per-unit sums go to
 * C-long scratch rows, so each pass reads a (B, C) array once, in memory
 * order (a layer-normalised row, C values, is read from memory once and
 * again from the L1 cache).  The variance is never the one-pass
 * E[x^2] - E[x]^2, which loses every digit when the mean is large against
 * the spread: batch normalisation updates mean and squared deviations
 * together (Welford), layer normalisation takes the mean of its row first.
 * The sums along a row (layer normalisation) run in NACC interleaved
 * partial sums, which the compiler can keep in separate registers or
 * vector lanes: a single running sum waits for each addition to finish. */
#include "norm.h"

#include <math.h>
#include <string.h>

const norm_info norm_table[] = {
    {"none", "no normalisation"},
    {"batch", "batch normalisation (BatchNorm1d): each unit over the examples of the batch; "
              "evaluation uses running statistics"},
    {"layer", "layer normalisation (LayerNorm): each example over the units of the layer"},
};
const int norm_count = (int)(sizeof norm_table / sizeof norm_table[0]);

int norm_find(const char *name)
{
    for (int k = 0; k < norm_count; k++)
        if (strcmp(norm_table[k].name, name) == 0) return k;
    return -1;
}

size_t norm_scratch_doubles(int kind, int B, int C)
{
    if (B < 1 || C < 1) return 0;
    if (kind == NORM_BATCH) return 4 * (size_t)C;
    if (kind == NORM_LAYER) return 2 * (size_t)B;
    return 0;
}

int norm_check(const norm_config *cfg, int mode, int B, int C, vg_error *err)
{
    if (cfg->kind != NORM_BATCH && cfg->kind != NORM_LAYER)
        return vg_fail(err, VG_EUSAGE, "normalisation kind %d is not batch (%d) or layer (%d)",
                       cfg->kind, NORM_BATCH, NORM_LAYER);
    if (mode != NORM_TRAINING && mode != NORM_EVALUATION)
        return vg_fail(err, VG_EUSAGE,
                       "normalisation mode %d is not training (%d) or evaluation (%d)", mode,
                       NORM_TRAINING, NORM_EVALUATION);
    if (!(cfg->eps >= 0 && isfinite(cfg->eps)))
        return vg_fail(err, VG_EUSAGE, "norm_eps = %g: must be finite and >= 0", cfg->eps);
    if (cfg->kind == NORM_BATCH && !(cfg->momentum >= 0 && cfg->momentum <= 1))
        return vg_fail(err, VG_EUSAGE, "norm_momentum = %g: must be in [0, 1]", cfg->momentum);
    if (B < 1 || C < 1)
        return vg_fail(err, VG_EUSAGE, "cannot normalise a batch of %d examples of %d units", B, C);
    if (cfg->kind == NORM_BATCH && mode == NORM_TRAINING && B < 2)
        return vg_fail(err, VG_EUSAGE,
                       "batch normalisation needs at least 2 examples per batch in training "
                       "(the variance of one example is undefined), got %d", B);
    return VG_OK;
}

/* ---- batch normalisation ------------------------------------------------ */

/* x: (B, C) -> y: (B, C); gamma, beta, running_mean, running_var: (C)
 * scratch: mean (C), rstd (C), then two C rows of working space.
 * Training: one sweep over the rows gathers each unit's mean and sum of
 * squared deviations (Welford's update, applied to a whole row at a time:
 * after row i, mean is the mean of rows 0..i and dev_sq their sum of squared
 * deviations from it), then one sweep writes y: two passes over x, as
 * stable as the textbook two-pass variance. */
static void batch_forward(const norm_config *cfg, int mode, int B, int C, const double *x,
                          const double *gamma, const double *beta, double *running_mean,
                          double *running_var, double *y, double *scratch)
{
    double *mean = scratch, *rstd = scratch + C;
    if (mode == NORM_EVALUATION) {
        for (int j = 0; j < C; j++) {
            mean[j] = running_mean[j];
            rstd[j] = 1.0 / sqrt(running_var[j] + cfg->eps);
        }
    } else {
        double *dev_sq = scratch + 2 * (size_t)C;
        for (int j = 0; j < C; j++) mean[j] = x[j], dev_sq[j] = 0;
        for (int i = 1; i < B; i++) {
            const double *xi = x + (size_t)i * C;
            double inv_count = 1.0 / (i + 1);
            for (int j = 0; j < C; j++) {
                double d = xi[j] - mean[j];
                mean[j] += d * inv_count;
                dev_sq[j] += d * (xi[j] - mean[j]);
            }
        }
        double m = cfg->momentum;
        for (int j = 0; j < C; j++) {
            double var = dev_sq[j] / B; /* biased; >= 0 term by term */
            rstd[j] = 1.0 / sqrt(var + cfg->eps);
            if (running_mean && running_var) {
                running_mean[j] = (1 - m) * running_mean[j] + m * mean[j];
                running_var[j] = (1 - m) * running_var[j] + m * (dev_sq[j] / (B - 1));
            }
        }
    }
    for (int i = 0; i < B; i++) {
        const double *xi = x + (size_t)i * C;
        double *yi = y + (size_t)i * C;
        for (int j = 0; j < C; j++) yi[j] = gamma[j] * ((xi[j] - mean[j]) * rstd[j]) + beta[j];
    }
}

/* x, dy: (B, C) -> dx: (B, C) += (accumulate) or = ; gamma: (C);
 * dgamma, dbeta: (C) +=; dx_sum: (C) =, or NULL
 * With dy_hat = gamma dy, per unit over the B examples:
 *   dx = rstd / B (B dy_hat - sum dy_hat - x_hat sum(dy_hat x_hat))
 *      = gamma rstd (dy - mean(dy) - x_hat mean(dy x_hat)),
 * the form used here (gamma and rstd are per unit).  Scratch rows 2 and 3
 * hold sum(dy) and sum(dy x_hat).  Two sweeps: the sums, then dx (and the
 * column sums of dx, in example order). */
static void batch_backward(int mode, int B, int C, const double *restrict x,
                           const double *restrict gamma, const double *restrict dy,
                           double *restrict dx, int accumulate, double *restrict dx_sum,
                           double *restrict dgamma, double *restrict dbeta,
                           double *restrict scratch)
{
    const double *mean = scratch, *rstd = scratch + C;
    double *sum_dy = scratch + 2 * (size_t)C, *sum_dy_xhat = scratch + 3 * (size_t)C;
    for (int j = 0; j < C; j++) sum_dy[j] = 0, sum_dy_xhat[j] = 0;
    for (int i = 0; i < B; i++) {
        const double *xi = x + (size_t)i * C, *dyi = dy + (size_t)i * C;
        for (int j = 0; j < C; j++) {
            double x_hat = (xi[j] - mean[j]) * rstd[j];
            sum_dy[j] += dyi[j];
            sum_dy_xhat[j] += dyi[j] * x_hat;
        }
    }
    if (dbeta)
        for (int j = 0; j < C; j++) dbeta[j] += sum_dy[j];
    if (dgamma)
        for (int j = 0; j < C; j++) dgamma[j] += sum_dy_xhat[j];
    if (dx_sum)
        for (int j = 0; j < C; j++) dx_sum[j] = 0;
    if (mode == NORM_EVALUATION) {
        /* The running statistics are constants: y is affine in x.  The
         * sums' rows are reused as means of 0, so one loop serves both. */
        for (int j = 0; j < C; j++) sum_dy[j] = 0, sum_dy_xhat[j] = 0;
    } else {
        for (int j = 0; j < C; j++) sum_dy[j] /= B, sum_dy_xhat[j] /= B; /* now means */
    }
    for (int i = 0; i < B; i++) {
        const double *xi = x + (size_t)i * C, *dyi = dy + (size_t)i * C;
        double *dxi = dx + (size_t)i * C;
        for (int j = 0; j < C; j++) {
            double x_hat = (xi[j] - mean[j]) * rstd[j];
            double d = gamma[j] * rstd[j] * (dyi[j] - sum_dy[j] - x_hat * sum_dy_xhat[j]);
            dxi[j] = accumulate ? dxi[j] + d : d;
            if (dx_sum) dx_sum[j] += d;
        }
    }
}

/* x, v: (B, C) -> dy: (B, C) (overwritten); gamma: (C)
 *   dy = gamma rstd (v - mean(v) - x_hat mean(x_hat v)), means per unit.
 * (d mean = mean(v), d var = 2 mean((x - mean) v), d rstd = -rstd^3 d var / 2.) */
static void batch_jvp(int mode, int B, int C, const double *x, const double *gamma,
                      const double *v, double *dy, double *scratch)
{
    const double *mean = scratch, *rstd = scratch + C;
    double *mean_v = scratch + 2 * (size_t)C, *mean_xhat_v = scratch + 3 * (size_t)C;
    for (int j = 0; j < C; j++) mean_v[j] = 0, mean_xhat_v[j] = 0;
    if (mode == NORM_TRAINING) {
        for (int i = 0; i < B; i++) {
            const double *xi = x + (size_t)i * C, *vi = v + (size_t)i * C;
            for (int j = 0; j < C; j++) {
                mean_v[j] += vi[j];
                mean_xhat_v[j] += (xi[j] - mean[j]) * rstd[j] * vi[j];
            }
        }
        for (int j = 0; j < C; j++) mean_v[j] /= B, mean_xhat_v[j] /= B;
    }
    for (int i = 0; i < B; i++) {
        const double *xi = x + (size_t)i * C, *vi = v + (size_t)i * C;
        double *dyi = dy + (size_t)i * C;
        for (int j = 0; j < C; j++) {
            double x_hat = (xi[j] - mean[j]) * rstd[j];
            dyi[j] = gamma[j] * rstd[j] * (vi[j] - mean_v[j] - x_hat * mean_xhat_v[j]);
        }
    }
}

/* ---- layer normalisation ------------------------------------------------ */

/* Partial sums along a row: NACC of them, element j going to j % NACC,
 * added up at the end. */
#define NACC 4

static double sum_partials(const double *part)
{
    double total = 0;
    for (int k = 0; k < NACC; k++) total += part[k];
    return total;
}

/* x: (B, C) -> y: (B, C); gamma, beta: (C); scratch: mean (B), rstd (B) */
static void layer_forward(double eps, int B, int C, const double *x, const double *gamma,
                          const double *beta, double *y, double *scratch)
{
    double *mean = scratch, *rstd = scratch + B;
    for (int i = 0; i < B; i++) {
        const double *xi = x + (size_t)i * C;
        double *yi = y + (size_t)i * C;
        double sum[NACC] = {0}, dev_sum[NACC] = {0}, dev_sq[NACC] = {0};
        int j = 0;
        for (; j + NACC <= C; j += NACC)
            for (int k = 0; k < NACC; k++) sum[k] += xi[j + k];
        for (; j < C; j++) sum[j % NACC] += xi[j];
        double m = sum_partials(sum) / C;
        for (j = 0; j + NACC <= C; j += NACC)
            for (int k = 0; k < NACC; k++) {
                double d = xi[j + k] - m;
                dev_sum[k] += d;
                dev_sq[k] += d * d;
            }
        for (; j < C; j++) {
            double d = xi[j] - m;
            dev_sum[j % NACC] += d;
            dev_sq[j % NACC] += d * d;
        }
        /* dev_sum: the rounding error of the mean, times C */
        double ds = sum_partials(dev_sum);
        double var = (sum_partials(dev_sq) - ds * ds / C) / C;
        if (var < 0) var = 0;
        double r = 1.0 / sqrt(var + eps);
        for (j = 0; j < C; j++) yi[j] = gamma[j] * ((xi[j] - m) * r) + beta[j];
        mean[i] = m;
        rstd[i] = r;
    }
}

/* x, dy: (B, C) -> dx: (B, C) += (accumulate) or =; gamma: (C);
 * dgamma, dbeta: (C) +=; dx_sum: (C) =, or NULL
 * Per example, with dy_hat = gamma dy over its C units:
 *   dx = rstd / C (C dy_hat - sum dy_hat - x_hat sum(dy_hat x_hat)) */
static void layer_backward(int B, int C, const double *restrict x, const double *restrict gamma,
                           const double *restrict dy, double *restrict dx, int accumulate,
                           double *restrict dx_sum, double *restrict dgamma,
                           double *restrict dbeta, const double *restrict scratch)
{
    const double *mean = scratch, *rstd = scratch + B;
    if (dx_sum)
        for (int j = 0; j < C; j++) dx_sum[j] = 0;
    for (int i = 0; i < B; i++) {
        const double *xi = x + (size_t)i * C, *dyi = dy + (size_t)i * C;
        double *dxi = dx + (size_t)i * C;
        double m = mean[i], r = rstd[i], sum_dyh[NACC] = {0}, sum_dyh_xhat[NACC] = {0};
        int j = 0;
        for (; j + NACC <= C; j += NACC)
            for (int k = 0; k < NACC; k++) {
                double x_hat = (xi[j + k] - m) * r, dy_hat = gamma[j + k] * dyi[j + k];
                sum_dyh[k] += dy_hat;
                sum_dyh_xhat[k] += dy_hat * x_hat;
                if (dgamma) dgamma[j + k] += dyi[j + k] * x_hat;
                if (dbeta) dbeta[j + k] += dyi[j + k];
            }
        for (; j < C; j++) {
            double x_hat = (xi[j] - m) * r, dy_hat = gamma[j] * dyi[j];
            sum_dyh[j % NACC] += dy_hat;
            sum_dyh_xhat[j % NACC] += dy_hat * x_hat;
            if (dgamma) dgamma[j] += dyi[j] * x_hat;
            if (dbeta) dbeta[j] += dyi[j];
        }
        double mean_dyh = sum_partials(sum_dyh) / C, mean_dyh_xhat = sum_partials(sum_dyh_xhat) / C;
        for (j = 0; j < C; j++) {
            double x_hat = (xi[j] - m) * r;
            double d = r * (gamma[j] * dyi[j] - mean_dyh - x_hat * mean_dyh_xhat);
            dxi[j] = accumulate ? dxi[j] + d : d;
            if (dx_sum) dx_sum[j] += d;
        }
    }
}

/* x, v: (B, C) -> dy: (B, C) (overwritten); gamma: (C)
 *   dy = gamma rstd (v - mean(v) - x_hat mean(x_hat v)), means per example. */
static void layer_jvp(int B, int C, const double *x, const double *gamma, const double *v,
                      double *dy, const double *scratch)
{
    const double *mean = scratch, *rstd = scratch + B;
    for (int i = 0; i < B; i++) {
        const double *xi = x + (size_t)i * C, *vi = v + (size_t)i * C;
        double *dyi = dy + (size_t)i * C;
        double m = mean[i], r = rstd[i], sum_v = 0, sum_xhat_v = 0;
        for (int j = 0; j < C; j++) {
            sum_v += vi[j];
            sum_xhat_v += (xi[j] - m) * r * vi[j];
        }
        double mean_v = sum_v / C, mean_xhat_v = sum_xhat_v / C;
        for (int j = 0; j < C; j++) {
            double x_hat = (xi[j] - m) * r;
            dyi[j] = gamma[j] * r * (vi[j] - mean_v - x_hat * mean_xhat_v);
        }
    }
}

/* ---- the public passes: check, then dispatch on the kind ---------------- */

int norm_forward(const norm_config *cfg, int mode, int B, int C, const double *x,
                 const double *gamma, const double *beta, double *running_mean,
                 double *running_var, double *y, double *scratch, vg_error *err)
{
    int rc = norm_check(cfg, mode, B, C, err);
    if (rc) return rc;
    if (cfg->kind == NORM_BATCH) {
        if (mode == NORM_EVALUATION && (!running_mean || !running_var))
            return vg_fail(err, VG_EUSAGE,
                           "batch normalisation in evaluation mode needs the running statistics");
        batch_forward(cfg, mode, B, C, x, gamma, beta, running_mean, running_var, y, scratch);
    } else {
        layer_forward(cfg->eps, B, C, x, gamma, beta, y, scratch);
    }
    return VG_OK;
}

int norm_backward(const norm_config *cfg, int mode, int B, int C, const double *x,
                  const double *gamma, const double *dy, double *dx, double *dgamma,
                  double *dbeta, double *scratch, vg_error *err)
{
    int rc = norm_check(cfg, mode, B, C, err);
    if (rc) return rc;
    if (cfg->kind == NORM_BATCH)
        batch_backward(mode, B, C, x, gamma, dy, dx, 1, NULL, dgamma, dbeta, scratch);
    else
        layer_backward(B, C, x, gamma, dy, dx, 1, NULL, dgamma, dbeta, scratch);
    return VG_OK;
}

int norm_backward_store(const norm_config *cfg, int mode, int B, int C, const double *x,
                        const double *gamma, const double *dy, double *dx, double *dx_sum,
                        double *dgamma, double *dbeta, double *scratch, vg_error *err)
{
    int rc = norm_check(cfg, mode, B, C, err);
    if (rc) return rc;
    if (cfg->kind == NORM_BATCH)
        batch_backward(mode, B, C, x, gamma, dy, dx, 0, dx_sum, dgamma, dbeta, scratch);
    else
        layer_backward(B, C, x, gamma, dy, dx, 0, dx_sum, dgamma, dbeta, scratch);
    return VG_OK;
}

int norm_jvp(const norm_config *cfg, int mode, int B, int C, const double *x,
             const double *gamma, const double *v, double *dy, double *scratch, vg_error *err)
{
    int rc = norm_check(cfg, mode, B, C, err);
    if (rc) return rc;
    if (cfg->kind == NORM_BATCH)
        batch_jvp(mode, B, C, x, gamma, v, dy, scratch);
    else
        layer_jvp(B, C, x, gamma, v, dy, scratch);
    return VG_OK;
}
