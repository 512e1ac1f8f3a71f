/* test_train.c: training runs end to end through the library: the logged
 * rows, determinism, the step activation, divergence, clipping, update
 * ratios and the weights files. */
#include <stdlib.h>
#include <unistd.h>

#include "act.h"
#include "config.h"
#include "gradcheck.h"
#include "jacobian.h"
#include "run.h"
#include "theory.h"
#include "test.h"
#include "train.h"

static char tmpdir[] = "/tmp/vgrad_train_XXXXXX";

/* A parsed CSV file of plain fields (vgrad's logs need no quotes except in
 * runs.csv, which these tests do not split). */
typedef struct {
    int rows, cols;
    char ***cell;  /* rows x cols, row 0 the header */
} table;

static int read_table(const char *path, table *t)
{
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char line[8192];
    t->rows = 0;
    t->cols = 0;
    t->cell = NULL;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        t->cell = realloc(t->cell, (size_t)(t->rows + 1) * sizeof *t->cell);
        char **row = NULL;
        int n = 0;
        for (char *p = line;; ) {
            char *comma = strchr(p, ',');
            row = realloc(row, (size_t)(n + 1) * sizeof *row);
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            row[n] = malloc(len + 1);
            memcpy(row[n], p, len);
            row[n][len] = '\0';
            n++;
            if (!comma) break;
            p = comma + 1;
        }
        if (t->rows == 0) t->cols = n;
        if (n != t->cols) {
            fclose(f);
            return 0;
        }
        t->cell[t->rows++] = row;
    }
    fclose(f);
    return t->rows > 0;
}

static void free_table(table *t)
{
    for (int r = 0; r < t->rows; r++) {
        for (int c = 0; c < t->cols; c++) free(t->cell[r][c]);
        free(t->cell[r]);
    }
    free(t->cell);
}

/* The index of column NAME.  A name the header lacks is a mistake in the
 * test (a misspelling, a renamed column): it stops the test with exit 1,
 * since any column read instead could satisfy the check. */
static int col(const table *t, const char *name)
{
    for (int c = 0; c < t->cols; c++)
        if (strcmp(t->cell[0][c], name) == 0) return c;
    fprintf(stderr, "test_train: no column '%s' in the table read; the test stops\n", name);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    exit(1);
}

static double num(const table *t, int r, const char *name) { return atof(t->cell[r][col(t, name)]); }

static vg_config cfg;

static int configure(const char *const *args, int n, const char *out)
{
    vg_error err;
    config_defaults(&cfg);
    for (int i = 0; i < n; i++) {
        if (config_set_arg(&cfg, args[i], &err)) {
            fprintf(stderr, "%s: %s\n", args[i], err.msg);
            return 0;
        }
    }
    snprintf(cfg.out, sizeof cfg.out, "%s/%s", tmpdir, out);
    return config_resolve(&cfg, &err) == 0;
}

static int run(run_result *res)
{
    vg_error err = {0, ""};
    int rc = run_single(&cfg, res, &err);
    if (rc) fprintf(stderr, "run_single: %s\n", err.msg);
    return rc;
}

static int same_file(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int same = fa && fb;
    long bytes = 0;
    while (same) {
        int ca = fgetc(fa), cb = fgetc(fb);
        if (ca != cb) same = 0;
        if (ca == EOF) break;
        bytes++;
    }
    if (fa) fclose(fa);
    if (fb) fclose(fb);
    return same && bytes > 100;
}

static void path_of(char *buf, const char *run, const char *file)
{
    snprintf(buf, 512, "%s/%s/%s", tmpdir, run, file);
}

/* Runs a and b (loaded from a's weights) record the same loss at every
 * logged step, and at more than one. */
