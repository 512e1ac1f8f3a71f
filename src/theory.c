/* theory.c: the length map, chi and the depth scale by Gauss-Hermite
 * quadrature. */
#include "theory.h"

#include <gsl/gsl_integration.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csvio.h"
#include "init.h"
#include "rnn.h"
#include "train.h"

#define GH_NODES 256

/* Nodes and weights of the rule for the weight exp(-x^2/2), computed once.
 * An even count puts no node at 0 and keeps the rule symmetric, so the
 * expectations of ReLU-family integrands (0.5 and q/2) come out exact. */
static double gh_x[GH_NODES], gh_w[GH_NODES];
static int gh_ready = 0;

static int gh_init(void)
{
    if (gh_ready) return 1;
    gsl_integration_fixed_workspace *w =
        gsl_integration_fixed_alloc(gsl_integration_fixed_hermite, GH_NODES, 0.0, 0.5, 0.0, 0.0);
    if (!w) return 0;
    const double *x = gsl_integration_fixed_nodes(w), *wt = gsl_integration_fixed_weights(w);
    for (int i = 0; i < GH_NODES; i++) {
        gh_x[i] = x[i];
        gh_w[i] = wt[i] / sqrt(2.0 * 3.14159265358979323846);
    }
    gsl_integration_fixed_free(w);
    gh_ready = 1;
    return 1;
}

double theory_gauss_mean(const act_info *act, double param, double q, int which)
{
    if (!gh_init()) return NAN;
    double s = sqrt(q), sum = 0.0;
    for (int i = 0; i < GH_NODES; i++) {
        double x = s * gh_x[i];
        double v = which == 2 ? act->df(x, param) : act->f(x, param);
        sum += gh_w[i] * (which == 0 ? v : v * v);
    }
    return sum;
}

/* Quantities at q* = 0 are the limits q -> 0+, taken at this q. */
#define TINY_Q 1e-200

/* The fixed point of the length map q -> s2 E[phi(sqrt(q) z)^2] + sb2 into
 * *q_star, iterated from q_first (1 when it is not positive); returns 0
 * when the iteration does not converge (to 1e-14 relative in 20000 steps)
 * or runs off to infinity. */
static int fixed_point(const act_info *act, double p, double s2, double sb2, double q_first,
                       double *q_star)
{
    /* q* = 0 is the fixed point when the map fixes 0 (phi(0) = 0, no bias
     * variance) and its slope there, lim s2 E[phi(sqrt(q) z)^2] / q, is at
     * most 1: iterating would only creep towards it like 1/l. */
    double q = q_first > 0 ? q_first : 1.0;
    if (sb2 == 0.0 && act->f(0.0, p) == 0.0 &&
        s2 * theory_gauss_mean(act, p, TINY_Q, 1) / TINY_Q <= 1.0 + 1e-12) {
        /* A map that fixes q_first too is the identity (ReLU at sigma_w^2 = 2):
         * every q is a fixed point, and the network keeps its q_first. */
        *q_star = fabs(s2 * theory_gauss_mean(act, p, q, 1) - q) <= 1e-12 * q ? q : 0.0;
        return 1;
    }
    for (int it = 0; it < 20000; it++) {
        double next = s2 * theory_gauss_mean(act, p, q, 1) + sb2;
        int converged = fabs(next - q) <= 1e-14 * fabs(q);
        q = next;
        if (converged) {
            *q_star = q;
            return 1;
        }
        if (!isfinite(q) || q > 1e300) break;
    }
    return 0;
}

/* The scale -1 / ln(chi) over which the squared gradient norm changes by
 * e; infinite at chi = 1 (to rounding: the edge of chaos). */
static double scale_of(double chi)
{
    return fabs(chi - 1.0) < 1e-12 ? INFINITY : -1.0 / log(chi);
}

