/* train.c: data and network set-up, the training loop, the logged rows,
 * and the weights files. */
#include "train.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "act.h"
#include "columns.h"
#include "init.h"
#include "loss.h"
#include "rnn.h"

/* The units of each layer's buffers per example (mlp.h): a recurrent
 * model's count whole sequences of T steps; n_out is per step. */
static void fill_dims(const vg_config *cfg, int n_in, int n_out, int *dims)
{
    int recurrent = cfg->model != MODEL_MLP, T = recurrent ? config_seq_len(cfg) : 1;
    int all = recurrent && cfg->seq_output == SEQ_OUTPUT_ALL;
    dims[0] = n_in;
    for (int l = 0; l < cfg->n_widths; l++)
        dims[l + 1] = cfg->widths[l] * (l + 1 < cfg->n_widths || all ? T : 1);
    dims[cfg->n_widths + 1] = n_out * (all ? T : 1);
}

/* The hidden layers' normalisation and shortcuts of cfg, or its recurrent
 * model. */
static mlp_arch arch_of(const vg_config *cfg)
{
    return (mlp_arch){cfg->norm, cfg->norm_eps, cfg->norm_momentum, (int)cfg->residual,
                      cfg->residual_scale, cfg->model, config_seq_len(cfg),
                      cfg->seq_output == SEQ_OUTPUT_ALL};
}

size_t trainer_memory_bytes(const vg_config *cfg, int n_in, int n_out, int batch)
{
    int L = cfg->n_widths + 1;
    int dims[VG_MAX_DEPTH + 2];   /* no allocation: a failed one would read as "too large" */
    fill_dims(cfg, n_in, n_out, dims);
    mlp_arch arch = arch_of(cfg);
    size_t n_params = 0, total, net = mlp_memory_bytes(dims, L, batch, &arch, &n_params);
    if (net == SIZE_MAX || !vg_add_size(net, optim_state_bytes(cfg->optimizer, n_params), &total))
        return SIZE_MAX;
    return total;
}

static int init_weights(trainer *t, vg_error *err)
{
    const vg_config *cfg = t->cfg;
    mlp *net = &t->net;
    rng_state rng;
    rng_seed(&rng, (uint64_t)cfg->seed, RNG_STREAM_INIT);
    init_params p = {cfg->init_std, cfg->init_bound, cfg->init_gain};
    /* Layer by layer, group by group (weights, then biases), from one stream. */
    for (int l = 1; l <= net->L; l++) {
        const layer *ly = &net->layers[l];
        /* A recurrent kind's gate-stacked groups are initialised block by
         * block, (fan_out, cols) per gate, as PyTorch's per-gate layout. */
        int blocks = ly->kind->gates > 0 ? ly->kind->gates : 1;
        for (int g = 0; g < ly->kind->n_groups; g++) {
            if (!mlp_group_used(net, l, g)) continue;
            double *x = mlp_param(net, l, g);
            size_t n = layer_group_size(ly, g);
            int rows = layer_group_rows(ly, g) / blocks, cols = layer_group_cols(ly, g);
            switch (ly->kind->groups[g].init) {
            case LAYER_INIT_WEIGHTS:
                for (int k = 0; k < blocks; k++) {
                    int rc = init_table[cfg->init].fill(x + (size_t)k * rows * cols, rows, cols,
                                                        &p, &rng, err);
                    if (rc != VG_OK) return rc;
                }
                break;
            case LAYER_INIT_RECURRENT:
                for (int k = 0; k < blocks; k++) {
                    int rc = rnn_init_recurrent(x + (size_t)k * rows * cols, rows,
                                                cfg->recurrent_init, cfg->recurrent_gain,
                                                cfg->recurrent_radius, &rng, err);
                    if (rc != VG_OK) return rc;
                }
                break;
            case LAYER_INIT_BIAS:
                for (size_t j = 0; j < n; j++)
                    x[j] = cfg->bias_init.normal ? cfg->bias_init.value * rng_normal(&rng)
                                                 : cfg->bias_init.value;
                break;
            case LAYER_INIT_ONE:
            case LAYER_INIT_ZERO:
                for (size_t j = 0; j < n; j++)
                    x[j] = ly->kind->groups[g].init == LAYER_INIT_ONE ? 1.0 : 0.0;
                break;
            }
        }
        /* The LSTM's forget gate: its slice of bias_ih is forget_bias and
         * of bias_hh 0, so the gate's total initial bias is forget_bias. */
        if (ly->kind->forget_gate > 0 && net->has_bias) {
            size_t H = (size_t)ly->fan_out, at = (size_t)ly->kind->forget_gate * H;
            for (size_t j = 0; j < H; j++) {
                mlp_param(net, l, RNN_B_IH)[at + j] = cfg->forget_bias;
                mlp_param(net, l, RNN_B_HH)[at + j] = 0.0;
            }
        }
    }
    return VG_OK;
}

