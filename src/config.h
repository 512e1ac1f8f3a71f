/* config.h: the one table of configuration keys.
 *
 * Every key that `vgrad run` accepts (and that experiment files will set) is
 * one X(...) row below: name, type, default (as text, parsed by the same code
 * as user input), allowed range, flags, help.  Parsing, `vgrad help run`, the
 * runs.csv columns, the run_id and the README key list all iterate it.
 *
 * A vg_config holds the values.  config_defaults fills one, config_set parses
 * one key=value, config_resolve checks the keys against each other and fills
 * the derived values (the widths list, the output directory). */
#ifndef VG_CONFIG_H
#define VG_CONFIG_H

#include <stdint.h>

#include "vg.h"

#define VG_MAX_DEPTH 4096
#define VG_PATH_MAX 1024
/* Room for any key's value as config_format writes it: a widths list of
 * VG_MAX_DEPTH widths of at most 7 digits and a comma each, or a path. */
#define VG_VALUE_MAX (VG_MAX_DEPTH * 8 + VG_PATH_MAX)

enum key_type {
    KT_INT,      /* long long within [lo, hi] */
    KT_REAL,     /* finite double within [lo, hi] */
    KT_BOOL,     /* 0 or 1 */
    KT_STR,      /* text, at most the field's size */
    KT_ACT,      /* activation name, optionally ":param" */
    KT_LOSS,     /* a loss_table name */
    KT_INIT,     /* an init_table name */
    KT_OPTIM,    /* an optim_table name */
    KT_DATASET,  /* a data_table name or csv:PATH */
    KT_WIDTHS,   /* comma-separated positive integers; empty = width x depth */
    KT_HRANGE,   /* "auto" or LO:HI with LO < HI */
    KT_HQUANT,   /* comma-separated subset of act, preact, delta, grad_w */
    KT_BIASINIT, /* a constant, or normal:STD */
    KT_NORM,     /* a norm_table name */
    KT_MODEL,    /* a model_names name (rnn.h) */
    KT_SEQ,      /* a seq_names name */
    KT_SEQOUT,   /* a seq_output_names name */
    KT_RINIT     /* a recurrent_init_names name */
};

enum {
    KEY_OUTPUT = 1  /* where results go, not what is computed: not in the run_id */
};

