/* test_mlp.c: the network against finite differences and a published
 * worked example; the recorded statistics against hand computations. */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "act.h"
#include "csvio.h"
#include "gradcheck.h"
#include "init.h"
#include "loss.h"
#include "mlp.h"
#include "norm.h"
#include "rng.h"
#include "test.h"
#include "train.h"

/* A small net (3 -> 5 -> 4 -> K) with Xavier-normal weights, random biases
 * and a random batch of 6 examples, labels uniform over n_classes (with
 * LOSS_MULTI_LABEL: random bit sets of K labels). */
static int make_net(mlp *net, const act_info *act, double param, int loss, int K, int n_classes,
                    int loss_flags, int *labels, uint64_t seed)
{
    int dims[4] = {3, 5, 4, K};
    vg_error err;
    if (mlp_create(net, dims, 3, 6, act, param, &loss_table[loss], loss_flags, 1, NULL, &err)) {
        fprintf(stderr, "mlp_create: %s\n", err.msg);
        return 0;
    }
    rng_state rng;
    rng_seed(&rng, seed, 1);
    init_params p = {0, 0, 1.5};
    for (int l = 1; l <= 3; l++) {
        init_table[init_find("xavier_normal")].fill(mlp_param(net, l, DENSE_W), dims[l],
                                                    dims[l - 1], &p, &rng, &err);
        double *b = mlp_param(net, l, DENSE_B);
        for (int j = 0; j < dims[l]; j++) b[j] = 0.3 * rng_normal(&rng);
    }
    for (int k = 0; k < 6 * 3; k++) net->a[0][k] = 1.5 * rng_normal(&rng);
    uint64_t n_labels = loss_flags & LOSS_MULTI_LABEL ? (uint64_t)1 << K : (uint64_t)n_classes;
    for (int i = 0; i < 6; i++) labels[i] = (int)rng_below(&rng, n_labels);
    return 1;
}

/* Every activation with every loss: backprop agrees with Richardson central
 * differences on every parameter. */
static void test_gradients(void)
{
    struct { const char *loss; int n_classes; int flags; } cases[] = {
        {"softmax_ce", 3, 0}, {"sigmoid_bce", 2, 0}, {"sigmoid_bce", 3, 0},
        {"sigmoid_bce", 3, LOSS_SUM_OUTPUTS}, {"mse", 3, 0},
        {"sigmoid_bce", 2, LOSS_MULTI_LABEL}, {"sigmoid_bce", 4, LOSS_MULTI_LABEL},
        {"mse", 4, LOSS_MULTI_LABEL},
    };
    for (int a = 0; a < act_count; a++) {
        const act_info *act = &act_table[a];
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            int loss = loss_find(cases[c].loss);
            int K = loss_table[loss].n_outputs(cases[c].n_classes, cases[c].flags);
            mlp net;
            int labels[6];
            if (!make_net(&net, act, act->param_default, loss, K, cases[c].n_classes,
                          cases[c].flags, labels, 100 + (uint64_t)a)) {
                CHECK(0);
                continue;
            }
            gradcheck_layer r[4];
            rng_state rng;
            rng_seed(&rng, 7, RNG_STREAM_CHECK);
            gradcheck_run(&net, labels, 6, 1000, &rng, r);
            int is_step = strcmp(act->name, "step") == 0;
            for (int l = 1; l <= 3; l++) {
                if (!(r[l].rel_error <= 1e-9) || !(r[l].max_entry_error <= 1e-6) ||
                    r[l].checked < r[l].skipped * 2) {
                    fprintf(stderr, "  %s/%s%s layer %d: rel_error %.3g max_entry_error %.3g "
                            "checked %d skipped %d\n", act->name, cases[c].loss,
                            cases[c].flags & LOSS_SUM_OUTPUTS ? "(sum)"
                            : cases[c].flags & LOSS_MULTI_LABEL ? "(multi-label)" : "",
                            l, r[l].rel_error,
                            r[l].max_entry_error, r[l].checked, r[l].skipped);
                }
                CHECK(r[l].rel_error <= 1e-9);
                CHECK(r[l].max_entry_error <= 1e-6);
                /* Kinks skip a few parameters (a pre-activation within h of one),
                 * never most of them. */
                CHECK(r[l].checked >= 2 * r[l].skipped);
                /* Non-vacuous: real gradients were compared. */
                if (l == 3 || !is_step) CHECK(r[l].max_abs_grad > 1e-4);
                /* The step function passes no gradient below the output. */
                if (is_step && l < 3) CHECK(r[l].max_abs_grad == 0.0);
            }
            mlp_free(&net);
        }
    }
}

