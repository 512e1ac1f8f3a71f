/* test_theory.c: mean-field predictions against the reference values of
 * the issue (an independent computation), the ReLU-family closed forms, and
 * the quadrature against a fine trapezoid rule. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "act.h"
#include "csvio.h"
#include "config.h"
#include "test.h"
#include "theory.h"
#include "train.h"
#include "jacobian.h"
#include "rnn.h"

static vg_config cfg;

static theory_result predict(const char *act, double sigma_w2, double sigma_b2)
{
    vg_error err;
    char arg[128];
    config_defaults(&cfg);
    snprintf(arg, sizeof arg, "activation=%s", act);
    config_set_arg(&cfg, arg, &err);
    config_set_arg(&cfg, "init=lecun_normal", &err);   /* fan_in Var(W) = 1 */
    snprintf(arg, sizeof arg, "init_gain=%.17g", sqrt(sigma_w2));
    config_set_arg(&cfg, arg, &err);
    snprintf(arg, sizeof arg, "bias_init=normal:%.17g", sqrt(sigma_b2));
    config_set_arg(&cfg, arg, &err);
    config_set_arg(&cfg, "width=100", &err);
    config_resolve(&cfg, &err);
    theory_result r;
    if (theory_compute(&cfg, 100, 10, 1.0, &r, &err) != VG_OK) fprintf(stderr, "%s\n", err.msg);
    return r;
}

/* E[g] by the trapezoid rule on [-14, 14] with 2e5 intervals. */
static double trapezoid(const act_info *a, double q, int which)
{
    const int n = 200000;
    double h = 28.0 / n, sum = 0;
    for (int i = 0; i <= n; i++) {
        double z = -14.0 + h * i, x = sqrt(q) * z;
        double v = which == 2 ? a->df(x, a->param_default) : a->f(x, a->param_default);
        double g = which == 0 ? v : v * v;
        sum += (i == 0 || i == n ? 0.5 : 1.0) * g * exp(-0.5 * z * z);
    }
    return sum * h / sqrt(2 * 3.14159265358979323846);
}

/* A wide network at initialisation follows the prediction: the mean log10
 * slope of delta_norm over hidden layers 2..19 (the first sees the raw
 * inputs, the last the output layer) of a 20 x 500 tanh net with
 * sigma_w^2 = 1, sigma_b^2 = 0.05 (chi_1 = 0.759, -0.06 per layer), against
 * the predicted mean.  The delta of a batch spans at most as many directions
 * as there are outputs, and ||W^T v||^2 / ||v||^2 fluctuates by
 * sqrt(2 / (width x directions)) per layer: 100 classes make that 0.6%, so
 * the 18-layer mean is within 5% of the prediction for every seed. */
static void test_measured_slope(void)
{
    for (int seed = 1; seed <= 3; seed++) {
        vg_error err;
        char arg[64];
        config_defaults(&cfg);
        const char *args[] = {"activation=tanh", "init=lecun_normal", "n_classes=100",
                              "bias_init=normal:0.22360679774997896", "depth=20", "width=500",
                              "dataset=gauss", "n_features=500", "n_samples=200", "steps=0"};
        for (int i = 0; i < 10; i++) config_set_arg(&cfg, args[i], &err);
        snprintf(arg, sizeof arg, "seed=%d", seed);
        config_set_arg(&cfg, arg, &err);
        CHECK(config_resolve(&cfg, &err) == VG_OK);
        trainer t;
        CHECK(trainer_setup(&t, &cfg, &err) == VG_OK);
        int B = trainer_first_batch(&t, 200);
        mlp_forward(&t.net, t.labels, B, 1);
        mlp_backward(&t.net, B);
        double measured = 0, predicted = 0;
        theory_result r;
        CHECK(theory_compute(&cfg, 500, 100, 1.0, &r, &err) == VG_OK);
        for (int l = 2; l <= 19; l++) {
            layer_stats a, b;
            mlp_layer_stats(&t.net, l, B, &a);
            mlp_layer_stats(&t.net, l + 1, B, &b);
            measured += log10(a.delta_norm / b.delta_norm) / 18;
            predicted += r.log10_delta_ratio[l] / 18;
        }
        CHECK(predicted < -0.05);   /* a real slope, not zero against zero */
        CHECK_NEAR(measured / predicted, 1.0, 0.05);
        theory_free(&r);
        trainer_free(&t);
    }
}