static void check_same_losses(const char *run_a, const char *run_b)
{
    char pa[512], pb[512];
    path_of(pa, run_a, "train.csv");
    path_of(pb, run_b, "train.csv");
    table ta, tb;
    CHECK(read_table(pa, &ta) && read_table(pb, &tb));
    CHECK(ta.rows == tb.rows && ta.rows > 1);
    for (int r = 1; r < ta.rows && r < tb.rows; r++)
        CHECK_STR(tb.cell[r][col(&tb, "loss")], ta.cell[r][col(&ta, "loss")]);
    free_table(&ta);
    free_table(&tb);
}

/* Two runs of one configuration write identical files; another seed not. */
static void test_determinism(void)
{
    const char *args[] = {"depth=4", "width=16", "steps=30", "log_every=5", "batch_size=50",
                          "activation=tanh", "optimizer=adam", "lr=0.01", "test_frac=0.2"};
    run_result res;
    CHECK(configure(args, 9, "a") && run(&res) == 0);
    CHECK(configure(args, 9, "b") && run(&res) == 0);
    const char *files[] = {"layers.csv", "train.csv", "runs.csv"};
    char pa[512], pb[512];
    for (int i = 0; i < 3; i++) {
        path_of(pa, "a", files[i]);
        path_of(pb, "b", files[i]);
        if (i < 2) CHECK(same_file(pa, pb));
    }
    const char *seed2[] = {"depth=4", "width=16", "steps=30", "log_every=5", "batch_size=50",
                           "activation=tanh", "optimizer=adam", "lr=0.01", "test_frac=0.2",
                           "seed=2"};
    CHECK(configure(seed2, 10, "c") && run(&res) == 0);
    path_of(pa, "a", "layers.csv");
    path_of(pb, "c", "layers.csv");
    CHECK(!same_file(pa, pb));

    /* The rows: steps 0,5,...,30 for each of 5 layers; update_ratio empty at
     * step 0 only; test columns present; epochs advance every 4 steps
     * (240 training examples, batches of 50, remainder dropped). */
    table t;
    path_of(pa, "a", "layers.csv");
    CHECK(read_table(pa, &t));
    CHECK(t.rows == 1 + 7 * 5);
    CHECK_STR(t.cell[0][0], "run_id");
    for (int r = 1; r < t.rows; r++) {
        long step = atol(t.cell[r][col(&t, "step")]);
        CHECK(step == ((r - 1) / 5) * 5);
        CHECK(atol(t.cell[r][col(&t, "layer")]) == (r - 1) % 5 + 1);
        CHECK((t.cell[r][col(&t, "update_ratio")][0] == '\0') == (step == 0));
        CHECK(num(&t, r, "grad_w_norm") > 0);
    }
    free_table(&t);
    path_of(pa, "a", "train.csv");
    CHECK(read_table(pa, &t));
    CHECK(t.rows == 8);
    CHECK(t.cols == 9);
    CHECK_NEAR(num(&t, 7, "epoch"), 30 / 4, 0);
    CHECK(num(&t, 7, "test_accuracy") >= 0 && num(&t, 7, "test_accuracy") <= 1);
    CHECK(num(&t, 7, "loss") < num(&t, 1, "loss"));
    free_table(&t);
}

/* With the step activation nothing below the output layer learns. */
static void test_step_activation(void)
{
    const char *args[] = {"depth=3", "width=8", "steps=20", "log_every=1", "activation=step",
                          "bias_init=0.1"};
    run_result res;
    CHECK(configure(args, 6, "step") && run(&res) == 0);
    table t;
    char p[512];
    path_of(p, "step", "layers.csv");
    CHECK(read_table(p, &t));
    CHECK(t.rows == 1 + 21 * 4);
    for (int r = 1; r < t.rows; r++) {
        int layer = atoi(t.cell[r][col(&t, "layer")]);
        if (layer < 4) {
            CHECK(num(&t, r, "grad_w_norm") == 0.0);
            CHECK(num(&t, r, "grad_b_norm") == 0.0);
            CHECK(num(&t, r, "saturated_frac") == 1.0);
            CHECK(num(&t, r, "dead_frac") == 1.0);
            if (r > 4) CHECK(num(&t, r, "update_ratio") == 0.0);
        } else {
            CHECK(num(&t, r, "grad_w_norm") > 1e-3);
        }
    }
    free_table(&t);
}