int trainer_setup(trainer *t, const vg_config *cfg, vg_error *err)
{
    memset(t, 0, sizeof *t);
    t->cfg = cfg;
    config_run_id(cfg, t->run_id);

    dataset all = {0};
    data_params dp = {(int)cfg->n_samples, (int)cfg->n_features, (int)cfg->n_classes, cfg->noise,
                      (int)cfg->label_col, (int)cfg->label_cols, config_seq_len(cfg)};
    uint64_t data_seed = (uint64_t)(cfg->data_seed ? cfg->data_seed : cfg->seed);
    rng_state rng;
    rng_seed(&rng, data_seed, RNG_STREAM_DATA);
    int rc = data_load(&all, cfg->dataset, &dp, &rng, err);
    if (rc != VG_OK) return rc;
    rng_seed(&rng, data_seed, RNG_STREAM_SPLIT);
    rc = data_split(&all, cfg->test_frac, &rng, &t->train, &t->test, err);
    data_free(&all);
    if (rc != VG_OK) goto fail;
    if (cfg->standardize) data_standardize(&t->train, t->test.n ? &t->test : NULL);

    int n_train = t->train.n;
    if (cfg->batch_size > n_train) {
        rc = vg_fail(err, VG_EUSAGE, "batch_size=%lld is larger than the %d training examples; "
                     "allowed: 1 to %d, or 0 for the full batch", cfg->batch_size, n_train,
                     n_train);
        goto fail;
    }
    t->B = cfg->batch_size ? (int)cfg->batch_size : n_train;
    if (cfg->norm == NORM_BATCH && t->B < 2) {
        rc = vg_fail(err, VG_EUSAGE, "norm=batch needs batches of at least 2 examples (the "
                     "variance of one example is 0), but a batch has %d; allowed: batch_size=0 "
                     "or 2 and more, or norm=layer", t->B);
        goto fail;
    }

    const loss_info *loss = &loss_table[cfg->loss];
    int loss_flags = (cfg->loss_sum_outputs ? LOSS_SUM_OUTPUTS : 0) |
                     (t->train.multi_label ? LOSS_MULTI_LABEL : 0);
    int n_in = t->train.n_features, n_out = loss->n_outputs(t->train.n_classes, loss_flags);
    if (t->train.n_targets > 0) n_out = t->train.n_targets;
    int L = cfg->n_widths + 1;
    int T = config_seq_len(cfg), S = t->train.label_steps;
    if (cfg->model != MODEL_MLP && n_in % T != 0) {
        rc = vg_fail(err, VG_EUSAGE, "dataset '%s' has %d features per example, not a multiple "
                     "of seq_len=%d; allowed: a seq_len that divides %d", cfg->dataset, n_in, T,
                     n_in);
        goto fail;
    }
    size_t need = trainer_memory_bytes(cfg, n_in, n_out, t->B), have = vg_physical_memory();
    if (need == SIZE_MAX || need > have) {
        rc = vg_fail(err, VG_EUSAGE, "this network needs %.3g GiB at batch %d, more than the "
                     "machine's %.3g GiB of memory; reduce depth, width or batch_size",
                     need == SIZE_MAX ? INFINITY : (double)need / 1073741824.0, t->B,
                     (double)have / 1073741824.0);
        goto fail;
    }
    int dims[VG_MAX_DEPTH + 2];
    fill_dims(cfg, n_in, n_out, dims);
    mlp_arch arch = arch_of(cfg);
    rc = mlp_create(&t->net, dims, L, t->B, &act_table[cfg->activation], cfg->act_param, loss,
                    loss_flags, cfg->bias, &arch, err);
    if (rc != VG_OK) goto fail;
    rc = optim_create(&t->opt, cfg->optimizer, t->net.n_params, err);
    if (rc != VG_OK) goto fail;
    t->opt.lr = cfg->lr;
    t->opt.momentum = cfg->momentum;
    t->opt.beta1 = cfg->adam_beta1;
    t->opt.beta2 = cfg->adam_beta2;
    t->opt.eps = cfg->adam_eps;

    t->hist_counts = vg_malloc((size_t)cfg->hist_bins * sizeof *t->hist_counts);
    t->order = vg_malloc((size_t)n_train * sizeof(int));
    t->labels = vg_malloc((size_t)t->B * (size_t)S * sizeof(int));
    if (t->train.n_targets > 0) {
        t->targets = vg_malloc((size_t)t->B * (size_t)t->train.n_targets * sizeof(double));
        if (!t->targets) {
            rc = vg_fail(err, VG_EFAIL, "out of memory");
            goto fail;
        }
        t->net.targets = t->targets;
    }
    t->update_sq = vg_calloc((size_t)L + 1, sizeof(double));
    t->weight_sq = vg_calloc((size_t)L + 1, sizeof(double));
    if (!t->order || !t->labels || !t->update_sq || !t->weight_sq || !t->hist_counts) {
        rc = vg_fail(err, VG_EFAIL, "out of memory");
        goto fail;
    }
    for (int i = 0; i < n_train; i++) t->order[i] = i;
    rng_seed(&t->shuffle_rng, (uint64_t)(cfg->shuffle_seed ? cfg->shuffle_seed : cfg->seed),
             RNG_STREAM_SHUFFLE);

    t->test_columns = t->test.n > 0;
    rc = cfg->load_weights[0] ? weights_load(&t->net, cfg->load_weights, err)
                              : init_weights(t, err);
    if (rc != VG_OK) goto fail;
    return VG_OK;
fail:
    trainer_free(t);
    return rc;
}

