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
 * usage: vgrad-bench [activation] [seconds per measurement] */
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

static double step_flops(const mlp *net, int B)
{
    double flops = 0;
    for (int l = 1; l <= net->L; l++) {
        double f = 2.0 * B * net->dims[l - 1] * net->dims[l];
        flops += l > 1 ? 3 * f : 2 * f;
    }
    return flops;
}

int main(int argc, char **argv)
{
    const char *act = argc > 1 ? argv[1] : "relu";
    double budget = argc > 2 ? atof(argv[2]) : 1.0;
    static const int shapes[][3] = {{16, 512, 256}, {50, 256, 128}, {16, 64, 64}};
    openblas_set_num_threads(1);
    printf("# vgrad-bench: activation %s, 1 BLAS thread, OpenBLAS %s\n", act,
           openblas_get_config());
    printf("depth,width,batch,activation,dgemm_gflops,vgrad_gflops,ratio\n");
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        int depth = shapes[s][0], width = shapes[s][1], batch = shapes[s][2];
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
        double t0 = vg_seconds();
        dgemm_step(&t.net, batch);
        long steps = (long)(budget / (vg_seconds() - t0 + 1e-9));
        if (steps < 3) steps = 3;
        run_result res;
        const run_sinks no_sinks = {NULL, NULL, NULL, NULL};
        cfg.steps = 2;
        trainer_run(&t, &no_sinks, &res, &err);
        cfg.steps = steps - 1;  /* trainer_run makes steps + 1 passes */
        double best_dgemm = 1e300, best_vgrad = 1e300;
        for (int rep = 0; rep < 3; rep++) {
            t0 = vg_seconds();
            for (long i = 0; i < steps; i++) dgemm_step(&t.net, batch);
            double d = (vg_seconds() - t0) / steps;
            if (d < best_dgemm) best_dgemm = d;
            t0 = vg_seconds();
            trainer_run(&t, &no_sinks, &res, &err);
            d = (vg_seconds() - t0) / steps;
            if (d < best_vgrad) best_vgrad = d;
        }
        trainer_free(&t);
        printf("%d,%d,%d,%s,%.2f,%.2f,%.3f\n", depth, width, batch, act,
               flops / best_dgemm * 1e-9, flops / best_vgrad * 1e-9, best_dgemm / best_vgrad);
        fflush(stdout);
    }
    return 0;
}
