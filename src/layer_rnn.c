/* layer_rnn.c: the recurrent kinds, torch.nn.RNN, LSTM and GRU's cells run
 * over T time steps from h_0 = 0 (and c_0 = 0), trained by backpropagation
 * through time.
 *
 * Dimension legend (layer.h: batch first, row-major)
 *   B   examples;  T  time steps (ly->steps);  D  inputs per step (fan_in)
 *   H   hidden units (fan_out);  G  gates (1 RNN, 4 LSTM, 3 GRU);  GH = G*H
 * Shapes
 *   x = a[input]  (B, T, D)       W_ih (GH, D)   W_hh (GH, H)   b_ih, b_hh (GH)
 *   h             (B, T, H)       a[l] = h, or h[:, T-1] (B, H) when out_last
 * Step t of a (B, T, X) buffer is the (B, X) view at t * X with leading
 * dimension T * X.  The input projections of all steps are one cblas_dgemm,
 * (B*T, D) x (D, GH); the recurrent product one per step.
 *
 * The cells, as PyTorch's documentation writes them (σ the logistic):
 *   RNN   h_t = φ(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh), φ the network's
 *         activation (PyTorch allows tanh and relu; any row of act_table here)
 *   LSTM  gates stacked i, f, g, o:  (i, f, o) = σ(.), g = tanh(.) of
 *         W_ih x_t + b_ih + W_hh h_{t-1} + b_hh;
 *         c_t = f ⊙ c_{t-1} + i ⊙ g;  h_t = o ⊙ tanh(c_t)
 *   GRU   gates stacked r, z, n:  r = σ(W_ir x + b_ir + W_hr h + b_hr),
 *         z = σ(W_iz x + b_iz + W_hz h + b_hz),
 *         n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),
 *         h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}
 *
 * Scratch (each max_batch x T x the width named; layer_place plans it):
 *   hs    (H)   the hidden states h_t
 *   gate  (GH)  RNN: the pre-activation of h; LSTM, GRU: the gates'
 *               values after their nonlinearities (σ or tanh)
 *   cell  (H)   LSTM: c_t; GRU: n's pre-activation (the tanh's input)
 *   aux   (H)   LSTM: tanh(c_t); GRU: W_hn h_{t-1} + b_hn
 *   dgate (GH)  dL/d(gate pre-activations), the input side: dL/d(W_ih x_t + b_ih)
 *   drec  (GH)  GRU: dL/d(W_hh h_{t-1} + b_hh) (its n slice is dgate's ⊙ r)
 *   dh    (H)   dL/dh_t in total (from above and from step t+1)
 *   dc    (H)   LSTM: dL/dc_t in total
 * and carry, carry_c (B, H), rec (B, GH) of one step, work (GH, H) for
 * the statistics.  Kinds without a buffer get none. */
#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mlp.h"

typedef struct {
    double *hs, *gate, *cell, *aux, *dgate, *drec, *dh, *dc, *carry, *carry_c, *rec, *work;
} rnn_views;

enum { V_HS, V_GATE, V_CELL, V_AUX, V_DGATE, V_DREC, V_DH, V_DC, V_CARRY, V_CARRY_C, V_REC,
       V_WORK, V_COUNT };

static int is_lstm(const layer *ly) { return ly->kind == &layer_lstm; }
static int is_gru(const layer *ly) { return ly->kind == &layer_gru; }

/* The doubles of each view at a batch of max_batch; 0 on overflow. */
static int view_sizes(const layer *ly, int max_batch, size_t sizes[V_COUNT])
{
    size_t bt, n_h, n_g, b_h, b_g, work;
    size_t H = (size_t)ly->fan_out, GH = (size_t)ly->kind->gates * H;
    int gated = ly->kind->gates > 1;
    if (!vg_mul_size((size_t)max_batch, (size_t)(ly->steps > 0 ? ly->steps : 1), &bt) ||
        !vg_mul_size(bt, H, &n_h) || !vg_mul_size(bt, GH, &n_g) ||
        !vg_mul_size((size_t)max_batch, H, &b_h) || !vg_mul_size((size_t)max_batch, GH, &b_g) ||
        !vg_mul_size(GH, H, &work))
        return 0;
    size_t s[V_COUNT] = {
        [V_HS] = n_h,      [V_GATE] = n_g,  [V_CELL] = gated ? n_h : 0,
        [V_AUX] = gated ? n_h : 0,          [V_DGATE] = n_g,
        [V_DREC] = is_gru(ly) ? n_g : 0,    [V_DH] = n_h,
        [V_DC] = is_lstm(ly) ? n_h : 0,     [V_CARRY] = b_h,
        [V_CARRY_C] = b_h, [V_REC] = b_g,   [V_WORK] = work};
    memcpy(sizes, s, sizeof s);
    return 1;
}