void trainer_free(trainer *t)
{
    data_free(&t->train);
    data_free(&t->test);
    mlp_free(&t->net);
    optim_free(&t->opt);
    free(t->order);
    free(t->labels);
    free(t->targets);
    t->targets = NULL;
    free(t->update_sq);
    free(t->weight_sq);
    free(t->hist_counts);
    t->hist_counts = NULL;
    t->order = t->labels = NULL;
    t->update_sq = t->weight_sq = NULL;
}

/* Copies examples idx[0..B) of d into the network input and t->labels. */
static void load_batch(trainer *t, const dataset *d, const int *idx, int first, int B)
{
    int n_in = d->n_features;
    size_t S = (size_t)d->label_steps, K = (size_t)d->n_targets;
    double *x = t->net.a[0];
    for (int i = 0; i < B; i++) {
        int e = idx ? idx[first + i] : first + i;
        memcpy(x + (size_t)i * n_in, d->X + (size_t)e * n_in, (size_t)n_in * sizeof(double));
        if (S == 1)
            t->labels[i] = d->y[e];
        else
            memcpy(t->labels + (size_t)i * S, d->y + (size_t)e * S, S * sizeof(int));
        if (K)
            memcpy(t->targets + (size_t)i * K, d->targets + (size_t)e * K, K * sizeof(double));
    }
}

int trainer_first_batch(trainer *t, int max_examples)
{
    int B = t->B < max_examples ? t->B : max_examples;
    load_batch(t, &t->train, NULL, 0, B);
    return B;
}

/* The correct predictions of the last forward pass of B examples, each
 * counting the fraction of its S steps predicted right; NaN for a
 * regression (real-valued targets have no accuracy). */
static double batch_correct(const trainer *t, int B, int K, int S)
{
    if (t->net.targets) return NAN;
    return loss_correct(t->net.a[t->net.L], t->labels, B * S, K, t->net.loss_flags) / S;
}

/* Mean loss and accuracy over a whole dataset, in chunks of the batch size
 * through the forward buffers (it overwrites them). */
static void evaluate(trainer *t, const dataset *d, double *loss, double *accuracy)
{
    double total = 0.0, correct = 0.0;
    int K = mlp_out_units(&t->net), S = mlp_out_steps(&t->net);
    for (int first = 0; first < d->n; first += t->B) {
        int B = d->n - first < t->B ? d->n - first : t->B;
        load_batch(t, d, NULL, first, B);
        total += mlp_forward_mode(&t->net, t->labels, B, LAYER_EVALUATION, 0) * B;
        correct += batch_correct(t, B, K, S);
    }
    *loss = total / d->n;
    *accuracy = correct / d->n;
}

/* ---- the columns of layers.csv and train.csv ----------------------------
 * X(column, cell, flags, description): cell writes the column's value of
 * the row r through out with CELL_STR/INT/NUM/EMPTY (defined where the row
 * is written); the header, the writer and the README's tables iterate the
 * list (columns.h). */
