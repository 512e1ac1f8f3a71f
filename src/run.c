/* run.c: the files of one run. */
#include "run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cblas.h> /* openblas_get_corename */

#include "columns.h"

static const char *status_name(run_status s)
{
    return s == RUN_OK ? "ok" : s == RUN_DIVERGED ? "diverged" : "failed";
}

/* The columns of runs.csv: X(column, cell, flags, description) as in
 * train.c; the keys column stands for every key of the key table. */
#define RUNS_COLUMNS(X)                                                                          \
    X(run_id, CELL_STR(run_id), 0, "16 hex digits identifying the configuration")                \
    X(keys, write_keys(o, cfg), COL_KEYS,                                                         \
      "every key of the key table, in its order, resolved: depth, width and widths agree; for "  \
      "the synthetic datasets n_features and n_classes are the dataset's, for data files they "  \
      "are as given, 0 meaning from the file, and n_samples is 0 for every row unless given")    \
    X(status, CELL_STR(status_name(res->status)), 0,                                              \
      "ok or diverged (in a sweep also failed: the run could not start or write)")               \
    X(stop_step, CELL_INT(res->stop_step), 0, "the last recorded step (before steps when it diverged)") \
    X(final_loss, CELL_NUM(res->final_loss), 0, "loss on the training set at stop_step")         \
    X(final_accuracy, CELL_NUM(res->final_accuracy), 0, "accuracy on the training set at stop_step") \
    X(final_test_loss, num_or_empty(o, res->final_test_loss), 0,                                 \
      "loss on the test split at stop_step; empty without a test split")                         \
    X(final_test_accuracy, num_or_empty(o, res->final_test_accuracy), 0,                         \
      "accuracy on the test split at stop_step; empty without a test split")                     \
    X(clipped_steps, CELL_INT(res->clipped_steps), 0, "steps whose gradient was clipped to clip_norm") \
    X(message, CELL_STR(res->message), 0, "why the run diverged or failed; empty when ok")

#define COLUMN_ROW(name, cell, flags, desc) {#name, flags, desc},
const vg_column runs_columns[] = {RUNS_COLUMNS(COLUMN_ROW)};
#undef COLUMN_ROW
const int runs_column_count = sizeof runs_columns / sizeof runs_columns[0];

void runs_header(csv_out *o)
{
    columns_header(o, runs_columns, runs_column_count, 0);
}

static void num_or_empty(csv_out *o, double v)
{
    if (isnan(v))
        csvout_empty(o);
    else
        csvout_num(o, v);
}

static void write_keys(csv_out *o, const vg_config *cfg)
{
    char value[VG_VALUE_MAX];
    for (int k = 0; k < VG_KEY_COUNT; k++) {
        /* VG_VALUE_MAX holds any value: a cut one would record another run. */
        if (config_format(cfg, k, value, sizeof value) >= sizeof value) abort();
        csvout_str(o, value);
    }
}

#define CELL_STR(v) csvout_str(o, v)
#define CELL_INT(v) csvout_int(o, v)
#define CELL_NUM(v) csvout_num(o, v)
#define WRITE_CELL(name, cell, flags, desc) cell;

void runs_row(csv_out *o, const vg_config *cfg, const char *run_id, const run_result *res)
{
    RUNS_COLUMNS(WRITE_CELL)
    csvout_endrow(o);
}

#undef WRITE_CELL
#undef CELL_NUM
#undef CELL_INT
#undef CELL_STR

void timing_header(csv_out *o)
{
    csvout_header(o, "run_id,setup_seconds,train_seconds,steps_per_second,host,blas_core");
}

/* Besides the times, where the run ran: the host, and the OpenBLAS kernel
 * (DYNAMIC_ARCH picks it from the CPU, or OPENBLAS_CORETYPE), which sets the
 * rounding of every product; runs on different kernels agree to rounding,
 * not bit for bit. */
void timing_row(csv_out *o, const char *run_id, double setup_seconds, const run_result *res)
{
    char host[256];
    if (gethostname(host, sizeof host) != 0) host[0] = '\0';
    host[sizeof host - 1] = '\0';
    const char *core = openblas_get_corename();
    csvout_str(o, run_id);
    csvout_num(o, setup_seconds);
    csvout_num(o, res->train_seconds);
    csvout_num(o, res->train_seconds > 0 ? (double)res->stop_step / res->train_seconds : 0.0);
    csvout_str(o, host);
    csvout_str(o, core ? core : "");
    csvout_endrow(o);
}

const char *const run_file_names[F_COUNT] = {
#define X(id, name) name,
    VG_RUN_FILES(X)
#undef X
};

int run_single(const vg_config *cfg, run_result *res, vg_error *err)
{
    double t0 = vg_seconds();
    trainer t;
    int rc = trainer_setup(&t, cfg, err);
    if (rc != VG_OK) return rc;

    csv_out files[F_COUNT];
    memset(files, 0, sizeof files);
    rc = file_make_dir(cfg->out, err);
    for (int f = 0; f < F_COUNT && rc == VG_OK; f++) {
        char path[VG_PATH_MAX + 32];
        snprintf(path, sizeof path, "%s/%s", cfg->out, run_file_names[f]);
        rc = csvout_open(&files[f], path, err);
    }
    if (rc == VG_OK && cfg->save_weights[0]) rc = weights_save(&t.net, cfg->save_weights, err);
    if (rc != VG_OK) goto done;

    trainer_layers_header(&files[F_LAYERS]);
    trainer_train_header(&files[F_TRAIN], t.test_columns);
    trainer_hist_header(&files[F_HIST]);
    trainer_time_header(&files[F_TIME]);
    trainer_predictions_header(&files[F_PREDICTIONS]);
    double setup_seconds = vg_seconds() - t0;
    run_sinks sinks = {&files[F_LAYERS], &files[F_TRAIN], &files[F_HIST], &files[F_PREDICTIONS],
                       &files[F_TIME]};
    rc = trainer_run(&t, &sinks, res, err);
    if (rc != VG_OK) goto done;
    runs_header(&files[F_RUNS]);
    runs_row(&files[F_RUNS], cfg, t.run_id, res);
    timing_header(&files[F_TIMING]);
    timing_row(&files[F_TIMING], t.run_id, setup_seconds, res);
    for (int f = 0; f < F_COUNT && rc == VG_OK; f++) rc = csvout_close(&files[f], err);
    for (int f = 0; f < F_COUNT && rc == VG_OK; f++) rc = csvout_commit(&files[f], err);

done:
    for (int f = 0; f < F_COUNT; f++) csvout_abort(&files[f]);
    trainer_free(&t);
    return rc;
}
