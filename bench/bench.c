/* bench.c: training-step throughput against raw cblas_dgemm on the same
 * shapes, measured in the same process, single-threaded.
 *
 * A training step of vgrad (trainer_run: forward, loss, backward, gradient
 * norm, SGD update) does, per weight layer l with fan_in fi and fan_out fo,
 * the products z = x W^T, dW = dz^T x and (for l > 1) dx = dz W: 2 B fi fo
 * flops each.  The baseline calls cblas_dgemm with exactly those shapes and
 * nothing else.  Both are reported in GFLOP/s of those products, so the
 * ratio is the fraction of time vgrad spends in DGEMM.
 *
 * vgrad's step is measured as a user's run makes it: recording, that is
 * with the whole layers.csv row of every layer and the train.csv row
 * written (to files in a temporary directory) at every step (log_every 1),
 * and again every 10 steps (log_every 10).  The baseline makes no rows.
 *
 * Rows: three plain networks, then at (16, 512, 256) a network with batch
 * normalisation (norm=batch) and one with shortcuts around blocks of two
 * layers (residual=2).  Their steps make the same products (normalisation
 * and shortcuts add elementwise passes only), so the baseline is the same.
 * Last, an LSTM (lstm_row: width 256, batch 128, 100 steps of 32 inputs,
 * recording time.csv too; its activation column names the cell).
 * Each row also gives vgrad's seconds per step, which scripts/bench.sh sets
 * beside PyTorch's (bench/torch_step.py).
 *
 * usage: vgrad-bench [activation|lstm] [seconds per measurement] [wall|cpu] [dir]
 * (lstm: the LSTM rows alone)
 * cpu times both sides by the thread's CPU time instead of the wall clock:
 * on a machine shared with other jobs it leaves out the time the thread
 * waits for a core (both sides are single-threaded).  dir (default /tmp)
 * receives the logs while a row is measured; they are removed after. */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "csvio.h"
#include "train.h"

void openblas_set_num_threads(int num_threads);
char *openblas_get_config(void);

/* The products of one training step of net, on its own buffers. */
static void dgemm_step(const mlp *net, int B)
{
    for (int l = 1; l <= net->L; l++) {
        int fi = net->dims[l - 1], fo = net->dims[l];
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, fo, fi, 1.0, net->a[l - 1], fi,
                    mlp_param(net, l, DENSE_W), fi, 0.0, net->z[l], fo);
    }
    for (int l = net->L; l >= 1; l--) {
        int fi = net->dims[l - 1], fo = net->dims[l];
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, fo, fi, B, 1.0, net->dz[l], fo,
                    net->a[l - 1], fi, 0.0, mlp_grad(net, l, DENSE_W), fi);
        if (l > 1)
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, fi, fo, 1.0, net->dz[l], fo,
                        mlp_param(net, l, DENSE_W), fi, 0.0, net->dz[l - 1], fi);
    }
}

typedef struct {
    const mlp *net;
    int B;
} mlp_products;

static void mlp_baseline(void *ctx)
{
    const mlp_products *p = ctx;
    dgemm_step(p->net, p->B);
}

static int use_cpu_clock;