#define LAYERS_COLUMNS(X)                                                                        \
    X(run_id, CELL_STR(r->run_id), 0, "16 hex digits identifying the configuration (see below)") \
    X(step, CELL_INT(r->step), 0, "the logged step (parameter updates made so far)")            \
    X(layer, CELL_INT(r->layer), 0,                                                              \
      "weight layer l = 1..depth+1: W_l maps layer l-1 to layer l, the last is the output layer") \
    X(fan_in, CELL_INT(r->fan_in), 0, "units of layer l-1 (W_l is fan_out x fan_in)")           \
    X(fan_out, CELL_INT(r->fan_out), 0, "units of layer l")                                      \
    X(grad_w_norm, CELL_NUM(r->s.grad_w_norm), 0, "Frobenius norm of dL/dW_l, L the batch-mean loss") \
    X(grad_b_norm, CELL_NUM(r->s.grad_b_norm), 0, "Euclidean norm of dL/db_l")                   \
    X(delta_norm, CELL_NUM(r->s.delta_norm), 0,                                                  \
      "Frobenius norm over the batch of dL/dz_l (z the pre-activation); batch-mean loss, so it "  \
      "scales as 1/B")                                                                           \
    X(preact_mean, CELL_NUM(r->s.preact_mean), 0, "mean of z_l over batch x units")              \
    X(preact_std, CELL_NUM(r->s.preact_std), 0, "population std of z_l over batch x units")      \
    X(act_mean, CELL_NUM(r->s.act_mean), 0,                                                      \
      "mean of the activation f(z_l) over batch x units (softmax/sigmoid/identity output for "   \
      "the last layer)")                                                                         \
    X(act_std, CELL_NUM(r->s.act_std), 0, "population std of f(z_l) over batch x units")         \
    X(saturated_frac, CELL_NUM(r->s.saturated_frac), 0,                                          \
      "fraction of unit-examples with |f'(z)| below 1% of the activation's largest |f'| "  \
      "(all of them for `step`, whose f' is 0)")                                                 \
    X(dead_frac, CELL_NUM(r->s.dead_frac), 0,                                                    \
      "fraction of units whose f'(z) is exactly 0 on every example of the batch")                \
    X(weight_norm, CELL_NUM(r->s.weight_norm), 0, "Frobenius norm of W_l")                       \
    X(update_ratio, r->step == 0 ? CELL_EMPTY() : CELL_NUM(r->update_ratio), 0,                  \
      "‖ΔW_l‖ / ‖W_l‖ of the update that led to this step (weights only); empty at step 0")  \
    X(grad_gamma_norm, r->s.normalised ? CELL_NUM(r->s.grad_gamma_norm) : CELL_EMPTY(), 0,     \
      "Euclidean norm of dL/dγ_l, the normalisation's scale (norm=batch or layer); empty "       \
      "without normalisation and for the output layer")                                          \
    X(grad_beta_norm, r->s.normalised ? CELL_NUM(r->s.grad_beta_norm) : CELL_EMPTY(), 0,       \
      "Euclidean norm of dL/dβ_l, the normalisation's shift; empty where grad_gamma_norm is")   \
    X(delta_shortcut_norm,                                                                       \
      r->s.shortcut_source ? CELL_NUM(r->s.delta_shortcut_norm) : CELL_EMPTY(), 0,             \
      "residual=K: at a layer l whose output a later shortcut adds (l = 1, 1+K, 1+2K, ... "      \
      "while l+K is hidden: a_{l+K} = a_l + α f(z_{l+K})), Frobenius norm over the batch of "    \
      "the part of dL/da_l that the shortcut carries past the block, dL/da_{l+K}; empty at "     \
      "other layers")                                                                            \
    X(delta_branch_norm,                                                                         \
      r->s.shortcut_source ? CELL_NUM(r->s.delta_branch_norm) : CELL_EMPTY(), 0,               \
      "at the same layers, the norm of the other part of dL/da_l, through the block's first "    \
      "layer: dL/du_{l+1} W_{l+1} (u_{l+1} = a_l W_{l+1}^T + b_{l+1}, before any "               \
      "normalisation); the two parts sum to dL/da_l; empty at other layers")                     \
    X(preact_p15, CELL_NUM(r->s.preact_p15), 0,                                                  \
      "15th percentile over the batch of the first unit's pre-activation z_l[:, 0], the "        \
      "activation's input (after normalisation, if any), by linear interpolation between "       \
      "order statistics (numpy's default)")                                                      \
    X(preact_p50, CELL_NUM(r->s.preact_p50), 0, "the median of z_l[:, 0] over the batch, as preact_p15") \
    X(preact_p85, CELL_NUM(r->s.preact_p85), 0, "85th percentile of z_l[:, 0] over the batch, as preact_p15")

#define TRAIN_COLUMNS(X)                                                                         \
    X(run_id, CELL_STR(r->run_id), 0, "16 hex digits identifying the configuration")             \
    X(step, CELL_INT(r->step), 0, "the logged step")                                             \
    X(epoch, CELL_INT(r->epoch), 0,                                                              \
      "0-based pass over the training set that the step's batch came from (full batch: the step)") \
    X(loss, CELL_NUM(r->loss), 0,                                                                \
      "loss on the training set before the step's update (full batch: the step's own forward pass)") \
    X(accuracy, CELL_NUM(r->accuracy), 0, "accuracy on the training set, at the same point as loss")               \
    X(test_loss, r->has_test ? CELL_NUM(r->test_loss) : CELL_EMPTY(), COL_TEST,                  \
      "loss on the test split; empty for a run without one in a sweep where others have one")    \
    X(test_accuracy, r->has_test ? CELL_NUM(r->test_accuracy) : CELL_EMPTY(), COL_TEST,          \
      "accuracy on the test split, as test_loss")                                                \
    X(grad_norm, CELL_NUM(r->grad_norm), 0,                                                      \
      "Euclidean norm of the whole gradient (every W and b) at this step, before clipping")      \
    X(clipped_steps, CELL_INT(r->clipped_steps), 0, "steps so far whose gradient was clipped to clip_norm")

/* time.csv: the recurrent models, one row per logged step, recurrent layer
 * and time step (layer_rnn.c computes the values). */
