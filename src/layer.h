/* layer.h: the table of layer kinds, and the layer instances a network is
 * made of.
 *
 * A network (mlp.h) is an array of layer instances, net->layers[1..L], run
 * forward in index order and backward in reverse.  Instance l writes output
 * l (net->a[l], with its pre-activation net->z[l] and gradient net->dz[l])
 * and reads an earlier output, ly->input (0: the network's input, a[0]).
 * Each instance is of a kind, one row of layer_table; everything that walks
 * the network (the forward and backward passes, the optimiser, the weights
 * files, the gradient check, the memory plan, `vgrad jacobian`) goes through
 * the row's functions and its parameter groups, and names no parameter.  A
 * new kind is one file (src/layer_NAME.c) and one row.
 *
 * Dimension legend (as in mlp.h)
 *   B        examples in the batch (<= max_batch)
 *   fi, fo   an instance's fan_in (units it reads per example) and fan_out
 *            (units it writes per example)
 *
 * Parameters: each kind has up to LAYER_MAX_GROUPS parameter groups, each a
 * rows x cols matrix whose sizes are the instance's fan_in, fan_out or 1.
 * An instance's groups lie one after the other in the network's parameter
 * block from ly->param_off (ly->group_off[g] is each group's offset); the
 * gradients lie at the same offsets of the gradient block, and optimiser
 * state at the same offsets of its blocks (optim.h).
 *
 * Time (the recurrent models, layer_rnn.c): an instance with steps = T > 1
 * runs over T time steps.  Its buffers keep the batch first, (B, T, units)
 * row-major, so that a[l] (B, dims[l]) with dims[l] = T * units is one
 * example's sequence per row and the rows of all steps, (B*T, units), are
 * one matrix; step t of the batch is the strided view at t * units with
 * leading dimension T * units.  A recurrent kind (gates > 0) shares its
 * parameters across the steps; fan_in and fan_out are per step.  A kind
 * without time (dense) given steps = T is applied to every step alike, as
 * if the batch had B*T examples (mlp.c dispatches it so): the output layer
 * of seq_output=all. *
 * Room for later kinds: two instances sharing parameters are two instances
 * with the same group offsets, whose backward passes then add (not store)
 * into the shared gradients. */
#ifndef VG_LAYER_H
#define VG_LAYER_H

#include <stddef.h>
#include <stdint.h>

#include "norm.h"

struct mlp;
struct layer;

/* Modes of a forward pass: a training step (and the gradient check), or an
 * evaluation pass (the loss and accuracy in train.csv, predictions.csv), as
 * PyTorch's model.train() / model.eval().  The dense kind is the same in
 * both; normalisation kinds differ. */
enum { LAYER_TRAINING = 0, LAYER_EVALUATION = 1 };

/* The sizes a parameter group's shape is made of. */
enum { LAYER_DIM_ONE, LAYER_DIM_IN, LAYER_DIM_OUT, LAYER_DIM_GATES /* gates * fan_out */ };

/* Flags of a parameter group.
 *   LAYER_GROUP_DECAY: weight decay applies; the group is one of the
 *     layer's weights, whose norm and update make weight_norm and
 *     update_ratio.
 *   LAYER_GROUP_BIAS: a bias; its memory is always planned, but it is
 *     initialised, trained, checked and saved only in a network with biases
 *     (bias=1).  Without, it stays 0.
 *   LAYER_GROUP_STATE: not trained (batch normalisation's running mean and
 *     variance): the forward pass updates it, the optimiser and the gradient
 *     check skip it, the weights files hold it. */
enum { LAYER_GROUP_DECAY = 1, LAYER_GROUP_BIAS = 2, LAYER_GROUP_STATE = 4 };

/* How a group is initialised (train.c): from the init= table as a
 * (rows, cols) = (fan_out, fan_in) matrix (a recurrent kind's: one
 * (fan_out, fan_in) block per gate), from bias_init=, or to 1 or 0 (these
 * two draw no random numbers), or from recurrent_init= (rnn.h: one
 * (fan_out, fan_out) block per gate). */
enum { LAYER_INIT_WEIGHTS, LAYER_INIT_BIAS, LAYER_INIT_ONE, LAYER_INIT_ZERO, LAYER_INIT_RECURRENT };

typedef struct {
    const char *name;        /* "W", "b": also the weights file, <name><l>.csv (a recurrent
                              * kind's "weight_ih_l": <name><l-1>.csv, PyTorch's names) */
    int rows, cols;          /* LAYER_DIM_*: the shape, as the weights file holds it */
    int flags;               /* LAYER_GROUP_* */
    int init;                /* LAYER_INIT_* */
} layer_group;

