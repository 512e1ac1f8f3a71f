/* test_rnn.c: the recurrent kinds (layer_rnn.c) and their initialisation
 * (rnn.c): central-difference gradient checks through time of every gate
 * block of every group, for each model, stacked, with seq_output last and
 * all, class labels and real targets; two networks worked by hand; the
 * linear RNN whose dL/dh_t shrinks by exactly rho per step back; the
 * recurrent initialisers and the spectral radius. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "act.h"
#include "loss.h"
#include "mlp.h"
#include "rnn.h"
#include "test.h"

/* A network of model over T steps of D inputs, depth layers of H units and
 * K outputs (per step when seq_all), batch B; parameters U(-scale, scale),
 * inputs N(0, 1).  Returns 0 when mlp_create fails. */
static int build(mlp *net, int model, int T, int D, int H, int depth, int K, int seq_all, int B,
                 const char *act, const char *loss, double scale, uint64_t seed)
{
    int dims[8];
    dims[0] = T * D;
    for (int l = 1; l <= depth; l++) dims[l] = H * (l < depth || seq_all ? T : 1);
    dims[depth + 1] = K * (seq_all ? T : 1);
    mlp_arch arch = {0, 0, 0, 0, 0, model, T, seq_all};
    vg_error err;
    if (mlp_create(net, dims, depth + 1, B, &act_table[act_find(act)], 0.0,
                   &loss_table[loss_find(loss)], 0, 1, &arch, &err) != VG_OK) {
        fprintf(stderr, "mlp_create: %s\n", err.msg);
        return 0;
    }
    rng_state rng;
    rng_seed(&rng, seed, RNG_STREAM_INIT);
    for (size_t k = 0; k < net->n_params; k++) net->params[k] = rng_uniform_range(&rng, -scale, scale);
    for (size_t k = 0; k < (size_t)B * dims[0]; k++) net->a[0][k] = rng_normal(&rng);
    return 1;
}

/* Checks every gate block of every group of every layer of net against
 * central differences of the loss; each block's gradient must be nonzero
 * (the check is not vacuous) and agree to rel_tol in norm. */
static void check_gradients(mlp *net, const int *labels, int B, double rel_tol, const char *what)
{
    mlp_forward(net, labels, B, 1);
    mlp_backward(net, B);
    const double h = 1e-5;
    for (int l = 1; l <= net->L; l++) {
        const layer *ly = &net->layers[l];
        int blocks = ly->kind->gates > 0 ? ly->kind->gates : 1;
        for (int g = 0; g < ly->kind->n_groups; g++) {
            if (!mlp_group_trained(net, l, g)) continue;
            size_t n = layer_group_size(ly, g), per = n / (size_t)blocks;
            for (int blk = 0; blk < blocks; blk++) {
                double diff_sq = 0.0, grad_sq = 0.0, num_sq = 0.0;
                for (size_t k = blk * per; k < (blk + 1) * per; k++) {
                    double *w = mlp_param(net, l, g) + k, w0 = *w;
                    *w = w0 + h;
                    double lp = mlp_forward(net, labels, B, 0);
                    *w = w0 - h;
                    double lm = mlp_forward(net, labels, B, 0);
                    *w = w0;
                    double numeric = (lp - lm) / (2 * h), analytic = mlp_grad(net, l, g)[k];
                    diff_sq += (numeric - analytic) * (numeric - analytic);
                    grad_sq += analytic * analytic;
                    num_sq += numeric * numeric;
                }
                double rel = sqrt(diff_sq) / fmax(fmax(sqrt(grad_sq), sqrt(num_sq)), 1e-300);
                test_checks++;
                if (!(rel <= rel_tol) || !(sqrt(grad_sq) > 1e-8)) {
                    test_failures++;
                    fprintf(stderr, "%s: layer %d (%s) group %s gate %d: relative error %.3g, "
                            "gradient norm %.3g (wanted error <= %g, norm > 1e-8)\n", what, l,
                            ly->kind->name, ly->kind->groups[g].name, blk, rel, sqrt(grad_sq),
                            rel_tol);
                }
            }
        }
    }
}