#define TIME_COLUMNS(X)                                                                          \
    X(run_id, CELL_STR(r->run_id), 0, "16 hex digits identifying the configuration")             \
    X(step, CELL_INT(r->step), 0, "the logged step")                                             \
    X(layer, CELL_INT(r->layer), 0, "recurrent layer 1..depth (1 reads the input)")              \
    X(t, CELL_INT(r->t), 0, "time step 1..seq_len")                                             \
    X(grad_h_norm, CELL_NUM(r->s.grad_h_norm), 0,                                                \
      "Frobenius norm over the batch of the total dL/dh_t (from the layer above and from step "  \
      "t+1), L the batch-mean loss as for delta_norm")                                           \
    X(grad_c_norm, r->lstm ? CELL_NUM(r->s.grad_c_norm) : CELL_EMPTY(), 0,                       \
      "lstm: Frobenius norm over the batch of the total dL/dc_t, the cell state's; empty for "    \
      "rnn and gru")                                                                             \
    X(grad_whh_norm, CELL_NUM(r->s.grad_whh_norm), 0,                                            \
      "Frobenius norm of step t's term of dL/dW_hh (dL/d(W_hh h_{t-1})^T h_{t-1}; 0 at t = 1, "  \
      "h_0 being 0)")                                                                            \
    X(h_mean, CELL_NUM(r->s.h_mean), 0, "mean of h_t over batch x units")                        \
    X(h_std, CELL_NUM(r->s.h_std), 0, "population std of h_t over batch x units")                \
    X(saturated_frac, CELL_NUM(r->s.saturated_frac), 0,                                          \
      "fraction of unit-examples at step t whose slope is below 1% of its largest: rnn φ'(the "  \
      "pre-activation of h_t) (as layers.csv's), lstm tanh'(c_t), gru tanh'(n_t's "            \
      "pre-activation)")                                                                         \
    X(gate_i_mean, r->lstm ? CELL_NUM(r->s.gate_i_mean) : CELL_EMPTY(), 0,                       \
      "lstm: mean of the input gate i_t over batch x units; empty otherwise")                    \
    X(gate_f_mean, r->lstm ? CELL_NUM(r->s.gate_f_mean) : CELL_EMPTY(), 0,                       \
      "lstm: mean of the forget gate f_t; empty otherwise")                                      \
    X(gate_o_mean, r->lstm ? CELL_NUM(r->s.gate_o_mean) : CELL_EMPTY(), 0,                       \
      "lstm: mean of the output gate o_t; empty otherwise")                                      \
    X(gate_r_mean, r->gru ? CELL_NUM(r->s.gate_r_mean) : CELL_EMPTY(), 0,                        \
      "gru: mean of the reset gate r_t; empty otherwise")                                        \
    X(gate_z_mean, r->gru ? CELL_NUM(r->s.gate_z_mean) : CELL_EMPTY(), 0,                        \
      "gru: mean of the update gate z_t; empty otherwise")

#define COLUMN_ROW(name, cell, flags, desc) {#name, flags, desc},
const vg_column layers_columns[] = {LAYERS_COLUMNS(COLUMN_ROW)};
const vg_column train_columns[] = {TRAIN_COLUMNS(COLUMN_ROW)};
const vg_column time_columns[] = {TIME_COLUMNS(COLUMN_ROW)};
#undef COLUMN_ROW
const int layers_column_count = sizeof layers_columns / sizeof layers_columns[0];
const int train_column_count = sizeof train_columns / sizeof train_columns[0];
const int time_column_count = sizeof time_columns / sizeof time_columns[0];

/* One row of layers.csv and of train.csv, as their cells read it. */
typedef struct {
    const char *run_id;
    long long step;
    int layer, fan_in, fan_out;
    layer_stats s;
    double update_ratio;
} layers_row;

typedef struct {
    const char *run_id;
    long long step;
    int layer, t, lstm, gru;
    layer_time_stats s;
} time_row;

typedef struct {
    const char *run_id;
    long long step, epoch, clipped_steps;
    double loss, accuracy, test_loss, test_accuracy, grad_norm;
    int has_test;   /* this run has a test split */
} train_row;

#define CELL_STR(v) csvout_str(out, v)
#define CELL_INT(v) csvout_int(out, v)
#define CELL_NUM(v) csvout_num(out, v)
#define CELL_EMPTY() csvout_empty(out)
#define WRITE_CELL(name, cell, flags, desc) cell;
#define WRITE_CELL_UNLESS_TEST(name, cell, flags, desc) \
    if (with_test || !((flags) & COL_TEST)) cell;

static void write_layers_row(csv_out *out, const layers_row *r)
{
    LAYERS_COLUMNS(WRITE_CELL)
    csvout_endrow(out);
}

static void write_train_row(csv_out *out, const train_row *r, int with_test)
{
    TRAIN_COLUMNS(WRITE_CELL_UNLESS_TEST)
    csvout_endrow(out);
}

static void write_time_row(csv_out *out, const time_row *r)
{
    TIME_COLUMNS(WRITE_CELL)
    csvout_endrow(out);
}