int theory_compute(const vg_config *cfg, int n_in, int n_out, double input_q, theory_result *r,
                   vg_error *err)
{
    memset(r, 0, sizeof *r);
    if (cfg->norm != 0 || cfg->residual != 0)
        return vg_fail(err, VG_EUSAGE, "the mean-field theory here is of plain networks; "
                       "allowed: norm=none and residual=0");
    if (!gh_init()) return vg_fail(err, VG_EFAIL, "GSL could not build the quadrature rule");
    double sigma_b2 = 0.0;
    if (cfg->bias) {
        if (cfg->bias_init.normal)
            sigma_b2 = cfg->bias_init.value * cfg->bias_init.value;
        else if (cfg->bias_init.value != 0.0)
            return vg_fail(err, VG_EUSAGE, "mean-field theory needs random or zero biases; "
                           "allowed: bias_init=0, bias_init=normal:STD or bias=0");
    }
    const act_info *act = &act_table[cfg->activation];
    double p = cfg->act_param;
    int D = cfg->n_widths;
    size_t n = (size_t)D + 2;
    r->q = vg_calloc(n, sizeof(double));
    r->chi = vg_calloc(n, sizeof(double));
    r->log10_delta_ratio = vg_calloc(n, sizeof(double));
    r->log10_grad_w_ratio = vg_calloc(n, sizeof(double));
    double *sw2 = vg_calloc(n, sizeof(double)), *ea2 = vg_calloc(n, sizeof(double));
    int *dims = vg_calloc(n, sizeof(int));
    if (!r->q || !r->chi || !r->log10_delta_ratio || !r->log10_grad_w_ratio || !sw2 || !ea2 ||
        !dims) {
        free(sw2);
        free(ea2);
        free(dims);
        theory_free(r);
        return vg_fail(err, VG_EFAIL, "out of memory");
    }
    r->depth = D;
    dims[0] = n_in;
    for (int l = 1; l <= D; l++) dims[l] = cfg->widths[l - 1];
    dims[D + 1] = n_out;
    init_params ip = {cfg->init_std, cfg->init_bound, cfg->init_gain};
    for (int l = 1; l <= D + 1; l++) {
        double sd = init_std_of(cfg->init, dims[l], dims[l - 1], &ip) * cfg->init_gain;
        sw2[l] = dims[l - 1] * sd * sd;
    }
    /* Forward: q_l and E[phi^2] of each hidden layer. */
    ea2[0] = input_q;
    for (int l = 1; l <= D; l++) {
        r->q[l] = sw2[l] * ea2[l - 1] + sigma_b2;
        ea2[l] = theory_gauss_mean(act, p, r->q[l], 1);
    }
    /* Backward factors between adjacent layers. */
    for (int l = 1; l <= D; l++) {
        r->chi[l] = sw2[l + 1] * theory_gauss_mean(act, p, r->q[l], 2);
        r->log10_delta_ratio[l] = 0.5 * log10(r->chi[l]);
        /* ||dW_l||^2 ~ ||delta_l||^2 n_{l-1} E[a_{l-1}^2]: the ratio of
         * layer l to l+1 adds the activations' part. */
        r->log10_grad_w_ratio[l] =
            0.5 * log10(r->chi[l] * (dims[l - 1] * ea2[l - 1]) / (dims[l] * ea2[l]));
    }
    /* The fixed point of the hidden layers' map (the second hidden layer's
     * sigma_w^2, which the first can differ from when n_in != width). */
    double s2 = D >= 2 ? sw2[2] : sw2[1];
    double q;
    int converged = fixed_point(act, p, s2, sigma_b2, r->q[1], &q);
    r->sigma_w2 = s2;
    r->sigma_b2 = sigma_b2;
    r->q_star = converged ? q : NAN;
    r->chi1 = converged ? s2 * theory_gauss_mean(act, p, q > TINY_Q ? q : TINY_Q, 2) : NAN;
    r->depth_scale = scale_of(r->chi1);
    free(sw2);
    free(ea2);
    free(dims);
    return VG_OK;
}

void theory_free(theory_result *r)
{
    free(r->q);
    free(r->chi);
    free(r->log10_delta_ratio);
    free(r->log10_grad_w_ratio);
    memset(r, 0, sizeof *r);
}

/* ---- the vanilla RNN through time --------------------------------------- */

