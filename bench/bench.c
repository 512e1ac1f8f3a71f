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
 * Rows: three plain networks, then at (16, 512, 256) a network with batch
 * normalisation (norm=batch) and one with shortcuts around blocks of two
 * layers (residual=2).  Their steps make the same products (normalisation
 * and shortcuts add elementwise passes only), so the baseline is the same.
 * Last, an LSTM (lstm_row: width 256, batch 128, 100 steps of 32 inputs;
 * its activation column names the cell).
 *
 * usage: vgrad-bench [activation] [seconds per measurement] [wall|cpu]
 * cpu times both sides by the thread's CPU time instead of the wall clock:
 * on a machine shared with other jobs it leaves out the time the thread
 * waits for a core (both sides are single-threaded). */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
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

/* The LSTM row (issue 13): model=lstm, one layer of H units over T steps of
 * D inputs, batch B, a dense output of K units on the last step.  Its
 * products, as layer_rnn.c makes them: the input projections of all steps
 * (B*T, D) x (D, 4H), the recurrent product (B, H) x (H, 4H) at each step
 * but the first, and backward the carry (B, 4H) x (4H, H) and dW_hh's term
 * (4H, B) x (B, H) at each step but the first, dW_ih (4H, B*T) x (B*T, D);
 * the output layer's z and dW.  The baseline calls cblas_dgemm with the
 * same shapes and leading dimensions on buffers of its own. */