static size_t rnn_scratch(const layer *ly, int max_batch)
{
    size_t sizes[V_COUNT], total = 0;
    if (!view_sizes(ly, max_batch, sizes)) return SIZE_MAX;
    for (int v = 0; v < V_COUNT; v++)
        if (!vg_add_size(total, sizes[v], &total)) return SIZE_MAX;
    return total;
}

static rnn_views views_of(const mlp *net, int l)
{
    const layer *ly = &net->layers[l];
    size_t sizes[V_COUNT];
    view_sizes(ly, net->max_batch, sizes);   /* planned, so no overflow */
    double *p = net->scratch + ly->scratch_off, *v[V_COUNT];
    for (int k = 0; k < V_COUNT; k++) {
        v[k] = sizes[k] ? p : NULL;
        p += sizes[k];
    }
    return (rnn_views){v[V_HS], v[V_GATE], v[V_CELL], v[V_AUX], v[V_DGATE], v[V_DREC], v[V_DH],
                       v[V_DC], v[V_CARRY], v[V_CARRY_C], v[V_REC], v[V_WORK]};
}

static double sigmoid(double x) { return act_sigmoid(x); }

/* forward, all steps:
 *   gate (B*T, GH) = x (B*T, D) W_ih^T + b_ih (+ b_hh, but for the GRU)
 * then step by step
 *   gate_t (B, GH) += h_{t-1} (B, H) W_hh^T     (RNN, LSTM; t > 0)
 *   rec (B, GH) = h_{t-1} W_hh^T + b_hh          (GRU)
 * and the cell's elementwise part; a[l] = h (or its last step), z[l] = the
 * tanh's (φ's) input: the RNN's pre-activation, the LSTM's c, the GRU's n
 * pre-activation (hist.csv's preact). */