#undef WRITE_CELL_UNLESS_TEST
#undef WRITE_CELL
#undef CELL_EMPTY
#undef CELL_NUM
#undef CELL_INT
#undef CELL_STR

void trainer_layers_header(csv_out *layers)
{
    columns_header(layers, layers_columns, layers_column_count, 0);
}

void trainer_train_header(csv_out *train, int with_test)
{
    columns_header(train, train_columns, train_column_count, with_test);
}

void trainer_time_header(csv_out *time)
{
    columns_header(time, time_columns, time_column_count, 0);
}

/* time.csv's rows of every recurrent layer, t = 1..T. */
static void write_time_rows(trainer *t, csv_out *out, long long step, int B)
{
    mlp *net = &t->net;
    for (int l = 1; l <= net->L; l++) {
        const layer *ly = &net->layers[l];
        if (!ly->kind->time_stats) continue;
        time_row r = {.run_id = t->run_id, .step = step, .layer = l,
                      .lstm = ly->kind == &layer_lstm, .gru = ly->kind == &layer_gru};
        for (int s = 0; s < ly->steps; s++) {
            ly->kind->time_stats(net, l, B, s, &r.s);
            r.t = s + 1;
            write_time_row(out, &r);
        }
    }
}

static void write_layer_rows(trainer *t, csv_out *out, long long step, int B)
{
    mlp *net = &t->net;
    for (int l = 1; l <= net->L; l++) {
        layers_row r = {.run_id = t->run_id, .step = step, .layer = l,
                        .fan_in = net->layers[l].fan_in, .fan_out = net->layers[l].fan_out};
        mlp_layer_stats(net, l, B, &r.s);
        if (step > 0) r.update_ratio = sqrt(t->update_sq[l]) / sqrt(t->weight_sq[l]);
        write_layers_row(out, &r);
    }
}

void trainer_hist_header(csv_out *hist)
{
    csvout_header(hist, "run_id,step,layer,quantity,bin_lo,bin_hi,count");
}

/* One histogram of n values: hist_bins rows of bin_lo, bin_hi, count. */
static void write_histogram(trainer *t, csv_out *out, long long step, int layer, int quantity,
                            const double *x, size_t n)
{
    const vg_config *cfg = t->cfg;
    int bins = (int)cfg->hist_bins;
    double lo = cfg->hist_range.lo, hi = cfg->hist_range.hi;
    if (cfg->hist_range.automatic) {
        lo = INFINITY;
        hi = -INFINITY;
        for (size_t k = 0; k < n; k++) {
            if (!isfinite(x[k])) continue;         /* infinities go to the edge bins */
            if (x[k] < lo) lo = x[k];
            if (x[k] > hi) hi = x[k];
        }
        if (!(lo <= hi)) lo = hi = 0.0;            /* no finite value */
        if (lo == hi) {
            /* One value: a unit-wide range centred on it. */
            lo -= 0.5;
            hi += 0.5;
        }
    }
    memset(t->hist_counts, 0, (size_t)bins * sizeof *t->hist_counts);
    double scale = bins / (hi - lo);
    for (size_t k = 0; k < n; k++) {
        if (isnan(x[k])) continue;
        double pos = (x[k] - lo) * scale;
        int b = pos < 0 ? 0 : pos >= bins ? bins - 1 : (int)pos;
        t->hist_counts[b]++;
    }
    for (int b = 0; b < bins; b++) {
        csvout_str(out, t->run_id);
        csvout_int(out, step);
        csvout_int(out, layer);
        csvout_str(out, hist_quantity_names[quantity]);
        csvout_num(out, lo + (hi - lo) * b / bins);
        csvout_num(out, b + 1 == bins ? hi : lo + (hi - lo) * (b + 1) / bins);
        csvout_int(out, t->hist_counts[b]);
        csvout_endrow(out);
    }
}

static void write_histograms(trainer *t, csv_out *out, long long step, int B)
{
    mlp *net = &t->net;
    for (int l = 1; l <= net->L; l++) {
        size_t units = (size_t)B * net->dims[l];
        /* grad_w: the layer's first group, its weights */
        const double *data[HIST_QUANTITY_COUNT] = {net->a[l], net->z[l], net->dz[l],
                                                   mlp_grad(net, l, 0)};
        size_t count[HIST_QUANTITY_COUNT] = {units, units, units,
                                             layer_group_size(&net->layers[l], 0)};
        for (int q = 0; q < HIST_QUANTITY_COUNT; q++)
            if (t->cfg->hist_quantities & (1 << q))
                write_histogram(t, out, step, l, q, data[q], count[q]);
    }
}

static int is_logged(const vg_config *cfg, long long step)
{
    return step % cfg->log_every == 0 || step == cfg->steps;
}

void trainer_predictions_header(csv_out *predictions)
{
    csvout_header(predictions, "run_id,split,example,label,output,value");
}

/* The outputs of the network on the test split (or the training set), in
 * chunks of the batch size through the forward buffers. */