static double now(void)
{
    if (!use_cpu_clock) return vg_seconds();
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double step_flops(const mlp *net, int B)
{
    double flops = 0;
    for (int l = 1; l <= net->L; l++) {
        double f = 2.0 * B * net->dims[l - 1] * net->dims[l];
        flops += l > 1 ? 3 * f : 2 * f;
    }
    return flops;
}

/* Runs cfg's trainer for steps steps, writing layers.csv and train.csv
 * rows into dir/vgrad-bench-*.csv (removed after). */
static int run_recorded(trainer *t, vg_config *cfg, long steps, const char *dir, vg_error *err)
{
    char layers_path[4096], train_path[4096], time_path[4096];
    snprintf(layers_path, sizeof layers_path, "%s/vgrad-bench-layers.csv", dir);
    snprintf(train_path, sizeof train_path, "%s/vgrad-bench-train.csv", dir);
    snprintf(time_path, sizeof time_path, "%s/vgrad-bench-time.csv", dir);
    csv_out layers, train, time;
    if (csvout_open(&layers, layers_path, err)) return 1;
    if (csvout_open(&train, train_path, err)) {
        csvout_abort(&layers);
        return 1;
    }
    if (csvout_open(&time, time_path, err)) {
        csvout_abort(&layers);
        csvout_abort(&train);
        return 1;
    }
    trainer_layers_header(&layers);
    trainer_train_header(&train, 0);
    trainer_time_header(&time);
    run_sinks sinks = {&layers, &train, NULL, NULL, &time};
    run_result res;
    cfg->steps = steps - 1; /* trainer_run makes steps + 1 passes */
    int rc = trainer_run(t, &sinks, &res, err);
    csvout_abort(&layers);
    csvout_abort(&train);
    csvout_abort(&time);
    return rc;
}

/* One row's measurement: the baseline's products (baseline(ctx), one step
 * of them) and vgrad's recorded steps, alternately, three rounds each of
 * the same number of steps; the best time per step of each.  The number of
 * steps fills budget seconds by a first timing of one baseline step, a
 * multiple of 10 so that the log_every 1 and 10 rows log the same share of
 * steps; a first training run warms the trainer's memory (page faults), so
 * both sides are measured in steady state.  Returns 0, or 1 with err set. */
static int measure(trainer *t, vg_config *cfg, void (*baseline)(void *), void *ctx,
                   double budget, const char *dir, double *best_dgemm, double *best_vgrad,
                   vg_error *err)
{
    double t0 = now();
    baseline(ctx);
    long steps = (long)(budget / (now() - t0 + 1e-9));
    steps = steps < 10 ? 10 : steps / 10 * 10;
    if (run_recorded(t, cfg, 10, dir, err)) return 1;
    *best_dgemm = *best_vgrad = 1e300;
    for (int rep = 0; rep < 3; rep++) {
        t0 = now();
        for (long i = 0; i < steps; i++) baseline(ctx);
        double d = (now() - t0) / steps;
        if (d < *best_dgemm) *best_dgemm = d;
        t0 = now();
        if (run_recorded(t, cfg, steps, dir, err)) return 1;
        d = (now() - t0) / steps;
        if (d < *best_vgrad) *best_vgrad = d;
    }
    return 0;
}

/* The LSTM row (issue 13): model=lstm, one layer of H units over T steps of
 * D inputs, batch B, a dense output of K units on the last step, recording
 * (layers.csv, train.csv, time.csv) every log_every steps.  Its products, as
 * layer_rnn.c makes them: the input projections of all steps (B*T, D) x
 * (D, 4H), the recurrent product (B, H) x (H, 4H) at each step but the
 * first, and backward the carry (B, 4H) x (4H, H) and dW_hh's term (4H, B)
 * x (B, H) at each step but the first, dW_ih (4H, B*T) x (B*T, D); the
 * output layer's z and dW.  The baseline calls cblas_dgemm with the same
 * shapes and leading dimensions on buffers of its own. */
enum { LSTM_T = 100, LSTM_D = 32, LSTM_H = 256, LSTM_B = 128, LSTM_K = 10, LSTM_G = 4 * LSTM_H };

enum { X, GATE, HS, CARRY, W_IH, W_HH, DW_IH, DW_HH, W_OUT, Z, LSTM_BUFS };

/* The baseline's buffers, b[X] .. b[Z], of lstm_sizes[] doubles. */
typedef struct {
    double *b[LSTM_BUFS];
} lstm_products;

static const size_t lstm_sizes[LSTM_BUFS] = {
    [X] = (size_t)LSTM_B * LSTM_T * LSTM_D, [GATE] = (size_t)LSTM_B * LSTM_T * LSTM_G,
    [HS] = (size_t)LSTM_B * LSTM_T * LSTM_H, [CARRY] = (size_t)LSTM_B * LSTM_H,
    [W_IH] = (size_t)LSTM_G * LSTM_D,       [W_HH] = (size_t)LSTM_G * LSTM_H,
    [DW_IH] = (size_t)LSTM_G * LSTM_D,      [DW_HH] = (size_t)LSTM_G * LSTM_H,
    [W_OUT] = (size_t)LSTM_K * LSTM_H,      [Z] = (size_t)LSTM_B * LSTM_K};

static void lstm_baseline(void *ctx)
{
    double *const *p = ((const lstm_products *)ctx)->b;
    enum { T = LSTM_T, D = LSTM_D, H = LSTM_H, B = LSTM_B, K = LSTM_K, G = LSTM_G };
    int ldh = T * H, ldg = T * G;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B * T, G, D, 1.0, p[X], D, p[W_IH], D,
                0.0, p[GATE], G);
    for (int s = 1; s < T; s++)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, G, H, 1.0,
                    p[HS] + (size_t)(s - 1) * H, ldh, p[W_HH], H, 1.0, p[GATE] + (size_t)s * G,
                    ldg);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, K, H, 1.0, p[HS], H, p[W_OUT], H, 0.0,
                p[Z], K);
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, K, H, B, 1.0, p[Z], K, p[HS], H, 0.0,
                p[W_OUT], H);
    for (int s = T - 1; s >= 1; s--) {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, H, G, 1.0,
                    p[GATE] + (size_t)s * G, ldg, p[W_HH], H, 0.0, p[CARRY], H);
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, G, H, B, 1.0,
                    p[GATE] + (size_t)s * G, ldg, p[HS] + (size_t)(s - 1) * H, ldh, 1.0,
                    p[DW_HH], H);
    }
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, G, D, B * T, 1.0, p[GATE], G, p[X], D,
                0.0, p[DW_IH], D);
}