int theory_rnn_compute(const act_info *act, double param, const theory_rnn_params *rp,
                       const double *input_q, theory_rnn_result *r, vg_error *err)
{
    memset(r, 0, sizeof *r);
    int K = rp->layers, T = rp->seq_len;
    if (K < 1 || T < 1)
        return vg_fail(err, VG_EUSAGE, "the RNN map needs at least one layer and one time step");
    if (!(rp->sigma_w2 >= 0) || !(rp->sigma_u2_first >= 0) || !(rp->sigma_u2 >= 0) ||
        !(rp->sigma_b2 >= 0))
        return vg_fail(err, VG_EUSAGE, "the RNN map needs finite variances of 0 or more");
    if (!gh_init()) return vg_fail(err, VG_EFAIL, "GSL could not build the quadrature rule");
    size_t n = (size_t)K * (size_t)T;
    if (n / (size_t)T != (size_t)K) return vg_fail(err, VG_EUSAGE, "the RNN map is too large");
    r->q = calloc(n, sizeof(double));
    r->chi = calloc(n, sizeof(double));
    if (!r->q || !r->chi) {
        theory_rnn_free(r);
        return vg_fail(err, VG_EFAIL, "out of memory");
    }
    r->layers = K;
    r->seq_len = T;
    /* Layer k at step t: the input term is the data's mean square at t for
     * the first layer, the mean square of the layer below at t above it;
     * h_0 = 0 leaves the first step only the input and the biases. */
    for (int k = 1; k <= K; k++) {
        double su2 = k == 1 ? rp->sigma_u2_first : rp->sigma_u2;
        double *q = r->q + (size_t)(k - 1) * T, *below = k > 1 ? r->q + (size_t)(k - 2) * T : NULL;
        for (int t = 1; t <= T; t++) {
            double in = k == 1 ? input_q[t - 1] : theory_gauss_mean(act, param, below[t - 1], 1);
            double recurrent = t == 1 ? 0.0 : rp->sigma_w2 * theory_gauss_mean(act, param, q[t - 2], 1);
            q[t - 1] = recurrent + su2 * in + rp->sigma_b2;
            r->chi[(size_t)(k - 1) * T + t - 1] =
                rp->sigma_w2 * theory_gauss_mean(act, param, q[t - 1] > 0 ? q[t - 1] : TINY_Q, 2);
        }
    }
    /* The fixed point under the input's mean square averaged over the steps
     * (each layer's input term from the fixed point of the one below). */
    double mean_in = 0.0, q_star = NAN;
    for (int t = 0; t < T; t++) mean_in += input_q[t] / T;
    for (int k = 1; k <= K; k++) {
        double su2 = k == 1 ? rp->sigma_u2_first : rp->sigma_u2;
        double in = k == 1 ? mean_in : theory_gauss_mean(act, param, q_star, 1);
        double q_last = r->q[(size_t)k * T - 1];
        if (!fixed_point(act, param, rp->sigma_w2, su2 * in + rp->sigma_b2, q_last, &q_star)) {
            q_star = NAN;
            break;
        }
    }
    r->q_star = q_star;
    r->chi1 = isnan(q_star) ? NAN
              : rp->sigma_w2 * theory_gauss_mean(act, param, q_star > TINY_Q ? q_star : TINY_Q, 2);
    r->time_scale = scale_of(r->chi1);
    return VG_OK;
}

void theory_rnn_free(theory_rnn_result *r)
{
    free(r->q);
    free(r->chi);
    memset(r, 0, sizeof *r);
}