static void test_gradients(void)
{
    const int models[] = {MODEL_RNN, MODEL_LSTM, MODEL_GRU};
    for (int m = 0; m < 3; m++) {
        for (int seq_all = 0; seq_all <= 1; seq_all++) {
            /* class labels: B examples, one per sequence or per step */
            int T = 5, D = 3, H = 4, K = 3, B = 4, depth = 2;
            mlp net;
            char what[96];
            snprintf(what, sizeof what, "%s seq_all=%d softmax_ce", model_names[models[m]],
                     seq_all);
            if (!build(&net, models[m], T, D, H, depth, K, seq_all, B, "tanh", "softmax_ce", 0.6,
                       11 + m)) {
                CHECK(0);
                continue;
            }
            int labels[4 * 5];
            for (int i = 0; i < B * T; i++) labels[i] = (i * 7 + m) % K;
            check_gradients(&net, labels, B, 1e-6, what);
            mlp_free(&net);
        }
        /* real targets (mse), one layer, a longer sequence */
        int T = 12, D = 2, H = 3, K = 1, B = 3;
        mlp net;
        if (!build(&net, models[m], T, D, H, 1, K, 0, B, "tanh", "mse", 0.8, 21 + m)) {
            CHECK(0);
            continue;
        }
        double targets[3] = {0.3, -1.2, 2.0};
        net.targets = targets;
        char what[64];
        snprintf(what, sizeof what, "%s mse T=12", model_names[models[m]]);
        check_gradients(&net, NULL, B, 1e-6, what);
        mlp_free(&net);
    }
    /* the RNN with another activation of the table */
    mlp net;
    if (build(&net, MODEL_RNN, 4, 2, 3, 2, 2, 0, 3, "sigmoid", "softmax_ce", 0.7, 31)) {
        int labels[3] = {0, 1, 1};
        check_gradients(&net, labels, 3, 1e-6, "rnn sigmoid");
        mlp_free(&net);
    } else {
        CHECK(0);
    }
}

/* Scalar networks (D = H = K = 1, T = 2) worked by hand with the chain
 * rule, against the layer's gradients: the RNN and the LSTM. */
