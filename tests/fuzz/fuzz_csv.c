/* fuzz_csv.c: CSV data files, through data_load ("csv:PATH") as a run
 * reads them, with every label_col / label_cols form; and csvread_matrix.
 *
 * The input's first byte chooses the form; the rest is the file:
 *   bits 0-2  label_col: -1 (the last), 0, 1, 2, 3, 7, 1000000 (beyond any
 *             row), or 0 (as -1's neighbour)
 *   bits 3-4  label_cols: 1, 2, 3 or 30
 *   bit 5     n_classes: 0 (from the labels) or 3
 *   bit 6     n_samples: 0 (every row) or 2
 * A loaded dataset must be what data.h promises: n rows of n_features
 * finite values, labels in [0, n_classes) (bit sets below 2^labels for
 * multi-label), and csvread_matrix agrees with itself on the shape. */
#include "fuzz.h"

#include <math.h>

#include "csvio.h"
#include "data.h"
#include "vg.h"

static void check_dataset(const dataset *d, const data_params *p)
{
    if (d->n < 1 || d->n_features < 1 || d->n_classes < 1 || !d->X || !d->y)
        fuzz_fail("loaded an empty dataset: n %d, features %d, classes %d", d->n, d->n_features,
                  d->n_classes);
    if (p->n_samples > 0 && d->n > p->n_samples)
        fuzz_fail("n_samples=%d but %d rows loaded", p->n_samples, d->n);
    for (long i = 0; i < (long)d->n * d->n_features; i++)
        if (!isfinite(d->X[i])) fuzz_fail("feature %ld is not finite: %g", i, d->X[i]);
    for (int i = 0; i < d->n; i++) {
        if (d->multi_label) {
            if (d->y[i] < 0 || (d->n_classes < 31 && d->y[i] >= (1 << d->n_classes)))
                fuzz_fail("row %d: label bits %d beyond %d labels", i, d->y[i], d->n_classes);
        } else if (d->y[i] < 0 || d->y[i] >= d->n_classes) {
            fuzz_fail("row %d: label %d outside [0, %d)", i, d->y[i], d->n_classes);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    static const int label_col[8] = {-1, 0, 1, 2, 3, 7, 1000000, -1};
    static const int label_cols[4] = {1, 2, 3, 30};
    uint8_t form = data[0];
    char path[128], spec[160];
    snprintf(path, sizeof path, "%s/data.csv", fuzz_dir());
    fuzz_write_file(path, data + 1, size - 1);
    snprintf(spec, sizeof spec, "csv:%s", path);

    data_params p = {.n_samples = form & 64 ? 2 : 0,
                     .n_classes = form & 32 ? 3 : 0,
                     .label_col = label_col[form & 7],
                     .label_cols = label_cols[(form >> 3) & 3]};
    dataset d;
    memset(&d, 0, sizeof d);
    vg_error err = {0, ""};
    int rc = data_load(&d, spec, &p, NULL, &err);
    if (rc == VG_OK)
        check_dataset(&d, &p);
    else if ((rc != VG_EUSAGE && rc != VG_EFAIL) || !err.msg[0])
        fuzz_fail("data_load returned %d with message '%s'", rc, err.msg);
    data_free(&d);

    double *values = NULL;
    int rows = 0, cols = 0, header = 0;
    rc = csvread_matrix(path, &values, &rows, &cols, &header, &err);
    if (rc == VG_OK) {
        if (rows < 1 || cols < 1 || !values) fuzz_fail("csvread_matrix: %d x %d", rows, cols);
    } else if ((rc != VG_EUSAGE && rc != VG_EFAIL) || !err.msg[0]) {
        fuzz_fail("csvread_matrix returned %d with message '%s'", rc, err.msg);
    }
    free(values);
    return 0;
}