/* Without biases the weights' gradients still check. */
static void test_no_bias(void)
{
    int dims[4] = {3, 5, 4, 3};
    mlp net;
    vg_error err;
    CHECK(mlp_create(&net, dims, 3, 6, &act_table[act_find("tanh")], 0,
                     &loss_table[loss_find("softmax_ce")], 0, 0, NULL, &err) == VG_OK);
    rng_state rng;
    rng_seed(&rng, 3, 1);
    init_params p = {0, 0, 1.5};
    for (int l = 1; l <= 3; l++)
        init_table[init_find("xavier_normal")].fill(mlp_param(&net, l, DENSE_W), dims[l],
                                                    dims[l - 1], &p, &rng, &err);
    for (int k = 0; k < 18; k++) net.a[0][k] = rng_normal(&rng);
    int labels[6] = {0, 1, 2, 0, 1, 2};
    gradcheck_layer r[4];
    gradcheck_run(&net, labels, 6, 1000, &rng, r);
    for (int l = 1; l <= 3; l++) {
        CHECK(r[l].checked == dims[l] * dims[l - 1]);
        CHECK(r[l].rel_error <= 1e-9);
        CHECK(r[l].max_abs_grad > 1e-4);
    }
    mlp_free(&net);
}

/* sum_outputs multiplies the element-mean sigmoid_bce loss by K. */
static void test_sum_outputs(void)
{
    mlp mean_net, sum_net;
    int labels[6];
    const act_info *sig = &act_table[act_find("sigmoid")];
    int loss = loss_find("sigmoid_bce");
    CHECK(make_net(&mean_net, sig, 0, loss, 4, 4, 0, labels, 5));
    CHECK(make_net(&sum_net, sig, 0, loss, 4, 4, 1, labels, 5));
    double lm = mlp_forward(&mean_net, labels, 6, 0);
    double ls = mlp_forward(&sum_net, labels, 6, 0);
    CHECK(lm > 0.1);
    CHECK_NEAR(ls, 4 * lm, 1e-14);
    mlp_free(&mean_net);
    mlp_free(&sum_net);
}

/* The worked example of a 2-4-3 sigmoid network (sigmoid on both layers),
 * weights given input-major and loaded through weights_load as
 * fan_out x fan_in files. */