static void rnn_forward(mlp *net, int l, int B, int mode)
{
    (void)mode; /* the same in training and evaluation */
    const layer *ly = &net->layers[l];
    int T = ly->steps, D = ly->fan_in, H = ly->fan_out, GH = ly->kind->gates * H;
    int lstm = is_lstm(ly), gru = is_gru(ly);
    size_t ldh = (size_t)T * H, ldg = (size_t)T * GH;
    const double *W_ih = mlp_param(net, l, RNN_W_IH), *W_hh = mlp_param(net, l, RNN_W_HH);
    const double *b_ih = net->has_bias ? mlp_param(net, l, RNN_B_IH) : NULL;
    const double *b_hh = net->has_bias ? mlp_param(net, l, RNN_B_HH) : NULL;
    rnn_views S = views_of(net, l);
    const double *x = net->a[ly->input];

    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B * T, GH, D, 1.0, x, D, W_ih, D, 0.0,
                S.gate, GH);
    if (b_ih) {
        /* The GRU adds b_hh to its recurrent product (b_hn goes inside r ⊙ (.)). */
        for (size_t r = 0; r < (size_t)B * T; r++) {
            double *g = S.gate + r * GH;
            for (int j = 0; j < GH; j++) g[j] += b_ih[j] + (gru ? 0.0 : b_hh[j]);
        }
    }
    for (int t = 0; t < T; t++) {
        double *gate = S.gate + (size_t)t * GH, *h = S.hs + (size_t)t * H;
        const double *hprev = t > 0 ? S.hs + (size_t)(t - 1) * H : NULL;
        if (!gru && hprev)
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, GH, H, 1.0, hprev, (int)ldh,
                        W_hh, H, 1.0, gate, (int)ldg);
        if (gru) {
            if (hprev)
                cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, GH, H, 1.0, hprev,
                            (int)ldh, W_hh, H, 0.0, S.rec, GH);
            else
                memset(S.rec, 0, (size_t)B * GH * sizeof(double));
            if (b_hh)
                for (int b = 0; b < B; b++)
                    for (int j = 0; j < GH; j++) S.rec[(size_t)b * GH + j] += b_hh[j];
        }
        for (int b = 0; b < B; b++) {
            double *g = gate + (size_t)b * ldg, *hb = h + (size_t)b * ldh;
            if (!lstm && !gru) {
                net->act->forward(NULL, g, hb, 1, H, net->act_param);
                continue;
            }
            double *cell = S.cell + (size_t)b * ldh + (size_t)t * H;
            double *aux = S.aux + (size_t)b * ldh + (size_t)t * H;
            const double *hp = hprev ? hprev + (size_t)b * ldh : NULL;
            if (lstm) {
                const double *cp = t > 0 ? cell - H : NULL;
                for (int j = 0; j < H; j++) {
                    double i = sigmoid(g[j]), f = sigmoid(g[H + j]), gg = tanh(g[2 * H + j]),
                           o = sigmoid(g[3 * H + j]);
                    g[j] = i;
                    g[H + j] = f;
                    g[2 * H + j] = gg;
                    g[3 * H + j] = o;
                    double c = (cp ? f * cp[j] : 0.0) + i * gg;
                    cell[j] = c;
                    aux[j] = tanh(c);
                    hb[j] = o * aux[j];
                }
            } else {
                const double *rec = S.rec + (size_t)b * GH;
                for (int j = 0; j < H; j++) {
                    double r = sigmoid(g[j] + rec[j]), z = sigmoid(g[H + j] + rec[H + j]);
                    double hn = rec[2 * H + j], npre = g[2 * H + j] + r * hn, n = tanh(npre);
                    g[j] = r;
                    g[H + j] = z;
                    g[2 * H + j] = n;
                    cell[j] = npre;
                    aux[j] = hn;
                    hb[j] = (1.0 - z) * n + z * (hp ? hp[j] : 0.0);
                }
            }
        }
    }
    /* a[l] and z[l]: every step, or the last one (out_last) */
    const double *preact = lstm || gru ? S.cell : S.gate;
    if (!ly->out_last) {
        memcpy(net->a[l], S.hs, (size_t)B * ldh * sizeof(double));
        memcpy(net->z[l], preact, (size_t)B * ldh * sizeof(double));
    } else {
        for (int b = 0; b < B; b++) {
            size_t last = (size_t)b * ldh + (size_t)(T - 1) * H;
            memcpy(net->a[l] + (size_t)b * H, S.hs + last, (size_t)H * sizeof(double));
            memcpy(net->z[l] + (size_t)b * H, preact + last, (size_t)H * sizeof(double));
        }
    }
}

/* backward through time, with dz[l] holding dL/da (B, T, H) (out_last:
 * dL/dh_{T-1} (B, H)); from t = T-1 down:
 *   dh_t = dL/da_t + carry                                 (B, H)
 *   dgate_t, drec_t from dh_t (and the LSTM's dc) by the cell's chain rule
 *   carry (B, H) = drec_t (B, GH) W_hh (GH, H)  (+ dh_t ⊙ z for the GRU)
 * then
 *   dW_ih (GH, D) = dgate^T (GH, B*T) x (B*T, D)
 *   dW_hh (GH, H) = sum over t > 0 of drec_t^T (GH, B) h_{t-1} (B, H)
 *   db_ih = sum over B*T of dgate;  db_hh = of drec
 *   dx (B*T, D) (+)= dgate (B*T, GH) W_ih (GH, D)   (= when first_to_input)
 * (drec is dgate but for the GRU.) */
