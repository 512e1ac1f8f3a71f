/* fuzz_idx.c: IDX image and label files, plain and gzip, through
 * data_load ("idx:IMAGES[,LABELS]") as a run reads them.
 *
 * Input: a byte of flags, two bytes (little-endian) giving the length of
 * the images file's bytes, those bytes, and the rest as the labels file's.
 *   bit 0  gzip the images bytes (the bytes themselves may be gzip too:
 *          vgrad knows gzip by its magic number, not the name)
 *   bit 1  gzip the labels bytes
 *   bit 2  no labels file (idx:IMAGES alone)
 *   bit 3  n_classes=10 (else 0: from the labels)
 *   bit 4  n_samples=2 (else 0: every image)
 * A loaded dataset has n images of n_features pixels in [0, 1] and labels
 * in [0, n_classes). */
#include "fuzz.h"

#include <math.h>
#include <zlib.h>

#include "data.h"
#include "vg.h"

static void write_maybe_gzip(const char *path, const uint8_t *data, size_t size, int gzip)
{
    if (!gzip) {
        fuzz_write_file(path, data, size);
        return;
    }
    gzFile f = gzopen(path, "wb1");
    if (!f || (size && gzwrite(f, data, (unsigned)size) != (int)size) || gzclose(f) != Z_OK) {
        fprintf(stderr, "fuzz: cannot write %s\n", path);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3) return 0;
    uint8_t flags = data[0];
    size_t images_len = (size_t)data[1] | (size_t)data[2] << 8;
    data += 3;
    size -= 3;
    if (images_len > size) images_len = size;
    char images[128], labels[128], spec[300];
    snprintf(images, sizeof images, "%s/images.idx", fuzz_dir());
    snprintf(labels, sizeof labels, "%s/labels.idx", fuzz_dir());
    write_maybe_gzip(images, data, images_len, flags & 1);
    if (flags & 4) {
        snprintf(spec, sizeof spec, "idx:%s", images);
    } else {
        write_maybe_gzip(labels, data + images_len, size - images_len, flags & 2);
        snprintf(spec, sizeof spec, "idx:%s,%s", images, labels);
    }
    data_params p = {.n_samples = flags & 16 ? 2 : 0,
                     .n_classes = flags & 8 ? 10 : 0,
                     .label_col = -1,
                     .label_cols = 1};
    dataset d;
    memset(&d, 0, sizeof d);
    vg_error err = {0, ""};
    int rc = data_load(&d, spec, &p, NULL, &err);
    if (rc == VG_OK) {
        if (d.n < 1 || d.n_features < 1 || d.n_classes < 1 || !d.X || !d.y)
            fuzz_fail("loaded an empty dataset: n %d, features %d, classes %d", d.n,
                      d.n_features, d.n_classes);
        if (p.n_samples > 0 && d.n > p.n_samples)
            fuzz_fail("n_samples=%d but %d images loaded", p.n_samples, d.n);
        for (long i = 0; i < (long)d.n * d.n_features; i++)
            if (!(d.X[i] >= 0.0 && d.X[i] <= 1.0)) fuzz_fail("pixel %ld = %g", i, d.X[i]);
        for (int i = 0; i < d.n; i++)
            if (d.y[i] < 0 || d.y[i] >= d.n_classes)
                fuzz_fail("image %d: label %d outside [0, %d)", i, d.y[i], d.n_classes);
    } else if ((rc != VG_EUSAGE && rc != VG_EFAIL) || !err.msg[0]) {
        fuzz_fail("data_load returned %d with message '%s'", rc, err.msg);
    }
    data_free(&d);
    return 0;
}