int theory_rnn_params_of(const vg_config *cfg, int n_in, theory_rnn_params *p, vg_error *err)
{
    memset(p, 0, sizeof *p);
    if (cfg->model != MODEL_RNN)
        return vg_fail(err, VG_EUSAGE, "vgrad theory predicts the vanilla RNN through time "
                       "(model=rnn), not model=%s: the gates' mean-field theory is not built "
                       "here; allowed: model=mlp or model=rnn", model_names[cfg->model]);
    if (cfg->recurrent_init == RINIT_IDENTITY)
        return vg_fail(err, VG_EUSAGE, "recurrent_init=identity has no mean-field prediction: "
                       "W_hh = gain*I is not random, and the theory averages over random "
                       "weights; allowed: recurrent_init=pytorch, orthogonal or normal");
    double sigma_b2 = 0.0;
    if (cfg->bias) {
        if (cfg->bias_init.normal)
            sigma_b2 = 2 * cfg->bias_init.value * cfg->bias_init.value;   /* b_ih and b_hh */
        else if (cfg->bias_init.value != 0.0)
            return vg_fail(err, VG_EUSAGE, "mean-field theory needs random or zero biases; "
                           "allowed: bias_init=0, bias_init=normal:STD or bias=0");
    }
    double g = cfg->recurrent_gain;
    if (cfg->recurrent_radius > 0)
        p->sigma_w2 = cfg->recurrent_radius * cfg->recurrent_radius;
    else
        p->sigma_w2 = cfg->recurrent_init == RINIT_PYTORCH ? g * g / 3 : g * g;
    int H = (int)cfg->width;
    init_params ip = {cfg->init_std, cfg->init_bound, cfg->init_gain};
    double sd_first = init_std_of(cfg->init, H, n_in, &ip) * cfg->init_gain;
    double sd_above = init_std_of(cfg->init, H, H, &ip) * cfg->init_gain;
    p->sigma_u2_first = n_in * sd_first * sd_first;
    p->sigma_u2 = H * sd_above * sd_above;
    p->sigma_b2 = sigma_b2;
    p->layers = cfg->n_widths;
    p->seq_len = (int)cfg->seq_len;
    return VG_OK;
}

void theory_input_moments_by_step(const dataset *d, int seq_len, double *input_q)
{
    int F = d->n_features, I = F / seq_len;
    for (int t = 0; t < seq_len; t++) {
        double sum = 0.0;
        for (int i = 0; i < d->n; i++)
            for (int f = t * I; f < (t + 1) * I; f++) sum += d->X[(size_t)i * F + f] * d->X[(size_t)i * F + f];
        input_q[t] = sum / ((double)d->n * I);
    }
}

/* sigma_w^2 and sigma_b^2 of the point of the edge of chaos with fixed
 * point q (theory.h); q = 0 is the limit, sigma_b^2 = -sigma_w^2 phi(0)^2. */
static void edge_point(const act_info *act, double param, double q, double *sw2, double *sb2)
{
    if (q == 0.0) {
        double d = act->df(0.0, param), f0 = act->f(0.0, param);
        *sw2 = 1.0 / (d * d);
        *sb2 = f0 == 0.0 ? 0.0 : -*sw2 * f0 * f0;
        return;
    }
    *sw2 = 1.0 / theory_gauss_mean(act, param, q, 2);
    *sb2 = q - *sw2 * theory_gauss_mean(act, param, q, 1);
}

int theory_edge_of_chaos(const act_info *act, double param, double sigma_b2_max, int n,
                         double *q_star, double *sigma_w2, double *sigma_b2, vg_error *err)
{
    if (!gh_init()) return vg_fail(err, VG_EFAIL, "GSL could not build the quadrature rule");
    if (n < 2 || !(sigma_b2_max > 0.0))
        return vg_fail(err, VG_EUSAGE, "the edge of chaos needs at least 2 points and sigma_b^2 > 0");
    /* Bracket the q* where sigma_b^2 reaches the maximum, then bisect. */
    double lo = 0.0, hi = 1.0 / 64, sw2, sb2;
    for (edge_point(act, param, hi, &sw2, &sb2); !(sb2 >= sigma_b2_max);
         edge_point(act, param, hi, &sw2, &sb2)) {
        if (hi > 1e6 || !isfinite(sw2))
            return vg_fail(err, VG_EUSAGE, "%s has no edge of chaos up to sigma_b^2 = %g "
                           "(sigma_b^2 = %g at q* = %g)", act->name, sigma_b2_max, sb2, hi);
        lo = hi;
        hi *= 2;
    }
    while (hi - lo > 1e-12 * hi) {
        double mid = 0.5 * (lo + hi);
        edge_point(act, param, mid, &sw2, &sb2);
        if (sb2 >= sigma_b2_max) hi = mid;
        else lo = mid;
    }
    for (int i = 0; i < n; i++) {
        q_star[i] = hi * i / (n - 1);
        edge_point(act, param, q_star[i], &sigma_w2[i], &sigma_b2[i]);
    }
    return VG_OK;
}