/*  X(key, type, default, lo, hi, flags, help) */
#define VG_KEYS(X)                                                                              \
    X(name, KT_STR, "run", 0, 0, KEY_OUTPUT,                                                    \
      "name of the experiment; out defaults to results/<name>")                                 \
    X(out, KT_STR, "", 0, 0, KEY_OUTPUT, "output directory (default results/<name>)")           \
    X(dataset, KT_DATASET, "spiral", 0, 0, 0,                                                   \
      "a dataset of vgrad list, csv:PATH or idx:IMAGES[,LABELS]")                                      \
    X(n_samples, KT_INT, "300", 0, 100000000, 0,                                                \
      "examples to generate (synthetic); data files: the first n, all when not given or 0")     \
    X(n_features, KT_INT, "0", 0, 1000000, 0,                                                   \
      "input dimension of blobs, teacher and gauss; 0 = 2 (files: their own)")                  \
    X(n_classes, KT_INT, "0", 0, 100000, 0,                                                     \
      "classes; 0 = the dataset's own (3 for spiral/blobs/teacher, 2 for xor/circles, "         \
      "csv: max label + 1)")                                                                    \
    X(noise, KT_REAL, "0.1", 0, 1e6, 0, "noise scale of the synthetic datasets")                \
    X(label_col, KT_INT, "-1", -1, 1000000, 0, "csv: 0-based label column, -1 = last")          \
    X(label_cols, KT_INT, "1", 1, 30, 0,                                                        \
      "csv: label columns from label_col on (-1: the last ones); over 1: multi-label, each "    \
      "0 or 1, one output each (sigmoid_bce or mse)")                                           \
    X(standardize, KT_BOOL, "0", 0, 1, 0,                                                       \
      "1: rescale features to mean 0, variance 1 (train statistics)")                           \
    X(test_frac, KT_REAL, "0", 0, 0.99, 0, "fraction of examples held out as a test split")    \
    X(data_seed, KT_INT, "0", 0, 9007199254740991.0, 0,                                         \
      "seed of the data and the test split; 0 = use seed")                                      \
    X(depth, KT_INT, "10", 1, VG_MAX_DEPTH, 0, "hidden layers")                                 \
    X(width, KT_INT, "32", 1, 1000000, 0, "units per hidden layer")                             \
    X(widths, KT_WIDTHS, "", 0, 0, 0,                                                           \
      "explicit hidden widths, e.g. 30,30,30 (overrides depth and width)")                      \
    X(activation, KT_ACT, "sigmoid", 0, 0, 0,                                                   \
      "hidden activation, NAME or NAME:PARAM (see vgrad list); model=rnn: φ, tanh unless given") \
    X(loss, KT_LOSS, "softmax_ce", 0, 0, 0, "output layer and loss (see vgrad list)")           \
    X(loss_sum_outputs, KT_BOOL, "0", 0, 1, 0,                                                  \
      "1: sigmoid_bce and mse sum over the outputs (mean over the batch only), as Nielsen's "   \
      "book does")                                                                              \
    X(init, KT_INIT, "glorot_standard", 0, 0, 0, "weight initialiser (see vgrad list)")         \
    X(init_std, KT_REAL, "0.01", 0, 1e6, 0, "std of init=normal")                               \
    X(init_bound, KT_REAL, "0.05", 0, 1e6, 0, "bound of init=uniform")                          \
    X(init_gain, KT_REAL, "1", 0, 1e6, 0, "multiplies every initialiser")                       \
    X(bias, KT_BOOL, "1", 0, 1, 0, "0: layers without bias vectors")                            \
    X(bias_init, KT_BIASINIT, "0", -1e6, 1e6, 0,                                                \
      "initial biases: a constant, or normal:STD for N(0, STD^2)")                              \
    X(norm, KT_NORM, "none", 0, 0, 0,                                                           \
      "normalise every hidden layer's pre-activation: none, batch (BatchNorm1d) or layer "     \
      "(LayerNorm), with gamma and beta, as PyTorch")                                           \
    X(norm_eps, KT_REAL, "1e-05", 0, 1, 0, "epsilon added to the variance by norm")             \
    X(norm_momentum, KT_REAL, "0.1", 0, 1, 0,                                                   \
      "norm=batch: weight of each batch in the running mean and variance")                      \
    X(residual, KT_INT, "0", 0, VG_MAX_DEPTH, 0,                                                \
      "K > 0: identity shortcut around every block of K hidden layers, a_l = a_(l-K) + "        \
      "residual_scale f(z_l) for l = 1+K, 1+2K, ...; 0 = off")                                  \
    X(residual_scale, KT_REAL, "1", 0, 1e6, 0, "scale of the residual branch")                  \
    X(model, KT_MODEL, "mlp", 0, 0, 0,                                                          \
      "mlp (dense layers), or rnn, lstm, gru: depth stacked recurrent layers of width units "    \
      "over seq_len steps, as torch.nn.RNN, LSTM, GRU (h_0 = 0), then a dense output layer")     \
    X(seq_len, KT_INT, "0", 0, 1000000, 0,                                                      \
      "recurrent models (and an MLP on adding): time steps; 0 = the dataset's (adding 100, "    \
      "copy 120, images by seq); csv: each row's features are seq_len time-major input vectors") \
    X(seq, KT_SEQ, "rows", 0, 0, 0,                                                             \
      "recurrent models on an image dataset: rows (28 steps of 28 pixels) or pixels (784 "      \
      "steps of 1 pixel)")                                                                      \
    X(seq_output, KT_SEQOUT, "last", 0, 0, 0,                                                   \
      "recurrent models: the output layer reads the last step's hidden state (last) or every "  \
      "step's (all: a target at every step, loss averaged over batch x steps)")                 \
    X(recurrent_init, KT_RINIT, "pytorch", 0, 0, 0,                                             \
      "recurrent models: W_hh initialiser per gate block: pytorch U(±gain/√width), "            \
      "orthogonal gain·Q, identity gain·I, normal N(0, gain²/width)")                           \
    X(recurrent_gain, KT_REAL, "1", 0, 1e6, 0, "the gain of recurrent_init")                    \
    X(recurrent_radius, KT_REAL, "0", 0, 1e6, 0,                                                \
      "recurrent models: rescale each W_hh gate block to this spectral radius after "           \
      "initialisation; 0 = off")                                                                \
    X(forget_bias, KT_REAL, "0", -1e6, 1e6, 0,                                                  \
      "lstm: initial forget-gate slice of bias_ih (bias_hh's stays 0); needs bias=1")           \
    X(optimizer, KT_OPTIM, "sgd", 0, 0, 0, "optimiser (see vgrad list)")                        \
    X(lr, KT_REAL, "0.1", 0, 1e6, 0, "learning rate")                                           \
    X(momentum, KT_REAL, "0.9", 0, 0.999999, 0, "momentum coefficient (optimizer=momentum)")    \
    X(adam_beta1, KT_REAL, "0.9", 0, 0.999999, 0, "Adam's first-moment decay")                  \
    X(adam_beta2, KT_REAL, "0.999", 0, 0.999999999, 0, "Adam's second-moment decay")           \
    X(adam_eps, KT_REAL, "1e-8", 0, 1, 0, "Adam's epsilon")                                     \
    X(weight_decay, KT_REAL, "0", 0, 1e6, 0,                                                    \
      "L2 coefficient: lambda*W added to the weight gradient (not to biases)")                  \
    X(clip_norm, KT_REAL, "0", 0, 1e300, 0,                                                     \
      "clip the global gradient norm to this value; 0 = off")                                   \
    X(steps, KT_INT, "200", 0, 1000000000, 0, "parameter updates; 0 = record step 0 only")      \
    X(batch_size, KT_INT, "0", 0, 100000000, 0, "examples per step; 0 = full batch")            \
    X(log_every, KT_INT, "10", 1, 1000000000, 0,                                                \
      "record every N steps (step 0 and the last step always)")                                 \
    X(seed, KT_INT, "1", 0, 9007199254740991.0, 0, "seed of the initial weights and shuffling") \
    X(shuffle_seed, KT_INT, "0", 0, 9007199254740991.0, 0,                                      \
      "seed of the minibatch order alone; 0 = use seed")                                        \
    X(hist_every, KT_INT, "0", 0, 1000000000, 0,                                                \
      "write histograms to hist.csv every N steps (from step 0); 0 = off")                      \
    X(hist_bins, KT_INT, "30", 1, 100000, 0, "bins per histogram")                              \
    X(hist_range, KT_HRANGE, "auto", 0, 0, 0,                                                   \
      "auto (each layer's min..max at that step) or LO:HI for every histogram")                 \
    X(hist_quantities, KT_HQUANT, "act,preact,delta,grad_w", 0, 0, 0,                           \
      "which histograms: act, preact, delta, grad_w")                                           \
    X(load_weights, KT_STR, "", 0, 0, 0, "directory of W<l>.csv, b<l>.csv to start from")       \
    X(save_weights, KT_STR, "", 0, 0, KEY_OUTPUT,                                               \
      "directory to write the initial weights to")                                              \
    X(save_predictions, KT_BOOL, "0", 0, 1, KEY_OUTPUT,                                         \
      "1: write the final network's outputs on the test split to predictions.csv")