static void rnn_backward(mlp *net, int l, int B)
{
    const layer *ly = &net->layers[l];
    int T = ly->steps, D = ly->fan_in, H = ly->fan_out, GH = ly->kind->gates * H;
    int lstm = is_lstm(ly), gru = is_gru(ly);
    size_t ldh = (size_t)T * H, ldg = (size_t)T * GH;
    const double *W_ih = mlp_param(net, l, RNN_W_IH), *W_hh = mlp_param(net, l, RNN_W_HH);
    rnn_views S = views_of(net, l);
    double *drec_all = gru ? S.drec : S.dgate;
    const double *da = net->dz[l];

    memset(S.carry, 0, (size_t)B * H * sizeof(double));
    if (lstm) memset(S.carry_c, 0, (size_t)B * H * sizeof(double));
    for (int t = T - 1; t >= 0; t--) {
        for (int b = 0; b < B; b++) {
            size_t at_h = (size_t)b * ldh + (size_t)t * H, at_g = (size_t)b * ldg + (size_t)t * GH;
            const double *from_above =
                ly->out_last ? (t == T - 1 ? da + (size_t)b * H : NULL) : da + at_h;
            double *dh = S.dh + at_h, *carry = S.carry + (size_t)b * H;
            for (int j = 0; j < H; j++) dh[j] = carry[j] + (from_above ? from_above[j] : 0.0);
            const double *g = S.gate + at_g;
            double *dg = S.dgate + at_g;
            if (!lstm && !gru) {
                memcpy(dg, dh, (size_t)H * sizeof(double));
                net->act->backward(g, dg, (size_t)H, net->act_param);
            } else if (lstm) {
                const double *tc = S.aux + at_h, *cprev = t > 0 ? S.cell + at_h - H : NULL;
                double *dc = S.dc + at_h, *carry_c = S.carry_c + (size_t)b * H;
                for (int j = 0; j < H; j++) {
                    double i = g[j], f = g[H + j], gg = g[2 * H + j], o = g[3 * H + j];
                    double d_o = dh[j] * tc[j];
                    double d_c = carry_c[j] + dh[j] * o * (1.0 - tc[j] * tc[j]);
                    dc[j] = d_c;
                    double d_i = d_c * gg, d_g = d_c * i, d_f = cprev ? d_c * cprev[j] : 0.0;
                    carry_c[j] = d_c * f;
                    dg[j] = d_i * i * (1.0 - i);
                    dg[H + j] = d_f * f * (1.0 - f);
                    dg[2 * H + j] = d_g * (1.0 - gg * gg);
                    dg[3 * H + j] = d_o * o * (1.0 - o);
                }
            } else {
                const double *hn = S.aux + at_h;
                const double *hp = t > 0 ? S.hs + at_h - H : NULL;
                double *dr = S.drec + at_g;
                for (int j = 0; j < H; j++) {
                    double r = g[j], z = g[H + j], n = g[2 * H + j];
                    double d_n = dh[j] * (1.0 - z) * (1.0 - n * n);
                    double d_z = dh[j] * ((hp ? hp[j] : 0.0) - n) * z * (1.0 - z);
                    double d_r = d_n * hn[j] * r * (1.0 - r);
                    dg[j] = dr[j] = d_r;
                    dg[H + j] = dr[H + j] = d_z;
                    dg[2 * H + j] = d_n;
                    dr[2 * H + j] = d_n * r;
                    carry[j] = dh[j] * z;   /* the direct path h_{t-1} -> h_t */
                }
            }
        }
        if (t > 0)
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, H, GH, 1.0,
                        drec_all + (size_t)t * GH, (int)ldg, W_hh, H, gru ? 1.0 : 0.0, S.carry,
                        H);
    }

    const double *x = net->a[ly->input];
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, GH, D, B * T, 1.0, S.dgate, GH, x, D,
                0.0, mlp_grad(net, l, RNN_W_IH), D);
    double *dW_hh = mlp_grad(net, l, RNN_W_HH);
    memset(dW_hh, 0, (size_t)GH * H * sizeof(double));
    for (int t = 1; t < T; t++)
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, GH, H, B, 1.0,
                    drec_all + (size_t)t * GH, (int)ldg, S.hs + (size_t)(t - 1) * H, (int)ldh,
                    1.0, dW_hh, H);
    if (net->has_bias) {
        double *db_ih = mlp_grad(net, l, RNN_B_IH), *db_hh = mlp_grad(net, l, RNN_B_HH);
        memset(db_ih, 0, (size_t)GH * sizeof(double));
        memset(db_hh, 0, (size_t)GH * sizeof(double));
        for (size_t r = 0; r < (size_t)B * T; r++) {
            const double *dg = S.dgate + r * GH, *dr = drec_all + r * GH;
            for (int j = 0; j < GH; j++) {
                db_ih[j] += dg[j];
                db_hh[j] += dr[j];
            }
        }
    }
    if (ly->input != 0)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B * T, D, GH, 1.0, S.dgate, GH,
                    W_ih, D, ly->first_to_input ? 0.0 : 1.0, net->dz[ly->input], D);
}

