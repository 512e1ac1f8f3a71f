/* rnn.h: the recurrent models' options (model=, seq=, seq_output=,
 * recurrent_init=) as name tables the key table parses, and the
 * initialisation of recurrent weights.
 *
 * The models follow torch.nn.RNN, LSTM and GRU: layer kinds in
 * layer_rnn.c (layer.h). */
#ifndef VG_RNN_H
#define VG_RNN_H

#include "rng.h"
#include "vg.h"

/* model=: today's dense network, or depth stacked recurrent layers. */
enum { MODEL_MLP, MODEL_RNN, MODEL_LSTM, MODEL_GRU, MODEL_COUNT };
extern const char *const model_names[MODEL_COUNT];

/* seq=: how an image dataset becomes a sequence: one row of pixels per step
 * (28 steps of 28) or one pixel per step (784 steps of 1). */
enum { SEQ_ROWS, SEQ_PIXELS, SEQ_COUNT };
extern const char *const seq_names[SEQ_COUNT];

/* seq_output=: the output layer reads the top layer's last hidden state, or
 * every step's (a target at every step). */
enum { SEQ_OUTPUT_LAST, SEQ_OUTPUT_ALL, SEQ_OUTPUT_COUNT };
extern const char *const seq_output_names[SEQ_OUTPUT_COUNT];

/* recurrent_init=: W_hh (one H x H block per gate), each block
 *   pytorch     U(-gain/sqrt(H), gain/sqrt(H)) (torch.nn.RNN's default)
 *   orthogonal  gain * Q, Q a random orthogonal matrix (QR of a Gaussian
 *               matrix, the signs of R's diagonal folded into Q)
 *   identity    gain * I (Le, Jaitly & Hinton 2015)
 *   normal      N(0, gain^2 / H) */
enum { RINIT_PYTORCH, RINIT_ORTHOGONAL, RINIT_IDENTITY, RINIT_NORMAL, RINIT_COUNT };
extern const char *const recurrent_init_names[RINIT_COUNT];

/* Fills one H x H block of W_hh (row-major) by recurrent_init rinit with
 * gain, then, when radius > 0, rescales it to spectral radius radius (the
 * largest modulus of its eigenvalues, LAPACKE_dgeev).  VG_EFAIL when memory
 * runs out or LAPACK fails; VG_EUSAGE when the block's radius is 0 and
 * cannot be rescaled. */
int rnn_init_recurrent(double *W, int H, int rinit, double gain, double radius, rng_state *rng,
                       vg_error *err);

/* The spectral radius of the n x n row-major matrix A (A is not changed),
 * into *rho.  VG_EFAIL when memory runs out or LAPACK fails. */
int rnn_spectral_radius(const double *A, int n, double *rho, vg_error *err);

#endif
