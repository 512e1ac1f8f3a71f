/* test_data.c: the datasets: determinism, shapes, labels, csv files, the
 * split and standardisation. */
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "data.h"
#include "loss.h"
#include "test.h"

static char dir[] = "/tmp/vgrad_data_XXXXXX";

static int load(dataset *d, const char *spec, int n, int f, int k, int seed, vg_error *err)
{
    data_params p = {n, f, k, 0.1, -1, 1, 0};
    rng_state r;
    rng_seed(&r, (uint64_t)seed, RNG_STREAM_DATA);
    return data_load(d, spec, &p, &r, err);
}

static int same(const dataset *a, const dataset *b)
{
    return a->n == b->n && a->n_features == b->n_features &&
           memcmp(a->X, b->X, (size_t)a->n * a->n_features * sizeof(double)) == 0 &&
           memcmp(a->y, b->y, (size_t)a->n * sizeof(int)) == 0;
}

static void test_generators(void)
{
    for (int g = 0; g < data_count; g++) {
        const data_info *info = &data_table[g];
        if (info->from_file) continue;   /* test_idx reads files */
        if (info->default_steps) continue;   /* test_sequences */
        int F = info->fixed_features ? info->fixed_features : 5;
        int K = info->fixed_classes ? info->fixed_classes : 4;
        dataset a, b, c;
        vg_error err;
        CHECK(load(&a, info->name, 301, F, K, 1, &err) == VG_OK);
        CHECK(load(&b, info->name, 301, F, K, 1, &err) == VG_OK);
        CHECK(load(&c, info->name, 301, F, K, 2, &err) == VG_OK);
        CHECK(a.n == 301 && a.n_features == F && a.n_classes == K);
        CHECK(same(&a, &b));
        CHECK(!same(&a, &c));
        int count[8] = {0};
        for (int i = 0; i < a.n; i++) {
            CHECK(a.y[i] >= 0 && a.y[i] < K);
            if (a.y[i] >= 0 && a.y[i] < K) count[a.y[i]]++;
        }
        /* Every class occurs; the constructed ones are balanced. */
        for (int k = 0; k < K; k++) CHECK(count[k] > 0);
        if (strcmp(info->name, "spiral") == 0 || strcmp(info->name, "blobs") == 0 ||
            strcmp(info->name, "circles") == 0)
            for (int k = 0; k < K; k++) CHECK(count[k] == 301 / K || count[k] == 301 / K + 1);
        if (strcmp(info->name, "xor") == 0) CHECK(abs(count[0] - count[1]) < 60);
        data_free(&a);
        data_free(&b);
        data_free(&c);
    }
    dataset d;
    vg_error err;
    CHECK(load(&d, "spiral", 0, 2, 3, 1, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "n_samples");
    CHECK(load(&d, "moons", 10, 2, 3, 1, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "allowed: xor, spiral, blobs, circles, teacher, gauss, "
                            "fashion_mnist, fashion_mnist_test, mnist, adding, copy, csv:PATH or "
                            "idx:IMAGES[,LABELS]");
}

/* adding and copy: their structure, exactly, and the baselines the issue
 * names (1/6 for adding's constant 1, 10 log 8 / (T + 20) for copy's
 * memoryless strategy), through the real loss. */
static void test_sequences(void)
{
    vg_error err;
    rng_state r;
    dataset d;
    data_params p = {2000, 0, 0, 0, -1, 1, 50};
    rng_seed(&r, 7, RNG_STREAM_DATA);
    CHECK(data_load(&d, "adding", &p, &r, &err) == VG_OK);
    CHECK(d.n == 2000 && d.n_features == 100 && d.n_targets == 1 && d.label_steps == 1);
    double sq = 0.0;
    int bad = 0;
    for (int i = 0; i < d.n; i++) {
        const double *x = d.X + (size_t)i * 100;
        int first = -1, second = -1, marks = 0;
        for (int t = 0; t < 50; t++) {
            if (!(x[2 * t] >= 0 && x[2 * t] < 1)) bad++;
            if (x[2 * t + 1] == 1.0) {
                marks++;
                if (t < 25) first = t; else second = t;
            } else if (x[2 * t + 1] != 0.0) {
                bad++;
            }
        }
        if (marks != 2 || first < 0 || second < 0 ||
            d.targets[i] != x[2 * first] + x[2 * second])
            bad++;
        sq += (d.targets[i] - 1.0) * (d.targets[i] - 1.0);
    }
    CHECK(bad == 0);
    /* The sum of two U(0,1) has variance 1/6 about its mean 1: the MSE of
     * predicting 1, within 4 standard errors (sd of (s-1)^2 is sqrt(7/180)). */
    double mse = sq / d.n;
    CHECK_NEAR(mse, 1.0 / 6.0, 4 * sqrt(7.0 / 180.0 / d.n));
    data_free(&d);
    p.seq_len = 1;
    CHECK(data_load(&d, "adding", &p, &r, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "seq_len >= 2");

    int T = 30, steps = T + 20, K = 9;
    p = (data_params){40, 0, 0, 0, -1, 1, steps};
    CHECK(data_load(&d, "copy", &p, &r, &err) == VG_OK);
    CHECK(d.n == 40 && d.n_features == 10 * steps && d.n_classes == K && d.label_steps == steps);
    /* The memoryless strategy: blank at the first T + 10 steps, uniform
     * over the 8 symbols at the last 10, as logits. */
    size_t rows = (size_t)d.n * steps;
    double *z = calloc(rows * K, sizeof(double)), *a = calloc(rows * K, sizeof(double));
    bad = 0;
    for (int i = 0; i < d.n; i++)
        for (int t = 0; t < steps; t++) {
            const double *x = d.X + ((size_t)i * steps + t) * 10;
            int symbol = -1, ones = 0;
            for (int c = 0; c < 10; c++) {
                if (x[c] == 1.0) { symbol = c; ones++; }
                else if (x[c] != 0.0) bad++;
            }
            int want = t < 10 ? d.y[(size_t)i * steps + steps - 10 + t] : t == T + 9 ? 9 : 0;
            if (ones != 1 || symbol != want || (t < 10 && (symbol < 1 || symbol > 8))) bad++;
            if (t < steps - 10 && d.y[(size_t)i * steps + t] != 0) bad++;
            double *zr = z + ((size_t)i * steps + t) * K;
            for (int k = 0; k < K; k++)
                zr[k] = t < steps - 10 ? (k == 0 ? 0.0 : -1000.0) : (k == 0 ? -1000.0 : 0.0);
        }
    CHECK(bad == 0);
    double ce = loss_table[loss_find("softmax_ce")].forward_backward(z, a, NULL, d.y, (int)rows, K, 0);
    double want = 10.0 * log(8.0) / steps;
    CHECK_NEAR(ce, want, 1e-12);
    free(z);
    free(a);
    data_free(&d);
    p.seq_len = 20;
    CHECK(data_load(&d, "copy", &p, &r, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "seq_len >= 21");
}

static void write_file(const char *name, const char *text, char *path)
{
    snprintf(path, 256, "csv:%s/%s", dir, name);
    FILE *f = fopen(path + 4, "w");
    fputs(text, f);
    fclose(f);
}

static void test_csv(void)
{
    char spec[256];
    dataset d;
    vg_error err;
    data_params p = {0, 0, 0, 0, -1, 1, 0};
    write_file("ok.csv", "f1,f2,label\n0.5,1,1\n2,3,0\n4,5,2\n", spec);
    CHECK(data_load(&d, spec, &p, NULL, &err) == VG_OK);
    CHECK(d.n == 3 && d.n_features == 2 && d.n_classes == 3);
    CHECK(d.X[0] == 0.5 && d.X[5] == 5 && d.y[0] == 1 && d.y[2] == 2);
    data_free(&d);
    p.label_col = 0;
    write_file("first.csv", "1,0.5,7\n0,2,3\n", spec);
    CHECK(data_load(&d, spec, &p, NULL, &err) == VG_OK);
    CHECK(d.n_features == 2 && d.y[0] == 1 && d.X[1] == 7);
    data_free(&d);
    p.label_col = -1;
    p.n_samples = 2;
    write_file("subset.csv", "1,0\n2,1\n3,0\n", spec);
    CHECK(data_load(&d, spec, &p, NULL, &err) == VG_OK);
    CHECK(d.n == 2);
    data_free(&d);
    p.n_samples = 5;
    CHECK(data_load(&d, spec, &p, NULL, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "fewer than n_samples=5");
    p.n_samples = 0;

    write_file("frac.csv", "a,label\n1,0\n2,1.5\n", spec);
    CHECK(data_load(&d, spec, &p, NULL, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "frac.csv: line 3, column 2: label 1.5 is not a non-negative integer");
    write_file("neg.csv", "1,0\n2,-1\n", spec);
    CHECK(data_load(&d, spec, &p, NULL, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "line 2, column 2: label -1");
    p.n_classes = 3;
    write_file("range.csv", "1,0\n2,1\n3,2\n4,3\n", spec);
    CHECK(data_load(&d, spec, &p, NULL, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "line 4, column 2: label 3 out of range: n_classes is 3, labels must be 0..2");
    p.n_classes = 0;
    write_file("one.csv", "1,0\n2,0\n", spec);
    CHECK(data_load(&d, spec, &p, NULL, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "at least 2 classes");
    p.label_col = 5;
    write_file("cols.csv", "1,0\n2,1\n", spec);
    CHECK(data_load(&d, spec, &p, NULL, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "label_col=5 but the file has 2 columns");
    p.label_col = -1;

    /* Multi-label: the last label_cols columns are 0/1 targets, bit k of y. */
    p.label_cols = 3;
    write_file("multi.csv", "f1,f2,a,b,c\n0.5,1,1,0,1\n2,3,0,1,1\n4,5,0,0,0\n", spec);
    CHECK(data_load(&d, spec, &p, NULL, &err) == VG_OK);
    CHECK(d.n == 3 && d.n_features == 2 && d.n_classes == 3 && d.multi_label == 1);
    CHECK(d.X[0] == 0.5 && d.X[1] == 1 && d.X[5] == 5);
    CHECK(d.y[0] == 5 && d.y[1] == 6 && d.y[2] == 0);
    data_free(&d);
    p.label_col = 0;
    write_file("multi0.csv", "1,1,7\n0,1,8\n", spec);
    p.label_cols = 2;
    CHECK(data_load(&d, spec, &p, NULL, &err) == VG_OK);
    CHECK(d.n_features == 1 && d.X[0] == 7 && d.X[1] == 8 && d.y[0] == 3 && d.y[1] == 2);
    data_free(&d);
    p.label_col = -1;
    p.label_cols = 3;
    write_file("multi2.csv", "0.5,1,0,1\n2,0,2,1\n", spec);
    CHECK(data_load(&d, spec, &p, NULL, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "multi2.csv: line 2, column 3: label 2 is not 0 or 1 (label_cols=3");
    write_file("multi3.csv", "1,0,1\n", spec);
    CHECK(data_load(&d, spec, &p, NULL, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "3 columns; needs at least one feature and 3 labels");
    p.label_col = 2;
    write_file("multi4.csv", "1,0,1,1\n", spec);
    CHECK(data_load(&d, spec, &p, NULL, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "label_col=2 with label_cols > 1 but the file has 4 columns; allowed: 0 to 1");
    p.label_col = -1;
    p.label_cols = 1;
}

static void test_split_and_standardize(void)
{
    dataset d, train, test, train2, test2;
    vg_error err;
    CHECK(load(&d, "blobs", 100, 3, 2, 1, &err) == VG_OK);
    rng_state r;
    rng_seed(&r, 5, RNG_STREAM_SPLIT);
    CHECK(data_split(&d, 0.25, &r, &train, &test, &err) == VG_OK);
    CHECK(train.n == 75 && test.n == 25);
    rng_seed(&r, 5, RNG_STREAM_SPLIT);
    CHECK(data_split(&d, 0.25, &r, &train2, &test2, &err) == VG_OK);
    CHECK(same(&train, &train2) && same(&test, &test2));
    /* Disjoint and complete: every example once, matched by its features. */
    int found = 0;
    for (int i = 0; i < d.n; i++) {
        int hits = 0;
        for (int j = 0; j < train.n; j++) hits += memcmp(d.X + 3 * i, train.X + 3 * j, 24) == 0;
        for (int j = 0; j < test.n; j++) hits += memcmp(d.X + 3 * i, test.X + 3 * j, 24) == 0;
        found += hits == 1;
    }
    CHECK(found == 100);
    data_standardize(&train, &test);
    for (int f = 0; f < 3; f++) {
        double s = 0, ss = 0;
        for (int i = 0; i < train.n; i++) s += train.X[3 * i + f];
        for (int i = 0; i < train.n; i++) ss += pow(train.X[3 * i + f] - s / train.n, 2);
        CHECK_NEAR(s / train.n, 0.0, 1e-12);
        CHECK_NEAR(sqrt(ss / train.n), 1.0, 1e-12);
    }
    data_free(&train);
    data_free(&test);
    data_free(&train2);
    data_free(&test2);
    /* test_frac = 0 keeps the order; a split leaving nothing is refused. */
    CHECK(data_split(&d, 0, &r, &train, &test, &err) == VG_OK);
    CHECK(same(&d, &train) && test.n == 0);
    data_free(&train);
    data_free(&test);
    CHECK(data_split(&d, 0.999, &r, &train, &test, &err) == VG_EUSAGE);
    data_free(&d);
}

/* Writes an IDX file of unsigned bytes: header for dims, then n bytes of
 * data (fewer than the header says, to make a truncated file). */
static void write_idx(const char *name, int ndim, const unsigned *dims, const unsigned char *data,
                      size_t n, int magic3, int gz, char *path)
{
    snprintf(path, 256, "%s/%s", dir, name);
    unsigned char head[4 + 12] = {0, 0, (unsigned char)magic3, (unsigned char)ndim};
    for (int k = 0; k < ndim; k++) {
        head[4 + 4 * k] = (unsigned char)(dims[k] >> 24);
        head[5 + 4 * k] = (unsigned char)(dims[k] >> 16);
        head[6 + 4 * k] = (unsigned char)(dims[k] >> 8);
        head[7 + 4 * k] = (unsigned char)dims[k];
    }
    if (gz) {
        gzFile f = gzopen(path, "wb");
        gzwrite(f, head, (unsigned)(4 + 4 * ndim));
        if (n) gzwrite(f, data, (unsigned)n);
        gzclose(f);
    } else {
        FILE *f = fopen(path, "wb");
        fwrite(head, 1, (size_t)(4 + 4 * ndim), f);
        fwrite(data, 1, n, f);
        fclose(f);
    }
}

static void test_idx(void)
{
    unsigned char px[3 * 2 * 2] = {0, 255, 51, 102, 1, 2, 3, 4, 5, 6, 7, 255};
    unsigned char lb[3] = {2, 0, 1};
    unsigned img_dims[3] = {3, 2, 2}, lab_dims[1] = {3}, two[1] = {2};
    char images[256], labels[256], spec[600], bad[256];
    dataset d;
    vg_error err;
    data_params p = {0, 0, 0, 0, -1, 1, 0};
    for (int gz = 0; gz < 2; gz++) {
        write_idx(gz ? "img.gz" : "img", 3, img_dims, px, sizeof px, 8, gz, images);
        write_idx(gz ? "lab.gz" : "lab", 1, lab_dims, lb, sizeof lb, 8, gz, labels);
        snprintf(spec, sizeof spec, "idx:%s,%s", images, labels);
        CHECK(data_load(&d, spec, &p, NULL, &err) == VG_OK);
        CHECK(d.n == 3 && d.n_features == 4 && d.n_classes == 3);
        CHECK(d.X[0] == 0.0 && d.X[1] == 1.0 && d.X[2] == 0.2 && d.X[11] == 1.0);
        CHECK(d.y[0] == 2 && d.y[2] == 1);
        data_free(&d);
    }
    p.n_samples = 2;
    CHECK(data_load(&d, spec, &p, NULL, &err) == VG_OK);
    CHECK(d.n == 2);
    data_free(&d);
    p.n_samples = 0;
    /* Corruptions, each named with its file. */
    write_idx("magic", 3, img_dims, px, sizeof px, 9, 0, bad);
    snprintf(spec, sizeof spec, "idx:%s,%s", bad, labels);
    CHECK(data_load(&d, spec, &p, NULL, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "magic: wrong magic number 00000903");
    write_idx("short.gz", 3, img_dims, px, sizeof px - 1, 8, 1, bad);
    snprintf(spec, sizeof spec, "idx:%s,%s", bad, labels);
    CHECK(data_load(&d, spec, &p, NULL, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "short.gz: truncated: 11 of 12 data bytes");
    write_idx("two", 1, two, lb, 2, 8, 0, bad);
    snprintf(spec, sizeof spec, "idx:%s,%s", images, bad);
    CHECK(data_load(&d, spec, &p, NULL, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "two has 2 labels but");
    snprintf(spec, sizeof spec, "idx:%s/none,%s", dir, labels);
    CHECK(data_load(&d, spec, &p, NULL, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "none: cannot open");
}

/* The bytes of the file at path (at most size), or -1. */
static long slurp(const char *path, unsigned char *buf, size_t size)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    long n = (long)fread(buf, 1, size, f);
    fclose(f);
    return n;
}

static void spit(const char *path, const unsigned char *buf, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(buf, 1, n, f);
        fclose(f);
    }
}

/* Loads spec in a child whose address space may grow by at most 1 GiB
 * beyond what it has (RLIMIT_AS), and expects VG_EUSAGE with needle: a
 * file that lies about its size must be refused before vgrad allocates
 * what it claims.  1 when it was. */
static int refused_within_1g(const char *spec, const char *needle)
{
    pid_t pid = fork();
    if (pid < 0) return 0;
    if (pid == 0) {
        long pages = 0;
        FILE *statm = fopen("/proc/self/statm", "r");
        if (!statm || fscanf(statm, "%ld", &pages) != 1) _exit(3);
        fclose(statm);
        struct rlimit lim;
        lim.rlim_cur = lim.rlim_max = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + (1u << 30);
        if (setrlimit(RLIMIT_AS, &lim) != 0) _exit(3);
        dataset d;
        vg_error err = {0, ""};
        data_params p = {0, 0, 0, 0, -1, 1, 0};
        int rc = data_load(&d, spec, &p, NULL, &err);
        if (rc == VG_OK) data_free(&d);
        if (rc == VG_EUSAGE && strstr(err.msg, needle)) _exit(0);
        fprintf(stderr, "%s: returned %d (\"%s\"), expected %d and \"%s\"\n", spec, rc, err.msg,
                VG_EUSAGE, needle);
        _exit(1);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid) return 0;
    if (WIFSIGNALED(status)) fprintf(stderr, "%s: killed by signal %d\n", spec, WTERMSIG(status));
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* What fuzzing found in the IDX reader (issue 15): a header that claims 8.8
 * GB, bytes after the data, a gzip file without its trailer or with a wrong
 * CRC, and a label far beyond the others. */
static void test_idx_lies(void)
{
    char path[256], spec[600], images[256], labels[256];
    dataset d;
    vg_error err;
    data_params p = {0, 0, 0, 0, -1, 1, 0};
    /* 00000803 00002c01 00000400 00000300: 11265 x 1024 x 768, no data. */
    const unsigned char lie[16] = {0, 0, 8, 3, 0, 0, 0x2c, 1, 0, 0, 4, 0, 0, 0, 3, 0};
    snprintf(path, sizeof path, "%s/lie", dir);
    spit(path, lie, sizeof lie);
    snprintf(spec, sizeof spec, "idx:%s", path);
    CHECK(refused_within_1g(spec, "lie: truncated: 0 of 8859156480 data bytes"));

    unsigned char px[3 * 2 * 2] = {0, 255, 51, 102, 1, 2, 3, 4, 5, 6, 7, 255};
    unsigned char lb[3] = {0, 1, 2}, file[4096], extra[4096];
    unsigned img_dims[3] = {3, 2, 2}, lab_dims[1] = {3};
    write_idx("lab3", 1, lab_dims, lb, sizeof lb, 8, 0, labels);
    for (int gz = 0; gz < 2; gz++) {
        write_idx(gz ? "whole.gz" : "whole", 3, img_dims, px, sizeof px, 8, gz, images);
        long n = slurp(images, file, sizeof file);
        CHECK(n > 16);
        if (n <= 16) return;
        /* Bytes after the data: in the IDX data, or a second gzip member. */
        memcpy(extra, file, (size_t)n);
        memcpy(extra + n, file, (size_t)n);
        snprintf(path, sizeof path, "%s/extra%s", dir, gz ? ".gz" : "");
        spit(path, extra, gz ? 2 * (size_t)n : (size_t)n + 1);
        snprintf(spec, sizeof spec, "idx:%s,%s", path, labels);
        CHECK(data_load(&d, spec, &p, NULL, &err) == VG_EUSAGE);
        CHECK_CONTAINS(err.msg, "more data than its header describes (12 bytes)");
        if (!gz) continue;
        /* The gzip trailer: CRC32 then the length, 4 bytes each. */
        snprintf(path, sizeof path, "%s/notrailer.gz", dir);
        spit(path, file, (size_t)n - 4);
        snprintf(spec, sizeof spec, "idx:%s,%s", path, labels);
        CHECK(data_load(&d, spec, &p, NULL, &err) == VG_EUSAGE);
        CHECK_CONTAINS(err.msg, "notrailer.gz: truncated gzip file: it ends before its trailer");
        memcpy(extra, file, (size_t)n);
        extra[n - 8] ^= 0xff;
        snprintf(path, sizeof path, "%s/badcrc.gz", dir);
        spit(path, extra, (size_t)n);
        snprintf(spec, sizeof spec, "idx:%s,%s", path, labels);
        CHECK(data_load(&d, spec, &p, NULL, &err) == VG_EUSAGE);
        CHECK_CONTAINS(err.msg, "badcrc.gz: corrupt gzip data (incorrect data check)");
    }
    /* Two gzip members make one stream (as gzip -d reads them). */
    unsigned char half[6] = {0};
    snprintf(path, sizeof path, "%s/members.gz", dir);
    gzFile f = gzopen(path, "wb");
    const unsigned char head[16] = {0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2};
    gzwrite(f, head, sizeof head);
    gzwrite(f, px, 6);
    gzclose(f);
    memcpy(half, px + 6, 6);
    snprintf(images, sizeof images, "%s/second.gz", dir);
    long n1 = slurp(path, file, sizeof file);
    f = gzopen(images, "wb");
    gzwrite(f, half, 6);
    gzclose(f);
    long n2 = slurp(images, extra, sizeof extra);
    CHECK(n1 > 0 && n2 > 0);
    if (n1 > 0 && n2 > 0) {
        memcpy(file + n1, extra, (size_t)n2);
        spit(path, file, (size_t)(n1 + n2));
    }
    snprintf(spec, sizeof spec, "idx:%s,%s", path, labels);
    err.code = 0;
    CHECK(data_load(&d, spec, &p, NULL, &err) == VG_OK);
    if (err.code) fprintf(stderr, "members.gz: %s\n", err.msg);
    CHECK(d.n == 3 && d.X[11] == 1.0);
    data_free(&d);

    /* A label of 200 among 0 and 1: 201 classes, 198 without an example. */
    write_idx("img3", 3, img_dims, px, sizeof px, 8, 0, images);
    lb[2] = 200;
    write_idx("far", 1, lab_dims, lb, sizeof lb, 8, 0, labels);
    snprintf(spec, sizeof spec, "idx:%s,%s", images, labels);
    CHECK(data_load(&d, spec, &p, NULL, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "far: item 2: label 200 makes 201 classes, 198 of them without an "
                            "example; allowed: labels 0 to K-1 with at most half the classes "
                            "empty, or n_classes set to keep them");
    p.n_classes = 201;
    CHECK(data_load(&d, spec, &p, NULL, &err) == VG_OK);
    CHECK(d.n_classes == 201);
    data_free(&d);
}

/* A label far beyond the others in a csv file, refused when n_classes is
 * inferred, kept when it is given. */
static void test_csv_far_label(void)
{
    char spec[256];
    dataset d;
    vg_error err;
    data_params p = {0, 0, 0, 0, -1, 1, 0};
    write_file("far.csv", "x,label\n1,0\n2,1\n3,1000000\n4,0\n", spec);
    CHECK(data_load(&d, spec, &p, NULL, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "far.csv: line 4, column 2: label 1000000 makes 1000001 classes, "
                            "999998 of them without an example");
    p.n_classes = 1000001;
    CHECK(data_load(&d, spec, &p, NULL, &err) == VG_OK);
    CHECK(d.n_classes == 1000001);
    data_free(&d);
    /* Half the classes empty is still allowed: labels 0 and 3 of 0..3. */
    p.n_classes = 0;
    write_file("gap.csv", "1,0\n2,3\n", spec);
    CHECK(data_load(&d, spec, &p, NULL, &err) == VG_OK);
    CHECK(d.n_classes == 4);
    data_free(&d);
}

/* Every allocation of loading a csv file and gzip IDX files made to fail
 * in turn (zlib's included): a clean "out of memory" each time. */
static int load_spec(void *ctx, vg_error *err)
{
    dataset d;
    data_params p = {0, 0, 0, 0, -1, 1, 0};
    int rc = data_load(&d, ctx, &p, NULL, err);
    if (rc == VG_OK) data_free(&d);
    return rc;
}

static void test_alloc_failures(void)
{
    char spec[600], images[256], labels[256];
    unsigned char px[3 * 2 * 2] = {0}, lb[3] = {2, 0, 1};
    unsigned img_dims[3] = {3, 2, 2}, lab_dims[1] = {3};
    write_file("alloc.csv", "a,b,label\n1,2,0\n3,4,1\n", spec);
    CHECK(check_alloc_failures("data_load csv", load_spec, spec) >= 4);
    write_idx("alloc_img.gz", 3, img_dims, px, sizeof px, 8, 1, images);
    write_idx("alloc_lab.gz", 1, lab_dims, lb, sizeof lb, 8, 1, labels);
    snprintf(spec, sizeof spec, "idx:%s,%s", images, labels);
    CHECK(check_alloc_failures("data_load idx", load_spec, spec) >= 6);
}

/* mnist reads the cache directory of scripts/fetch-mnist.sh; without it,
 * the error says how to fill it. */
static void test_mnist_cache(void)
{
    char cache[300], path[400];
    snprintf(cache, sizeof cache, "%s/cache", dir);
    setenv("VGRAD_CACHE", cache, 1);
    dataset d;
    vg_error err;
    data_params p = {0, 784, 10, 0, -1, 1, 0};
    CHECK(data_load(&d, "mnist", &p, NULL, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "run scripts/fetch-mnist.sh");
    snprintf(path, sizeof path, "mkdir -p '%s/mnist'", cache);
    CHECK(system(path) == 0);
    snprintf(path, sizeof path, "%s/mnist/mnist.csv", cache);
    FILE *f = fopen(path, "w");
    for (int i = 0; i < 20; i++) {
        for (int k = 0; k < 784; k++) fprintf(f, "%g,", (i + k) % 7 / 6.0);
        fprintf(f, "%d\n", i % 10);
    }
    fclose(f);
    p.n_samples = 15;
    CHECK(data_load(&d, "mnist", &p, NULL, &err) == VG_OK);
    CHECK(d.n == 15 && d.n_features == 784 && d.n_classes == 10 && d.y[13] == 3);
    data_free(&d);
    unsetenv("VGRAD_CACHE");
}

/* gauss: N(0,1) inputs, labels uniform. */
static void test_gauss(void)
{
    dataset d;
    vg_error err;
    CHECK(load(&d, "gauss", 20000, 5, 4, 3, &err) == VG_OK);
    double s = 0, ss = 0;
    int count[4] = {0};
    for (int k = 0; k < 100000; k++) s += d.X[k], ss += d.X[k] * d.X[k];
    for (int i = 0; i < d.n; i++) count[d.y[i]]++;
    CHECK_NEAR(s / 100000, 0.0, 0.02);
    CHECK_NEAR(ss / 100000, 1.0, 0.02);
    for (int k = 0; k < 4; k++) CHECK(abs(count[k] - 5000) < 300);
    data_free(&d);
}

int main(void)
{
    if (!mkdtemp(dir)) return 1;
    test_generators();
    test_sequences();
    test_csv();
    test_split_and_standardize();
    test_idx();
    test_idx_lies();
    test_csv_far_label();
    test_alloc_failures();
    test_gauss();
    test_mnist_cache();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) return 1;
    return test_report("test_data");
}
