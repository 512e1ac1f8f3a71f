/* jacobian.c: J = D_D W_D ... D_1 W_1 and its singular values. */
#include "jacobian.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvio.h"
#include "train.h"

int jacobian_singular_values(const mlp *net, int i, double *sv, vg_error *err)
{
    int D = net->L - 1, n_in = net->dims[0];
    if (D < 1) return vg_fail(err, VG_EUSAGE, "the network has no hidden layer");
    size_t max_rows = 0;
    for (int l = 1; l <= D; l++)
        if ((size_t)net->dims[l] > max_rows) max_rows = (size_t)net->dims[l];
    double *a = vg_malloc(max_rows * n_in * sizeof(double));
    double *b = vg_malloc(max_rows * n_in * sizeof(double));
    if (!a || !b) {
        free(a);
        free(b);
        return vg_fail(err, VG_EFAIL, "out of memory for a %zu x %d Jacobian", max_rows, n_in);
    }
    /* Forward mode through the hidden layers, each kind's jvp: J_1 (dims[1],
     * n_in) from the identity; then J_l (dims[l], n_in) from J_{l-1}
     * (for dense layers J_l = D_l W_l J_{l-1}). */
    double *J = NULL, *next = a, *spare = b;
    for (int l = 1; l <= D; l++) {
        const layer *ly = &net->layers[l];
        if (!ly->kind->jvp || ly->shortcut) {
            free(a);
            free(b);
            return vg_fail(err, VG_EUSAGE, "vgrad jacobian supports plain networks only: hidden "
                           "layer %d is %s%s; allowed: norm=none and residual=0", l,
                           ly->kind->name, ly->shortcut ? " with a shortcut" : "");
        }
        ly->kind->jvp(net, l, i, J, next, n_in);
        J = next;
        next = spare;
        spare = J;
    }
    int m = net->dims[D];
    lapack_int info = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'N', m, n_in, J, n_in, sv, NULL, m, NULL, n_in);
    free(a);
    free(b);
    if (info != 0) return vg_fail(err, VG_EFAIL, "LAPACKE_dgesdd failed (info %d)", (int)info);
    return VG_OK;
}

int jacobian_write(const vg_config *cfg, int max_inputs, jacobian_report *rep, vg_error *err)
{
    memset(rep, 0, sizeof *rep);
    if (cfg->norm != 0 || cfg->residual != 0 || cfg->model != 0)
        return vg_fail(err, VG_EUSAGE, "vgrad jacobian supports plain networks only; allowed: "
                       "norm=none and residual=0, with model=mlp");
    trainer t;
    int rc = trainer_setup(&t, cfg, err);
    if (rc != VG_OK) return rc;
    int B = trainer_first_batch(&t, max_inputs);
    mlp_forward(&t.net, t.labels, B, 0);
    int m = t.net.dims[t.net.L - 1] < t.net.dims[0] ? t.net.dims[t.net.L - 1] : t.net.dims[0];
    double *sv = vg_malloc((size_t)m * sizeof(double));
    csv_out o = {0};
    snprintf(rep->path, sizeof rep->path, "%s/jacobian.csv", cfg->out);
    rc = sv ? file_make_dir(cfg->out, err) : vg_fail(err, VG_EFAIL, "out of memory");
    if (rc == VG_OK) rc = csvout_open(&o, rep->path, err);
    if (rc == VG_OK) csvout_header(&o, "run_id,example,index,singular_value");
    rep->lo = INFINITY;
    for (int i = 0; i < B && rc == VG_OK; i++) {
        rc = jacobian_singular_values(&t.net, i, sv, err);
        for (int k = 0; k < m && rc == VG_OK; k++) {
            csvout_str(&o, t.run_id);
            csvout_int(&o, i);
            csvout_int(&o, k);
            csvout_num(&o, sv[k]);
            csvout_endrow(&o);
            if (sv[k] < rep->lo) rep->lo = sv[k];
            if (sv[k] > rep->hi) rep->hi = sv[k];
        }
    }
    if (rc == VG_OK) rc = csvout_commit(&o, err);
    csvout_abort(&o);
    memcpy(rep->run_id, t.run_id, sizeof rep->run_id);
    rep->inputs = B;
    rep->values = m;
    free(sv);
    trainer_free(&t);
    return rc;
}
