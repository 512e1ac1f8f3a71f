/* layer_norm.c: the normalising kinds, dense_batchnorm and dense_layernorm:
 * an affine map, batch or layer normalisation of its output with a learned
 * per-unit scale gamma and shift beta (src/norm.c's kernels, PyTorch's
 * conventions), then the activation; hidden layers only.
 *
 * Shapes (row-major), x = a[input] the output it reads:
 *   x (B, fi)   W (fo, fi)   b, gamma, beta, running_mean, running_var (fo)
 *   u (B, fo)  = x W^T + b                     (scratch)
 *   z (B, fo)  = gamma * (u - mean) / sqrt(var + eps) + beta
 *   a (B, fo)  = f(z)   (+ a[shortcut] with a shortcut, after a *= scale)
 * Batch normalisation takes mean and var per unit over the batch (training)
 * or from the running statistics (evaluation); layer normalisation per
 * example over its fo units, in both modes.  Under batch normalisation b
 * has no effect on z, and its gradient is zero up to rounding (kept, as
 * PyTorch keeps a Linear's bias before BatchNorm1d).
 *
 * Scratch: u, du (B, fo) each and the kernels' norm_scratch_doubles. */
#include <cblas.h>
#include <math.h>
#include <string.h>

#include "mlp.h"

static int norm_kind_of(const layer *ly)
{
    return ly->kind == &layer_dense_batchnorm ? NORM_BATCH : NORM_LAYER;
}

static size_t batchnorm_scratch(const layer *ly, int max_batch)
{
    int fan_out = ly->fan_out;
    size_t n, two_n, total;
    if (!vg_mul_size((size_t)max_batch, (size_t)fan_out, &n) || !vg_mul_size(n, 2, &two_n) ||
        !vg_add_size(two_n, norm_scratch_doubles(NORM_BATCH, max_batch, fan_out), &total))
        return SIZE_MAX;
    return total;
}

static size_t layernorm_scratch(const layer *ly, int max_batch)
{
    int fan_out = ly->fan_out;
    size_t n, two_n, total;
    if (!vg_mul_size((size_t)max_batch, (size_t)fan_out, &n) || !vg_mul_size(n, 2, &two_n) ||
        !vg_add_size(two_n, norm_scratch_doubles(NORM_LAYER, max_batch, fan_out), &total))
        return SIZE_MAX;
    return total;
}

/* The instance's scratch: u, du, then the kernels' own. */
static double *scratch_u(const mlp *net, int l) { return net->scratch + net->layers[l].scratch_off; }
static double *scratch_du(const mlp *net, int l)
{
    return scratch_u(net, l) + (size_t)net->max_batch * net->layers[l].fan_out;
}
static double *scratch_norm(const mlp *net, int l)
{
    return scratch_du(net, l) + (size_t)net->max_batch * net->layers[l].fan_out;
}

static void norm_layer_forward(mlp *net, int l, int B, int mode)
{
    const layer *ly = &net->layers[l];
    int fi = ly->fan_in, fo = ly->fan_out;
    double *u = scratch_u(net, l), *z = net->z[l];
    /* u = x W^T + b: the bias rows first, which the product adds to (one
     * pass that writes u instead of the zeroing a product into u does and
     * a second pass adding b) */
    if (net->has_bias) {
        const double *b = mlp_param(net, l, DENSE_B);
        for (int i = 0; i < B; i++) memcpy(u + (size_t)i * fo, b, (size_t)fo * sizeof(double));
    }
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, fo, fi, 1.0, net->a[ly->input], fi,
                mlp_param(net, l, DENSE_W), fi, net->has_bias ? 1.0 : 0.0, u, fo);
    int batch = norm_kind_of(ly) == NORM_BATCH;
    vg_error err;
    int rc = norm_forward(&ly->norm, mode == LAYER_EVALUATION ? NORM_EVALUATION : NORM_TRAINING,
                          B, fo, u, mlp_param(net, l, NORM_GAMMA), mlp_param(net, l, NORM_BETA),
                          batch ? mlp_param(net, l, NORM_RUNNING_MEAN) : NULL,
                          batch ? mlp_param(net, l, NORM_RUNNING_VAR) : NULL, z,
                          scratch_norm(net, l), &err);
    /* Refused sizes (a batch of one in training mode) are refused before
     * any pass (trainer_setup, gradcheck); should one slip through, the
     * output is NaN, which the run reports, not a silent value. */
    if (rc != VG_OK)
        for (size_t k = 0; k < (size_t)B * fo; k++) z[k] = NAN;
    net->act->forward(NULL, z, net->a[l], B, fo, net->act_param);
    dense_shortcut_forward(net, l, B);
}