/* ---- statistics --------------------------------------------------------- */

/* Norm of the (rows, n) view at x with leading dimension ld, scaled
 * against underflow (vanishing gradients reach 1e-200 and below). */
static double strided_norm(const double *x, int rows, int n, size_t ld)
{
    double norm = 0.0;
    for (int r = 0; r < rows; r++) norm = hypot(norm, cblas_dnrm2(n, x + (size_t)r * ld, 1));
    return norm;
}

/* Mean and population std of the (rows, n) view. */
static void strided_mean_std(const double *x, int rows, int n, size_t ld, double *mean,
                             double *std)
{
    double sum = 0.0, ss = 0.0, count = (double)rows * n;
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < n; j++) sum += x[(size_t)r * ld + j];
    double m = sum / count;
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < n; j++) ss += (x[(size_t)r * ld + j] - m) * (x[(size_t)r * ld + j] - m);
    *mean = m;
    *std = sqrt(ss / count);
}

/* The derivative saturated_frac and dead_frac judge: the RNN's φ'(pre),
 * the LSTM's tanh'(c_t), the GRU's tanh' at n's pre-activation; and its
 * largest value. */
static double cell_slope(const mlp *net, const layer *ly, const rnn_views *S, size_t at_h,
                         size_t at_g, int j)
{
    if (is_lstm(ly)) return 1.0 - S->aux[at_h + j] * S->aux[at_h + j];
    if (is_gru(ly)) {
        double n = S->gate[at_g + 2 * (size_t)ly->fan_out + j];
        return 1.0 - n * n;
    }
    return net->act->df(S->gate[at_g + j], net->act_param);
}

static double slope_max(const mlp *net, const layer *ly)
{
    return ly->kind->gates > 1 ? 1.0 : net->act->dmax(net->act_param);
}

/* The first unit's φ input (z[l]'s) over the batch at the last step:
 * percentiles as the dense kind's (numpy's linear). */
static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double sorted_quantile(const double *x, size_t n, double p)
{
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h), hi = lo + 1 < n ? lo + 1 : lo;
    return x[lo] == x[hi] ? x[lo] : x[lo] + (h - (double)lo) * (x[hi] - x[lo]);
}

/* layers.csv's row of a recurrent instance, over all steps:
 *   grad_w_norm = ‖[dW_ih, dW_hh]‖ (both weight matrices, one Frobenius norm)
 *   grad_b_norm = ‖[db_ih, db_hh]‖;  weight_norm = ‖[W_ih, W_hh]‖
 *   delta_norm  = ‖dL/d(gate pre-activations)‖ over B x T x GH (dgate)
 *   preact_*    = of z[l]'s values over all steps (RNN: the pre-activation
 *                 of h; LSTM: c_t; GRU: n's pre-activation); percentiles
 *                 of the first unit at the last step
 *   act_*       = of h over B x T x H
 *   saturated_frac, dead_frac: of the slope cell_slope names (over every
 *                 example and step; dead: a unit whose slope is 0 at every
 *                 one). */
