/* theory.h: mean-field predictions of signal and gradient propagation at
 * initialisation (Poole et al. 2016; Schoenholz et al. 2017).
 *
 * With sigma_w^2 = fan_in Var(W) and sigma_b^2 = Var(b) of each layer, the
 * pre-activation variance follows the length map
 *     q_l = sigma_w^2 E[phi(sqrt(q_{l-1}) z)^2] + sigma_b^2,   z ~ N(0,1)
 * (q_1 = sigma_w^2 E[x^2] + sigma_b^2 from the data), and the expected
 * squared norm of the back-propagated delta changes between layers by
 *     chi_l = sigma_w^2(l+1) E[phi'(sqrt(q_l) z)^2].
 * At the fixed point q* of the map, chi_1 = sigma_w^2 E[phi'(sqrt(q*) z)^2]
 * decides: gradients vanish (chi_1 < 1) or explode (> 1) over the depth
 * scale xi = -1 / ln(chi_1).  Gaussian expectations use GSL's Gauss-Hermite
 * rule (gsl_integration_fixed_hermite, 256 nodes). */
#ifndef VG_THEORY_H
#define VG_THEORY_H

#include "act.h"
#include "config.h"
#include "data.h"
#include "vg.h"

/* E[g(sqrt(q) z)] for z ~ N(0,1), with g = f (which = 0), f^2 (1) or
 * f'^2 (2) of an activation. */
double theory_gauss_mean(const act_info *act, double param, double q, int which);

typedef struct {
    double sigma_w2, sigma_b2;  /* of the hidden layers (the first hidden layer's) */
    double q_star;              /* fixed point of the length map (NAN if none found) */
    double chi1;                /* sigma_w^2 E[phi'(sqrt(q*) z)^2] */
    double depth_scale;         /* -1 / ln(chi1); INFINITY at chi1 = 1 */
    int depth;                  /* hidden layers */
    double *q;                  /* q_l, l = 1..depth (index 0 unused) */
    double *chi;                /* chi_l, l = 1..depth */
    double *log10_delta_ratio;  /* predicted log10(delta_norm_l / delta_norm_{l+1}) */
    double *log10_grad_w_ratio; /* predicted log10(grad_w_norm_l / grad_w_norm_{l+1}) */
} theory_result;

/* Predictions for the network of cfg (resolved) whose inputs have mean
 * square input_q and n_in features, n_out outputs.  VG_EUSAGE when the
 * configuration is outside the theory (constant non-zero biases). */
int theory_compute(const vg_config *cfg, int n_in, int n_out, double input_q, theory_result *r,
                   vg_error *err);
void theory_free(theory_result *r);

/* The vanilla RNN through time at initialisation (Chen, Pennington &
 * Schoenholz 2018, section 3): h_t = phi(W_hh h_{t-1} + W_ih x_t + b_ih +
 * b_hh), h_0 = 0.  With sigma_w^2 = width Var(W_hh), sigma_u^2 = fan_in
 * Var(W_ih) and sigma_b^2 = Var(b_ih) + Var(b_hh), the pre-activation
 * variance of layer k at step t follows the feed-forward length map with
 * the input in the place of a bias variance,
 *     q_t = sigma_w^2 E[phi(sqrt(q_{t-1}) z)^2] + sigma_u^2 r_t + sigma_b^2,
 * (no first term at t = 1), r_t the input's mean square per feature at step
 * t (the first layer: the data's; a layer above: E[phi(sqrt(q_t) z)^2] of
 * the layer below).  Back through time, dL/dh_{t-1} = W_hh^T (phi'(e_t) o
 * dL/dh_t) where the loss sees only the last step of the top layer, so its
 * squared norm changes from step t to t - 1 by
 *     chi_t = sigma_w^2 E[phi'(sqrt(q_t) z)^2].
 * Linear phi: chi_t = sigma_w^2 exactly. */
typedef struct {
    int layers, seq_len;
    double sigma_w2;        /* width Var(W_hh) */
    double sigma_u2_first;  /* fan_in Var(W_ih) of the first layer */
    double sigma_u2;        /* ... of the layers above (their input is the layer below) */
    double sigma_b2;        /* Var(b_ih) + Var(b_hh) */
} theory_rnn_params;

typedef struct {
    int layers, seq_len;
    double *q;          /* q[(k - 1) seq_len + t - 1]: layer k, step t */
    double *chi;        /* chi_t of layer k, same layout (dL/dh_t to dL/dh_{t-1}) */
    double q_star;      /* the top layer's fixed point under the input's mean square
                         * averaged over steps (NAN if the map does not converge) */
    double chi1;        /* sigma_w^2 E[phi'(sqrt(q*) z)^2] */
    double time_scale;  /* -1 / ln(chi1) steps; INFINITY at chi1 = 1 */
} theory_rnn_result;

/* The RNN map for the activation act (parameter param), input_q the
 * first layer's input mean square at each of the seq_len steps.  Fills r
 * (free with theory_rnn_free); VG_EUSAGE for no layers or steps or a
 * negative variance, VG_EFAIL for memory. */