#define LAYER_MAX_GROUPS 6

/* What vgrad records of an instance at a logged step (the columns of
 * layers.csv, train.c). */
typedef struct {
    double grad_w_norm, grad_b_norm, delta_norm;
    double preact_mean, preact_std, act_mean, act_std;
    double saturated_frac, dead_frac, weight_norm;
    /* The 15th, 50th and 85th percentiles over the batch of the first
     * unit's pre-activation z_l[:, 0] (linear interpolation between order
     * statistics, numpy's default; NaN when a value is NaN). */
    double preact_p15, preact_p50, preact_p85;
    /* A normalising kind's: the norms of dL/dgamma and dL/dbeta. */
    int normalised;
    double grad_gamma_norm, grad_beta_norm;
    /* The source of a shortcut (a later layer adds this layer's output):
     * the two parts of dL/da_l, from the shortcut and from the next layer
     * (mlp.h: net->dshortcut, net->dbranch). */
    int shortcut_source;
    double delta_shortcut_norm, delta_branch_norm;
} layer_stats;

/* What vgrad records of a recurrent instance at one time step t (the
 * columns of time.csv, train.c).  NaN where the kind has no such value
 * (grad_c_norm but for the LSTM, the gates of the other cell). */
typedef struct {
    double grad_h_norm, grad_c_norm, grad_whh_norm;
    double h_mean, h_std, saturated_frac;
    double gate_i_mean, gate_f_mean, gate_o_mean, gate_r_mean, gate_z_mean;
} layer_time_stats;

/* One row of layer_table.  Every function takes the network and the index
 * l of the instance. */
typedef struct {
    const char *name;
    const char *desc;
    int n_groups;
    layer_group groups[LAYER_MAX_GROUPS];
    int mode_dependent;      /* its forward differs between training and evaluation */
    /* A recurrent kind: the blocks of fan_out rows its gate-stacked groups
     * have (RNN 1, LSTM 4, GRU 3); 0 for a kind without time. */
    int gates;
    /* The gate whose slice of the bias groups forget_bias= sets (the LSTM's
     * f: 1); -1 or 0 for none (no kind's forget gate comes first, and the
     * kinds that leave it out get 0). */
    int forget_gate;
    /* Doubles of scratch an instance needs at a batch of max_batch, or
     * SIZE_MAX on overflow; passed unchanged from forward to backward. */
    size_t (*scratch)(const struct layer *ly, int max_batch);
    /* Fills z[l] and a[l] (B, fo) from a[input] (B, fi) in mode
     * LAYER_TRAINING or LAYER_EVALUATION. */
    void (*forward)(struct mlp *net, int l, int B, int mode);
    /* After a training-mode forward pass, with dz[l] (B, fo) holding dL/da
     * of its output (the output layer: dL/dz from the loss): turns dz[l]
     * into dL/dz in place, writes the gradients of its groups, and ADDS its
     * contribution to dL/da of its input, dz[input] (B, fi), unless input
     * is 0 (the network's input needs none), and of its shortcut's source.
     * Where ly->first_to_input (first_to_shortcut) is set it stores instead
     * of adding: mlp_create sets it on the first contribution of a backward
     * pass, so no gradient needs zeroing first. */
    void (*backward)(struct mlp *net, int l, int B);
    /* The instance's statistics of the last forward/backward of B examples. */
    void (*stats)(const struct mlp *net, int l, int B, layer_stats *s);
    /* Forward-mode derivative at example i of the last forward pass:
     * T (fo, n) = d out / d in  V (fi, n), for n tangents of the input
     * stored as columns; V NULL stands for the identity (n = fi).  NULL
     * where a kind has none. */
    void (*jvp)(const struct mlp *net, int l, int i, const double *V, double *T, int n);
    /* Mixes into h which piece of its piecewise functions each value of
     * the last forward pass lies in, so the gradient check can tell a
     * perturbation that crossed a kink.  NULL: smooth everywhere. */
    uint64_t (*kinks)(const struct mlp *net, int l, int B, uint64_t h);
    /* A recurrent kind's statistics at time step t (0-based) of the last
     * forward/backward; may use the instance's scratch.  NULL otherwise. */
    void (*time_stats)(const struct mlp *net, int l, int B, int t, layer_time_stats *s);
} layer_kind;

