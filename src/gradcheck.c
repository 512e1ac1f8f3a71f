/* gradcheck.c: central differences with Richardson extrapolation. */
#include "gradcheck.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "train.h"

#define GC_STEP 1e-3
#define GC_REFINE 10  /* the second step is GC_STEP / GC_REFINE */
#define GC_NOISE 16   /* rounding noise of a loss: GC_NOISE ulps of it */
#define GC_FLOOR 1e-10

/* Which piece of its piecewise functions every value of every layer lies
 * in, hashed (each kind's kinks).  If a perturbation changes it, a kink was
 * crossed. */
static uint64_t kink_fingerprint(const mlp *net, int B)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (int l = 1; l <= net->L; l++)
        if (net->layers[l].kind->kinks) h = net->layers[l].kind->kinks(net, l, B, h);
    return h;
}

static double loss_at(mlp *net, const int *labels, int B, double *w, double value,
                      uint64_t *fingerprint)
{
    double saved = *w;
    *w = value;
    double loss = mlp_forward(net, labels, B, 0);
    *fingerprint = kink_fingerprint(net, B);
    *w = saved;
    return loss;
}

/* Richardson-extrapolated central difference of the loss in *w around w0
 * at step h, (4 D(h/2) - D(h)) / 3 with D(h) = (L(w0 + h) - L(w0 - h)) / 2h;
 * f[0..4) receive the kink fingerprints of the four evaluations. */
static double richardson(mlp *net, const int *labels, int B, double *w, double w0, double h,
                         uint64_t *f)
{
    double lp = loss_at(net, labels, B, w, w0 + h, &f[0]);
    double lm = loss_at(net, labels, B, w, w0 - h, &f[1]);
    double lp2 = loss_at(net, labels, B, w, w0 + h / 2, &f[2]);
    double lm2 = loss_at(net, labels, B, w, w0 - h / 2, &f[3]);
    double d1 = (lp - lm) / (2 * h), d2 = (lp2 - lm2) / h;
    return (4 * d2 - d1) / 3;
}

void gradcheck_run(mlp *net, const int *labels, int B, int max_per_layer, rng_state *rng,
                   gradcheck_layer *out)
{
    double loss0 = mlp_forward(net, labels, B, 1);
    mlp_backward(net, B);
    uint64_t base = kink_fingerprint(net, B);

    for (int l = 1; l <= net->L; l++) {
        gradcheck_layer *r = &out[l];
        memset(r, 0, sizeof *r);
        /* The parameters of the layer's groups in use, one after the other. */
        const layer *ly = &net->layers[l];
        size_t n = 0;
        for (int g = 0; g < ly->kind->n_groups; g++)
            if (mlp_group_trained(net, l, g)) n += layer_group_size(ly, g);
        size_t count = n <= (size_t)max_per_layer ? n : (size_t)max_per_layer;
        double diff_sq = 0.0, analytic_sq = 0.0, numeric_sq = 0.0;
        for (size_t c = 0; c < count; c++) {
            size_t k = count == n ? c : (size_t)rng_below(rng, n);
            int grp = 0;
            for (;; grp++) {
                if (!mlp_group_trained(net, l, grp)) continue;
                size_t size = layer_group_size(ly, grp);
                if (k < size) break;
                k -= size;
            }
            double *w = mlp_param(net, l, grp) + k;
            double g = mlp_grad(net, l, grp)[k];
            double w0 = *w, numeric;
            uint64_t f[8];
            double coarse = richardson(net, labels, B, w, w0, GC_STEP, f);
            double fine = richardson(net, labels, B, w, w0, GC_STEP / GC_REFINE, f + 4);
            int crossed = 0;
            for (int q = 0; q < 8; q++) crossed |= f[q] != base;
            if (crossed) {
                r->skipped++;
                continue;
            }
            /* coarse - fine estimates coarse's truncation error (fine's is
             * GC_REFINE^4 times smaller); beyond the rounding noise of fine,
             * the step is too large for this loss, and fine is used */
            double noise = GC_NOISE * DBL_EPSILON * fmax(fabs(loss0), GC_FLOOR) * GC_REFINE / GC_STEP;
            if (fabs(coarse - fine) > noise) {
                numeric = fine;
                r->refined++;
            } else {
                numeric = coarse;
            }
            double denom = fmax(fmax(fabs(g), fabs(numeric)), GC_FLOOR);
            double e = fabs(g - numeric) / denom;
            if (e > r->max_entry_error || isnan(e)) r->max_entry_error = e;
            if (fabs(g) > r->max_abs_grad) r->max_abs_grad = fabs(g);
            diff_sq += (g - numeric) * (g - numeric);
            analytic_sq += g * g;
            numeric_sq += numeric * numeric;
            r->checked++;
        }
        r->grad_norm = sqrt(analytic_sq);
        r->rel_error = sqrt(diff_sq) / fmax(fmax(r->grad_norm, sqrt(numeric_sq)), GC_FLOOR);
    }
    /* Leave the network as a backward pass left it. */
    mlp_forward(net, labels, B, 1);
    mlp_backward(net, B);
}

/* A number as the rows show it: 4 significant digits, %.3e. */
static void write_sci(csv_out *o, double v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%.3e", v);
    csvout_str(o, buf);
}

int gradcheck_write(const vg_config *cfg, double tol, int max_examples, int max_per_layer,
                    csv_out *rows, gradcheck_report *rep, vg_error *err)
{
    memset(rep, 0, sizeof *rep);
    trainer t;
    int rc = trainer_setup(&t, cfg, err);
    if (rc != VG_OK) return rc;
    int B = trainer_first_batch(&t, max_examples);
    if (cfg->norm == NORM_BATCH && B < 2) {
        trainer_free(&t);
        return vg_fail(err, VG_EUSAGE, "norm=batch needs at least 2 examples to check; "
                       "allowed: --examples 2 or more");
    }
    gradcheck_layer *r = vg_calloc((size_t)t.net.L + 1, sizeof *r);
    if (!r) {
        trainer_free(&t);
        return vg_fail(err, VG_EFAIL, "out of memory");
    }
    rng_state rng;
    rng_seed(&rng, (uint64_t)cfg->seed, RNG_STREAM_CHECK);
    gradcheck_run(&t.net, t.labels, B, max_per_layer, &rng, r);

    csvout_header(rows, "layer,checked,skipped_at_kinks,rel_error,max_entry_error,grad_norm");
    double biggest = 0.0;
    for (int l = 1; l <= t.net.L; l++) {
        csvout_int(rows, l);
        csvout_int(rows, r[l].checked);
        csvout_int(rows, r[l].skipped);
        write_sci(rows, r[l].rel_error);
        write_sci(rows, r[l].max_entry_error);
        write_sci(rows, r[l].grad_norm);
        csvout_endrow(rows);
        if (!(r[l].rel_error <= tol)) rep->failed = 1;
        if (r[l].max_abs_grad > biggest) biggest = r[l].max_abs_grad;
    }
    rep->examples = B;
    rep->all_zero = biggest == 0.0;
    trainer_free(&t);
    free(r);
    return VG_OK;
}
