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

#include "mlp.h"

/* Singular values (descending) of J for example i of the batch in the
 * network's input after mlp_forward.  sv holds min(width_D, n_in) values.
 * VG_EFAIL on memory or LAPACK failure. */
int jacobian_singular_values(const mlp *net, int i, double *sv, vg_error *err);

#endif