/* Builds a trainer for args (gauss inputs) and runs the forward pass on
 * its first B examples. */
static int setup_forward(trainer *t, const char *const *args, int n, int B)
{
    vg_error err;
    config_defaults(&cfg);
    for (int i = 0; i < n; i++) config_set_arg(&cfg, args[i], &err);
    if (config_resolve(&cfg, &err) != VG_OK || trainer_setup(t, &cfg, &err) != VG_OK) {
        fprintf(stderr, "setup: %s\n", err.msg);
        return 0;
    }
    trainer_first_batch(t, B);
    mlp_forward(&t->net, t->labels, B, 0);
    return 1;
}

/* Dynamical isometry: a linear network with orthogonal square layers has
 * every singular value 1; with Gaussian init it does not.  And sum sv^2 =
 * ||J||_F^2 against central differences of a tanh net's last hidden layer. */
static void test_jacobian(void)
{
    trainer t;
    vg_error err;
    double sv[32];
    const char *ortho[] = {"activation=linear", "init=orthogonal", "depth=12", "width=32",
                           "dataset=gauss", "n_features=32", "bias=0"};
    CHECK(setup_forward(&t, ortho, 7, 2));
    CHECK(jacobian_singular_values(&t.net, 1, sv, &err) == VG_OK);
    for (int k = 0; k < 32; k++) CHECK_NEAR(sv[k], 1.0, 1e-10);
    trainer_free(&t);
    const char *gauss[] = {"activation=linear", "init=lecun_normal", "depth=12", "width=32",
                           "dataset=gauss", "n_features=32", "bias=0"};
    CHECK(setup_forward(&t, gauss, 7, 2));
    CHECK(jacobian_singular_values(&t.net, 0, sv, &err) == VG_OK);
    CHECK(sv[0] / sv[31] > 100.0);
    trainer_free(&t);

    const char *tanh_net[] = {"activation=tanh", "init=xavier_normal", "init_gain=1.3", "depth=3",
                              "width=6", "dataset=gauss", "n_features=5", "bias_init=normal:0.3"};
    CHECK(setup_forward(&t, tanh_net, 8, 1));
    double sv6[5], frob_sv = 0, frob_fd = 0, x0[5];
    CHECK(jacobian_singular_values(&t.net, 0, sv6, &err) == VG_OK);
    for (int k = 0; k < 5; k++) frob_sv += sv6[k] * sv6[k];
    memcpy(x0, t.net.a[0], sizeof x0);
    for (int k = 0; k < 5; k++) {
        double plus[6], minus[6], h = 1e-5;
        t.net.a[0][k] = x0[k] + h;
        mlp_forward(&t.net, t.labels, 1, 0);
        memcpy(plus, t.net.a[3], sizeof plus);
        t.net.a[0][k] = x0[k] - h;
        mlp_forward(&t.net, t.labels, 1, 0);
        memcpy(minus, t.net.a[3], sizeof minus);
        t.net.a[0][k] = x0[k];
        for (int j = 0; j < 6; j++) frob_fd += pow((plus[j] - minus[j]) / (2 * h), 2);
    }
    CHECK(frob_sv > 0.01);
    CHECK_NEAR(frob_sv / frob_fd, 1.0, 1e-8);
    trainer_free(&t);
}

