/* mlp.c: the network's instances and memory plan; the forward and backward
 * passes and the statistics, through each instance's kind (layer.h). */
#include "mlp.h"

#include <cblas.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rnn.h"

/* Instance l of the network of dims: layer l reads layer l - 1 and the last
 * is the output layer, dense; the hidden ones normalise and add shortcuts
 * as arch says.  first_to_* are set by mark_first. */
static void wire(const int *dims, int L, const mlp_arch *arch, int l, layer *ly)
{
    static const int kinds[] = {[NORM_NONE] = LAYER_DENSE, [NORM_BATCH] = LAYER_DENSE_BATCHNORM,
                                [NORM_LAYER] = LAYER_DENSE_LAYERNORM};
    memset(ly, 0, sizeof *ly);
    int hidden = l < L;
    if (arch && arch->model != MODEL_MLP) {
        /* dims count whole sequences of T steps (mlp.h); fan_in and fan_out
         * are per step. */
        static const int recurrent[] = {[MODEL_RNN] = LAYER_RNN, [MODEL_LSTM] = LAYER_LSTM,
                                        [MODEL_GRU] = LAYER_GRU};
        int T = arch->seq_len > 0 ? arch->seq_len : 1;
        ly->kind = layer_table[hidden ? recurrent[arch->model] : LAYER_DENSE];
        ly->input = l - 1;
        ly->is_output = !hidden;
        ly->out_last = hidden && l == L - 1 && !arch->seq_all;
        ly->steps = hidden || arch->seq_all ? T : 1;
        ly->fan_in = dims[l - 1] / (l == L && !arch->seq_all ? 1 : T);
        ly->fan_out = dims[l] / (ly->out_last || (!hidden && !arch->seq_all) ? 1 : T);
        return;
    }
    ly->kind = layer_table[hidden && arch ? kinds[arch->norm] : LAYER_DENSE];
    ly->fan_in = dims[l - 1];
    ly->fan_out = dims[l];
    ly->input = l - 1;
    ly->is_output = !hidden;
    if (hidden && arch && arch->norm != NORM_NONE)
        ly->norm = (norm_config){arch->norm, arch->norm_eps, arch->norm_momentum};
    int K = arch ? arch->residual : 0;
    if (hidden && K > 0 && l > K && (l - 1) % K == 0) {
        ly->shortcut = l - K;
        ly->shortcut_scale = arch->residual_scale;
    }
}

/* Backward runs from L down, each layer reaching its shortcut's source and
 * then its input: the first to reach an output stores, the others add. */
static void mark_first(layer *layers, int L, unsigned char *reached)
{
    memset(reached, 0, (size_t)L + 1);
    for (int l = L; l >= 1; l--) {
        layer *ly = &layers[l];
        if (ly->shortcut) {
            ly->first_to_shortcut = !reached[ly->shortcut];
            reached[ly->shortcut] = 1;
        }
        ly->first_to_input = !reached[ly->input];
        reached[ly->input] = 1;
    }
}

/* Sizes of the blocks, with overflow checks; lays out the instances when
 * layers is not NULL.  Returns 0 on overflow. */
static int plan(const int *dims, int L, int max_batch, const mlp_arch *arch, layer *layers,
                size_t *n_params, size_t *n_acts, size_t *n_scratch)
{
    size_t params = 0, scratch = 0, units = 0;
    for (int l = 1; l <= L; l++) {
        layer ly;
        wire(dims, L, arch, l, &ly);
        if (!layer_place(&ly, max_batch, &params, &scratch)) return 0;
        if (layers) layers[l] = ly;
    }
    for (int l = 0; l <= L; l++)
        if (!vg_add_size(units, (size_t)dims[l], &units)) return 0;
    /* z, a and dz for every layer, each max_batch x dims[l], and dshortcut,
     * dbranch for a shortcut's source */
    size_t per_batch, source_units = 0;
    if (!vg_mul_size(units, 3, &per_batch)) return 0;
    for (int l = 1; l <= L; l++) {
        layer ly;
        wire(dims, L, arch, l, &ly);
        if (ly.shortcut && !vg_add_size(source_units, 2 * (size_t)dims[ly.shortcut], &source_units))
            return 0;
    }
    if (!vg_add_size(per_batch, source_units, &per_batch)) return 0;
    if (!vg_mul_size(per_batch, (size_t)max_batch, n_acts)) return 0;
    *n_params = params;
    *n_scratch = scratch;
    return 1;
}