static void rnn_stats(const mlp *net, int l, int B, layer_stats *s)
{
    const layer *ly = &net->layers[l];
    int T = ly->steps, D = ly->fan_in, H = ly->fan_out, GH = ly->kind->gates * H;
    size_t ldh = (size_t)T * H, ldg = (size_t)T * GH;
    rnn_views S = views_of(net, l);
    memset(s, 0, sizeof *s);
    s->grad_w_norm = hypot(vg_norm(mlp_grad(net, l, RNN_W_IH), (size_t)GH * D),
                           vg_norm(mlp_grad(net, l, RNN_W_HH), (size_t)GH * H));
    s->grad_b_norm = net->has_bias ? hypot(vg_norm(mlp_grad(net, l, RNN_B_IH), (size_t)GH),
                                           vg_norm(mlp_grad(net, l, RNN_B_HH), (size_t)GH))
                                   : 0.0;
    s->weight_norm = hypot(vg_norm(mlp_param(net, l, RNN_W_IH), (size_t)GH * D),
                           vg_norm(mlp_param(net, l, RNN_W_HH), (size_t)GH * H));
    s->delta_norm = vg_norm(S.dgate, (size_t)B * ldg);
    const double *preact = ly->kind->gates > 1 ? S.cell : S.gate;
    if (ly->kind->gates > 1) {
        strided_mean_std(preact, B * T, H, H, &s->preact_mean, &s->preact_std);
    } else {
        strided_mean_std(preact, B * T, H, (size_t)GH, &s->preact_mean, &s->preact_std);
    }
    strided_mean_std(S.hs, B * T, H, H, &s->act_mean, &s->act_std);

    double threshold = 0.01 * slope_max(net, ly);
    size_t saturated = 0, dead = 0;
    for (int j = 0; j < H; j++) {
        int alive = 0;
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T; t++) {
                double d = cell_slope(net, ly, &S, (size_t)b * ldh + (size_t)t * H,
                                      (size_t)b * ldg + (size_t)t * GH, j);
                if (threshold == 0.0 || fabs(d) < threshold) saturated++;
                if (d != 0.0) alive = 1;
            }
        dead += !alive;
    }
    s->saturated_frac = (double)saturated / ((double)B * T * H);
    s->dead_frac = (double)dead / H;

    double *work = net->z[0];   /* the statistics' work row (mlp.h) */
    int has_nan = 0;
    for (int b = 0; b < B; b++) {
        size_t ld = ly->kind->gates > 1 ? ldh : ldg;
        work[b] = preact[(size_t)b * ld + (size_t)(T - 1) * (ld / T)];
        if (isnan(work[b])) has_nan = 1;
    }
    if (has_nan) {
        s->preact_p15 = s->preact_p50 = s->preact_p85 = NAN;
    } else {
        qsort(work, (size_t)B, sizeof *work, compare_doubles);
        s->preact_p15 = sorted_quantile(work, (size_t)B, 0.15);
        s->preact_p50 = sorted_quantile(work, (size_t)B, 0.50);
        s->preact_p85 = sorted_quantile(work, (size_t)B, 0.85);
    }
}

/* time.csv's row of step t (0-based):
 *   grad_h_norm   ‖dL/dh_t‖ over the batch, the total (from above and from t+1)
 *   grad_c_norm   LSTM: ‖dL/dc_t‖ in total
 *   grad_whh_norm ‖drec_t^T h_{t-1}‖, step t's term of dL/dW_hh (0 at t = 0,
 *                 h_{-1} being 0)
 *   h_mean, h_std of h_t over B x H;  saturated_frac as layers.csv's, at t
 *   gate means: LSTM i, f, o; GRU r, z (after σ), over B x H */
static void rnn_time_stats(const mlp *net, int l, int B, int t, layer_time_stats *s)
{
    const layer *ly = &net->layers[l];
    int T = ly->steps, H = ly->fan_out, GH = ly->kind->gates * H;
    size_t ldh = (size_t)T * H, ldg = (size_t)T * GH;
    rnn_views S = views_of(net, l);
    s->grad_h_norm = strided_norm(S.dh + (size_t)t * H, B, H, ldh);
    s->grad_c_norm = is_lstm(ly) ? strided_norm(S.dc + (size_t)t * H, B, H, ldh) : NAN;
    if (t > 0) {
        const double *drec = is_gru(ly) ? S.drec : S.dgate;
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, GH, H, B, 1.0, drec + (size_t)t * GH,
                    (int)ldg, S.hs + (size_t)(t - 1) * H, (int)ldh, 0.0, S.work, H);
        s->grad_whh_norm = vg_norm(S.work, (size_t)GH * H);
    } else {
        s->grad_whh_norm = 0.0;
    }
    strided_mean_std(S.hs + (size_t)t * H, B, H, ldh, &s->h_mean, &s->h_std);
    double threshold = 0.01 * slope_max(net, ly);
    size_t saturated = 0;
    for (int b = 0; b < B; b++)
        for (int j = 0; j < H; j++) {
            double d = cell_slope(net, ly, &S, (size_t)b * ldh + (size_t)t * H,
                                  (size_t)b * ldg + (size_t)t * GH, j);
            if (threshold == 0.0 || fabs(d) < threshold) saturated++;
        }
    s->saturated_frac = (double)saturated / ((double)B * H);
    double unused;
    s->gate_i_mean = s->gate_f_mean = s->gate_o_mean = s->gate_r_mean = s->gate_z_mean = NAN;
    const double *g = S.gate + (size_t)t * GH;
    if (is_lstm(ly)) {
        strided_mean_std(g, B, H, ldg, &s->gate_i_mean, &unused);
        strided_mean_std(g + H, B, H, ldg, &s->gate_f_mean, &unused);
        strided_mean_std(g + 3 * (size_t)H, B, H, ldg, &s->gate_o_mean, &unused);
    } else if (is_gru(ly)) {
        strided_mean_std(g, B, H, ldg, &s->gate_r_mean, &unused);
        strided_mean_std(g + H, B, H, ldg, &s->gate_z_mean, &unused);
    }
}