/* The edge of chaos of tanh: it starts at sigma_w^2 = 1, sigma_b^2 = 0
 * (chi_1 = sigma_w^2 at q* = 0), ends at the sigma_b^2 asked for, rises in
 * both, and each point, fed back as a configuration, has chi_1 = 1 by the
 * iterated length map of theory_compute (an independent route to q*).
 * Near q* = 0 the map's fixed point converges too slowly to iterate, so the
 * check starts at the 10th point. ReLU has no such line. */
static void test_edge_of_chaos(void)
{
    enum { N = 41 };
    double q[N], sw2[N], sb2[N];
    vg_error err;
    const act_info *tanh_act = &act_table[act_find("tanh")];
    CHECK(theory_edge_of_chaos(tanh_act, 0, 0.3, N, q, sw2, sb2, &err) == VG_OK);
    CHECK(q[0] == 0.0 && sw2[0] == 1.0 && sb2[0] == 0.0);
    CHECK_NEAR(sb2[N - 1], 0.3, 1e-10);
    int rising = 1;
    for (int i = 1; i < N; i++) rising &= sw2[i] > sw2[i - 1] && sb2[i] > sb2[i - 1];
    CHECK(rising);
    CHECK(sw2[N - 1] > 2.4 && sw2[N - 1] < 2.6);
    for (int i = 10; i < N; i += 10) {
        theory_result r = predict("tanh", sw2[i], sb2[i]);
        CHECK_NEAR(r.q_star, q[i], 1e-9);
        CHECK_NEAR(r.chi1, 1.0, 1e-9);
        theory_free(&r);
    }
    /* Pennington et al. 2017 take sigma_w^2 = 1.05 with sigma_b^2 = 2.01e-5
     * as a critical tanh network: on this line within 2%. */
    CHECK(theory_edge_of_chaos(tanh_act, 0, 1e-4, N, q, sw2, sb2, &err) == VG_OK);
    double at_105 = NAN;
    for (int i = 1; i < N; i++)
        if (sw2[i - 1] <= 1.05 && sw2[i] > 1.05)
            at_105 = sb2[i - 1] + (sb2[i] - sb2[i - 1]) * (1.05 - sw2[i - 1]) / (sw2[i] - sw2[i - 1]);
    CHECK_NEAR(at_105 / 2.01e-5, 1.0, 0.02);
    CHECK(theory_edge_of_chaos(&act_table[act_find("relu")], 0, 0.3, N, q, sw2, sb2, &err) ==
          VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "relu has no edge of chaos");
}

/* A configuration from key=value arguments, resolved. */
static int configure(vg_config *c, const char *const *args, int n)
{
    vg_error err;
    config_defaults(c);
    for (int i = 0; i < n; i++)
        if (config_set_arg(c, args[i], &err) != VG_OK) return VG_EUSAGE;
    return config_resolve(c, &err);
}

/* The last field of each data line of a CSV file (header skipped), as
 * numbers; returns the count, -1 when the file cannot be read. */
static int last_fields(const char *path, double *out, int max)
{
    FILE *fp = fopen(path, "r");
    if (!fp) return -1;
    char line[512];
    int n = 0;
    for (int row = 0; fgets(line, sizeof line, fp); row++)
        if (row > 0 && n < max) out[n++] = strtod(strrchr(line, ',') ? strrchr(line, ',') + 1 : line, NULL);
    fclose(fp);
    return n;
}

/* vgrad theory and vgrad jacobian's files, written by the library functions
 * the command line calls: ReLU under He init sits on the edge of chaos
 * (chi_l = 1 exactly), the tanh edge-of-chaos file ends at the sigma_b^2 asked
 * for, a linear network with orthogonal weights has every singular value of
 * its Jacobian 1, and an output directory under a regular file is refused
 * with nothing written. */