static void test_by_hand(void)
{
    const double x1 = 0.5, x2 = -1.5, y = 0.25;
    {
        mlp net;
        if (!build(&net, MODEL_RNN, 2, 1, 1, 1, 1, 0, 1, "tanh", "mse", 0.0, 1)) {
            CHECK(0);
            return;
        }
        /* groups: W_ih, W_hh, b_ih, b_hh; then the output W, b */
        double a = 0.7, w = -0.4, bi = 0.1, bh = 0.2, v = 1.3, c = -0.05;
        mlp_param(&net, 1, RNN_W_IH)[0] = a;
        mlp_param(&net, 1, RNN_W_HH)[0] = w;
        mlp_param(&net, 1, RNN_B_IH)[0] = bi;
        mlp_param(&net, 1, RNN_B_HH)[0] = bh;
        mlp_param(&net, 2, DENSE_W)[0] = v;
        mlp_param(&net, 2, DENSE_B)[0] = c;
        net.a[0][0] = x1;
        net.a[0][1] = x2;
        net.targets = &y;
        double loss = mlp_forward(&net, NULL, 1, 1);
        mlp_backward(&net, 1);
        double h1 = tanh(a * x1 + bi + bh), h2 = tanh(a * x2 + w * h1 + bi + bh);
        double out = v * h2 + c, dout = 2 * (out - y);
        double dp2 = dout * v * (1 - h2 * h2), dp1 = dp2 * w * (1 - h1 * h1);
        CHECK_NEAR(loss, (out - y) * (out - y), 1e-15);
        CHECK_NEAR(mlp_grad(&net, 1, RNN_W_IH)[0], dp1 * x1 + dp2 * x2, 1e-15);
        CHECK_NEAR(mlp_grad(&net, 1, RNN_W_HH)[0], dp2 * h1, 1e-15);
        CHECK_NEAR(mlp_grad(&net, 1, RNN_B_IH)[0], dp1 + dp2, 1e-15);
        CHECK_NEAR(mlp_grad(&net, 1, RNN_B_HH)[0], dp1 + dp2, 1e-15);
        CHECK_NEAR(mlp_grad(&net, 2, DENSE_W)[0], dout * h2, 1e-15);
        layer_time_stats s;
        net.layers[1].kind->time_stats(&net, 1, 1, 0, &s);
        CHECK_NEAR(s.grad_h_norm, fabs(dp2 * w), 1e-15);
        CHECK_NEAR(s.grad_whh_norm, 0.0, 0.0);
        net.layers[1].kind->time_stats(&net, 1, 1, 1, &s);
        CHECK_NEAR(s.grad_h_norm, fabs(dout * v), 1e-15);
        CHECK_NEAR(s.grad_whh_norm, fabs(dp2 * h1), 1e-15);
        CHECK_NEAR(s.h_mean, h2, 1e-15);
        mlp_free(&net);
    }
    {
        mlp net;
        if (!build(&net, MODEL_LSTM, 2, 1, 1, 1, 1, 0, 1, "tanh", "mse", 0.0, 1)) {
            CHECK(0);
            return;
        }
        /* gate rows i, f, g, o */
        const double wi[4] = {0.3, -0.2, 0.9, 0.5}, wh[4] = {0.4, 0.1, -0.7, 0.2};
        const double bi[4] = {0.05, 1.0, -0.1, 0.2}, bh[4] = {0.0, 0.0, 0.3, -0.1};
        double v = 0.8, c = 0.1;
        memcpy(mlp_param(&net, 1, RNN_W_IH), wi, sizeof wi);
        memcpy(mlp_param(&net, 1, RNN_W_HH), wh, sizeof wh);
        memcpy(mlp_param(&net, 1, RNN_B_IH), bi, sizeof bi);
        memcpy(mlp_param(&net, 1, RNN_B_HH), bh, sizeof bh);
        mlp_param(&net, 2, DENSE_W)[0] = v;
        mlp_param(&net, 2, DENSE_B)[0] = c;
        net.a[0][0] = x1;
        net.a[0][1] = x2;
        net.targets = &y;
        double loss = mlp_forward(&net, NULL, 1, 1);
        mlp_backward(&net, 1);
        /* forward by hand */
        double x[2] = {x1, x2}, h[3] = {0, 0, 0}, cs[3] = {0, 0, 0}, gate[2][4];
        for (int t = 0; t < 2; t++) {
            for (int k = 0; k < 4; k++) {
                double p = wi[k] * x[t] + wh[k] * h[t] + bi[k] + bh[k];
                gate[t][k] = k == 2 ? tanh(p) : 1 / (1 + exp(-p));
            }
            cs[t + 1] = gate[t][1] * cs[t] + gate[t][0] * gate[t][2];
            h[t + 1] = gate[t][3] * tanh(cs[t + 1]);
        }
        double out = v * h[2] + c, dout = 2 * (out - y);
        CHECK_NEAR(loss, (out - y) * (out - y), 1e-15);
        /* backward by hand */
        double dh = dout * v, dc = 0.0, dW_hh[4] = {0}, dW_ih[4] = {0};
        double dc_at[2], dh_at[2];
        for (int t = 1; t >= 0; t--) {
            const double *gt = gate[t];
            double tc = tanh(cs[t + 1]);
            dh_at[t] = dh;
            dc += dh * gt[3] * (1 - tc * tc);
            dc_at[t] = dc;
            double dp[4] = {dc * gt[2] * gt[0] * (1 - gt[0]), dc * cs[t] * gt[1] * (1 - gt[1]),
                            dc * gt[0] * (1 - gt[2] * gt[2]), dh * tc * gt[3] * (1 - gt[3])};
            dh = 0.0;
            for (int k = 0; k < 4; k++) {
                dW_ih[k] += dp[k] * x[t];
                dW_hh[k] += dp[k] * h[t];
                dh += dp[k] * wh[k];
            }
            dc *= gt[1];
        }
        for (int k = 0; k < 4; k++) {
            CHECK_NEAR(mlp_grad(&net, 1, RNN_W_IH)[k], dW_ih[k], 1e-14);
            CHECK_NEAR(mlp_grad(&net, 1, RNN_W_HH)[k], dW_hh[k], 1e-14);
        }
        for (int t = 0; t < 2; t++) {
            layer_time_stats s;
            net.layers[1].kind->time_stats(&net, 1, 1, t, &s);
            CHECK_NEAR(s.grad_h_norm, fabs(dh_at[t]), 1e-14);
            CHECK_NEAR(s.grad_c_norm, fabs(dc_at[t]), 1e-14);
            CHECK_NEAR(s.gate_f_mean, gate[t][1], 1e-15);
            CHECK_NEAR(s.gate_i_mean, gate[t][0], 1e-15);
            CHECK_NEAR(s.gate_o_mean, gate[t][3], 1e-15);
        }
        mlp_free(&net);
    }
}

/* A linear RNN with W_hh = rho Q (Q orthogonal, set through
 * recurrent_radius) and the loss at the last step: dL/dh_t = W_hh^T
 * dL/dh_{t+1}, so its norm shrinks by exactly rho per step back. */
static void test_linear_radius(void)
{
    const double rhos[] = {0.9, 1.0, 1.1};
    for (int k = 0; k < 3; k++) {
        int T = 40, H = 16, B = 5;
        mlp net;
        if (!build(&net, MODEL_RNN, T, 3, H, 1, 2, 0, B, "linear", "mse", 0.3, 41 + k)) {
            CHECK(0);
            continue;
        }
        rng_state rng;
        rng_seed(&rng, 5, RNG_STREAM_INIT);
        vg_error err;
        CHECK(rnn_init_recurrent(mlp_param(&net, 1, RNN_W_HH), H, RINIT_ORTHOGONAL, 1.0, rhos[k],
                                 &rng, &err) == VG_OK);
        double targets[10] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};
        net.targets = targets;
        mlp_forward(&net, NULL, B, 1);
        mlp_backward(&net, B);
        double worst = 0.0, last = 0.0;
        layer_time_stats s;
        net.layers[1].kind->time_stats(&net, 1, B, T - 1, &s);
        double later = s.grad_h_norm;
        CHECK(later > 1e-6);
        for (int t = T - 2; t >= 0; t--) {
            net.layers[1].kind->time_stats(&net, 1, B, t, &s);
            double ratio = s.grad_h_norm / later;
            worst = fmax(worst, fabs(ratio - rhos[k]));
            later = s.grad_h_norm;
            last = s.grad_h_norm;
        }
        test_checks++;
        if (!(worst <= 1e-10)) {
            test_failures++;
            fprintf(stderr, "linear rnn rho %g: per-step factor off by %.3g\n", rhos[k], worst);
        }
        CHECK(last > 0.0);
        mlp_free(&net);
    }
}