static int lstm_row(double budget, int log_every, const char *dir)
{
    enum { T = LSTM_T, D = LSTM_D, H = LSTM_H, B = LSTM_B, K = LSTM_K, G = LSTM_G };
    static vg_config cfg;
    vg_error err;
    char every[64];
    snprintf(every, sizeof every, "log_every=%d", log_every);
    config_defaults(&cfg);
    const char *args[] = {"model=lstm",      "depth=1",       "width=256",     "seq_len=100",
                          "n_features=3200", "n_samples=128", "dataset=gauss", "n_classes=10",
                          "lr=1e-6",         every};
    int rc = 0;
    for (size_t k = 0; k < sizeof args / sizeof args[0]; k++)
        rc |= config_set_arg(&cfg, args[k], &err);
    trainer t;
    if (rc || config_resolve(&cfg, &err) || trainer_setup(&t, &cfg, &err)) {
        fprintf(stderr, "vgrad-bench: %s\n", err.msg);
        return 2;
    }
    lstm_products p;
    for (int k = 0; k < LSTM_BUFS; k++)
        if (!(p.b[k] = calloc(lstm_sizes[k], sizeof(double)))) {
            fprintf(stderr, "vgrad-bench: out of memory\n");
            return 2;
        }
    double flops = 2.0 * B * T * D * G * 2 + 2.0 * (T - 1) * B * H * G * 3 + 2.0 * B * H * K * 2;
    double best_dgemm, best_vgrad;
    if (measure(&t, &cfg, lstm_baseline, &p, budget, dir, &best_dgemm, &best_vgrad, &err)) {
        fprintf(stderr, "vgrad-bench: %s\n", err.msg);
        return 1;
    }
    trainer_free(&t);
    printf("%d,%d,%d,%s,%s,%d,%.2f,%.2f,%.3f,%.6g\n", 1, H, B, "lstm", "model=lstm seq_len=100",
           log_every, flops / best_dgemm * 1e-9, flops / best_vgrad * 1e-9,
           best_dgemm / best_vgrad, best_vgrad);
    fflush(stdout);
    for (int k = 0; k < LSTM_BUFS; k++) free(p.b[k]);
    return 0;
}