int theory_rnn_compute(const act_info *act, double param, const theory_rnn_params *p,
                       const double *input_q, theory_rnn_result *r, vg_error *err);
void theory_rnn_free(theory_rnn_result *r);

/* The variances of the RNN map for cfg (resolved, model=rnn) whose inputs
 * have n_in features per step:
 *   sigma_w^2 from recurrent_init and recurrent_gain g: pytorch
 *     U(-g/sqrt(width), g/sqrt(width)) has g^2 / 3, normal N(0, g^2/width)
 *     g^2, orthogonal g Q g^2 exactly (||Q^T v|| = ||v||);
 *     recurrent_radius rho > 0 rescales W_hh to spectral radius rho: rho^2,
 *     exact for orthogonal (every eigenvalue has modulus g), approximate
 *     for pytorch and normal, whose eigenvalues fill the disc of radius
 *     sqrt(width Var) (the circular law) up to O(width^-1/2) at the edge;
 *   sigma_u^2 = fan_in Var(W_ih) of init, init_gain (as a dense layer of
 *     width x n_in, then width x width above);
 *   sigma_b^2 = Var(b_ih) + Var(b_hh) of bias_init=normal:STD.
 * VG_EUSAGE, with the reason, for what the theory does not cover: model
 * lstm or gru, recurrent_init=identity (a W_hh that is not random), a
 * constant non-zero bias_init. */
int theory_rnn_params_of(const vg_config *cfg, int n_in, theory_rnn_params *p, vg_error *err);

/* The first layer's input mean square at each of seq_len steps of d, whose
 * rows are seq_len time-major vectors (input_q: seq_len values). */
void theory_input_moments_by_step(const dataset *d, int seq_len, double *input_q);

/* The edge of chaos of an activation: the line chi_1 = 1 in the
 * (sigma_w^2, sigma_b^2) plane, parametrised by the fixed point q* it has
 * there (Schoenholz et al. 2017).  At a fixed point q* with chi_1 = 1,
 *     sigma_w^2 = 1 / E[phi'(sqrt(q*) z)^2],
 *     sigma_b^2 = q* - sigma_w^2 E[phi(sqrt(q*) z)^2],
 * closed forms, with no iteration of the map.  Fills n >= 2 points, q*
 * evenly from 0 (the limit q -> 0+) to the q* at which sigma_b^2 reaches
 * sigma_b2_max (found by bisection to 1e-12 relative), into the caller's
 * arrays q_star, sigma_w2 and sigma_b2 of n each.  Points below
 * sigma_b^2 = 0 (phi(0) != 0 near q* = 0) are filled too; callers drop
 * them.  VG_EUSAGE when sigma_b^2 stays below sigma_b2_max up to q* = 1e6
 * (ReLU and linear: the line is the one point sigma_b^2 = 0). */
int theory_edge_of_chaos(const act_info *act, double param, double sigma_b2_max, int n,
                         double *q_star, double *sigma_w2, double *sigma_b2, vg_error *err);

/* The inputs' mean square per feature over the examples of d (the q_1 the
 * theory starts from), and its relative spread between examples (std/mean
 * of ||x||^2 / n_features; 0 when the mean is 0). */
void theory_input_moments(const dataset *d, double *input_q, double *q_spread);

/* vgrad theory: what it computed and wrote, for the command line to say. */
enum { THEORY_EDGE_POINTS = 201 };
typedef struct {
    double sigma_w2, sigma_b2, q_star, chi1, depth_scale;
    /* model=rnn: the prediction is through time (theory_time.csv), depth_scale
     * is in time steps, and the input adds sigma_u2 x its mean square input_q */
    int recurrent;
    double sigma_u2, input_q;
    const char *regime;        /* "gradients vanish", ... (static text) */
    double q_spread;           /* of theory_input_moments */
    char theory_path[VG_PATH_MAX + 32];
    int edge_rows;             /* points written to edge_of_chaos.csv; 0: not asked for */
    double edge_first[2], edge_last[2];  /* (sigma_w^2, sigma_b^2) of its first and last */
    char edge_path[VG_PATH_MAX + 32];
} theory_report;

/* model=rnn: the RNN map for cfg on its training data, to
 * cfg->out/theory_time.csv (layer,t,q,chi,log10_grad_h_ratio; the ratio of
 * ||dL/dh_{t-1}|| to ||dL/dh_t||, 0.5 log10 chi_t), in place of theory.csv;
 * edge_max is refused.
 * Otherwise the predictions for cfg (resolved) on its training data, to
 * cfg->out/theory.csv (layer,q,chi,log10_delta_ratio,log10_grad_w_ratio),
 * and with edge_max > 0 the line chi_1 = 1 of the activation up to
 * sigma_b^2 = edge_max, THEORY_EDGE_POINTS points of which those with
 * sigma_b^2 >= 0 go to cfg->out/edge_of_chaos.csv (q_star,sigma_w2,
 * sigma_b2).  Both files are renamed into place only when both are
 * written.  VG_EUSAGE for bad input or an output directory that cannot be
 * made (nothing written); VG_EFAIL for memory or a failed write. */
int theory_write(const vg_config *cfg, double edge_max, theory_report *rep, vg_error *err);

#endif