#define VG_KEY_ENUM(key, type, def, lo, hi, flags, help) KEY_##key,
enum { VG_KEYS(VG_KEY_ENUM) VG_KEY_COUNT };
#undef VG_KEY_ENUM

typedef struct {
    /* KT_STR and KT_DATASET */
    char name[128];
    char out[VG_PATH_MAX];
    char dataset[VG_PATH_MAX];
    char load_weights[VG_PATH_MAX];
    char save_weights[VG_PATH_MAX];
    /* KT_INT */
    long long n_samples, n_features, n_classes, label_col, label_cols, data_seed;
    long long depth, width, steps, batch_size, log_every, seed, shuffle_seed, hist_every,
        hist_bins;
    /* KT_BOOL */
    int standardize, bias, loss_sum_outputs, save_predictions;
    /* KT_REAL */
    double noise, test_frac, init_std, init_bound, init_gain;
    /* KT_BIASINIT */
    struct vg_bias_init {
        int normal;         /* 1: N(0, value^2); 0: the constant value */
        double value;
    } bias_init;
    double lr, momentum, adam_beta1, adam_beta2, adam_eps, weight_decay, clip_norm;
    /* KT_NORM: norm_table index; its settings */
    int norm;
    double norm_eps, norm_momentum, residual_scale;
    long long residual;
    /* the recurrent models (rnn.h): KT_MODEL, KT_SEQ, KT_SEQOUT, KT_RINIT table indices */
    int model, seq, seq_output, recurrent_init;
    long long seq_len;
    double recurrent_gain, recurrent_radius, forget_bias;
    /* KT_ACT: table index and parameter */
    int activation;
    double act_param;
    /* KT_LOSS, KT_INIT, KT_OPTIM: table indices */
    int loss, init, optimizer;
    /* KT_HRANGE */
    struct vg_hist_range {
        int automatic;      /* 1: each histogram's own min..max */
        double lo, hi;
    } hist_range;
    /* KT_HQUANT: bit i set = hist_quantity_names[i] wanted */
    int hist_quantities;
    /* KT_WIDTHS: after config_resolve always depth entries */
    int widths[VG_MAX_DEPTH];
    int n_widths;
    /* which keys were given explicitly (not defaults) */
    unsigned char given[VG_KEY_COUNT];
} vg_config;