static void write_predictions(trainer *t, csv_out *out)
{
    const dataset *d = t->test.n ? &t->test : &t->train;
    const char *split = t->test.n ? "test" : "train";
    int K = t->net.dims[t->net.L];
    for (int first = 0; first < d->n; first += t->B) {
        int B = d->n - first < t->B ? d->n - first : t->B;
        load_batch(t, d, NULL, first, B);
        mlp_forward_mode(&t->net, t->labels, B, LAYER_EVALUATION, 0);
        for (int i = 0; i < B; i++)
            for (int k = 0; k < K; k++) {
                csvout_str(out, t->run_id);
                csvout_str(out, split);
                csvout_int(out, first + i);
                csvout_int(out, t->labels[i]);
                csvout_int(out, k);
                csvout_num(out, t->net.a[t->net.L][(size_t)i * K + k]);
                csvout_endrow(out);
            }
    }
}

int trainer_run(trainer *t, const run_sinks *out, run_result *res, vg_error *err)
{
    csv_out *layers = out->layers, *train = out->train, *hist = out->hist;
    const vg_config *cfg = t->cfg;
    mlp *net = &t->net;
    int B = t->B, n_train = t->train.n;
    int full_batch = B == n_train;
    /* A full-batch step's forward pass is the training set's evaluation,
     * unless the modes differ (batch normalisation): then evaluate apart. */
    int step_evaluates = full_batch && !mlp_mode_dependent(net);
    int pos = n_train;      /* forces a shuffle before the first minibatch */
    int input_holds_batch = 0;  /* full batch: a[0] still holds the training set */
    long long epoch = -1;
    double t0 = vg_seconds();

    memset(res, 0, sizeof *res);
    res->final_test_loss = res->final_test_accuracy = NAN;

    for (long long step = 0;; step++) {
        if (full_batch) {
            if (!input_holds_batch) load_batch(t, &t->train, NULL, 0, B);
            input_holds_batch = 1;
            epoch = step;
        } else {
            if (pos + B > n_train) {
                rng_shuffle(&t->shuffle_rng, t->order, n_train);
                pos = 0;
                epoch++;
            }
            load_batch(t, &t->train, t->order, pos, B);
            pos += B;
        }
        double loss = mlp_forward(net, t->labels, B, 1);
        mlp_backward(net, B);
        double grad_norm = vg_norm(net->grads, net->n_params);
        int diverged = !isfinite(loss) || !isfinite(grad_norm);
        int last = step == cfg->steps || diverged;

        if (hist && cfg->hist_every > 0 && step % cfg->hist_every == 0)
            write_histograms(t, hist, step, B);
        if (is_logged(cfg, step) || last) {
            if (layers) write_layer_rows(t, layers, step, B);
            if (out->time) write_time_rows(t, out->time, step, B);
            double acc, test_loss = NAN, test_acc = NAN;
            if (step_evaluates) {
                /* The step's own forward pass was over the whole training set. */
                acc = batch_correct(t, B, mlp_out_units(net), mlp_out_steps(net)) / B;
            } else {
                evaluate(t, &t->train, &loss, &acc);
                input_holds_batch = 0;
            }
            if (t->test.n) {
                evaluate(t, &t->test, &test_loss, &test_acc);
                input_holds_batch = 0;
            }
            if (train) {
                train_row r = {.run_id = t->run_id, .step = step, .epoch = epoch,
                               .clipped_steps = res->clipped_steps, .loss = loss, .accuracy = acc,
                               .test_loss = test_loss, .test_accuracy = test_acc,
                               .grad_norm = grad_norm, .has_test = t->test.n > 0};
                write_train_row(train, &r, t->test_columns);
            }
            res->final_loss = loss;
            res->final_accuracy = acc;
            res->final_test_loss = test_loss;
            res->final_test_accuracy = test_acc;
            res->stop_step = step;
        }
        if (diverged) {
            res->status = RUN_DIVERGED;
            snprintf(res->message, sizeof res->message, "%s is %s at step %lld",
                     isfinite(loss) ? "gradient norm" : "loss",
                     isnan(isfinite(loss) ? grad_norm : loss) ? "nan" : "infinite", step);
            break;
        }
        if (last) break;

        /* The update.  Clipping scales the loss gradient; weight decay is
         * added after it, to weights only. */
        double scale = 1.0;
        if (cfg->clip_norm > 0 && grad_norm > cfg->clip_norm) {
            scale = cfg->clip_norm / grad_norm;
            res->clipped_steps++;
        }
        int log_next = is_logged(cfg, step + 1);
        optim_begin(&t->opt);
        for (int l = 1; l <= net->L; l++) {
            const layer *ly = &net->layers[l];
            /* The weights (groups with decay) make update_ratio. */
            if (log_next) {
                t->weight_sq[l] = 0.0;
                for (int g = 0; g < ly->kind->n_groups; g++)
                    if (ly->kind->groups[g].flags & LAYER_GROUP_DECAY) {
                        double w = vg_norm(mlp_param(net, l, g), layer_group_size(ly, g));
                        t->weight_sq[l] += w * w;
                    }
            }
            t->update_sq[l] = 0.0;
            for (int g = 0; g < ly->kind->n_groups; g++) {
                if (!mlp_group_trained(net, l, g)) continue;
                int decay = ly->kind->groups[g].flags & LAYER_GROUP_DECAY;
                double step_sq = optim_apply(&t->opt, net->params, net->grads, ly->group_off[g],
                                             layer_group_size(ly, g), scale,
                                             decay ? cfg->weight_decay : 0.0);
                if (decay) t->update_sq[l] += step_sq;
            }
        }
    }
    if (out->predictions && cfg->save_predictions) write_predictions(t, out->predictions);
    res->train_seconds = vg_seconds() - t0;
    int failed = layers && layers->failed ? layers->failed : train && train->failed ? train->failed
                 : hist && hist->failed ? hist->failed
                 : out->time && out->time->failed ? out->time->failed
                 : out->predictions && out->predictions->failed ? out->predictions->failed : 0;
    if (failed) return vg_fail(err, VG_EFAIL, "writing the logs failed: %s", strerror(failed));
    return VG_OK;
}

