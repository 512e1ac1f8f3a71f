/* mlp.c: the network's memory plan, forward and backward passes, and the
 * per-layer statistics.  Every matrix product is a cblas_dgemm. */
#include "mlp.h"

#include <cblas.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Sizes of the three blocks, with overflow checks.  Returns 0 on overflow. */
static int plan(const int *dims, int L, int max_batch, size_t *n_params, size_t *n_acts)
{
    size_t params = 0, units = 0;
    for (int l = 1; l <= L; l++) {
        size_t w;
        if (!vg_mul_size((size_t)dims[l], (size_t)dims[l - 1], &w)) return 0;
        if (!vg_add_size(params, w, &params)) return 0;
        if (!vg_add_size(params, (size_t)dims[l], &params)) return 0;
    }
    for (int l = 0; l <= L; l++)
        if (!vg_add_size(units, (size_t)dims[l], &units)) return 0;
    /* z, a and dz for every layer, each max_batch x dims[l] */
    size_t per_batch;
    if (!vg_mul_size(units, 3, &per_batch)) return 0;
    if (!vg_mul_size(per_batch, (size_t)max_batch, n_acts)) return 0;
    *n_params = params;
    return 1;
}

size_t mlp_memory_bytes(const int *dims, int L, int max_batch)
{
    size_t n_params, n_acts, total;
    if (!plan(dims, L, max_batch, &n_params, &n_acts)) return SIZE_MAX;
    if (!vg_mul_size(n_params, 2, &total)) return SIZE_MAX;           /* params + grads */
    if (!vg_add_size(total, n_acts, &total)) return SIZE_MAX;
    if (!vg_mul_size(total, sizeof(double), &total)) return SIZE_MAX;
    return total;
}

int mlp_create(mlp *net, const int *dims, int L, int max_batch, const act_info *act,
               double act_param, const loss_info *loss, int loss_flags, int has_bias,
               vg_error *err)
{
    memset(net, 0, sizeof *net);
    size_t n_params, n_acts;
    if (L < 1 || max_batch < 1 || !plan(dims, L, max_batch, &n_params, &n_acts))
        return vg_fail(err, VG_EUSAGE, "network size overflows memory addressing");
    for (int l = 0; l <= L; l++)
        if (dims[l] < 1) return vg_fail(err, VG_EUSAGE, "layer %d has %d units", l, dims[l]);

    net->L = L;
    net->max_batch = max_batch;
    net->act = act;
    net->act_param = act_param;
    net->loss = loss;
    net->loss_flags = loss_flags;
    net->has_bias = has_bias;
    net->n_params = n_params;

    /* One allocation for every pointer array: dims, offsets and views. */
    size_t n1 = (size_t)L + 1;
    size_t ptr_bytes = n1 * sizeof(int) + 2 * n1 * sizeof(size_t) + 7 * n1 * sizeof(double *);
    char *p = calloc(1, ptr_bytes + sizeof(double *));
    net->params = calloc(n_params ? n_params : 1, sizeof(double));
    net->grads = calloc(n_params ? n_params : 1, sizeof(double));
    net->act_block = calloc(n_acts, sizeof(double));
    net->ptr_block = p;
    if (!p || !net->params || !net->grads || !net->act_block) {
        mlp_free(net);
        return vg_fail(err, VG_EFAIL, "out of memory for a network of %zu parameters", n_params);
    }
    /* Pointers first, then size_t, then int: each stays aligned. */
    net->W = (double **)p;
    net->b = net->W + n1;
    net->dW = net->b + n1;
    net->db = net->dW + n1;
    net->z = net->db + n1;
    net->a = net->z + n1;
    net->dz = net->a + n1;
    net->w_off = (size_t *)(net->dz + n1);
    net->b_off = net->w_off + n1;
    net->dims = (int *)(net->b_off + n1);
    memcpy(net->dims, dims, n1 * sizeof(int));

    size_t off = 0;
    for (int l = 1; l <= L; l++) {
        net->w_off[l] = off;
        off += (size_t)dims[l] * dims[l - 1];
        net->b_off[l] = off;
        off += (size_t)dims[l];
        net->W[l] = net->params + net->w_off[l];
        net->b[l] = net->params + net->b_off[l];
        net->dW[l] = net->grads + net->w_off[l];
        net->db[l] = net->grads + net->b_off[l];
    }
    double *q = net->act_block;
    for (int l = 0; l <= L; l++) {
        size_t n = (size_t)max_batch * dims[l];
        net->a[l] = q;
        q += n;
        net->z[l] = q;
        q += n;
        net->dz[l] = q;
        q += n;
    }
    return VG_OK;
}

void mlp_free(mlp *net)
{
    free(net->params);
    free(net->grads);
    free(net->act_block);
    free(net->ptr_block);
    memset(net, 0, sizeof *net);
}