/* A learning rate that explodes: status diverged, files still valid. */
static void test_divergence(void)
{
    const char *args[] = {"depth=3", "width=16", "steps=500", "activation=relu", "loss=mse",
                          "lr=1e4", "init=he_normal", "log_every=100"};
    run_result res;
    CHECK(configure(args, 8, "diverge") && run(&res) == 0);
    CHECK(res.status == RUN_DIVERGED);
    CHECK(res.stop_step > 0 && res.stop_step < 500);
    CHECK_CONTAINS(res.message, "at step");
    table t;
    char p[512];
    path_of(p, "diverge", "runs.csv");
    FILE *f = fopen(p, "r");
    char line[8192] = "";
    CHECK(f && fgets(line, sizeof line, f) && fgets(line, sizeof line, f));
    if (f) fclose(f);
    CHECK_CONTAINS(line, ",diverged,");
    path_of(p, "diverge", "train.csv");
    CHECK(read_table(p, &t));
    CHECK(atol(t.cell[t.rows - 1][col(&t, "step")]) == res.stop_step);
    free_table(&t);
}

/* update_ratio of plain SGD at step 1 is lr ||dW_0|| / ||W_0||; with
 * clipping the gradient is scaled to clip_norm first. */
static void test_update_ratio_and_clipping(void)
{
    for (int clip = 0; clip < 2; clip++) {
        const char *args[] = {"depth=2", "width=8", "steps=3", "log_every=1", "lr=0.5",
                              clip ? "clip_norm=1e-3" : "clip_norm=0"};
        run_result res;
        CHECK(configure(args, 6, "ratio") && run(&res) == 0);
        CHECK(res.clipped_steps == (clip ? 3 : 0));
        table layers, train;
        char p[512];
        path_of(p, "ratio", "layers.csv");
        CHECK(read_table(p, &layers));
        path_of(p, "ratio", "train.csv");
        CHECK(read_table(p, &train));
        double g = num(&train, 1, "grad_norm");
        double scale = clip ? 1e-3 / g : 1.0;
        CHECK(g > 1e-3);
        for (int l = 1; l <= 3; l++) {
            double gw = num(&layers, l, "grad_w_norm"), w = num(&layers, l, "weight_norm");
            double ratio = num(&layers, 3 + l, "update_ratio");
            CHECK_NEAR(ratio, 0.5 * scale * gw / w, 1e-12);
        }
        CHECK(atoi(train.cell[3][col(&train, "clipped_steps")]) == (clip ? 2 : 0));
        free_table(&layers);
        free_table(&train);
    }
}

/* save_weights writes the initial weights; load_weights starts from them,
 * so the two runs are the same run. */