/* ---- weights files ------------------------------------------------------
 * One file per parameter group in use and layer: <group name><l>.csv, rows
 * lines of cols values (W<l>.csv: fan_out rows of fan_in values; b<l>.csv:
 * one value a line). */

static int weights_path(char *buf, size_t size, const char *dir, const char *group, int l,
                        vg_error *err)
{
    /* l is the file's index (layer_file_index): PyTorch's weight_ih_l0 is
     * the first recurrent layer's. */
    if ((size_t)snprintf(buf, size, "%s/%s%d.csv", dir, group, l) >= size)
        return vg_fail(err, VG_EUSAGE, "weights directory name '%s' is too long", dir);
    return VG_OK;
}

int weights_save(const mlp *net, const char *dir, vg_error *err)
{
    int rc = file_make_dir(dir, err);
    if (rc != VG_OK) return rc;
    char path[VG_PATH_MAX + 32];
    for (int l = 1; l <= net->L; l++) {
        const layer *ly = &net->layers[l];
        for (int g = 0; g < ly->kind->n_groups; g++) {
            if (!mlp_group_used(net, l, g)) continue;
            int rows = layer_group_rows(ly, g), cols = layer_group_cols(ly, g);
            const double *x = mlp_param(net, l, g);
            csv_out o;
            if ((rc = weights_path(path, sizeof path, dir, ly->kind->groups[g].name,
                                    layer_file_index(ly, l), err)) !=
                VG_OK)
                return rc;
            if ((rc = csvout_open(&o, path, err)) != VG_OK) return rc;
            for (int j = 0; j < rows; j++) {
                for (int k = 0; k < cols; k++) csvout_num(&o, x[(size_t)j * cols + k]);
                csvout_endrow(&o);
            }
            if ((rc = csvout_commit(&o, err)) != VG_OK) return rc;
        }
    }
    return VG_OK;
}

/* Reads one weights file into dst, which must be rows x cols. */
static int load_matrix(const char *path, double *dst, int rows, int cols, vg_error *err)
{
    double *data;
    int r, c, header;
    int rc = csvread_matrix(path, &data, &r, &c, &header, err);
    if (rc != VG_OK) return rc;
    if (header || r != rows || c != cols) {
        free(data);
        if (header) return vg_fail(err, VG_EUSAGE, "%s: line 1 is not numeric", path);
        return vg_fail(err, VG_EUSAGE, "%s is %d x %d, the network needs %d x %d "
                       "(fan_out rows of fan_in values)", path, r, c, rows, cols);
    }
    memcpy(dst, data, (size_t)rows * cols * sizeof(double));
    free(data);
    return VG_OK;
}

int weights_load(mlp *net, const char *dir, vg_error *err)
{
    char path[VG_PATH_MAX + 32];
    int rc;
    for (int l = 1; l <= net->L; l++) {
        const layer *ly = &net->layers[l];
        for (int g = 0; g < ly->kind->n_groups; g++) {
            if (!mlp_group_used(net, l, g)) continue;
            if ((rc = weights_path(path, sizeof path, dir, ly->kind->groups[g].name,
                                    layer_file_index(ly, l), err)) !=
                VG_OK)
                return rc;
            if ((rc = load_matrix(path, mlp_param(net, l, g), layer_group_rows(ly, g),
                                  layer_group_cols(ly, g), err)) != VG_OK)
                return rc;
        }
    }
    /* A file of the first group of a layer the network does not have means
     * the shapes differ. */
    const layer_group *first = &net->layers[net->L].kind->groups[0];
    if ((rc = weights_path(path, sizeof path, dir, first->name, net->L + 1, err)) != VG_OK)
        return rc;
    if (access(path, F_OK) == 0)
        return vg_fail(err, VG_EUSAGE, "%s exists but the network has only %d weight layers",
                       path, net->L);
    return VG_OK;
}