/* The RNN's φ may be piecewise (relu for the IRNN): which piece every
 * pre-activation of every step lies in.  LSTM and GRU are smooth. */
static uint64_t rnn_kinks(const mlp *net, int l, int B, uint64_t h)
{
    const layer *ly = &net->layers[l];
    if (!net->act->piece) return h;
    rnn_views S = views_of(net, l);
    size_t n = (size_t)B * ly->steps * ly->fan_out;
    for (size_t k = 0; k < n; k++) {
        int piece = net->act->piece(S.gate[k], net->act_param);
        h = (h ^ (uint64_t)(piece + 1)) * 0x100000001b3ULL;
    }
    return h;
}

/* The groups, PyTorch's names and layouts; weights decay, biases are
 * biases.  Input weights from init= (per gate block), recurrent ones from
 * recurrent_init= (rnn.h). */
#define RNN_GROUPS                                                                              \
    .n_groups = 4,                                                                              \
    .groups = {                                                                                 \
        [RNN_W_IH] = {"weight_ih_l", LAYER_DIM_GATES, LAYER_DIM_IN, LAYER_GROUP_DECAY,          \
                      LAYER_INIT_WEIGHTS},                                                      \
        [RNN_W_HH] = {"weight_hh_l", LAYER_DIM_GATES, LAYER_DIM_OUT, LAYER_GROUP_DECAY,         \
                      LAYER_INIT_RECURRENT},                                                    \
        [RNN_B_IH] = {"bias_ih_l", LAYER_DIM_GATES, LAYER_DIM_ONE, LAYER_GROUP_BIAS,            \
                      LAYER_INIT_BIAS},                                                         \
        [RNN_B_HH] = {"bias_hh_l", LAYER_DIM_GATES, LAYER_DIM_ONE, LAYER_GROUP_BIAS,            \
                      LAYER_INIT_BIAS},                                                         \
    },                                                                                          \
    .scratch = rnn_scratch, .forward = rnn_forward, .backward = rnn_backward,                   \
    .stats = rnn_stats, .jvp = NULL, .time_stats = rnn_time_stats

const layer_kind layer_rnn = {
    .name = "rnn",
    .desc = "torch.nn.RNN's layer over seq_len steps: h_t = φ(W_ih x_t + b_ih + W_hh h_{t-1} + "
            "b_hh), φ the activation",
    .gates = 1,
    .forget_gate = -1,
    .kinks = rnn_kinks,
    RNN_GROUPS,
};

const layer_kind layer_lstm = {
    .name = "lstm",
    .desc = "torch.nn.LSTM's layer: gates i, f, g, o; c_t = f c_{t-1} + i g, h_t = o tanh(c_t)",
    .gates = 4,
    .forget_gate = 1,
    .kinks = NULL,
    RNN_GROUPS,
};

const layer_kind layer_gru = {
    .name = "gru",
    .desc = "torch.nn.GRU's layer: gates r, z, n; n = tanh(W_in x + b_in + r (W_hn h + b_hn)), "
            "h_t = (1 - z) n + z h_{t-1}",
    .gates = 3,
    .forget_gate = -1,
    .kinks = NULL,
    RNN_GROUPS,
};
