/* layer_dense.c: the dense kind.  A hidden instance is an affine map and
 * the network's activation; the output instance is the affine map alone,
 * the loss applying its output nonlinearity (loss.h).
 *
 * Shapes (row-major), x = a[input] the output it reads:
 *   x  (B, fi)     W  (fo, fi)  fan_out x fan_in, as PyTorch's nn.Linear
 *   z  (B, fo)     b  (fo)      a  (B, fo)        dz (B, fo)
 * Every matrix product is a cblas_dgemm. */
#include <cblas.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include "mlp.h"

/* The residual add after a = f(z):  a (B, fo) = a[shortcut] + scale * a. */
void dense_shortcut_forward(mlp *net, int l, int B)
{
    const layer *ly = &net->layers[l];
    if (!ly->shortcut) return;
    size_t n = (size_t)B * ly->fan_out;
    const double *s = net->a[ly->shortcut];
    double *a = net->a[l], scale = ly->shortcut_scale;
    for (size_t k = 0; k < n; k++) a[k] = s[k] + scale * a[k];
}

/* Its backward, before f': dz[shortcut] += dL/da (stored when first), and
 * dL/da kept as the shortcut's part, dshortcut[shortcut]; then dL/df =
 * scale * dL/da in place in dz[l]. */
void dense_shortcut_backward(mlp *net, int l, int B)
{
    const layer *ly = &net->layers[l];
    if (!ly->shortcut) return;
    size_t n = (size_t)B * ly->fan_out;
    double *ds = net->dz[ly->shortcut], *dz = net->dz[l], scale = ly->shortcut_scale;
    memcpy(net->dshortcut[ly->shortcut], dz, n * sizeof(double));
    if (ly->first_to_shortcut)
        memcpy(ds, dz, n * sizeof(double));
    else
        for (size_t k = 0; k < n; k++) ds[k] += dz[k];
    for (size_t k = 0; k < n; k++) dz[k] *= scale;
}

/* dx (B, fi) (+)= du (B, fo) W (fo, fi): stored when first_to_input.  The
 * network's input needs no gradient: no product.  When the input is a
 * shortcut's source, the product goes to dbranch[input] first and is then
 * added, so that dshortcut + dbranch is dz[input] (mlp.h). */
void dense_input_backward(mlp *net, int l, int B, const double *du)
{
    const layer *ly = &net->layers[l];
    int fi = ly->fan_in, fo = ly->fan_out;
    if (ly->input == 0) return;
    const double *W = mlp_param(net, l, DENSE_W);
    double *dx = net->dz[ly->input], *branch = net->dbranch[ly->input];
    if (!branch) {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, fi, fo, 1.0, du, fo, W, fi,
                    ly->first_to_input ? 0.0 : 1.0, dx, fi);
        return;
    }
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, fi, fo, 1.0, du, fo, W, fi, 0.0,
                branch, fi);
    size_t n = (size_t)B * fi;
    if (ly->first_to_input)
        memcpy(dx, branch, n * sizeof(double));
    else
        for (size_t k = 0; k < n; k++) dx[k] += branch[k];
}

/* Scratch: slope (B, fo), the f'(z) of the last backward pass, which the
 * statistics read instead of computing f' again; an instance applied to
 * every time step of a sequence (ly->steps > 1) sees B*steps rows. */
static size_t dense_scratch(const layer *ly, int max_batch)
{
    size_t rows, n;
    int steps = ly->steps > 1 ? ly->steps : 1;
    if (!vg_mul_size((size_t)max_batch, (size_t)steps, &rows)) return SIZE_MAX;
    return vg_mul_size(rows, (size_t)ly->fan_out, &n) ? n : SIZE_MAX;
}

static double *dense_slope(const mlp *net, int l) { return net->scratch + net->layers[l].scratch_off; }

/* forward:  z (B, fo) = x (B, fi) W^T (fi, fo) + b
 *           a (B, fo) = f(z)  (hidden; the output layer's a is the loss's)
 *           a += a[shortcut]  (with a shortcut, after a *= scale) */
static void dense_forward(mlp *net, int l, int B, int mode)
{
    (void)mode; /* the same in training and evaluation */
    const layer *ly = &net->layers[l];
    int fi = ly->fan_in, fo = ly->fan_out;
    const double *W = mlp_param(net, l, DENSE_W);
    const double *b = net->has_bias ? mlp_param(net, l, DENSE_B) : NULL;
    double *z = net->z[l];
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, fo, fi, 1.0, net->a[ly->input], fi, W,
                fi, 0.0, z, fo);
    if (!ly->is_output) {
        /* z (B, fo) += b;  a = f(z) */
        net->act->forward(b, z, net->a[l], B, fo, net->act_param);
        dense_shortcut_forward(net, l, B);
    } else if (b) {
        for (int i = 0; i < B; i++)
            for (int j = 0; j < fo; j++) z[(size_t)i * fo + j] += b[j];
    }
}

