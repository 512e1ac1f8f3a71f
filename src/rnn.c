/* rnn.c: the recurrent models' option names (rnn.h). */
#include "rnn.h"

const char *const model_names[MODEL_COUNT] = {"mlp", "rnn", "lstm", "gru"};
const char *const seq_names[SEQ_COUNT] = {"rows", "pixels"};
const char *const seq_output_names[SEQ_OUTPUT_COUNT] = {"last", "all"};
const char *const recurrent_init_names[RINIT_COUNT] = {"pytorch", "orthogonal", "identity",
                                                       "normal"};

#include <lapacke.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "init.h"

int rnn_spectral_radius(const double *A, int n, double *rho, vg_error *err)
{
    size_t nn;
    if (!vg_mul_size((size_t)n, (size_t)n, &nn) || nn > SIZE_MAX / sizeof(double) / 2)
        return vg_fail(err, VG_EFAIL, "spectral radius: a %d x %d matrix is too large", n, n);
    double *work = vg_malloc((nn + 2 * (size_t)n) * sizeof(double));
    if (!work) return vg_fail(err, VG_EFAIL, "spectral radius: out of memory");
    double *wr = work + nn, *wi = wr + n;
    memcpy(work, A, nn * sizeof(double));
    lapack_int info = LAPACKE_dgeev(LAPACK_ROW_MAJOR, 'N', 'N', n, work, n, wr, wi, NULL, 1,
                                    NULL, 1);
    double r = 0.0;
    for (int k = 0; k < n && info == 0; k++) r = fmax(r, hypot(wr[k], wi[k]));
    vg_free(work);
    if (info != 0)
        return vg_fail(err, VG_EFAIL, "spectral radius: LAPACKE_dgeev failed (info %d) on a %d x "
                       "%d matrix", (int)info, n, n);
    *rho = r;
    return VG_OK;
}

int rnn_init_recurrent(double *W, int H, int rinit, double gain, double radius, rng_state *rng,
                       vg_error *err)
{
    size_t n = (size_t)H * H;
    switch (rinit) {
    case RINIT_PYTORCH: {
        double bound = gain / sqrt((double)H);
        for (size_t k = 0; k < n; k++) W[k] = rng_uniform_range(rng, -bound, bound);
        break;
    }
    case RINIT_ORTHOGONAL: {
        init_params p = {0.0, 0.0, gain};
        int rc = init_table[init_find("orthogonal")].fill(W, H, H, &p, rng, err);
        if (rc != VG_OK) return rc;
        break;
    }
    case RINIT_IDENTITY:
        for (size_t k = 0; k < n; k++) W[k] = k % ((size_t)H + 1) == 0 ? gain : 0.0;
        break;
    case RINIT_NORMAL: {
        double std = gain / sqrt((double)H);
        for (size_t k = 0; k < n; k++) W[k] = std * rng_normal(rng);
        break;
    }
    default: return vg_fail(err, VG_EFAIL, "recurrent_init %d is not known", rinit);
    }
    if (radius > 0) {
        double rho;
        int rc = rnn_spectral_radius(W, H, &rho, err);
        if (rc != VG_OK) return rc;
        if (!(rho > 0))
            return vg_fail(err, VG_EUSAGE, "recurrent_radius=%g: W_hh's spectral radius is 0 "
                           "(recurrent_gain=0?), so it cannot be rescaled", radius);
        for (size_t k = 0; k < n; k++) W[k] *= radius / rho;
    }
    return VG_OK;
}