static int lstm_row(double budget)
{
    enum { T = 100, D = 32, H = 256, B = 128, K = 10 };
    static vg_config cfg;
    vg_error err;
    config_defaults(&cfg);
    const char *args[] = {"model=lstm", "depth=1", "width=256", "seq_len=100", "n_features=3200",
                          "n_samples=128", "dataset=gauss", "n_classes=10", "lr=1e-6",
                          "log_every=1000000000"};
    int rc = 0;
    for (size_t k = 0; k < sizeof args / sizeof args[0]; k++)
        rc |= config_set_arg(&cfg, args[k], &err);
    trainer t;
    if (rc || config_resolve(&cfg, &err) || trainer_setup(&t, &cfg, &err)) {
        fprintf(stderr, "vgrad-bench: %s\n", err.msg);
        return 2;
    }
    size_t G = 4 * (size_t)H;
    double *x = calloc((size_t)B * T * D, sizeof(double)), *gate = calloc((size_t)B * T * G, sizeof(double));
    double *hs = calloc((size_t)B * T * H, sizeof(double)), *carry = calloc((size_t)B * H, sizeof(double));
    double *W_ih = calloc(G * D, sizeof(double)), *W_hh = calloc(G * H, sizeof(double));
    double *dW_ih = calloc(G * D, sizeof(double)), *dW_hh = calloc(G * H, sizeof(double));
    double *W_out = calloc((size_t)K * H, sizeof(double)), *z = calloc((size_t)B * K, sizeof(double));
    if (!x || !gate || !hs || !carry || !W_ih || !W_hh || !dW_ih || !dW_hh || !W_out || !z) {
        fprintf(stderr, "vgrad-bench: out of memory\n");
        return 2;
    }
    int ldh = T * H, ldg = T * (int)G;
    double flops = 2.0 * B * T * D * G * 2 + 2.0 * (T - 1) * B * H * G * 3 + 2.0 * B * H * K * 2;
    double best_dgemm = 1e300, best_vgrad = 1e300;
    long steps = 0;
    run_result res;
    const run_sinks no_sinks = {NULL, NULL, NULL, NULL, NULL};
    cfg.steps = 2;
    trainer_run(&t, &no_sinks, &res, &err);   /* warm the trainer's memory */
    for (int rep = 0; rep < 3; rep++) {
        double t0 = now();
        long n = 0;
        do {
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B * T, (int)G, D, 1.0, x, D,
                        W_ih, D, 0.0, gate, (int)G);
            for (int s = 1; s < T; s++)
                cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, (int)G, H, 1.0,
                            hs + (size_t)(s - 1) * H, ldh, W_hh, H, 1.0, gate + (size_t)s * G,
                            ldg);
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, K, H, 1.0, hs, H, W_out, H,
                        0.0, z, K);
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, K, H, B, 1.0, z, K, hs, H, 0.0,
                        W_out, H);
            for (int s = T - 1; s >= 1; s--) {
                cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, H, (int)G, 1.0,
                            gate + (size_t)s * G, ldg, W_hh, H, 0.0, carry, H);
                cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)G, H, B, 1.0,
                            gate + (size_t)s * G, ldg, hs + (size_t)(s - 1) * H, ldh, 1.0, dW_hh,
                            H);
            }
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)G, D, B * T, 1.0, gate,
                        (int)G, x, D, 0.0, dW_ih, D);
            n++;
        } while (steps ? n < steps : now() - t0 < budget / 3);
        if (!steps) steps = n < 3 ? 3 : n;
        double d = (now() - t0) / n;
        if (d < best_dgemm) best_dgemm = d;
        cfg.steps = steps - 1;   /* trainer_run makes steps + 1 passes */
        t0 = now();
        trainer_run(&t, &no_sinks, &res, &err);
        d = (now() - t0) / steps;
        if (d < best_vgrad) best_vgrad = d;
    }
    trainer_free(&t);
    printf("%d,%d,%d,%s,%s,%.2f,%.2f,%.3f\n", 1, H, B, "lstm", "model=lstm seq_len=100",
           flops / best_dgemm * 1e-9, flops / best_vgrad * 1e-9, best_dgemm / best_vgrad);
    fflush(stdout);
    free(x), free(gate), free(hs), free(carry), free(W_ih), free(W_hh), free(dW_ih), free(dW_hh);
    free(W_out), free(z);
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
    static const struct {
        int depth, width, batch;
        const char *network; /* a key=value, or "plain" */
    } shapes[] = {{16, 512, 256, "plain"},      {50, 256, 128, "plain"},
                  {16, 64, 64, "plain"},        {16, 512, 256, "norm=batch"},
                  {16, 512, 256, "residual=2"}};
    openblas_set_num_threads(1);
    printf("# vgrad-bench: activation %s, 1 BLAS thread, %s clock, OpenBLAS %s\n", act,
           use_cpu_clock ? "thread CPU" : "wall", openblas_get_config());
    printf("depth,width,batch,activation,network,dgemm_gflops,vgrad_gflops,ratio\n");
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
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
        rc |= config_set_arg(&cfg, "log_every=1000000000", &err);
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
        /* Steps per measurement from a first timing of one step; a first
         * training run warms the trainer's memory (page faults) so both
         * sides are measured in steady state. */
        double t0 = now();
        dgemm_step(&t.net, batch);
        long steps = (long)(budget / (now() - t0 + 1e-9));
        if (steps < 3) steps = 3;
        run_result res;
        const run_sinks no_sinks = {NULL, NULL, NULL, NULL, NULL};
        cfg.steps = 2;
        trainer_run(&t, &no_sinks, &res, &err);
        cfg.steps = steps - 1;  /* trainer_run makes steps + 1 passes */
        double best_dgemm = 1e300, best_vgrad = 1e300;
        for (int rep = 0; rep < 3; rep++) {
            t0 = now();
            for (long i = 0; i < steps; i++) dgemm_step(&t.net, batch);
            double d = (now() - t0) / steps;
            if (d < best_dgemm) best_dgemm = d;
            t0 = now();
            trainer_run(&t, &no_sinks, &res, &err);
            d = (now() - t0) / steps;
            if (d < best_vgrad) best_vgrad = d;
        }
        trainer_free(&t);
        printf("%d,%d,%d,%s,%s,%.2f,%.2f,%.3f\n", depth, width, batch, act, shapes[s].network,
               flops / best_dgemm * 1e-9, flops / best_vgrad * 1e-9, best_dgemm / best_vgrad);
        fflush(stdout);
    }
    return lstm_row(budget);
}
