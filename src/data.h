/* data.h: datasets.  Every dataset is a dense (n x n_features) matrix of
 * doubles with an integer class label per example in [0, n_classes).
 *
 * Synthetic sets are generated from the data stream of the RNG, so the same
 * seed always gives the same data.  `csv:PATH` reads a file (see csvio.h),
 * `idx:IMAGES[,LABELS]` reads IDX files (plain or gzip, through zlib), and
 * the table's file rows (fashion_mnist) read the IDX files of a Debian
 * package.  The table data_table lists the named sets; csv: and idx: are
 * prefix forms. */
#ifndef VG_DATA_H
#define VG_DATA_H

#include <string.h>

#include "rng.h"
#include "vg.h"

/* The file forms of dataset=, beside data_table's names:
 * X(prefix, form as help shows it, description). */
#define DATA_FILE_FORMS(X)                                                        \
    X("csv:", "csv:PATH", "numeric features and an integer class label per row") \
    X("idx:", "idx:IMAGES[,LABELS]",                                              \
      "IDX image and label files (plain or .gz), pixels scaled to [0,1]")

/* 1 when spec names data files (one of DATA_FILE_FORMS), 0 for a name. */
static inline int data_is_file_spec(const char *spec)
{
#define DATA_PREFIX_MATCHES(prefix, form, desc) strncmp(spec, prefix, strlen(prefix)) == 0 ||
    return DATA_FILE_FORMS(DATA_PREFIX_MATCHES) 0;
#undef DATA_PREFIX_MATCHES
}

/* Sequences (the recurrent models): an example's features are T input
 * vectors one after the other (time-major: x_1, x_2, ..., x_T), whatever the
 * dataset; T is seq_len.  A dataset with a target at every step (copy) has
 * label_steps = T labels per example, y[i * T + t]; a regression dataset
 * (adding) has real-valued targets instead of labels, targets[i * n_targets
 * + k], and y all 0. */
typedef struct {
    int n;            /* examples */
    int n_features;
    int n_classes;    /* classes, or labels when multi_label; 0 for a regression */
    int multi_label;  /* 1: y[i] is a bit set, bit k the 0/1 target of label k */
    int label_steps;  /* labels per example: 1, or T (a target at every step) */
    int n_targets;    /* real-valued targets per example (regression), else 0 */
    double *X;        /* n x n_features, row-major, owned */
    int *y;           /* n x label_steps labels, owned */
    double *targets;  /* n x n_targets, owned; NULL unless n_targets > 0 */
} dataset;

typedef struct {
    int n_samples;      /* requested size (synthetic); csv: 0 = all rows */
    int n_features;     /* synthetic: input dimension (xor, spiral, circles need 2) */
    int n_classes;      /* synthetic: classes; csv, idx: 0 = max label + 1 (refused when more
                         * than half of them have no example), else labels must be < n_classes */
    double noise;       /* synthetic: noise scale, meaning per generator */
    int label_col;      /* csv: 0-based column of the (first) label, -1 = the last ones */
    int label_cols;     /* csv: label columns; over 1 (at most 30): multi-label 0/1 */
    int seq_len;        /* the sequence datasets (adding, copy): time steps */
} data_params;

typedef struct {
    const char *name;
    const char *desc;
    int fixed_features;  /* 0: uses n_features; else the input dimension it always has */
    int fixed_classes;   /* 0: uses n_classes; else the class count it always has */
    int from_file;       /* reads files: n_samples = 0 (all) unless given */
    int (*generate)(dataset *d, const data_params *p, rng_state *rng, vg_error *err);
    /* A sequence dataset: its fixed_features are per time step, it makes
     * seq_len steps (0 = default_steps), and its targets are real-valued
     * (regression, n_targets outputs) or one label per step (per_step). */
    int default_steps, regression, per_step;
} data_info;

extern const data_info data_table[];
extern const int data_count;

int data_find(const char *name);

/* Loads the dataset named by spec: a data_table name, or "csv:PATH".
 * Errors are VG_EUSAGE with the file, line and column for csv. */
int data_load(dataset *d, const char *spec, const data_params *p, rng_state *rng, vg_error *err);

/* Splits d into train and test: a seeded permutation of the examples (split
 * stream), the last round(test_frac * n) of them go to test.  With test_frac
 * = 0 train is a copy of d in its original order and test is empty. */
int data_split(const dataset *d, double test_frac, rng_state *rng,
               dataset *train, dataset *test, vg_error *err);

/* Rescales every feature of train to zero mean and unit variance, and test
 * with train's statistics.  A constant feature is centred only. */
void data_standardize(dataset *train, dataset *test);

void data_free(dataset *d);

#endif
