/* jacobian.h: singular values of the network's input-output Jacobian at
 * initialisation (dynamical isometry, Pennington, Schoenholz & Ganguli 2017).
 *
 * For one input x the Jacobian of the last hidden layer's activation with
 * respect to the input,
 *     J (width_D, n_in) = D_D W_D ... D_1 W_1,   D_l = diag(f'(z_l(x))),
 * is built layer by layer with cblas_dgemm and its singular values come
 * from LAPACKE_dgesdd. */
#ifndef VG_JACOBIAN_H
#define VG_JACOBIAN_H

#include "config.h"
#include "mlp.h"

/* Singular values (descending) of J for example i of the batch in the
 * network's input after mlp_forward.  sv holds min(width_D, n_in) values.
 * VG_EFAIL on memory or LAPACK failure. */
int jacobian_singular_values(const mlp *net, int i, double *sv, vg_error *err);

/* vgrad jacobian: what it wrote, for the command line to say. */
typedef struct {
    char run_id[17];
    int inputs, values;    /* examples, and singular values of each */
    double lo, hi;         /* smallest and largest singular value */
    char path[VG_PATH_MAX + 32];
} jacobian_report;

/* The singular values of J at initialisation for the first max_inputs
 * training examples of cfg (resolved), to cfg->out/jacobian.csv
 * (run_id,example,index,singular_value).  VG_EUSAGE for bad input or an
 * output directory that cannot be made (nothing written); VG_EFAIL for
 * memory, LAPACK or a failed write (no file left under the final name). */
int jacobian_write(const vg_config *cfg, int max_inputs, jacobian_report *rep, vg_error *err);

#endif