int main(int argc, char **argv)
{
    const char *act = argc > 1 ? argv[1] : "relu";
    double budget = argc > 2 ? atof(argv[2]) : 1.0;
    if (argc > 3 && strcmp(argv[3], "cpu") != 0 && strcmp(argv[3], "wall") != 0) {
        fprintf(stderr, "vgrad-bench: clock '%s'; allowed: wall or cpu\n", argv[3]);
        return 2;
    }
    use_cpu_clock = argc > 3 && strcmp(argv[3], "cpu") == 0;
    const char *dir = argc > 4 ? argv[4] : "/tmp";
    static const struct {
        int depth, width, batch;
        const char *network; /* a key=value, or "plain" */
    } shapes[] = {{16, 512, 256, "plain"},      {50, 256, 128, "plain"},
                  {16, 64, 64, "plain"},        {16, 512, 256, "norm=batch"},
                  {16, 512, 256, "residual=2"}};
    static const int log_every[] = {1, 10};
    openblas_set_num_threads(1);
    printf("# vgrad-bench: activation %s, 1 BLAS thread, %s clock, OpenBLAS %s\n", act,
           use_cpu_clock ? "thread CPU" : "wall", openblas_get_config());
    printf("depth,width,batch,activation,network,log_every,dgemm_gflops,vgrad_gflops,ratio,"
           "vgrad_seconds_per_step\n");
    if (strcmp(act, "lstm") == 0) {
        for (size_t e = 0; e < sizeof log_every / sizeof log_every[0]; e++)
            if (lstm_row(budget, log_every[e], dir)) return 1;
        return 0;
    }
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (size_t e = 0; e < sizeof log_every / sizeof log_every[0]; e++) {
            int depth = shapes[s].depth, width = shapes[s].width, batch = shapes[s].batch;
            static vg_config cfg;
            vg_error err;
            char arg[64];
            config_defaults(&cfg);
            int rc = 0;
            snprintf(arg, sizeof arg, "depth=%d", depth);
            rc |= config_set_arg(&cfg, arg, &err);
            snprintf(arg, sizeof arg, "width=%d", width);
            rc |= config_set_arg(&cfg, arg, &err);
            snprintf(arg, sizeof arg, "n_features=%d", width);
            rc |= config_set_arg(&cfg, arg, &err);
            snprintf(arg, sizeof arg, "n_samples=%d", batch);
            rc |= config_set_arg(&cfg, arg, &err);
            snprintf(arg, sizeof arg, "activation=%s", act);
            rc |= config_set_arg(&cfg, arg, &err);
            rc |= config_set_arg(&cfg, "dataset=teacher", &err);
            rc |= config_set_arg(&cfg, "n_classes=10", &err);
            rc |= config_set_arg(&cfg, "init=he_normal", &err);
            rc |= config_set_arg(&cfg, "lr=1e-6", &err);
            snprintf(arg, sizeof arg, "log_every=%d", log_every[e]);
            rc |= config_set_arg(&cfg, arg, &err);
            if (strcmp(shapes[s].network, "plain") != 0)
                rc |= config_set_arg(&cfg, shapes[s].network, &err);
            if (rc || config_resolve(&cfg, &err)) {
                fprintf(stderr, "vgrad-bench: %s\n", err.msg);
                return 2;
            }
            trainer t;
            if (trainer_setup(&t, &cfg, &err)) {
                fprintf(stderr, "vgrad-bench: %s\n", err.msg);
                return 2;
            }
            double flops = step_flops(&t.net, batch);
            mlp_products prod = {&t.net, batch};
            double best_dgemm, best_vgrad;
            if (measure(&t, &cfg, mlp_baseline, &prod, budget, dir, &best_dgemm, &best_vgrad,
                        &err)) {
                fprintf(stderr, "vgrad-bench: %s\n", err.msg);
                return 1;
            }
            trainer_free(&t);
            printf("%d,%d,%d,%s,%s,%d,%.2f,%.2f,%.3f,%.6g\n", depth, width, batch, act,
                   shapes[s].network, log_every[e], flops / best_dgemm * 1e-9,
                   flops / best_vgrad * 1e-9, best_dgemm / best_vgrad, best_vgrad);
            fflush(stdout);
        }
    return 0;
}