/* backward: dz (B, fo)  = dL/da * f'(z)  in place (hidden layers; with a
 *                        shortcut, first dz[shortcut] += dL/da and dL/da *= scale)
 *           dW (fo, fi) = dz^T (fo, B) x (B, fi)
 *           db (fo)     = sum over the batch of dz
 *           dx (B, fi) += dz (B, fo) W (fo, fi)   (= when first_to_input)
 *           slope (B, fo) = f'(z), kept for the statistics (hidden layers) */
static void dense_backward(mlp *net, int l, int B)
{
    const layer *ly = &net->layers[l];
    int fi = ly->fan_in, fo = ly->fan_out;
    const double *x = net->a[ly->input];
    double *dz = net->dz[l];
    dense_shortcut_backward(net, l, B);
    if (!ly->is_output)
        net->act->backward_slope(net->z[l], dz, dense_slope(net, l), (size_t)B * fo,
                                 net->act_param);
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, fo, fi, B, 1.0, dz, fo, x, fi, 0.0,
                mlp_grad(net, l, DENSE_W), fi);
    if (net->has_bias) {
        double *db = mlp_grad(net, l, DENSE_B);
        memset(db, 0, (size_t)fo * sizeof(double));
        for (int i = 0; i < B; i++) {
            const double *row = dz + (size_t)i * fo;
            for (int j = 0; j < fo; j++) db[j] += row[j];
        }
    }
    dense_input_backward(net, l, B, dz);
}

/* Population mean and std of z and of a (n each) in one pass for the sums
 * and one for the squared deviations, each sum taken in index order. */
static void mean_std2(const double *z, const double *a, size_t n, double *z_mean, double *z_std,
                      double *a_mean, double *a_std)
{
    double z_sum = 0.0, a_sum = 0.0;
    for (size_t k = 0; k < n; k++) {
        z_sum += z[k];
        a_sum += a[k];
    }
    double zm = z_sum / (double)n, am = a_sum / (double)n;
    double z_ss = 0.0, a_ss = 0.0;
    for (size_t k = 0; k < n; k++) {
        z_ss += (z[k] - zm) * (z[k] - zm);
        a_ss += (a[k] - am) * (a[k] - am);
    }
    *z_mean = zm;
    *z_std = sqrt(z_ss / (double)n);
    *a_mean = am;
    *a_std = sqrt(a_ss / (double)n);
}

/* Moves x[root] down the max-heap x[0..n) to its place. */
static void sift_down(double *x, size_t root, size_t n)
{
    for (size_t child; (child = 2 * root + 1) < n; root = child) {
        if (child + 1 < n && x[child] < x[child + 1]) child++;
        if (!(x[root] < x[child])) return;
        double t = x[root];
        x[root] = x[child];
        x[child] = t;
    }
}

/* Sorts x[0..n) ascending in place (heapsort: no allocation, n log n);
 * no value may be NaN. */
static void sort_doubles(double *x, size_t n)
{
    for (size_t start = n / 2; start-- > 0;) sift_down(x, start, n);
    for (size_t end = n; end > 1; end--) {
        double t = x[0];
        x[0] = x[end - 1];
        x[end - 1] = t;
        sift_down(x, 0, end - 1);
    }
}

/* The p-th quantile (0 <= p <= 1) of sorted x[0..n), n >= 1, by linear
 * interpolation between the order statistics x[floor(h)] and x[ceil(h)]
 * at h = (n - 1) p: numpy's default ("linear"), R's type 7. */
static double sorted_quantile(const double *x, size_t n, double p)
{
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h), hi = lo + 1 < n ? lo + 1 : lo;
    double frac = h - (double)lo;
    return x[lo] == x[hi] ? x[lo] : x[lo] + frac * (x[hi] - x[lo]);
}

/* preact_p15, _p50, _p85: percentiles over the batch of the first unit's
 * pre-activation z[l][:, 0], sorted in the work row z[0] (mlp.h). */
static void preact_percentiles(const mlp *net, int l, int B, layer_stats *s)
{
    int fo = net->layers[l].fan_out;
    double *work = net->z[0];
    int has_nan = 0;
    for (int i = 0; i < B; i++) {
        work[i] = net->z[l][(size_t)i * fo];
        if (isnan(work[i])) has_nan = 1;
    }
    if (has_nan) {
        s->preact_p15 = s->preact_p50 = s->preact_p85 = NAN;
        return;
    }
    sort_doubles(work, (size_t)B);
    s->preact_p15 = sorted_quantile(work, (size_t)B, 0.15);
    s->preact_p50 = sorted_quantile(work, (size_t)B, 0.50);
    s->preact_p85 = sorted_quantile(work, (size_t)B, 0.85);
}

/* saturated_frac: fraction of unit-examples whose |f'(z)| is below 1% of
 * the activation's largest |f'| (all of them when that largest is 0, as for
 * step); dead_frac: fraction of units whose f'(z) is 0 on every example.
 * For the output layer f' is the output nonlinearity's (loss.h); for a
 * hidden dense layer it is the one its last backward pass kept (mlp_backward
 * must have run on the batch the statistics describe).  With a
 * shortcut, act_mean and act_std are of the layer's output a, shortcut
 * included. */