size_t mlp_memory_bytes(const int *dims, int L, int max_batch, const mlp_arch *arch,
                        size_t *n_params)
{
    size_t params, n_acts, n_scratch, total;
    if (!plan(dims, L, max_batch, arch, NULL, &params, &n_acts, &n_scratch)) return SIZE_MAX;
    if (!vg_mul_size(params, 2, &total)) return SIZE_MAX;             /* params + grads */
    if (!vg_add_size(total, n_acts, &total)) return SIZE_MAX;
    if (!vg_add_size(total, n_scratch, &total)) return SIZE_MAX;
    if (!vg_mul_size(total, sizeof(double), &total)) return SIZE_MAX;
    if (n_params) *n_params = params;
    return total;
}

int mlp_create(mlp *net, const int *dims, int L, int max_batch, const act_info *act,
               double act_param, const loss_info *loss, int loss_flags, int has_bias,
               const mlp_arch *arch, vg_error *err)
{
    memset(net, 0, sizeof *net);
    size_t n_params, n_acts, n_scratch;
    if (L < 1 || max_batch < 1 ||
        !plan(dims, L, max_batch, arch, NULL, &n_params, &n_acts, &n_scratch))
        return vg_fail(err, VG_EUSAGE, "network size overflows memory addressing");
    for (int l = 0; l <= L; l++)
        if (dims[l] < 1) return vg_fail(err, VG_EUSAGE, "layer %d has %d units", l, dims[l]);
    if (arch && arch->model != MODEL_MLP) {
        int T = arch->seq_len;
        if (L < 2 || T < 1)
            return vg_fail(err, VG_EUSAGE, "a recurrent network needs a recurrent layer and "
                           "seq_len >= 1");
        for (int l = 0; l <= L; l++) {
            int whole = l < L - 1 || (l == L - 1 && arch->seq_all) || (l == L && arch->seq_all);
            if (whole && dims[l] % T != 0)
                return vg_fail(err, VG_EUSAGE, "layer %d has %d units, not a multiple of "
                               "seq_len=%d", l, dims[l], T);
        }
    }
    for (int l = 1; l < L; l++) {
        layer ly;
        wire(dims, L, arch, l, &ly);
        if (ly.shortcut && dims[ly.shortcut] != dims[l])
            return vg_fail(err, VG_EUSAGE, "residual=%d: hidden layer %d has %d units but layer "
                           "%d, whose output its shortcut adds, has %d; widths inside the "
                           "residual part must agree", arch->residual, l, dims[l], ly.shortcut,
                           dims[ly.shortcut]);
    }

    net->L = L;
    net->max_batch = max_batch;
    net->act = act;
    net->act_param = act_param;
    net->loss = loss;
    net->loss_flags = loss_flags;
    net->has_bias = has_bias;
    net->n_params = n_params;
    net->n_scratch = n_scratch;

    /* One allocation for the instances, dims and the buffer views. */
    size_t n1 = (size_t)L + 1;
    size_t ptr_bytes = n1 * sizeof(layer) + 5 * n1 * sizeof(double *) + n1 * sizeof(int) + n1;
    char *p = vg_calloc(1, ptr_bytes);
    net->params = vg_calloc(n_params ? n_params : 1, sizeof(double));
    net->grads = vg_calloc(n_params ? n_params : 1, sizeof(double));
    net->act_block = vg_calloc(n_acts, sizeof(double));
    net->scratch = n_scratch ? vg_calloc(n_scratch, sizeof(double)) : NULL;
    net->ptr_block = p;
    if (!p || !net->params || !net->grads || !net->act_block || (n_scratch && !net->scratch)) {
        mlp_free(net);
        return vg_fail(err, VG_EFAIL, "out of memory for a network of %zu parameters", n_params);
    }
    /* The instances first, then pointers, then int: each stays aligned. */
    net->layers = (layer *)p;
    net->z = (double **)(net->layers + n1);
    net->a = net->z + n1;
    net->dz = net->a + n1;
    net->dshortcut = net->dz + n1;
    net->dbranch = net->dshortcut + n1;
    net->dims = (int *)(net->dbranch + n1);
    memcpy(net->dims, dims, n1 * sizeof(int));
    plan(dims, L, max_batch, arch, net->layers, &n_params, &n_acts, &n_scratch);
    mark_first(net->layers, L, (unsigned char *)(net->dims + n1));

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
    for (int l = 1; l <= L; l++) {
        int s = net->layers[l].shortcut;
        if (!s) continue;
        size_t n = (size_t)max_batch * dims[s];
        net->dshortcut[s] = q;
        q += n;
        net->dbranch[s] = q;
        q += n;
    }
    return VG_OK;
}