/* ---- vgrad theory's files ------------------------------------------------ */

void theory_input_moments(const dataset *d, double *input_q, double *q_spread)
{
    int F = d->n_features;
    double sum = 0.0, sum_sq = 0.0;
    for (int i = 0; i < d->n; i++) {
        double m = 0.0;
        for (int f = 0; f < F; f++) m += d->X[(size_t)i * F + f] * d->X[(size_t)i * F + f];
        m /= F;
        sum += m;
        sum_sq += m * m;
    }
    double mean = sum / d->n;
    *input_q = mean;
    *q_spread = mean > 0 ? sqrt(fmax(sum_sq / d->n - mean * mean, 0.0)) / mean : 0.0;
}

static void write_theory_rows(csv_out *o, const theory_result *r)
{
    csvout_header(o, "layer,q,chi,log10_delta_ratio,log10_grad_w_ratio");
    for (int l = 1; l <= r->depth; l++) {
        csvout_int(o, l);
        csvout_num(o, r->q[l]);
        csvout_num(o, r->chi[l]);
        csvout_num(o, r->log10_delta_ratio[l]);
        csvout_num(o, r->log10_grad_w_ratio[l]);
        csvout_endrow(o);
    }
}

/* The points of the edge with sigma_b^2 >= 0 (below is outside the
 * physical region); fills the report's summary of them. */
static void write_edge_rows(csv_out *o, const double *q, const double *sw2, const double *sb2,
                            theory_report *rep)
{
    csvout_header(o, "q_star,sigma_w2,sigma_b2");
    int rows = 0;
    for (int i = 0; i < THEORY_EDGE_POINTS; i++) {
        if (sb2[i] < 0.0) continue;
        csvout_num(o, q[i]);
        csvout_num(o, sw2[i]);
        csvout_num(o, sb2[i]);
        csvout_endrow(o);
        rows++;
    }
    int first = THEORY_EDGE_POINTS - rows, last = THEORY_EDGE_POINTS - 1;
    rep->edge_rows = rows;
    rep->edge_first[0] = sw2[first];
    rep->edge_first[1] = sb2[first];
    rep->edge_last[0] = sw2[last];
    rep->edge_last[1] = sb2[last];
}

static const char *regime_of(double chi1, double scale)
{
    return chi1 == 0.0      ? "no gradient passes (f' = 0): theory is void"
           : isinf(scale)   ? "edge of chaos: gradients neither vanish nor explode"
           : chi1 < 1.0     ? "gradients vanish"
                            : "gradients explode";
}

/* model=rnn: the RNN map of cfg on its training data to theory_time.csv. */
static int theory_write_rnn(const vg_config *cfg, double edge_max, theory_report *rep,
                            vg_error *err)
{
    if (edge_max > 0)
        return vg_fail(err, VG_EUSAGE, "--edge-of-chaos draws the feed-forward line chi_1 = 1; "
                       "for model=rnn the input adds sigma_u^2 times its mean square to "
                       "sigma_b^2, so the line depends on the data: leave it out");
    theory_rnn_params p;
    int T = config_seq_len(cfg);
    /* the variances first: what the theory cannot cover is refused before the data load */
    int rc = theory_rnn_params_of(cfg, 1, &p, err);
    if (rc != VG_OK) return rc;
    trainer t;
    if ((rc = trainer_setup(&t, cfg, err)) != VG_OK) return rc;
    int n_in = t.train.n_features / T;
    double *input_q = malloc((size_t)T * sizeof(double));
    if (!input_q) {
        trainer_free(&t);
        return vg_fail(err, VG_EFAIL, "out of memory");
    }
    theory_input_moments_by_step(&t.train, T, input_q);
    double spread;
    theory_input_moments(&t.train, &rep->input_q, &spread);
    trainer_free(&t);
    theory_rnn_params_of(cfg, n_in, &p, err);
    p.seq_len = T;

    theory_rnn_result r;
    rc = theory_rnn_compute(&act_table[cfg->activation], cfg->act_param, &p, input_q, &r, err);
    free(input_q);
    if (rc != VG_OK) return rc;
    rep->recurrent = 1;
    rep->sigma_w2 = p.sigma_w2;
    rep->sigma_u2 = p.sigma_u2_first;
    rep->sigma_b2 = p.sigma_b2;
    rep->q_star = r.q_star;
    rep->chi1 = r.chi1;
    rep->depth_scale = r.time_scale;
    rep->regime = regime_of(r.chi1, r.time_scale);
    snprintf(rep->theory_path, sizeof rep->theory_path, "%s/theory_time.csv", cfg->out);

    csv_out o = {0};
    rc = file_make_dir(cfg->out, err);
    if (rc == VG_OK) rc = csvout_open(&o, rep->theory_path, err);
    if (rc == VG_OK) {
        csvout_header(&o, "layer,t,q,chi,log10_grad_h_ratio");
        for (int k = 1; k <= r.layers; k++)
            for (int tt = 1; tt <= r.seq_len; tt++) {
                size_t at = (size_t)(k - 1) * r.seq_len + tt - 1;
                csvout_int(&o, k);
                csvout_int(&o, tt);
                csvout_num(&o, r.q[at]);
                csvout_num(&o, r.chi[at]);
                csvout_num(&o, 0.5 * log10(r.chi[at]));
                csvout_endrow(&o);
            }
        rc = csvout_commit(&o, err);
    }
    csvout_abort(&o);
    theory_rnn_free(&r);
    return rc;
}