/* The initialisers: their laws, and recurrent_radius rescaling. */
static void test_init(void)
{
    int H = 64;
    double *W = malloc((size_t)H * H * sizeof(double)), *G = malloc((size_t)H * H * sizeof(double));
    rng_state rng;
    rng_seed(&rng, 3, RNG_STREAM_INIT);
    vg_error err;
    double rho;
    /* identity: gain I, radius gain */
    CHECK(rnn_init_recurrent(W, H, RINIT_IDENTITY, 0.7, 0.0, &rng, &err) == VG_OK);
    int ok = 1;
    for (int i = 0; i < H; i++)
        for (int j = 0; j < H; j++) ok &= W[i * H + j] == (i == j ? 0.7 : 0.0);
    CHECK(ok);
    CHECK(rnn_spectral_radius(W, H, &rho, &err) == VG_OK);
    CHECK_NEAR(rho, 0.7, 1e-14);
    /* orthogonal: W^T W = gain^2 I */
    CHECK(rnn_init_recurrent(W, H, RINIT_ORTHOGONAL, 2.0, 0.0, &rng, &err) == VG_OK);
    double off = 0.0;
    for (int i = 0; i < H; i++)
        for (int j = 0; j < H; j++) {
            double dot = 0.0;
            for (int k = 0; k < H; k++) dot += W[k * H + i] * W[k * H + j];
            off = fmax(off, fabs(dot - (i == j ? 4.0 : 0.0)));
        }
    CHECK_NEAR(off, 0.0, 1e-12);
    /* pytorch: U(-gain/sqrt(H), gain/sqrt(H)); normal: std gain/sqrt(H) */
    CHECK(rnn_init_recurrent(W, H, RINIT_PYTORCH, 1.5, 0.0, &rng, &err) == VG_OK);
    double bound = 1.5 / sqrt((double)H), biggest = 0.0, ss = 0.0;
    for (int k = 0; k < H * H; k++) {
        biggest = fmax(biggest, fabs(W[k]));
        ss += W[k] * W[k];
    }
    CHECK(biggest <= bound && biggest > 0.95 * bound);
    CHECK_NEAR(sqrt(ss / (H * H)), bound / sqrt(3.0), 0.03 * bound);
    CHECK(rnn_init_recurrent(W, H, RINIT_NORMAL, 1.5, 0.0, &rng, &err) == VG_OK);
    ss = 0.0;
    for (int k = 0; k < H * H; k++) ss += W[k] * W[k];
    CHECK_NEAR(sqrt(ss / (H * H)), 1.5 / sqrt((double)H), 0.03 * 1.5 / sqrt((double)H));
    /* recurrent_radius: any law rescaled to the radius, checked against an
     * independent computation: the eigenvalues of the matrix times its
     * power iteration is not exact, so dgeev again on a copy */
    for (int r = 0; r < RINIT_COUNT; r++) {
        CHECK(rnn_init_recurrent(W, H, r, 1.0, 1.25, &rng, &err) == VG_OK);
        memcpy(G, W, (size_t)H * H * sizeof(double));
        CHECK(rnn_spectral_radius(G, H, &rho, &err) == VG_OK);
        CHECK_NEAR(rho, 1.25, 1e-12);
    }
    /* a matrix whose radius is known: [[0, 2], [-2, 0]] has eigenvalues +-2i */
    double rot[4] = {0, 2, -2, 0};
    CHECK(rnn_spectral_radius(rot, 2, &rho, &err) == VG_OK);
    CHECK_NEAR(rho, 2.0, 1e-15);
    /* gain 0 has radius 0: cannot be rescaled */
    CHECK(rnn_init_recurrent(W, H, RINIT_IDENTITY, 0.0, 1.0, &rng, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "spectral radius is 0");
    free(W);
    free(G);
}

int main(void)
{
    test_gradients();
    test_by_hand();
    test_linear_radius();
    test_init();
    return test_report("test_rnn");
}
