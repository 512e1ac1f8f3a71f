/* train.h: one training run, from a resolved configuration to CSV rows.
 *
 * trainer_setup loads the data, checks the memory the network needs, builds
 * it and initialises (or loads) its weights: everything that can fail on bad
 * input fails here, before any output is opened.  trainer_run trains and
 * writes one row per layer and logged step to layers.csv and one row per
 * logged step to train.csv.  A sweep runs many trainers into shared files;
 * `vgrad run` runs one (run.h). */
#ifndef VG_TRAIN_H
#define VG_TRAIN_H

#include "config.h"
#include "csvio.h"
#include "data.h"
#include "mlp.h"
#include "optim.h"
#include "rng.h"

typedef struct {
    const vg_config *cfg;
    char run_id[17];
    dataset train, test;
    mlp net;
    optimizer opt;
    rng_state shuffle_rng;
    int B;                /* batch size actually used */
    int *order;           /* permutation of the training examples */
    int *labels;          /* labels of the current batch, B x label_steps */
    double *targets;      /* real-valued targets of the batch (regression), else NULL */
    double *update_sq;    /* per layer: squared norm of the last weight update, index 1..L */
    double *weight_sq;    /* per layer: squared norm of W before that update */
    int test_columns;     /* train.csv rows carry test columns (empty without a split) */
    long long *hist_counts; /* hist_bins counters */
} trainer;

/* failed: the run could not start or its files could not be written (sweeps
 * record it and go on). */
typedef enum { RUN_OK, RUN_DIVERGED, RUN_FAILED } run_status;

typedef struct {
    run_status status;
    long long stop_step;     /* last step recorded */
    double final_loss, final_accuracy;
    double final_test_loss, final_test_accuracy;  /* NAN without a test split */
    long long clipped_steps;
    char message[256];       /* why a run diverged; empty when ok */
    double train_seconds;
} run_result;

/* Bytes one run of cfg needs with n_in inputs and n_out outputs. */
size_t trainer_memory_bytes(const vg_config *cfg, int n_in, int n_out, int batch);

/* cfg must be resolved and outlive the trainer.  VG_EUSAGE for bad data,
 * weights files or sizes; VG_EFAIL when memory runs out. */
int trainer_setup(trainer *t, const vg_config *cfg, vg_error *err);
void trainer_free(trainer *t);

/* Header rows of the two streamed files (the columns depend on whether
 * there is a test split). */
void trainer_layers_header(csv_out *layers);
void trainer_train_header(csv_out *train, int with_test);
void trainer_hist_header(csv_out *hist);
void trainer_predictions_header(csv_out *predictions);
void trainer_time_header(csv_out *time);

/* Where a run's rows go; any may be NULL. */
typedef struct {
    csv_out *layers, *train, *hist, *predictions, *time;
} run_sinks;

/* Trains, writing rows to the sinks.
 * Histograms (hist.csv) are written at every step that is a multiple of
 * hist_every: one row per layer, quantity and bin; a fixed hist_range
 * counts values outside it in the edge bins; NaN values are not counted.
 * With save_predictions, the outputs of the final network on the test split
 * (the training set without one) go to predictions, one row per example
 * and output unit.  A recurrent model writes to time, at every logged step,
 * one row per recurrent layer and time step (TIME_COLUMNS in train.c).  A
 * divergence is a result (res->status), not an error; the return value is
 * VG_EFAIL only for failed writes. */
int trainer_run(trainer *t, const run_sinks *out, run_result *res, vg_error *err);

/* Loads the first B training examples (in order) into the input of the
 * network and their labels into t->labels; returns B.  For gradcheck. */
int trainer_first_batch(trainer *t, int max_examples);

/* Weights files: W<l>.csv (fan_out rows of fan_in values) and b<l>.csv
 * (one value a line) for l = 1..L. */
int weights_save(const mlp *net, const char *dir, vg_error *err);
int weights_load(mlp *net, const char *dir, vg_error *err);

#endif