static void test_worked_example(void)
{
    static const double x[5][2] = {{0, 1}, {1, 1}, {-1, 0}, {2, -1}, {-1, 1}};
    static const double W1_in_major[2][4] = {{0.5, 0.2, -0.3, 0.1}, {-0.2, 0.7, -0.4, 0.8}};
    static const double b1[4] = {0.3, -0.1, 0.5, -0.4};
    static const double W2_in_major[4][3] = {
        {0.2, 0.7, -0.3}, {0.8, -0.5, -0.1}, {0.1, 0.5, 0.3}, {-0.6, 0.4, 0.7}};
    static const double b2[3] = {-0.5, 0.9, -0.2};

    char dir[] = "/tmp/vgrad_worked_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    FILE *f;
    snprintf(path, sizeof path, "%s/W1.csv", dir);
    f = fopen(path, "w");
    for (int j = 0; j < 4; j++) fprintf(f, "%.17g,%.17g\n", W1_in_major[0][j], W1_in_major[1][j]);
    fclose(f);
    snprintf(path, sizeof path, "%s/b1.csv", dir);
    f = fopen(path, "w");
    for (int j = 0; j < 4; j++) fprintf(f, "%.17g\n", b1[j]);
    fclose(f);
    snprintf(path, sizeof path, "%s/W2.csv", dir);
    f = fopen(path, "w");
    for (int j = 0; j < 3; j++)
        fprintf(f, "%.17g,%.17g,%.17g,%.17g\n", W2_in_major[0][j], W2_in_major[1][j],
                W2_in_major[2][j], W2_in_major[3][j]);
    fclose(f);
    snprintf(path, sizeof path, "%s/b2.csv", dir);
    f = fopen(path, "w");
    for (int j = 0; j < 3; j++) fprintf(f, "%.17g\n", b2[j]);
    fclose(f);

    int dims[3] = {2, 4, 3};
    mlp net;
    vg_error err;
    CHECK(mlp_create(&net, dims, 2, 5, &act_table[act_find("sigmoid")], 0,
                     &loss_table[loss_find("sigmoid_bce")], 0, 1, NULL, &err) == VG_OK);
    int rc = weights_load(&net, dir, &err);
    if (rc) fprintf(stderr, "weights_load: %s\n", err.msg);
    CHECK(rc == VG_OK);
    for (int i = 0; i < 5; i++)
        for (int k = 0; k < 2; k++) net.a[0][i * 2 + k] = x[i][k];
    int labels[5] = {0, 1, 2, 0, 1};
    mlp_forward(&net, labels, 5, 0);
    const double *out = net.a[2];
    /* Row for x = [0, 1] and for x = [2, -1], as published. */
    CHECK_NEAR(out[0], 0.4538334229, 1e-9);
    CHECK_NEAR(out[1], 0.8094780021, 1e-9);
    CHECK_NEAR(out[2], 0.5385522601, 1e-9);
    CHECK_NEAR(out[9], 0.4701964145, 1e-9);
    CHECK_NEAR(out[10], 0.84110111, 1e-8);
    CHECK_NEAR(out[11], 0.4688374869, 1e-9);

    /* A wrongly shaped file is refused with both shapes named. */
    snprintf(path, sizeof path, "%s/b2.csv", dir);
    f = fopen(path, "w");
    fprintf(f, "1\n2\n");
    fclose(f);
    rc = weights_load(&net, dir, &err);
    CHECK(rc == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "b2.csv is 2 x 1, the network needs 3 x 1");
    mlp_free(&net);
    const char *names[] = {"W1", "b1", "W2", "b2"};
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s.csv", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

/* The statistics of a 1 -> 2 -> 2 relu network, by hand. */
static void test_stats(void)
{
    int dims[3] = {1, 2, 2};
    mlp net;
    vg_error err;
    CHECK(mlp_create(&net, dims, 2, 2, &act_table[act_find("relu")], 0,
                     &loss_table[loss_find("mse")], 0, 1, NULL, &err) == VG_OK);
    /* Unit 1 sees +x, unit 2 sees -x: with positive inputs unit 2 is dead. */
    double *W1 = mlp_param(&net, 1, DENSE_W), *b1 = mlp_param(&net, 1, DENSE_B);
    double *W2 = mlp_param(&net, 2, DENSE_W), *b2 = mlp_param(&net, 2, DENSE_B);
    W1[0] = 1.0;
    W1[1] = -1.0;
    b1[0] = b1[1] = 0.0;
    W2[0] = 2.0; W2[1] = 3.0;
    W2[2] = -1.0; W2[3] = 0.5;
    b2[0] = 0.0; b2[1] = 0.0;
    net.a[0][0] = 1.0;
    net.a[0][1] = 3.0;
    int labels[2] = {0, 1};
    double loss = mlp_forward(&net, labels, 2, 1);
    mlp_backward(&net, 2);
    /* z1 = [[1,-1],[3,-3]], a1 = [[1,0],[3,0]], z2 = [[2,-1],[6,-3]],
     * targets [[1,0],[0,1]]: diff [[1,-1],[6,-4]], loss = (1+1+36+16)/4 */
    CHECK_NEAR(loss, 54.0 / 4.0, 1e-15);
    layer_stats s1, s2;
    mlp_layer_stats(&net, 1, 2, &s1);
    mlp_layer_stats(&net, 2, 2, &s2);
    CHECK_NEAR(s1.dead_frac, 0.5, 0);
    CHECK_NEAR(s1.saturated_frac, 0.5, 0);
    CHECK_NEAR(s1.preact_mean, 0.0, 1e-15);
    CHECK_NEAR(s1.preact_std, sqrt(5.0), 1e-15);
    CHECK_NEAR(s1.act_mean, 1.0, 1e-15);
    CHECK_NEAR(s1.act_std, sqrt(1.5), 1e-15);
    CHECK_NEAR(s2.dead_frac, 0.0, 0);
    /* dz2 = 2 diff / 4 = [[0.5,-0.5],[3,-2]] */
    CHECK_NEAR(s2.delta_norm, sqrt(0.25 + 0.25 + 9 + 4), 1e-15);
    /* db2 = [3.5, -2.5]; dW2 = dz2^T a1 = [[0.5*1+3*3, 0],[-0.5-6, 0]] */
    CHECK_NEAR(s2.grad_b_norm, sqrt(3.5 * 3.5 + 2.5 * 2.5), 1e-15);
    CHECK_NEAR(s2.grad_w_norm, sqrt(9.5 * 9.5 + 6.5 * 6.5), 1e-15);
    CHECK_NEAR(s2.weight_norm, sqrt(4 + 9 + 1 + 0.25), 1e-15);
    /* dz1 = dz2 W2 * relu'(z1): unit 1 live: [0.5*2 - 0.5*-1, 3*2 - 2*-1] = [1.5, 8] */
    CHECK_NEAR(s1.delta_norm, sqrt(1.5 * 1.5 + 64), 1e-15);
    CHECK_NEAR(s1.grad_w_norm, 1.5 * 1 + 8 * 3, 1e-15);
    mlp_free(&net);
}

/* The instances tile the parameter block: each group right after the
 * previous one, the total what mlp_memory_bytes plans, and the plan's bytes
 * the blocks mlp_create allocates. */
static void test_layer_plan(void)
{
    int dims[4] = {3, 5, 4, 2};
    mlp net;
    vg_error err;
    CHECK(mlp_create(&net, dims, 3, 6, &act_table[act_find("tanh")], 0,
                     &loss_table[loss_find("softmax_ce")], 0, 1, NULL, &err) == VG_OK);
    size_t next = 0, planned = 0;
    for (int l = 1; l <= 3; l++) {
        const layer *ly = &net.layers[l];
        CHECK(ly->kind == layer_table[LAYER_DENSE]);
        CHECK(ly->input == l - 1);
        CHECK(ly->fan_in == dims[l - 1] && ly->fan_out == dims[l]);
        CHECK(ly->is_output == (l == 3));
        CHECK(ly->param_off == next);
        for (int g = 0; g < ly->kind->n_groups; g++) {
            CHECK(ly->group_off[g] == next);
            next += layer_group_size(ly, g);
        }
        CHECK(layer_group_rows(ly, DENSE_W) == dims[l] && layer_group_cols(ly, DENSE_W) == dims[l - 1]);
        CHECK(layer_group_rows(ly, DENSE_B) == dims[l] && layer_group_cols(ly, DENSE_B) == 1);
    }
    /* 3*5+5 + 5*4+4 + 4*2+2 */
    CHECK(next == 54 && net.n_params == 54);
    size_t bytes = mlp_memory_bytes(dims, 3, 6, NULL, &planned);
    CHECK(planned == 54);
    CHECK(bytes == (2 * 54 + 3 * 6 * (3 + 5 + 4 + 2)) * sizeof(double));
    CHECK(net.n_scratch == 0 && net.scratch == NULL);
    mlp_free(&net);
}

/* A kind's backward adds into its input's gradient unless told to store
 * (the first contribution), and stores its own parameter gradients. */
static void test_backward_accumulates(void)
{
    mlp net;
    int labels[6];
    CHECK(make_net(&net, &act_table[act_find("tanh")], 0, loss_find("softmax_ce"), 3, 3, 0,
                   labels, 11));
    mlp_forward(&net, labels, 6, 1);
    const layer_kind *dense = net.layers[3].kind;
    /* The output layer's dz (from the loss) is not changed by its backward. */
    CHECK(net.layers[3].first_to_input == 1);
    dense->backward(&net, 3, 6);
    double stored[24], dW[8];
    memcpy(stored, net.dz[2], sizeof stored);
    memcpy(dW, mlp_grad(&net, 3, DENSE_W), sizeof dW);
    double nonzero = 0.0;
    for (int k = 0; k < 24; k++) {
        nonzero += fabs(stored[k]);
        net.dz[2][k] = 0.25 * k - 1.0;
    }
    CHECK(nonzero > 1e-3);
    net.layers[3].first_to_input = 0;
    dense->backward(&net, 3, 6);
    for (int k = 0; k < 24; k++) CHECK_NEAR(net.dz[2][k], 0.25 * k - 1.0 + stored[k], 1e-15);
    for (int k = 0; k < 8; k++) CHECK(mlp_grad(&net, 3, DENSE_W)[k] == dW[k]);
    mlp_free(&net);
}

/* Each dense layer's jvp against central differences of its output in the
 * network's input, through the chain layer 1 -> layer 2 (tanh: smooth). */
static void test_jvp(void)
{
    mlp net;
    int labels[6];
    CHECK(make_net(&net, &act_table[act_find("tanh")], 0, loss_find("softmax_ce"), 3, 3, 0,
                   labels, 12));
    int i = 4;                       /* the example */
    mlp_forward(&net, labels, 6, 0);
    double T1[5 * 3], T2[4 * 3];
    net.layers[1].kind->jvp(&net, 1, i, NULL, T1, 3);
    net.layers[2].kind->jvp(&net, 2, i, T1, T2, 3);
    double h = 1e-5, biggest = 0.0;
    for (int k = 0; k < 3; k++) {
        double x0 = net.a[0][i * 3 + k], plus1[5], plus2[4], minus1[5], minus2[4];
        net.a[0][i * 3 + k] = x0 + h;
        mlp_forward(&net, labels, 6, 0);
        memcpy(plus1, net.a[1] + i * 5, sizeof plus1);
        memcpy(plus2, net.a[2] + i * 4, sizeof plus2);
        net.a[0][i * 3 + k] = x0 - h;
        mlp_forward(&net, labels, 6, 0);
        memcpy(minus1, net.a[1] + i * 5, sizeof minus1);
        memcpy(minus2, net.a[2] + i * 4, sizeof minus2);
        net.a[0][i * 3 + k] = x0;
        for (int j = 0; j < 5; j++) {
            CHECK_NEAR(T1[j * 3 + k], (plus1[j] - minus1[j]) / (2 * h), 1e-8);
            if (fabs(T1[j * 3 + k]) > biggest) biggest = fabs(T1[j * 3 + k]);
        }
        for (int j = 0; j < 4; j++) CHECK_NEAR(T2[j * 3 + k], (plus2[j] - minus2[j]) / (2 * h), 1e-8);
    }
    CHECK(biggest > 1e-2);
    mlp_free(&net);
}

/* A 3 -> 5 -> 5 -> 5 -> K net of arch (normalisation, shortcuts) with
 * random weights, biases, gamma around 1 and beta around 0, on a random
 * batch of 6. */
static int make_arch_net(mlp *net, const act_info *act, int loss, int K, int n_classes,
                         const mlp_arch *arch, int *labels, uint64_t seed)
{
    int dims[5] = {3, 5, 5, 5, K};
    vg_error err;
    if (mlp_create(net, dims, 4, 6, act, act->param_default, &loss_table[loss], 0, 1, arch,
                   &err)) {
        fprintf(stderr, "mlp_create: %s\n", err.msg);
        return 0;
    }
    rng_state rng;
    rng_seed(&rng, seed, 1);
    init_params p = {0, 0, 1.5};
    for (int l = 1; l <= 4; l++) {
        const layer *ly = &net->layers[l];
        init_table[init_find("xavier_normal")].fill(mlp_param(net, l, DENSE_W), dims[l],
                                                    dims[l - 1], &p, &rng, &err);
        for (int g = DENSE_B; g < ly->kind->n_groups; g++) {
            double *x = mlp_param(net, l, g);
            for (int j = 0; j < dims[l]; j++)
                x[j] = g == NORM_GAMMA ? 1.0 + 0.3 * rng_normal(&rng)
                     : g == NORM_RUNNING_VAR ? 1.0 : g == NORM_RUNNING_MEAN ? 0.0
                     : 0.3 * rng_normal(&rng);
        }
    }
    for (int k = 0; k < 6 * 3; k++) net->a[0][k] = 1.5 * rng_normal(&rng);
    for (int i = 0; i < 6; i++) labels[i] = (int)rng_below(&rng, (uint64_t)n_classes);
    return 1;
}

/* Batch and layer normalisation, shortcuts (residual=1 and 2, scaled and
 * not), and both together, with every activation and three losses:
 * backprop agrees with central differences on every trained parameter,
 * gamma and beta included, the loss taken over the whole batch (batch
 * normalisation couples its examples). */
static void test_arch_gradients(void)
{
    struct { int norm, residual; double scale; } archs[] = {
        {NORM_BATCH, 0, 1}, {NORM_LAYER, 0, 1}, {NORM_NONE, 1, 1}, {NORM_NONE, 2, 0.5},
        {NORM_BATCH, 1, 0.7}, {NORM_LAYER, 2, 1},
    };
    const char *losses[] = {"softmax_ce", "sigmoid_bce", "mse"};
    for (size_t c = 0; c < sizeof archs / sizeof archs[0]; c++)
        for (int a = 0; a < act_count; a++)
            for (int lo = 0; lo < 3; lo++) {
                const act_info *act = &act_table[a];
                mlp_arch arch = {archs[c].norm, 1e-5, 0.1, archs[c].residual, archs[c].scale, 0, 0, 0};
                int loss = loss_find(losses[lo]);
                int K = loss_table[loss].n_outputs(3, 0);
                mlp net;
                int labels[6];
                if (!make_arch_net(&net, act, loss, K, 3, &arch, labels, 300 + (uint64_t)a)) {
                    CHECK(0);
                    continue;
                }
                gradcheck_layer r[5];
                rng_state rng;
                rng_seed(&rng, 9, RNG_STREAM_CHECK);
                gradcheck_run(&net, labels, 6, 1000, &rng, r);
                int is_step = strcmp(act->name, "step") == 0;
                int batch = archs[c].norm == NORM_BATCH;
                for (int l = 1; l <= 4; l++) {
                    /* Under batch normalisation a hidden layer's b has no
                     * effect and a gradient of rounding noise (below), which
                     * no single entry's relative error can judge: there the
                     * layer's verdict is rel_error alone. */
                    int ok = r[l].rel_error <= 1e-7 && r[l].checked >= 2 * r[l].skipped &&
                             ((batch && l < 4) || r[l].max_entry_error <= 1e-4);
                    if (!ok)
                        fprintf(stderr, "  norm=%s residual=%d:%g %s/%s layer %d: rel_error %.3g "
                                "max_entry_error %.3g checked %d skipped %d\n",
                                norm_table[archs[c].norm].name, archs[c].residual,
                                archs[c].scale, act->name, losses[lo], l, r[l].rel_error,
                                r[l].max_entry_error, r[l].checked, r[l].skipped);
                    CHECK(ok);
                    /* Every trained parameter: W and b, and gamma and beta
                     * of a normalised layer. */
                    int n = net.layers[l].fan_out * net.layers[l].fan_in + net.layers[l].fan_out;
                    if (l < 4 && archs[c].norm != NORM_NONE) n += 2 * net.layers[l].fan_out;
                    CHECK(r[l].checked + r[l].skipped == n);
                    /* Non-vacuous: real gradients were compared (the step
                     * function's f' = 0 leaves none below the output). */
                    if (l == 4 || !is_step) CHECK(r[l].max_abs_grad > 1e-4);
                    if (batch && l < 4 && !is_step) {
                        double gb = vg_norm(mlp_grad(&net, l, DENSE_B), 5);
                        double gw = vg_norm(mlp_grad(&net, l, DENSE_W), 5 * net.layers[l].fan_in);
                        if (!(gb <= 1e-12 * gw))
                            fprintf(stderr, "  batch norm layer %d: |db| %.3g, |dW| %.3g\n", l,
                                    gb, gw);
                        CHECK(gw > 1e-4 && gb <= 1e-12 * gw);
                    }
                }
                mlp_free(&net);
            }
}

/* Widths a shortcut cannot add are refused, naming both layers. */
static void test_residual_widths(void)
{
    int dims[5] = {3, 5, 6, 5, 2};
    mlp_arch arch = {NORM_NONE, 1e-5, 0.1, 1, 1.0, 0, 0, 0};
    mlp net;
    vg_error err;
    int rc = mlp_create(&net, dims, 4, 4, &act_table[act_find("relu")], 0,
                        &loss_table[loss_find("softmax_ce")], 0, 1, &arch, &err);
    CHECK(rc == VG_EUSAGE);
    if (rc == VG_EUSAGE)
        CHECK_CONTAINS(err.msg, "hidden layer 2 has 6 units but layer 1");
    else
        mlp_free(&net);
    arch.residual = 2;   /* layer 3 adds layer 1: both 5 wide */
    CHECK(mlp_create(&net, dims, 4, 4, &act_table[act_find("relu")], 0,
                     &loss_table[loss_find("softmax_ce")], 0, 1, &arch, &err) == VG_OK);
    CHECK(net.layers[3].shortcut == 1 && net.layers[2].shortcut == 0 && net.layers[4].shortcut == 0);
    /* Backward from 4 down: layer 3 reaches dz[1] first (its shortcut), layer 2 adds. */
    CHECK(net.layers[3].first_to_shortcut == 1 && net.layers[2].first_to_input == 0);
    mlp_free(&net);
}

static void test_norm_no_underflow(void)
{
    double tiny[3] = {3e-200, 4e-200, 0};
    CHECK_NEAR(vg_norm(tiny, 3) / 5e-200, 1.0, 1e-15);
    double big[2] = {3e200, 4e200};
    CHECK_NEAR(vg_norm(big, 2) / 5e200, 1.0, 1e-15);
}

/* The loss of the last forward pass's batch recomputed from output s on
 * (layers s + 1 .. L run again in training mode): a function of a[s]. */
static double loss_from(mlp *net, int s, const int *labels, int B)
{
    for (int l = s + 1; l <= net->L; l++) net->layers[l].kind->forward(net, l, B, LAYER_TRAINING);
    return net->loss->forward_backward(net->z[net->L], net->a[net->L], NULL, labels, B,
                                       net->dims[net->L], net->loss_flags);
}

/* dL/da_s (n values) by central differences, a[s] perturbed entry by entry. */
static void grad_of_output(mlp *net, int s, const int *labels, int B, double *g)
{
    size_t n = (size_t)B * net->dims[s];
    const double h = 1e-5;
    for (size_t k = 0; k < n; k++) {
        double keep = net->a[s][k];
        net->a[s][k] = keep + h;
        double up = loss_from(net, s, labels, B);
        net->a[s][k] = keep - h;
        double down = loss_from(net, s, labels, B);
        net->a[s][k] = keep;
        g[k] = (up - down) / (2 * h);
    }
    loss_from(net, s, labels, B); /* the later outputs as they were */
}

/* dL/d(group g of layer l) by central differences over the whole forward pass. */
static void grad_of_group(mlp *net, int l, int g, const int *labels, int B, double *grad)
{
    double *x = mlp_param(net, l, g);
    const double h = 1e-5;
    for (size_t j = 0; j < layer_group_size(&net->layers[l], g); j++) {
        double keep = x[j];
        x[j] = keep + h;
        double up = mlp_forward(net, labels, B, 0);
        x[j] = keep - h;
        double down = mlp_forward(net, labels, B, 0);
        x[j] = keep;
        grad[j] = (up - down) / (2 * h);
    }
}

static double max_abs_diff(const double *x, const double *y, size_t n)
{
    double m = 0;
    for (size_t k = 0; k < n; k++)
        if (!(fabs(x[k] - y[k]) <= m)) m = fabs(x[k] - y[k]);
    return m;
}

/* The new statistics of layers.csv against central differences:
 * grad_gamma_norm and grad_beta_norm, and at a shortcut's source s
 * (a_{s+K} = a_s + alpha f(z_{s+K})) the two parts of dL/da_s, as vectors:
 * the shortcut's, dL/da_{s+K}, the next layer's, dL/da_s - dL/da_{s+K},
 * and their sum dL/da_s, each derivative taken by perturbing a_s or
 * a_{s+K} and running the later layers again. */
static void test_shortcut_and_norm_stats(void)
{
    struct { int norm, residual; double scale; } archs[] = {
        {NORM_NONE, 1, 1}, {NORM_NONE, 2, 0.5}, {NORM_BATCH, 1, 0.7}, {NORM_LAYER, 2, 1},
        {NORM_BATCH, 0, 1}, {NORM_NONE, 0, 1},
    };
    const act_info *act = &act_table[act_find("tanh")];
    int loss = loss_find("softmax_ce");
    for (size_t c = 0; c < sizeof archs / sizeof archs[0]; c++) {
        int K = archs[c].residual;
        mlp_arch arch = {archs[c].norm, 1e-5, 0.1, K, archs[c].scale, 0, 0, 0};
        mlp net;
        int labels[6], B = 6;
        if (!make_arch_net(&net, act, loss, 3, 3, &arch, labels, 500 + (uint64_t)c)) {
            CHECK(0);
            continue;
        }
        mlp_forward(&net, labels, B, 1);
        mlp_backward(&net, B);
        layer_stats st[5];
        for (int l = 1; l <= 4; l++) mlp_layer_stats(&net, l, B, &st[l]);
        int sources = 0;
        for (int s = 1; s <= 4; s++) {
            /* Sources: 1, 1 + K, ... while a hidden layer s + K adds them. */
            int source = K > 0 && (s - 1) % K == 0 && s + K <= 3;
            CHECK(st[s].shortcut_source == source);
            CHECK((net.dshortcut[s] != NULL) == source && (net.dbranch[s] != NULL) == source);
            int normalised = archs[c].norm != NORM_NONE && s < 4;
            CHECK(st[s].normalised == normalised);
            if (normalised) {
                double fd[5];
                grad_of_group(&net, s, NORM_GAMMA, labels, B, fd);
                CHECK_NEAR(st[s].grad_gamma_norm, vg_norm(fd, 5), 1e-6 * vg_norm(fd, 5));
                CHECK(st[s].grad_gamma_norm > 1e-4);
                grad_of_group(&net, s, NORM_BETA, labels, B, fd);
                CHECK_NEAR(st[s].grad_beta_norm, vg_norm(fd, 5), 1e-6 * vg_norm(fd, 5));
                CHECK(st[s].grad_beta_norm > 1e-4);
                mlp_forward(&net, labels, B, 0);
            }
            if (!source) continue;
            sources++;
            size_t n = (size_t)B * 5;
            double shortcut[30], branch[30], total[30], via_shortcut[30], via_branch[30], sum[30];
            memcpy(shortcut, net.dshortcut[s], n * sizeof(double));
            memcpy(branch, net.dbranch[s], n * sizeof(double));
            grad_of_output(&net, s, labels, B, total);
            grad_of_output(&net, s + K, labels, B, via_shortcut);
            for (size_t k = 0; k < n; k++) {
                via_branch[k] = total[k] - via_shortcut[k];
                sum[k] = shortcut[k] + branch[k];
            }
            double scale = vg_norm(total, n);
            double e_short = max_abs_diff(shortcut, via_shortcut, n);
            double e_branch = max_abs_diff(branch, via_branch, n);
            double e_sum = max_abs_diff(sum, total, n);
            if (!(e_short <= 1e-8 && e_branch <= 1e-8 && e_sum <= 1e-8))
                fprintf(stderr, "  norm=%s residual=%d source %d: errors shortcut %.3g branch "
                        "%.3g sum %.3g (|dL/da| %.3g)\n", norm_table[archs[c].norm].name, K, s,
                        e_short, e_branch, e_sum, scale);
            CHECK(e_short <= 1e-8);
            CHECK(e_branch <= 1e-8);
            CHECK(e_sum <= 1e-8);
            CHECK_NEAR(st[s].delta_shortcut_norm, vg_norm(via_shortcut, n), 1e-7);
            CHECK_NEAR(st[s].delta_branch_norm, vg_norm(via_branch, n), 1e-7);
            /* Non-vacuous: both parts carry gradient, neither is the whole. */
            CHECK(st[s].delta_shortcut_norm > 1e-3 && st[s].delta_branch_norm > 1e-3);
            CHECK(max_abs_diff(via_shortcut, total, n) > 1e-4);
        }
        int want = K == 1 ? 2 : K == 2 ? 1 : 0;
        CHECK(sources == want);
        mlp_free(&net);
    }
}

/* preact_p15, _p50, _p85: numpy's linear percentiles of the first unit's
 * pre-activation over the batch, worked by hand; the layer's values are
 * left in their order; a NaN makes all three NaN. */
static void test_preact_percentiles(void)
{
    mlp net;
    int labels[6];
    const act_info *act = &act_table[act_find("tanh")];
    CHECK(make_net(&net, act, 0, loss_find("softmax_ce"), 3, 3, 0, labels, 11));
    mlp_forward(&net, labels, 6, 1);
    mlp_backward(&net, 6);
    /* numpy.percentile([3, 1, 4, 1, 5, 9], [15, 50, 85]) = [1, 3.5, 6]:
     * sorted 1 1 3 4 5 9, h = 5p = 0.75, 2.5, 4.25. */
    static const double col0[6] = {3, 1, 4, 1, 5, 9};
    int fo = net.dims[2];
    for (int i = 0; i < 6; i++) net.z[2][i * fo] = col0[i];
    layer_stats s;
    mlp_layer_stats(&net, 2, 6, &s);
    CHECK_NEAR(s.preact_p15, 1.0, 1e-15);
    CHECK_NEAR(s.preact_p50, 3.5, 1e-15);
    CHECK_NEAR(s.preact_p85, 6.0, 1e-15);
    for (int i = 0; i < 6; i++) CHECK(net.z[2][i * fo] == col0[i]);
    /* Only the first unit counts: another unit's values change nothing. */
    for (int i = 0; i < 6; i++) net.z[2][i * fo + 1] = 100.0 + i;
    mlp_layer_stats(&net, 2, 6, &s);
    CHECK_NEAR(s.preact_p85, 6.0, 1e-15);
    /* Two examples, 3 and 1: on the line from 1 to 3. */
    mlp_layer_stats(&net, 2, 2, &s);
    CHECK_NEAR(s.preact_p15, 1 + 0.15 * 2, 1e-15);
    CHECK_NEAR(s.preact_p50, 2.0, 1e-15);
    net.z[2][3 * fo] = NAN;
    mlp_layer_stats(&net, 2, 6, &s);
    CHECK(isnan(s.preact_p15) && isnan(s.preact_p50) && isnan(s.preact_p85));
    mlp_free(&net);
}

int main(void)
{
    test_gradients();
    test_sum_outputs();
    test_no_bias();
    test_worked_example();
    test_stats();
    test_layer_plan();
    test_backward_accumulates();
    test_jvp();
    test_arch_gradients();
    test_residual_widths();
    test_norm_no_underflow();
    test_shortcut_and_norm_stats();
    test_preact_percentiles();
    return test_report("test_mlp");
}