void dense_stats(const mlp *net, int l, int B, layer_stats *s)
{
    const layer *ly = &net->layers[l];
    int fi = ly->fan_in, fo = ly->fan_out;
    size_t n = (size_t)B * fo;
    s->grad_w_norm = vg_norm(mlp_grad(net, l, DENSE_W), (size_t)fo * fi);
    s->grad_b_norm = net->has_bias ? vg_norm(mlp_grad(net, l, DENSE_B), (size_t)fo) : 0.0;
    s->delta_norm = vg_norm(net->dz[l], n);
    s->weight_norm = vg_norm(mlp_param(net, l, DENSE_W), (size_t)fo * fi);
    mean_std2(net->z[l], net->a[l], n, &s->preact_mean, &s->preact_std, &s->act_mean,
              &s->act_std);

    int output = ly->is_output;
    double dmax = output ? net->loss->dout_max : net->act->dmax(net->act_param);
    double threshold = 0.01 * dmax;
    size_t saturated = 0, dead = 0;
    /* The normalising kinds share these statistics; their scratch is their
     * own, so they compute f' here. */
    if (output || ly->kind != &layer_dense) {
        for (int j = 0; j < fo; j++) {
            int alive = 0;
            for (int i = 0; i < B; i++) {
                size_t k = (size_t)i * fo + j;
                double d = output ? net->loss->dout(net->a[l][k])
                                  : net->act->df(net->z[l][k], net->act_param);
                if (dmax == 0.0 || fabs(d) < threshold) saturated++;
                if (d != 0.0) alive = 1;
            }
            dead += !alive;
        }
    } else {
        /* f'(z) as the backward pass left it. */
        const double *slope = dense_slope(net, l);
        for (size_t k = 0; k < n; k++) saturated += dmax == 0.0 || fabs(slope[k]) < threshold;
        for (int j = 0; j < fo; j++) {
            int i = 0;
            while (i < B && slope[(size_t)i * fo + j] == 0.0) i++;
            dead += i == B;
        }
    }
    s->saturated_frac = (double)saturated / (double)n;
    s->dead_frac = (double)dead / (double)fo;
    preact_percentiles(net, l, B, s);
    s->normalised = 0;
    s->grad_gamma_norm = s->grad_beta_norm = 0.0;
    s->shortcut_source = net->dshortcut[l] != NULL;
    s->delta_shortcut_norm = s->shortcut_source ? vg_norm(net->dshortcut[l], n) : 0.0;
    s->delta_branch_norm = s->shortcut_source ? vg_norm(net->dbranch[l], n) : 0.0;
}

/* jvp at example i: T (fo, n) = D W V, V (fi, n), D = diag f'(z_i) (the
 * output layer: the identity, its output being the pre-activation the loss
 * reads).  V NULL: the identity, T = D W.  Not for an instance with a
 * shortcut (its tangent would need the shortcut source's): vgrad jacobian
 * refuses residual networks. */
static void dense_jvp(const mlp *net, int l, int i, const double *V, double *T, int n)
{
    const layer *ly = &net->layers[l];
    int fi = ly->fan_in, fo = ly->fan_out;
    const double *W = mlp_param(net, l, DENSE_W);
    if (V)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, fo, n, fi, 1.0, W, fi, V, n, 0.0, T,
                    n);
    else
        memcpy(T, W, (size_t)fo * fi * sizeof(double));
    if (ly->is_output) return;
    const double *z = net->z[l] + (size_t)i * fo;
    for (int j = 0; j < fo; j++) {
        double d = net->act->df(z[j], net->act_param);
        for (int k = 0; k < n; k++) T[(size_t)j * n + k] *= d;
    }
}

/* Which piece of a piecewise activation every hidden pre-activation lies
 * in (FNV-1a over the pieces); the output layer has no activation. */
uint64_t dense_kinks(const mlp *net, int l, int B, uint64_t h)
{
    const layer *ly = &net->layers[l];
    if (ly->is_output || !net->act->piece) return h;
    size_t n = (size_t)B * ly->fan_out;
    for (size_t k = 0; k < n; k++) {
        int piece = net->act->piece(net->z[l][k], net->act_param);
        h = (h ^ (uint64_t)(piece + 1)) * 0x100000001b3ULL;
    }
    return h;
}

const layer_kind layer_dense = {
    .name = "dense",
    .desc = "affine map and the activation (the output layer: the affine map, then the loss's "
            "output nonlinearity)",
    .n_groups = 2,
    .groups = {
        [DENSE_W] = {"W", LAYER_DIM_OUT, LAYER_DIM_IN, LAYER_GROUP_DECAY, LAYER_INIT_WEIGHTS},
        [DENSE_B] = {"b", LAYER_DIM_OUT, LAYER_DIM_ONE, LAYER_GROUP_BIAS, LAYER_INIT_BIAS},
    },
    .scratch = dense_scratch,
    .forward = dense_forward,
    .backward = dense_backward,
    .stats = dense_stats,
    .jvp = dense_jvp,
    .kinks = dense_kinks,
};