static void test_weights_round_trip(void)
{
    char wdir[512];
    snprintf(wdir, sizeof wdir, "%s/weights", tmpdir);
    char save[600], load[600];
    snprintf(save, sizeof save, "save_weights=%s", wdir);
    snprintf(load, sizeof load, "load_weights=%s", wdir);
    const char *a1[] = {"depth=3", "width=7", "steps=10", "init=orthogonal", save};
    run_result res;
    CHECK(configure(a1, 5, "saved") && run(&res) == 0);
    /* Another seed would draw other weights; loading replaces them. */
    const char *a2[] = {"depth=3", "width=7", "steps=10", "init=he_normal", load};
    CHECK(configure(a2, 5, "loaded") && run(&res) == 0);
    check_same_losses("saved", "loaded");
    /* A network of another shape refuses the files. */
    const char *a3[] = {"depth=3", "width=9", load};
    CHECK(configure(a3, 3, "refused"));
    vg_error err;
    CHECK(run_single(&cfg, &res, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "W1.csv is 7 x 2, the network needs 9 x 2");
    CHECK(access(cfg.out, F_OK) != 0);
}

/* steps=0 records step 0 only. */
static void test_steps_zero(void)
{
    const char *args[] = {"depth=2", "steps=0"};
    run_result res;
    CHECK(configure(args, 2, "zero") && run(&res) == 0);
    table t;
    char p[512];
    path_of(p, "zero", "layers.csv");
    CHECK(read_table(p, &t));
    CHECK(t.rows == 1 + 3);
    free_table(&t);
}

/* hist.csv: every histogram counts every value once, auto and fixed
 * ranges, edges from lo to hi. */
static void test_histograms(void)
{
    for (int fixed = 0; fixed < 2; fixed++) {
        const char *args[] = {"depth=3", "width=6", "steps=10", "hist_every=5", "hist_bins=7",
                              "n_samples=40", fixed ? "hist_range=0.4:0.6" : "hist_range=auto"};
        run_result res;
        CHECK(configure(args, 7, "hist") && run(&res) == 0);
        table t;
        char p[512];
        path_of(p, "hist", "hist.csv");
        CHECK(read_table(p, &t));
        /* steps 0, 5, 10 x 4 layers x 4 quantities x 7 bins */
        CHECK(t.rows == 1 + 3 * 4 * 4 * 7);
        for (int r = 1; r + 6 < t.rows; r += 7) {
            long total = 0;
            for (int b = 0; b < 7; b++) total += atol(t.cell[r + b][col(&t, "count")]);
            int layer = atoi(t.cell[r][col(&t, "layer")]);
            int fan_out = layer == 4 ? 3 : 6, fan_in = layer == 1 ? 2 : 6;
            const char *q = t.cell[r][col(&t, "quantity")];
            long expect = strcmp(q, "grad_w") == 0 ? fan_out * fan_in : 40L * fan_out;
            CHECK(total == expect);
            double lo = num(&t, r, "bin_lo"), hi = num(&t, r + 6, "bin_hi");
            if (fixed) {
                CHECK(lo == 0.4 && hi == 0.6);
            } else {
                CHECK(lo < hi);
            }
            for (int b = 0; b < 6; b++)
                CHECK(strcmp(t.cell[r + b][col(&t, "bin_hi")], t.cell[r + b + 1][col(&t, "bin_lo")]) == 0);
        }
        /* sigmoid activations of the hidden layers lie in (0.4, 0.6) or
         * beyond: with the fixed range the edge bins take the outliers. */
        free_table(&t);
    }
    const char *off[] = {"depth=2", "steps=3"};
    run_result res;
    CHECK(configure(off, 2, "nohist") && run(&res) == 0);
    table t;
    char p[512];
    path_of(p, "nohist", "hist.csv");
    CHECK(read_table(p, &t));
    CHECK(t.rows == 1);
    free_table(&t);
}

/* bias=0 trains without biases; bias_init=normal:STD draws them;
 * loss_sum_outputs multiplies sigmoid_bce's loss by the outputs. */
static void test_bias_and_loss_keys(void)
{
    char wdir[512], save[600], p[600];
    snprintf(wdir, sizeof wdir, "%s/nobias_w", tmpdir);
    snprintf(save, sizeof save, "save_weights=%s", wdir);
    const char *a1[] = {"depth=2", "width=8", "steps=5", "bias=0", "bias_init=3", save};
    run_result res;
    CHECK(configure(a1, 6, "nobias") && run(&res) == 0);
    snprintf(p, sizeof p, "%s/b1.csv", wdir);
    CHECK(access(p, F_OK) != 0);
    snprintf(p, sizeof p, "%s/W1.csv", wdir);
    CHECK(access(p, F_OK) == 0);
    table t;
    path_of(p, "nobias", "layers.csv");
    CHECK(read_table(p, &t));
    for (int r = 1; r < t.rows; r++) {
        CHECK(num(&t, r, "grad_b_norm") == 0.0);
        CHECK(num(&t, r, "grad_w_norm") > 0.0);
    }
    free_table(&t);

    snprintf(wdir, sizeof wdir, "%s/normal_w", tmpdir);
    snprintf(save, sizeof save, "save_weights=%s", wdir);
    const char *a2[] = {"depth=1", "width=2000", "steps=0", "bias_init=normal:0.5", save};
    CHECK(configure(a2, 5, "normalbias") && run(&res) == 0);
    snprintf(p, sizeof p, "%s/b1.csv", wdir);
    FILE *f = fopen(p, "r");
    double v, s = 0, ss = 0;
    int n = 0;
    while (f && fscanf(f, "%lf", &v) == 1) s += v, ss += v * v, n++;
    if (f) fclose(f);
    CHECK(n == 2000);
    CHECK_NEAR(sqrt(ss / n - (s / n) * (s / n)), 0.5, 0.03);

    double loss[2];
    for (int sum = 0; sum < 2; sum++) {
        const char *a3[] = {"depth=2", "steps=0", "loss=sigmoid_bce", "n_classes=5",
                            "dataset=blobs", sum ? "loss_sum_outputs=1" : "loss_sum_outputs=0"};
        CHECK(configure(a3, 6, "sum") && run(&res) == 0);
        loss[sum] = res.final_loss;
    }
    CHECK(loss[0] > 0.1);
    CHECK_NEAR(loss[1] / loss[0], 5.0, 1e-12);
}

/* save_predictions: softmax outputs of every test example, summing to 1. */
static void test_predictions(void)
{
    const char *args[] = {"depth=2", "steps=20", "test_frac=0.2", "n_samples=100",
                          "save_predictions=1"};
    run_result res;
    CHECK(configure(args, 5, "pred") && run(&res) == 0);
    table t;
    char p[512];
    path_of(p, "pred", "predictions.csv");
    CHECK(read_table(p, &t));
    CHECK(t.rows == 1 + 20 * 3);
    long correct = 0;
    for (int r = 1; r + 2 < t.rows; r += 3) {
        double sum = 0, best = -1;
        int arg = -1;
        for (int k = 0; k < 3; k++) {
            double v = num(&t, r + k, "value");
            sum += v;
            if (v > best) best = v, arg = k;
        }
        CHECK_NEAR(sum, 1.0, 1e-12);
        CHECK_STR(t.cell[r][col(&t, "split")], "test");
        correct += arg == atoi(t.cell[r][col(&t, "label")]);
    }
    CHECK_NEAR(correct / 20.0, res.final_test_accuracy, 1e-12);
    free_table(&t);
}

/* Multi-label: two 0/1 targets per example (x0 > 0, x1 > 0) from a csv
 * file, one sigmoid output each; the accuracy is the fraction of labels on
 * the right side of 0.5, recomputed here from predictions.csv, where the
 * label column holds the bit set. */
static void test_multi_label(void)
{
    char data[600], spec[700];
    snprintf(data, sizeof data, "%s/multi.csv", tmpdir);
    FILE *f = fopen(data, "w");
    rng_state rng;
    rng_seed(&rng, 3, 0);
    for (int i = 0; f && i < 200; i++) {
        double x0 = rng_normal(&rng), x1 = rng_normal(&rng);
        fprintf(f, "%.17g,%.17g,%d,%d\n", x0, x1, x0 > 0, x1 > 0);
    }
    if (f) fclose(f);
    snprintf(spec, sizeof spec, "dataset=csv:%s", data);
    const char *args[] = {spec, "label_cols=2", "loss=sigmoid_bce", "depth=1", "width=8",
                          "activation=tanh", "lr=1", "steps=300", "log_every=300",
                          "test_frac=0.25", "save_predictions=1"};
    run_result res;
    CHECK(configure(args, 11, "multi") && run(&res) == 0);
    CHECK(res.final_test_accuracy > 0.9);
    table t;
    char p[700];
    path_of(p, "multi", "predictions.csv");
    CHECK(read_table(p, &t));
    CHECK(t.rows == 1 + 50 * 2);
    double right = 0;
    int both = 0;
    for (int r = 1; r < t.rows; r++) {
        int label = atoi(t.cell[r][col(&t, "label")]), k = atoi(t.cell[r][col(&t, "output")]);
        CHECK(label >= 0 && label <= 3);
        both += label == 3;
        right += (num(&t, r, "value") > 0.5) == ((label >> k) & 1);
    }
    CHECK(both > 0); /* bit sets, not one class */
    CHECK_NEAR(right / 100.0, res.final_test_accuracy, 1e-12);
    free_table(&t);
    /* softmax_ce has one class per example */
    vg_error err;
    config_defaults(&cfg);
    CHECK(config_set_arg(&cfg, spec, &err) == VG_OK);
    CHECK(config_set_arg(&cfg, "label_cols=2", &err) == VG_OK);
    CHECK(config_resolve(&cfg, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "multi-label targets need loss=sigmoid_bce or mse");
}

/* norm= and residual=: the weights files of a normalised network round
 * trip, the new keys at their defaults keep the run_id, and what is
 * undefined or unsupported is refused with the reason, writing nothing. */
static void test_norm_and_residual_keys(void)
{
    char wdir[512], save[600], load[600], pa[512];
    snprintf(wdir, sizeof wdir, "%s/bn-weights", tmpdir);
    snprintf(save, sizeof save, "save_weights=%s", wdir);
    snprintf(load, sizeof load, "load_weights=%s", wdir);
    const char *a1[] = {"depth=3", "width=6", "steps=10", "batch_size=30", "norm=batch",
                        "activation=relu", save};
    run_result res;
    CHECK(configure(a1, 7, "bn-saved") && run(&res) == 0 && res.status == RUN_OK);
    /* gamma, beta and the running statistics of the hidden layers only. */
    const char *files[] = {"W4.csv", "b4.csv", "gamma3.csv", "beta3.csv", "running_mean1.csv",
                           "running_var3.csv"};
    for (int i = 0; i < 6; i++) {
        snprintf(pa, sizeof pa, "%s/%s", wdir, files[i]);
        CHECK(access(pa, F_OK) == 0);
    }
    snprintf(pa, sizeof pa, "%s/gamma4.csv", wdir);
    CHECK(access(pa, F_OK) != 0);
    const char *a2[] = {"depth=3", "width=6", "steps=10", "batch_size=30", "norm=batch",
                        "activation=relu", "init=he_normal", load};
    CHECK(configure(a2, 8, "bn-loaded") && run(&res) == 0);
    check_same_losses("bn-saved", "bn-loaded");
    /* A full-batch run with batch normalisation records the loss of an
     * evaluation pass (running statistics: with momentum 0 they stay 0 and
     * 1), not its training step's (batch statistics). */
    const char *e1[] = {"depth=3", "width=6", "steps=0", "norm=batch", "norm_momentum=0",
                        "activation=tanh"};
    CHECK(configure(e1, 6, "bn-full") && run(&res) == 0);
    trainer t;
    vg_error terr;
    CHECK(trainer_setup(&t, &cfg, &terr) == VG_OK);
    int n = trainer_first_batch(&t, t.train.n);
    CHECK(n == t.train.n && n == t.B);
    double eval_loss = mlp_forward_mode(&t.net, t.labels, n, LAYER_EVALUATION, 0);
    double train_loss = mlp_forward(&t.net, t.labels, n, 0);
    trainer_free(&t);
    path_of(pa, "bn-full", "train.csv");
    table ta;
    CHECK(read_table(pa, &ta) && ta.rows == 2);
    if (ta.rows == 2) {
        CHECK_NEAR(num(&ta, 1, "loss"), eval_loss, 1e-14);
        CHECK(fabs(eval_loss - train_loss) > 1e-4);
    }
    free_table(&ta);
    /* Layer normalisation's files have no running statistics to load. */
    const char *a3[] = {"depth=3", "width=6", "steps=0", "norm=layer", load};
    CHECK(configure(a3, 5, "ln-loaded") && run(&res) == 0);

    /* The defaults of the new keys, given or not, leave the run_id alone. */
    char id_plain[17], id_given[17], id_norm[17];
    const char *d1[] = {"depth=3"};
    const char *d2[] = {"depth=3", "norm=none", "norm_eps=1e-5", "norm_momentum=0.1",
                        "residual=0", "residual_scale=1"};
    const char *d3[] = {"depth=3", "norm=layer"};
    CHECK(configure(d1, 1, "id"));
    config_run_id(&cfg, id_plain);
    CHECK(configure(d2, 6, "id"));
    config_run_id(&cfg, id_given);
    CHECK(configure(d3, 2, "id"));
    config_run_id(&cfg, id_norm);
    CHECK_STR(id_given, id_plain);
    CHECK(strcmp(id_norm, id_plain) != 0);

    vg_error err;
    const char *b1[] = {"norm=batch", "batch_size=1"};
    CHECK(configure(b1, 2, "bn-one"));
    CHECK(run_single(&cfg, &res, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "norm=batch needs batches of at least 2 examples");
    CHECK(access(cfg.out, F_OK) != 0);
    const char *b2[] = {"residual=1", "widths=4,5,5"};
    CHECK(configure(b2, 2, "res-widths"));
    CHECK(run_single(&cfg, &res, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "residual=1: hidden layer 2 has 5 units but layer 1");
    CHECK(access(cfg.out, F_OK) != 0);
    const char *b3[] = {"norm=batch", "depth=2", "width=4"};
    CHECK(configure(b3, 3, "bn-check"));
    gradcheck_report grep_;
    csv_out rows = {0};
    CHECK(gradcheck_write(&cfg, 1e-6, 1, 64, &rows, &grep_, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "norm=batch needs at least 2 examples");
    const char *b4[] = {"norm=layer", "depth=2", "width=4"};
    CHECK(configure(b4, 3, "ln-jacobian"));
    jacobian_report jr;
    CHECK(jacobian_write(&cfg, 3, &jr, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "allowed: norm=none and residual=0");
    CHECK(access(cfg.out, F_OK) != 0);
    const char *b5[] = {"residual=2", "depth=4", "width=4"};
    CHECK(configure(b5, 3, "res-theory"));
    theory_report tr;
    CHECK(theory_write(&cfg, 0, &tr, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "allowed: norm=none and residual=0");
    CHECK(access(cfg.out, F_OK) != 0);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The columns of normalisation, shortcuts and percentiles in layers.csv:
 * empty where the layer has none (grad_gamma_norm, grad_beta_norm without
 * normalisation and at the output layer; delta_shortcut_norm,
 * delta_branch_norm but at a shortcut's source, layers 1 and 3 of
 * residual=2), and at step 0 of a full-batch run the values of a forward
 * and backward pass made here: the percentiles from a qsort of the first
 * unit's pre-activations, the norms from the gradients. */
static void test_new_layer_columns(void)
{
    const char *plain[] = {"depth=3", "width=6", "steps=4", "log_every=2", "activation=tanh"};
    const char *resnet[] = {"depth=5", "width=6", "steps=4", "log_every=2", "activation=tanh",
                            "norm=layer", "residual=2", "residual_scale=0.5"};
    const char *new_cols[] = {"grad_gamma_norm", "grad_beta_norm", "delta_shortcut_norm",
                              "delta_branch_norm"};
    run_result res;
    char pa[512];
    for (int c = 0; c < 2; c++) {
        const char *name = c ? "cols-res" : "cols-plain";
        CHECK(c ? configure(resnet, 8, name) : configure(plain, 5, name));
        CHECK(run(&res) == 0 && res.status == RUN_OK);
        table t;
        path_of(pa, name, "layers.csv");
        CHECK(read_table(pa, &t));
        int L = c ? 6 : 4;
        CHECK(t.rows == 1 + 3 * L);
        for (int r = 1; r < t.rows; r++) {
            int l = atoi(t.cell[r][col(&t, "layer")]);
            int normalised = c && l < L, source = c && (l == 1 || l == 3);
            for (int k = 0; k < 4; k++) {
                int want = k < 2 ? normalised : source;
                CHECK((t.cell[r][col(&t, new_cols[k])][0] != '\0') == want);
                if (want) CHECK(num(&t, r, new_cols[k]) > 0);
            }
            CHECK(num(&t, r, "preact_p15") <= num(&t, r, "preact_p50"));
            CHECK(num(&t, r, "preact_p50") <= num(&t, r, "preact_p85"));
            CHECK(num(&t, r, "preact_p15") < num(&t, r, "preact_p85"));
        }
        /* Step 0 again by hand: the whole training set, in order. */
        trainer tr;
        vg_error err;
        CHECK(trainer_setup(&tr, &cfg, &err) == VG_OK);
        int B = trainer_first_batch(&tr, tr.train.n);
        CHECK(B == tr.B);
        mlp_forward(&tr.net, tr.labels, B, 1);
        mlp_backward(&tr.net, B);
        double *col0 = malloc((size_t)B * sizeof(double));
        for (int l = 1; l <= L; l++) {
            int fo = tr.net.dims[l];
            for (int i = 0; i < B; i++) col0[i] = tr.net.z[l][(size_t)i * fo];
            qsort(col0, (size_t)B, sizeof(double), cmp_double);
            static const double ps[3] = {0.15, 0.5, 0.85};
            static const char *names[3] = {"preact_p15", "preact_p50", "preact_p85"};
            for (int q = 0; q < 3; q++) {
                double h = (B - 1) * ps[q];
                int lo = (int)h, hi = lo + 1 < B ? lo + 1 : lo;
                double want = col0[lo] + (h - lo) * (col0[hi] - col0[lo]);
                CHECK_NEAR(num(&t, l, names[q]), want, 1e-15);
            }
            if (c && l < L) {
                CHECK_NEAR(num(&t, l, "grad_gamma_norm"),
                           vg_norm(mlp_grad(&tr.net, l, NORM_GAMMA), (size_t)fo), 1e-15);
                CHECK_NEAR(num(&t, l, "grad_beta_norm"),
                           vg_norm(mlp_grad(&tr.net, l, NORM_BETA), (size_t)fo), 1e-15);
            }
            if (c && (l == 1 || l == 3)) {
                /* The shortcut's part is dL/da of layer l + 2, whose
                 * dz = 0.5 f'(z) dL/da: dL/da = dz / (0.5 (1 - tanh^2)). */
                double ss = 0;
                const double *z2 = tr.net.z[l + 2], *dz2 = tr.net.dz[l + 2];
                for (size_t k = 0; k < (size_t)B * fo; k++) {
                    double d = dz2[k] / (0.5 * (1 - tanh(z2[k]) * tanh(z2[k])));
                    ss += d * d;
                }
                CHECK_NEAR(num(&t, l, "delta_shortcut_norm"), sqrt(ss), 1e-12);
            }
        }
        free(col0);
        trainer_free(&tr);
        free_table(&t);
    }
}

int main(void)
{
    if (!mkdtemp(tmpdir)) return 1;
    test_determinism();
    test_step_activation();
    test_divergence();
    test_update_ratio_and_clipping();
    test_weights_round_trip();
    test_steps_zero();
    test_histograms();
    test_bias_and_loss_keys();
    test_predictions();
    test_multi_label();
    test_norm_and_residual_keys();
    test_new_layer_columns();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    return test_report("test_train");
}