/* backward: dz = dL/da * f'(z) in place (after the shortcut's part);
 *           du = norm backward of dz (dgamma, dbeta stored), and in the
 *             same pass db = sum over the batch of du
 *           dW = du^T x,  dx (+)= du W */
static void norm_layer_backward(mlp *net, int l, int B)
{
    const layer *ly = &net->layers[l];
    int fi = ly->fan_in, fo = ly->fan_out;
    size_t n = (size_t)B * fo;
    double *dz = net->dz[l], *u = scratch_u(net, l), *du = scratch_du(net, l);
    dense_shortcut_backward(net, l, B);
    net->act->backward(net->z[l], dz, n, net->act_param);
    double *dgamma = mlp_grad(net, l, NORM_GAMMA), *dbeta = mlp_grad(net, l, NORM_BETA);
    memset(dgamma, 0, (size_t)fo * sizeof(double));
    memset(dbeta, 0, (size_t)fo * sizeof(double));
    /* du stored, and db = its sum over the batch in the same pass */
    double *db = net->has_bias ? mlp_grad(net, l, DENSE_B) : NULL;
    vg_error err;
    if (norm_backward_store(&ly->norm, NORM_TRAINING, B, fo, u, mlp_param(net, l, NORM_GAMMA), dz,
                            du, db, dgamma, dbeta, scratch_norm(net, l), &err) != VG_OK) {
        for (size_t k = 0; k < n; k++) du[k] = NAN;
        if (db)
            for (int j = 0; j < fo; j++) db[j] = NAN;
    }
    const double *x = net->a[ly->input];
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, fo, fi, B, 1.0, du, fo, x, fi, 0.0,
                mlp_grad(net, l, DENSE_W), fi);
    dense_input_backward(net, l, B, du);
}

/* The dense kind's statistics and the norms of dL/dgamma, dL/dbeta (fo). */
static void norm_layer_stats(const mlp *net, int l, int B, layer_stats *s)
{
    dense_stats(net, l, B, s);
    size_t fo = (size_t)net->layers[l].fan_out;
    s->normalised = 1;
    s->grad_gamma_norm = vg_norm(mlp_grad(net, l, NORM_GAMMA), fo);
    s->grad_beta_norm = vg_norm(mlp_grad(net, l, NORM_BETA), fo);
}

#define NORM_GROUPS                                                                             \
    [DENSE_W] = {"W", LAYER_DIM_OUT, LAYER_DIM_IN, LAYER_GROUP_DECAY, LAYER_INIT_WEIGHTS},       \
    [DENSE_B] = {"b", LAYER_DIM_OUT, LAYER_DIM_ONE, LAYER_GROUP_BIAS, LAYER_INIT_BIAS},          \
    [NORM_GAMMA] = {"gamma", LAYER_DIM_OUT, LAYER_DIM_ONE, 0, LAYER_INIT_ONE},                   \
    [NORM_BETA] = {"beta", LAYER_DIM_OUT, LAYER_DIM_ONE, 0, LAYER_INIT_ZERO}

const layer_kind layer_dense_batchnorm = {
    .name = "dense_batchnorm",
    .desc = "affine map, batch normalisation (BatchNorm1d) with gamma and beta, activation",
    .n_groups = 6,
    .mode_dependent = 1,
    .groups = {
        NORM_GROUPS,
        [NORM_RUNNING_MEAN] = {"running_mean", LAYER_DIM_OUT, LAYER_DIM_ONE, LAYER_GROUP_STATE,
                               LAYER_INIT_ZERO},
        [NORM_RUNNING_VAR] = {"running_var", LAYER_DIM_OUT, LAYER_DIM_ONE, LAYER_GROUP_STATE,
                              LAYER_INIT_ONE},
    },
    .scratch = batchnorm_scratch,
    .forward = norm_layer_forward,
    .backward = norm_layer_backward,
    .stats = norm_layer_stats,
    .jvp = NULL,  /* in training mode one example's output depends on the whole batch */
    .kinks = dense_kinks,
};

const layer_kind layer_dense_layernorm = {
    .name = "dense_layernorm",
    .desc = "affine map, layer normalisation (LayerNorm) with gamma and beta, activation",
    .n_groups = 4,
    .groups = {NORM_GROUPS},
    .scratch = layernorm_scratch,
    .forward = norm_layer_forward,
    .backward = norm_layer_backward,
    .stats = norm_layer_stats,
    .jvp = NULL,  /* not built yet: vgrad jacobian refuses norm=layer */
    .kinks = dense_kinks,
};