int theory_write(const vg_config *cfg, double edge_max, theory_report *rep, vg_error *err)
{
    static double edge_q[THEORY_EDGE_POINTS], edge_sw2[THEORY_EDGE_POINTS],
        edge_sb2[THEORY_EDGE_POINTS];
    memset(rep, 0, sizeof *rep);
    if (cfg->norm != 0 || cfg->residual != 0)
        return vg_fail(err, VG_EUSAGE, "vgrad theory predicts plain networks only; allowed: "
                       "norm=none and residual=0");
    if (cfg->model != MODEL_MLP) return theory_write_rnn(cfg, edge_max, rep, err);
    trainer t;
    int rc = trainer_setup(&t, cfg, err);
    if (rc != VG_OK) return rc;
    if (edge_max > 0)
        rc = theory_edge_of_chaos(&act_table[cfg->activation], cfg->act_param, edge_max,
                                  THEORY_EDGE_POINTS, edge_q, edge_sw2, edge_sb2, err);
    double input_q;
    theory_input_moments(&t.train, &input_q, &rep->q_spread);
    int n_in = t.net.dims[0], n_out = t.net.dims[t.net.L];
    trainer_free(&t);
    if (rc != VG_OK) return rc;

    theory_result r;
    if ((rc = theory_compute(cfg, n_in, n_out, input_q, &r, err)) != VG_OK) return rc;
    rep->sigma_w2 = r.sigma_w2;
    rep->sigma_b2 = r.sigma_b2;
    rep->q_star = r.q_star;
    rep->chi1 = r.chi1;
    rep->depth_scale = r.depth_scale;
    rep->regime = regime_of(r.chi1, r.depth_scale);
    snprintf(rep->theory_path, sizeof rep->theory_path, "%s/theory.csv", cfg->out);
    snprintf(rep->edge_path, sizeof rep->edge_path, "%s/edge_of_chaos.csv", cfg->out);

    csv_out theory = {0}, edge = {0};
    rc = file_make_dir(cfg->out, err);
    if (rc == VG_OK) rc = csvout_open(&theory, rep->theory_path, err);
    if (rc == VG_OK && edge_max > 0) rc = csvout_open(&edge, rep->edge_path, err);
    if (rc == VG_OK) {
        write_theory_rows(&theory, &r);
        if (edge_max > 0) write_edge_rows(&edge, edge_q, edge_sw2, edge_sb2, rep);
        rc = csvout_commit(&theory, err);
        if (rc == VG_OK && edge_max > 0) rc = csvout_commit(&edge, err);
    }
    csvout_abort(&theory);
    csvout_abort(&edge);
    theory_free(&r);
    return rc;
}