int mlp_group_used(const mlp *net, int l, int g)
{
    return net->has_bias || !(net->layers[l].kind->groups[g].flags & LAYER_GROUP_BIAS);
}

int mlp_group_trained(const mlp *net, int l, int g)
{
    return mlp_group_used(net, l, g) &&
           !(net->layers[l].kind->groups[g].flags & LAYER_GROUP_STATE);
}

int mlp_mode_dependent(const mlp *net)
{
    for (int l = 1; l <= net->L; l++)
        if (net->layers[l].kind->mode_dependent) return 1;
    return 0;
}

void mlp_free(mlp *net)
{
    free(net->params);
    free(net->grads);
    free(net->act_block);
    free(net->scratch);
    free(net->ptr_block);
    memset(net, 0, sizeof *net);
}

int mlp_out_steps(const mlp *net)
{
    int steps = net->layers[net->L].steps;
    return steps > 1 ? steps : 1;
}

int mlp_out_units(const mlp *net) { return net->layers[net->L].fan_out; }

/* The rows an instance's kind sees: a kind without time that an instance
 * runs over T steps is applied to every step alike, B*T rows (layer.h). */
static int rows_of(const layer *ly, int B)
{
    return !ly->kind->gates && ly->steps > 1 ? B * ly->steps : B;
}

double mlp_forward_mode(mlp *net, const int *labels, int B, int mode, int with_grad)
{
    int L = net->L;
    for (int l = 1; l <= L; l++)
        net->layers[l].kind->forward(net, l, rows_of(&net->layers[l], B), mode);
    int rows = B * mlp_out_steps(net), K = mlp_out_units(net);
    double *dz = with_grad ? net->dz[L] : NULL;
    if (net->targets)
        return net->loss->forward_backward_real(net->z[L], net->a[L], dz, net->targets, rows, K,
                                                net->loss_flags);
    return net->loss->forward_backward(net->z[L], net->a[L], dz, labels, rows, K,
                                       net->loss_flags);
}

double mlp_forward(mlp *net, const int *labels, int B, int with_grad)
{
    return mlp_forward_mode(net, labels, B, LAYER_TRAINING, with_grad);
}

void mlp_backward(mlp *net, int B)
{
    for (int l = net->L; l >= 1; l--)
        net->layers[l].kind->backward(net, l, rows_of(&net->layers[l], B));
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

void mlp_layer_stats(const mlp *net, int l, int B, layer_stats *s)
{
    net->layers[l].kind->stats(net, l, rows_of(&net->layers[l], B), s);
}