static void test_command_files(void)
{
    static vg_config c;
    char dir[] = "/tmp/vgrad_test_theory.XXXXXX", out[128], path[256];
    CHECK(mkdtemp(dir) != NULL);
    vg_error err = {0, ""};

    snprintf(out, sizeof out, "out=%s/relu", dir);
    const char *relu[] = {"activation=relu", "init=he_normal", "depth=4", "width=50", out};
    CHECK(configure(&c, relu, 5) == VG_OK);
    theory_report tr;
    CHECK(theory_write(&c, 0, &tr, &err) == VG_OK);
    CHECK_NEAR(tr.chi1, 1.0, 1e-13);
    CHECK_STR(tr.regime, "edge of chaos: gradients neither vanish nor explode");
    CHECK(tr.edge_rows == 0);
    double *m = NULL;
    int rows = 0, cols = 0, header = 0;
    CHECK(csvread_matrix(tr.theory_path, &m, &rows, &cols, &header, &err) == VG_OK);
    CHECK(rows == 4 && cols == 5 && header == 1);
    for (int l = 0; m && l < rows && cols == 5; l++) {
        CHECK(m[l * 5] == l + 1);                 /* layer */
        CHECK_NEAR(m[l * 5 + 2], 1.0, 1e-13);     /* chi */
    }
    free(m);

    snprintf(out, sizeof out, "out=%s/tanh", dir);
    const char *tanh_args[] = {"activation=tanh", "init=xavier_normal", "depth=3", out};
    CHECK(configure(&c, tanh_args, 4) == VG_OK);
    CHECK(theory_write(&c, 0.3, &tr, &err) == VG_OK);
    double sb2[THEORY_EDGE_POINTS];
    CHECK(tr.edge_rows > 100 && last_fields(tr.edge_path, sb2, THEORY_EDGE_POINTS) == tr.edge_rows);
    CHECK_NEAR(sb2[tr.edge_rows - 1], 0.3, 1e-10);
    CHECK(sb2[0] >= 0.0);

    snprintf(out, sizeof out, "out=%s/jac", dir);
    const char *linear[] = {"activation=linear", "init=orthogonal", "depth=5", "width=16", "bias=0",
                            out};
    CHECK(configure(&c, linear, 6) == VG_OK);
    jacobian_report jr;
    CHECK(jacobian_write(&c, 3, &jr, &err) == VG_OK);
    CHECK(jr.inputs == 3 && jr.values == 2);
    CHECK_NEAR(jr.lo, 1.0, 1e-12);
    CHECK_NEAR(jr.hi, 1.0, 1e-12);
    double sv[16];
    CHECK(last_fields(jr.path, sv, 16) == 6);
    CHECK_NEAR(sv[5], 1.0, 1e-12);

    /* Under a regular file: refused, nothing written. */
    snprintf(path, sizeof path, "%s/afile", dir);
    FILE *fp = fopen(path, "w");
    CHECK(fp && fclose(fp) == 0);
    snprintf(out, sizeof out, "out=%s/afile/sub", dir);
    const char *under_file[] = {"depth=3", out};
    CHECK(configure(&c, under_file, 2) == VG_OK);
    CHECK(jacobian_write(&c, 3, &jr, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "cannot create output directory");
    CHECK(theory_write(&c, 0, &tr, &err) == VG_EUSAGE);

    const char *files[] = {"relu/theory.csv", "tanh/theory.csv", "tanh/edge_of_chaos.csv",
                           "jac/jacobian.csv", "afile", "relu", "tanh", "jac"};
    for (int i = 0; i < 8; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        CHECK(remove(path) == 0);
    }
    CHECK(rmdir(dir) == 0);
}

/* The RNN map through time (theory_rnn_compute) against closed forms and an
 * independent iteration:
 *   - linear phi: E[phi(sqrt(q) z)^2] = q and phi' = 1, so q_t = sigma_w^2
 *     q_{t-1} + sigma_u^2 r_t + sigma_b^2 by hand, chi_t = sigma_w^2
 *     exactly, and q* = (sigma_u^2 mean(r) + sigma_b^2) / (1 - sigma_w^2);
 *     a second layer takes the first one's q_t as its input;
 *   - ReLU: E[relu^2] = q / 2 and E[relu'^2] = 1 / 2, so chi_t =
 *     sigma_w^2 / 2 exactly and q_t halves the recurrent term;
 *   - tanh: q_t and chi_t against the map iterated with the trapezoid rule
 *     (a different quadrature), and q* against 3000 trapezoid iterations;
 *   - no input and no bias with tanh at sigma_w^2 = 1: q* = 0, chi_1 = 1;
 *   - no layers or a negative variance: VG_EUSAGE. */
static void test_rnn_map(void)
{
    enum { T = 12 };
    double r_t[T];
    for (int t = 0; t < T; t++) r_t[t] = 0.2 + 0.05 * (t % 3);   /* uneven over steps */
    vg_error err;
    theory_rnn_result r;
    const act_info *linear = &act_table[act_find("linear")], *relu = &act_table[act_find("relu")],
                   *tanh_act = &act_table[act_find("tanh")];

    theory_rnn_params lin = {2, T, 0.81, 0.5, 0.7, 0.1};
    CHECK(theory_rnn_compute(linear, 0, &lin, r_t, &r, &err) == VG_OK);
    double q1 = 0, q2 = 0, mean_r = 0;
    int exact = 1;
    for (int t = 1; t <= T; t++) {
        q1 = (t > 1 ? 0.81 * q1 : 0) + 0.5 * r_t[t - 1] + 0.1;
        q2 = (t > 1 ? 0.81 * q2 : 0) + 0.7 * q1 + 0.1;
        mean_r += r_t[t - 1] / T;
        CHECK_NEAR(r.q[t - 1], q1, 1e-13);
        CHECK_NEAR(r.q[T + t - 1], q2, 1e-13);
        exact &= fabs(r.chi[t - 1] - 0.81) < 1e-13 && fabs(r.chi[T + t - 1] - 0.81) < 1e-13;
    }
    CHECK(exact);
    CHECK(q2 > 1.0);   /* the second layer's map really ran */
    double q_star1 = (0.5 * mean_r + 0.1) / (1 - 0.81);
    CHECK_NEAR(r.q_star, (0.7 * q_star1 + 0.1) / (1 - 0.81), 1e-10);
    CHECK_NEAR(r.chi1, 0.81, 1e-13);
    CHECK_NEAR(r.time_scale, -1 / log(0.81), 1e-12);
    theory_rnn_free(&r);

    theory_rnn_params rl = {1, T, 1.6, 1.0, 1.0, 0.0};
    CHECK(theory_rnn_compute(relu, 0, &rl, r_t, &r, &err) == VG_OK);
    q1 = 0;
    for (int t = 1; t <= T; t++) {
        q1 = (t > 1 ? 0.8 * q1 : 0) + r_t[t - 1];
        CHECK_NEAR(r.q[t - 1], q1, 1e-13);
        CHECK_NEAR(r.chi[t - 1], 0.8, 1e-13);
    }
    CHECK_NEAR(r.q_star, mean_r / 0.2, 1e-10);
    theory_rnn_free(&r);

    theory_rnn_params th = {1, T, 1.3, 1.0, 1.0, 0.05};
    CHECK(theory_rnn_compute(tanh_act, 0, &th, r_t, &r, &err) == VG_OK);
    q1 = 0;
    for (int t = 1; t <= T; t++) {
        q1 = (t > 1 ? 1.3 * trapezoid(tanh_act, q1, 1) : 0) + r_t[t - 1] + 0.05;
        CHECK_NEAR(r.q[t - 1], q1, 1e-9);
        CHECK_NEAR(r.chi[t - 1], 1.3 * trapezoid(tanh_act, q1, 2), 1e-9);
    }
    double q = 1;
    for (int it = 0; it < 3000; it++) q = 1.3 * trapezoid(tanh_act, q, 1) + mean_r + 0.05;
    CHECK(r.q_star > 0.3);   /* away from 0: a real fixed point */
    CHECK_NEAR(r.q_star, q, 1e-8);
    CHECK_NEAR(r.chi1, 1.3 * trapezoid(tanh_act, q, 2), 1e-8);
    CHECK(r.chi1 < 1.0 && r.chi1 > 0.5);
    theory_rnn_free(&r);

    double zeros[T] = {0};
    theory_rnn_params edge = {1, T, 1.0, 1.0, 1.0, 0.0};
    CHECK(theory_rnn_compute(tanh_act, 0, &edge, zeros, &r, &err) == VG_OK);
    CHECK(r.q_star == 0.0);
    CHECK_NEAR(r.chi1, 1.0, 1e-12);
    CHECK(isinf(r.time_scale));
    theory_rnn_free(&r);

    theory_rnn_params none = {0, T, 1.0, 1.0, 1.0, 0.0}, negative = {1, T, -1.0, 1.0, 1.0, 0.0};
    CHECK(theory_rnn_compute(tanh_act, 0, &none, r_t, &r, &err) == VG_EUSAGE);
    CHECK(theory_rnn_compute(tanh_act, 0, &negative, r_t, &r, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "variances");
}

/* theory_rnn_params_of: sigma_w^2 of each recurrent_init (pytorch
 * U(+-g/sqrt(H)): g^2/3; orthogonal and normal: g^2; recurrent_radius rho:
 * rho^2), sigma_u^2 of init (lecun_normal: fan_in Var = init_gain^2),
 * sigma_b^2 of both bias vectors; identity, lstm, gru and a constant bias
 * refused with the reason. */
static vg_config rnn_cfg(const char *rinit, const char *extra, double radius)
{
    vg_error err;
    config_defaults(&cfg);
    const char *args[] = {"init=lecun_normal", "init_gain=1.5", "depth=2", "width=40",
                          "bias_init=normal:0.1"};
    for (int i = 0; i < 5; i++) config_set_arg(&cfg, args[i], &err);
    if (extra) config_set_arg(&cfg, extra, &err);
    CHECK(config_resolve(&cfg, &err) == VG_OK);
    /* the recurrent keys are set after resolving, which refuses them with
     * model=mlp and model=rnn until the model is built */
    cfg.model = MODEL_RNN;
    cfg.seq_len = 7;
    cfg.recurrent_gain = 1.2;
    cfg.recurrent_radius = radius;
    cfg.recurrent_init = strcmp(rinit, "identity") == 0     ? RINIT_IDENTITY
                         : strcmp(rinit, "orthogonal") == 0 ? RINIT_ORTHOGONAL
                         : strcmp(rinit, "normal") == 0     ? RINIT_NORMAL
                                                            : RINIT_PYTORCH;
    return cfg;
}

static void test_rnn_params(void)
{
    vg_error err;
    theory_rnn_params p;
    vg_config c = rnn_cfg("pytorch", NULL, 0);
    CHECK(theory_rnn_params_of(&c, 3, &p, &err) == VG_OK);
    CHECK_NEAR(p.sigma_w2, 1.44 / 3, 1e-15);
    CHECK_NEAR(p.sigma_u2_first, 2.25, 1e-13);
    CHECK_NEAR(p.sigma_u2, 2.25, 1e-13);
    CHECK_NEAR(p.sigma_b2, 0.02, 1e-15);
    CHECK(p.layers == 2 && p.seq_len == 7);
    c = rnn_cfg("orthogonal", NULL, 0);
    CHECK(theory_rnn_params_of(&c, 3, &p, &err) == VG_OK);
    CHECK_NEAR(p.sigma_w2, 1.44, 1e-15);
    c = rnn_cfg("normal", "bias=0", 0);
    CHECK(theory_rnn_params_of(&c, 3, &p, &err) == VG_OK);
    CHECK_NEAR(p.sigma_w2, 1.44, 1e-15);
    CHECK(p.sigma_b2 == 0.0);
    c = rnn_cfg("pytorch", NULL, 0.9);
    CHECK(theory_rnn_params_of(&c, 3, &p, &err) == VG_OK);
    CHECK_NEAR(p.sigma_w2, 0.81, 1e-15);

    c = rnn_cfg("identity", NULL, 0);
    CHECK(theory_rnn_params_of(&c, 3, &p, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "recurrent_init=identity has no mean-field prediction");
    c = rnn_cfg("pytorch", "bias_init=0.5", 0);
    CHECK(theory_rnn_params_of(&c, 3, &p, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "random or zero biases");
    c = rnn_cfg("pytorch", NULL, 0);
    c.model = MODEL_LSTM;
    CHECK(theory_rnn_params_of(&c, 3, &p, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "not model=lstm");
}

/* vgrad theory for model=rnn: theory_time.csv of a linear RNN with
 * orthogonal W_hh of radius 0.8 has chi_t = 0.64 at every layer and step
 * (and log10 ratio log10 0.8), a row per layer and step; the report is the
 * recurrent one; LSTM, identity and --edge-of-chaos are refused, nothing
 * written. */
static void test_rnn_command(void)
{
    static vg_config c;
    char dir[] = "/tmp/vgrad_test_theory_rnn.XXXXXX", out[128], path[256];
    CHECK(mkdtemp(dir) != NULL);
    vg_error err = {0, ""};
    theory_report tr;
    snprintf(out, sizeof out, "out=%s/lin", dir);
    const char *lin[] = {"model=rnn", "activation=linear", "dataset=adding", "seq_len=9",
                         "depth=2", "width=16", "recurrent_init=orthogonal",
                         "recurrent_radius=0.8", "loss=mse", out};
    CHECK(configure(&c, lin, 10) == VG_OK);
    CHECK(theory_write(&c, 0, &tr, &err) == VG_OK);
    CHECK(tr.recurrent == 1);
    CHECK_NEAR(tr.chi1, 0.64, 1e-13);
    CHECK_STR(tr.regime, "gradients vanish");
    CHECK(tr.input_q > 0.1 && tr.input_q < 0.3);   /* adding: (1/3 + 2/9) / 2 = 0.278 */
    double *m = NULL;
    int rows = 0, cols = 0, header = 0;
    CHECK(csvread_matrix(tr.theory_path, &m, &rows, &cols, &header, &err) == VG_OK);
    CHECK(rows == 18 && cols == 5 && header == 1);
    for (int i = 0; m && i < rows && cols == 5; i++) {
        CHECK(m[i * 5] == i / 9 + 1 && m[i * 5 + 1] == i % 9 + 1);   /* layer, t */
        CHECK_NEAR(m[i * 5 + 3], 0.64, 1e-13);
        CHECK_NEAR(m[i * 5 + 4], log10(0.8), 1e-13);
    }
    free(m);

    snprintf(out, sizeof out, "out=%s/refused", dir);
    const char *lstm[] = {"model=lstm", "dataset=adding", "seq_len=9", "loss=mse", out};
    CHECK(configure(&c, lstm, 5) == VG_OK);
    CHECK(theory_write(&c, 0, &tr, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "not model=lstm");
    const char *ident[] = {"model=rnn", "activation=relu", "recurrent_init=identity",
                           "dataset=adding", "seq_len=9", "loss=mse", out};
    CHECK(configure(&c, ident, 7) == VG_OK);
    CHECK(theory_write(&c, 0, &tr, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "recurrent_init=identity has no mean-field prediction");
    CHECK(theory_write(&c, 0.3, &tr, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "--edge-of-chaos");
    snprintf(path, sizeof path, "%s/refused", dir);
    CHECK(access(path, F_OK) != 0);

    snprintf(path, sizeof path, "%s/lin/theory_time.csv", dir);
    CHECK(remove(path) == 0);
    snprintf(path, sizeof path, "%s/lin", dir);
    CHECK(rmdir(path) == 0);
    CHECK(rmdir(dir) == 0);
}

int main(void)
{
    test_rnn_command();
    test_rnn_params();
    test_rnn_map();
    test_command_files();
    test_edge_of_chaos();
    test_jacobian();
    test_measured_slope();
    /* chi_1 of reference cases: the values, to the digits given,
     * and the ReLU-family closed forms (He init: chi_1 = sigma_w^2 / 2 = 1;
     * leaky ReLU of slope a: sigma_w^2 (1 + a^2) / 2), exact. */
    static const struct {
        const char *act;
        double sigma_w2, sigma_b2, chi1, tol;
    } chi1_cases[] = {
        {"tanh", 1.0, 0.05, 0.759, 5e-4},
        {"tanh", 1.5, 0.05, 0.9386, 5e-5},
        {"sigmoid", 1.0, 0.0, 0.0557, 5e-5},
        {"relu", 2.0, 0.0, 1.0, 1e-13},
        {"leaky_relu:0.3", 1.0, 0.0, (1 + 0.09) / 2, 1e-13},
        {"relu", 1.7, 0.0, 0.85, 1e-13},
    };
    for (size_t i = 0; i < sizeof chi1_cases / sizeof chi1_cases[0]; i++) {
        theory_result r = predict(chi1_cases[i].act, chi1_cases[i].sigma_w2, chi1_cases[i].sigma_b2);
        CHECK_NEAR(r.chi1, chi1_cases[i].chi1, chi1_cases[i].tol);
        theory_free(&r);
    }
    theory_result r = predict("tanh", 1.0, 0.05);
    CHECK(r.q_star > 0 && r.depth_scale > 0);
    theory_free(&r);
    r = predict("sigmoid", 1.0, 0.0);
    CHECK_NEAR(sqrt(r.chi1), 0.236, 5e-4);
    theory_free(&r);
    r = predict("relu", 2.0, 0.0);
    CHECK(isinf(r.depth_scale));
    for (int l = 1; l < r.depth; l++) CHECK_NEAR(r.log10_delta_ratio[l], 0.0, 1e-13);
    theory_free(&r);
    /* Odd activation without bias at sigma_w^2 = 1: q* = 0, chi_1 = 1. */
    r = predict("tanh", 1.0, 0.0);
    CHECK_NEAR(r.q_star, 0.0, 1e-12);
    CHECK_NEAR(r.chi1, 1.0, 1e-12);
    theory_free(&r);

    /* Quadrature against the trapezoid rule (smooth integrands).  Gauss-
     * Hermite converges more slowly when the integrand has complex poles
     * near the real axis (tanh'(sqrt(q) z)^2 at large q has them at
     * |Im z| = pi / (2 sqrt(q))): 256 nodes leave 3e-10 there, hence 1e-9. */
    const char *smooth[] = {"tanh", "sigmoid", "gelu", "silu", "softplus"};
    for (int i = 0; i < 5; i++) {
        const act_info *a = &act_table[act_find(smooth[i])];
        for (double q = 0.1; q < 5; q *= 3)
            for (int which = 0; which < 3; which++) {
                double gh = theory_gauss_mean(a, a->param_default, q, which);
                double tr = trapezoid(a, q, which);
                if (!(fabs(gh - tr) <= 1e-9))
                    fprintf(stderr, "  %s q=%g which=%d\n", smooth[i], q, which);
                CHECK_NEAR(gh, tr, 1e-9);
                if (which == 1) CHECK(gh > 1e-3);   /* not zeros against zeros */
            }
    }
    return test_report("test_theory");
}