/* One instance of a kind. */
typedef struct layer {
    const layer_kind *kind;
    int fan_in, fan_out;        /* units read and written per example (and time step) */
    int steps;                  /* time steps it runs over; 0 or 1: none */
    int out_last;               /* recurrent: a[l] holds the last step only, (B, fo) */
    int input;                  /* the output it reads: 0 .. l-1 */
    int is_output;              /* the output layer (the loss's nonlinearity follows it) */
    /* The residual add: a = a[shortcut] + shortcut_scale * f(z), an identity
     * shortcut from an earlier output of fan_out units (0: none). */
    int shortcut;
    double shortcut_scale;
    norm_config norm;           /* the normalising kinds' settings */
    int first_to_input;         /* its backward is the first to reach dz[input]: overwrite */
    int first_to_shortcut;      /* ... and dz[shortcut] */
    size_t param_off;           /* its first parameter in net->params */
    size_t group_off[LAYER_MAX_GROUPS];
    size_t scratch_off;         /* its scratch in net->scratch */
} layer;

/* The kinds.
 *   LAYER_DENSE (layer_dense.c): z = x W^T + b; a = f(z) with the network's
 *     activation, or for the output layer a = the loss's output
 *     nonlinearity (applied by the loss).  Groups: DENSE_W (fo, fi),
 *     DENSE_B (fo).
 *   LAYER_DENSE_BATCHNORM, LAYER_DENSE_LAYERNORM (layer_norm.c): u = x W^T
 *     + b, z = gamma * normalised(u) + beta (norm.h: batch or layer
 *     normalisation, PyTorch's conventions), a = f(z).  Groups: DENSE_W,
 *     DENSE_B, NORM_GAMMA (fo), NORM_BETA (fo), and for batch normalisation
 *     NORM_RUNNING_MEAN, NORM_RUNNING_VAR (fo, not trained).
 * Any of them but the output layer may add a shortcut (ly->shortcut). */
/*   LAYER_RNN, LAYER_LSTM, LAYER_GRU (layer_rnn.c): torch.nn.RNN, LSTM and
 *     GRU's cells over ly->steps time steps, h_0 = 0 (and c_0 = 0).
 *     Groups: RNN_W_IH (gates*fo, fi), RNN_W_HH (gates*fo, fo), RNN_B_IH,
 *     RNN_B_HH (gates*fo), gates stacked as PyTorch's (i, f, g, o; r, z,
 *     n). */
enum { LAYER_DENSE, LAYER_DENSE_BATCHNORM, LAYER_DENSE_LAYERNORM, LAYER_RNN, LAYER_LSTM,
       LAYER_GRU, LAYER_KIND_COUNT };
enum { DENSE_W, DENSE_B, NORM_GAMMA, NORM_BETA, NORM_RUNNING_MEAN, NORM_RUNNING_VAR };
enum { RNN_W_IH, RNN_W_HH, RNN_B_IH, RNN_B_HH };

extern const layer_kind *const layer_table[LAYER_KIND_COUNT];
extern const layer_kind layer_dense, layer_dense_batchnorm, layer_dense_layernorm;
extern const layer_kind layer_rnn, layer_lstm, layer_gru;

/* Parts of the dense kind the normalising kinds share (layer_dense.c). */
void dense_shortcut_forward(struct mlp *net, int l, int B);
void dense_shortcut_backward(struct mlp *net, int l, int B);
void dense_stats(const struct mlp *net, int l, int B, layer_stats *s);
/* dL/da of the input (B, fi) (+)= du (B, fo) W (fo, fi), W the instance's
 * DENSE_W and du the gradient of its affine output; when the input is the
 * source of a shortcut, through net->dbranch[input] (mlp.h). */
void dense_input_backward(struct mlp *net, int l, int B, const double *du);
uint64_t dense_kinks(const struct mlp *net, int l, int B, uint64_t h);

/* The index in the name of instance l's weights files: l, or l - 1 for a
 * recurrent kind (PyTorch's weight_ih_l0 is the first layer's). */
int layer_file_index(const layer *ly, int l);

/* Rows, columns and values of group g of instance ly. */
int layer_group_rows(const layer *ly, int g);
int layer_group_cols(const layer *ly, int g);
size_t layer_group_size(const layer *ly, int g);

/* Lays out ly's groups from *param_off and its scratch from *scratch_off
 * (for a batch of max_batch), advancing both.  Returns 0 on overflow. */
int layer_place(layer *ly, int max_batch, size_t *param_off, size_t *scratch_off);

#endif