/* ---- linear layer -------------------------------------------------------
 * forward:  z (B, fo) = x (B, fi) W^T (fi, fo) + b
 * backward: dW (fo, fi) = dz^T (fo, B) x (B, fi)
 *           db (fo)     = sum over the batch of dz
 *           dx (B, fi)  = dz (B, fo) W (fo, fi)                          */

static void linear_forward(const double *x, const double *W, double *z, int B, int fi, int fo)
{
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, fo, fi, 1.0, x, fi, W, fi, 0.0, z, fo);
}

static void linear_backward(const double *x, const double *W, const double *dz, double *dW,
                            double *db, double *dx, int B, int fi, int fo)
{
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, fo, fi, B, 1.0, dz, fo, x, fi, 0.0, dW,
                fi);
    if (db) {
        memset(db, 0, (size_t)fo * sizeof(double));
        for (int i = 0; i < B; i++) {
            const double *row = dz + (size_t)i * fo;
            for (int j = 0; j < fo; j++) db[j] += row[j];
        }
    }
    if (dx)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, fi, fo, 1.0, dz, fo, W, fi, 0.0,
                    dx, fi);
}

double mlp_forward(mlp *net, const int *labels, int B, int with_grad)
{
    int L = net->L;
    for (int l = 1; l <= L; l++) {
        int fi = net->dims[l - 1], fo = net->dims[l];
        linear_forward(net->a[l - 1], net->W[l], net->z[l], B, fi, fo);
        if (l < L) {
            /* z (B, fo) += b;  a = f(z) */
            net->act->forward(net->has_bias ? net->b[l] : NULL, net->z[l], net->a[l], B, fo,
                              net->act_param);
        } else if (net->has_bias) {
            for (int i = 0; i < B; i++)
                for (int j = 0; j < fo; j++) net->z[l][(size_t)i * fo + j] += net->b[l][j];
        }
    }
    return net->loss->forward_backward(net->z[L], net->a[L], with_grad ? net->dz[L] : NULL, labels,
                                       B, net->dims[L], net->loss_flags);
}

void mlp_backward(mlp *net, int B)
{
    for (int l = net->L; l >= 1; l--) {
        int fi = net->dims[l - 1], fo = net->dims[l];
        /* The input layer's delta is not needed: skip its product. */
        double *dx = l > 1 ? net->dz[l - 1] : NULL;
        linear_backward(net->a[l - 1], net->W[l], net->dz[l], net->dW[l],
                        net->has_bias ? net->db[l] : NULL, dx, B, fi, fo);
        /* dz[l-1] (B, fi) = dx * f'(z[l-1]) */
        if (dx) net->act->backward(net->z[l - 1], dx, (size_t)B * fi, net->act_param);
    }
}

/* ---- statistics --------------------------------------------------------- */

double vg_norm(const double *x, size_t n)
{
    /* The plain sum of squares is exact enough and fast when it neither
     * overflows nor underflows; otherwise dnrm2 rescales. */
    if (n <= (size_t)INT_MAX) {
        double ss = cblas_ddot((int)n, x, 1, x, 1);
        if (ss > 1e-290 && ss < 1e290) return sqrt(ss);
    }
    /* dnrm2 scales as it goes, so tiny gradients do not underflow to 0 when
     * squared; chunks keep each call's count within int. */
    double norm = 0.0;
    while (n > 0) {
        int chunk = n > (size_t)INT_MAX ? INT_MAX : (int)n;
        norm = hypot(norm, cblas_dnrm2(chunk, x, 1));
        x += chunk;
        n -= (size_t)chunk;
    }
    return norm;
}

static void mean_std(const double *x, size_t n, double *mean, double *std)
{
    double sum = 0.0;
    for (size_t k = 0; k < n; k++) sum += x[k];
    double m = sum / (double)n;
    double ss = 0.0;
    for (size_t k = 0; k < n; k++) ss += (x[k] - m) * (x[k] - m);
    *mean = m;
    *std = sqrt(ss / (double)n);
}

void mlp_layer_stats(const mlp *net, int l, int B, layer_stats *s)
{
    int fi = net->dims[l - 1], fo = net->dims[l];
    size_t n = (size_t)B * fo;
    s->grad_w_norm = vg_norm(net->dW[l], (size_t)fo * fi);
    s->grad_b_norm = net->has_bias ? vg_norm(net->db[l], (size_t)fo) : 0.0;
    s->delta_norm = vg_norm(net->dz[l], n);
    s->weight_norm = vg_norm(net->W[l], (size_t)fo * fi);
    mean_std(net->z[l], n, &s->preact_mean, &s->preact_std);
    mean_std(net->a[l], n, &s->act_mean, &s->act_std);

    int output = l == net->L;
    double dmax = output ? net->loss->dout_max : net->act->dmax(net->act_param);
    double threshold = 0.01 * dmax;
    size_t saturated = 0, dead = 0;
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
    s->saturated_frac = (double)saturated / (double)n;
    s->dead_frac = (double)dead / (double)fo;
}