typedef struct {
    const char *name;
    enum key_type type;
    size_t offset;
    size_t size;      /* of the field, for KT_STR bounds */
    const char *def;
    double lo, hi;
    int flags;
    const char *help;
} key_info;

extern const key_info key_table[VG_KEY_COUNT];

/* The histogram quantities, in hist.csv's order: bit i of hist_quantities. */
enum { HIST_ACT, HIST_PREACT, HIST_DELTA, HIST_GRAD_W, HIST_QUANTITY_COUNT };
extern const char *const hist_quantity_names[HIST_QUANTITY_COUNT];
extern const char *const hist_quantity_descs[HIST_QUANTITY_COUNT];

/* The name of a key type, as `vgrad list --csv` shows it ("int", "real", ...). */
const char *config_type_name(enum key_type type);

/* Index of key name, or -1. */
int config_key_find(const char *name);

/* The known key nearest to name by edit distance (for "did you mean"), or
 * NULL when nothing is close. */
const char *config_key_suggest(const char *name);

/* Fills err with "WHERE: unknown key 'NAME' (did you mean 'KEY'?); 'vgrad
 * help run' lists the keys" (no "WHERE: " when where is NULL, no
 * suggestion when none is close) and returns VG_EUSAGE. */
int config_unknown_key(vg_error *err, const char *where, const char *name);

void config_defaults(vg_config *c);

/* Parses one value.  VG_EUSAGE on an unknown key (with a suggestion) or a
 * malformed or out-of-range value (saying what is allowed). */
int config_set(vg_config *c, const char *key, const char *value, vg_error *err);

/* Parses "key=value". */
int config_set_arg(vg_config *c, const char *arg, vg_error *err);

/* A command's option: "--tol 1e-6" sets *dest to a number in [lo, hi]. */
typedef struct {
    const char *name;     /* "--tol" */
    const char *metavar;  /* what follows it, as errors name it: "X", "N" */
    double lo, hi;
    double *dest;
} config_flag;

/* The arguments of a command that configures a network (gradcheck, theory,
 * jacobian): the flags of the table flags[0..n_flags) each with its number,
 * and key=value arguments in any order.  Fills c from the defaults and the
 * keys and resolves it.  VG_EUSAGE for an unknown option (naming the
 * allowed ones), a flag without a number in its range, or a bad key; the
 * flags are checked first.  Without flags (n_flags 0, as for run) every
 * argument is a key=value. */
int config_parse_command(vg_config *c, const config_flag *flags, int n_flags, int argc,
                         char **argv, vg_error *err);

/* The time steps of a resolved configuration's sequences: seq_len, or the
 * dataset's own (adding 100, copy 120; images with a recurrent model 28 or
 * 784 by seq); 0 when there are none (an MLP on non-sequence data). */
int config_seq_len(const vg_config *c);

/* Checks keys against each other and fills derived values. */
int config_resolve(vg_config *c, vg_error *err);

/* The canonical text of a key's value, as runs.csv shows it and as
 * config_set reads it back, written into buf[0..size) and cut to fit.
 * Returns the length of the whole text (as snprintf): a return of size or
 * more means it was cut.  VG_VALUE_MAX bytes hold any value of a
 * configuration that config_set accepted. */
size_t config_format(const vg_config *c, int key, char *buf, size_t size);

/* Allowed values of a key, as help and error messages say them. */
void config_allowed(int key, char *buf, size_t size);

/* Stable identity of a resolved configuration: FNV-1a 64 over the
 * canonical "key=value" lines of every non-output key whose value differs
 * from its default, as 16 hex digits.  Keys added in later versions with a
 * default that keeps the old behaviour leave existing run_ids unchanged. */
void config_run_id(const vg_config *c, char out[17]);


#endif
