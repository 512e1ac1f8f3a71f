/* test_csvio.c: quoting, exact numbers, temporary files and the reader's
 * error messages. */
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "csvio.h"
#include "rng.h"
#include "test.h"

static char dir[] = "/tmp/vgrad_csvio_XXXXXX";

static void write_text(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    test_write_file(path, text);
}

/* The contract of csv_format_double, the plain way: the shortest of 15,
 * 16, 17 significant digits, as printf's %g prints them, that reads back. */
static void format_reference(char *buf, double v)
{
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, 32, "%.*g", digits, v);
        if (strtod(buf, NULL) == v) return;
    }
}

/* One value: the same bytes as the reference, and read back exactly. */
static int format_matches(double v)
{
    char got[32], want[32];
    csv_format_double(got, v);
    format_reference(want, v);
    if (strcmp(got, want) == 0 && strtod(got, NULL) == v) return 1;
    fprintf(stderr, "csv_format_double(%a): '%s', expected '%s'\n", v, got, want);
    return 0;
}

/* csv_format_double decides digits and round trips from one printing (no
 * strtod): on many doubles of every kind it must write what the plain way
 * writes, byte for byte, and every string must read back exactly. */
static void test_format_exact(void)
{
    rng_state r;
    rng_seed(&r, 7, 3);
    int same = 0, tried = 0;
    for (int i = 0; i < 300000; i++) {
        double v;
        uint64_t bits = rng_u64(&r);
        switch (i % 6) {
        case 0: /* any bit pattern: every exponent, subnormals */
            memcpy(&v, &bits, sizeof v);
            break;
        case 1: /* gradient-like magnitudes */
            v = ldexp((double)(bits >> 11), -53 - (int)(bits % 200));
            break;
        case 2: /* short decimals: 1 to 17 digits, any exponent */
        {
            char text[48];
            int digits = 1 + (int)(bits % 17);
            uint64_t mant = rng_u64(&r) % 100000000000000000ULL;
            while (mant >= 10 && (int)(snprintf(text, sizeof text, "%llu",
                                                (unsigned long long)mant)) > digits)
                mant /= 10;
            snprintf(text, sizeof text, "%llue%d", (unsigned long long)mant,
                     (int)(rng_u64(&r) % 600) - 320);
            v = strtod(text, NULL);
            break;
        }
        case 3: /* powers of two and their neighbours */
            v = ldexp(1.0, (int)(bits % 2098) - 1074);
            v = bits & 1 ? nextafter(v, 0.0) : bits & 2 ? nextafter(v, INFINITY) : v;
            break;
        case 4: /* x.5 ties at 16 and 17 digits, and integers */
            v = (double)(bits % 20000000000000000ULL) / (bits & 1 ? 2.0 : 1.0);
            break;
        default: /* [0, 1) on 53 bits */
            v = (double)(bits >> 11) * 0x1p-53;
        }
        if (!isfinite(v)) continue;
        if (rng_u64(&r) & 1) v = -v;
        tried++;
        same += format_matches(v);
    }
    CHECK(tried > 290000);
    CHECK(same == tried);
}

static void test_format(void)
{
    char buf[32];
    csv_format_double(buf, 0.1);
    CHECK_STR(buf, "0.1");
    csv_format_double(buf, 1.0 / 3.0);
    CHECK_STR(buf, "0.3333333333333333");
    csv_format_double(buf, 5e-324);
    CHECK_STR(buf, "4.94065645841247e-324");
    csv_format_double(buf, -0.0);
    CHECK_STR(buf, "-0");
    csv_format_double(buf, NAN);
    CHECK_STR(buf, "nan");
    csv_format_double(buf, -INFINITY);
    CHECK_STR(buf, "-inf");
    /* Random bit patterns read back exactly. */
    rng_state r;
    rng_seed(&r, 42, 1);
    int exact = 0, tried = 0;
    for (int i = 0; i < 100000; i++) {
        uint64_t bits = rng_u64(&r);
        double v;
        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v)) continue;
        tried++;
        csv_format_double(buf, v);
        exact += strtod(buf, NULL) == v && strlen(buf) < 32;
    }
    CHECK(tried > 90000);
    CHECK(exact == tried);
}

static void test_write_and_read(void)
{
    char path[256], tmp_name[300];
    snprintf(path, sizeof path, "%s/out.csv", dir);
    csv_out o;
    vg_error err;
    CHECK(csvout_open(&o, path, &err) == VG_OK);
    csvout_header(&o, "a,b,c");
    csvout_str(&o, "x,y");
    csvout_str(&o, "say \"hi\"");
    csvout_str(&o, "two\nlines");
    csvout_endrow(&o);
    csvout_num(&o, 0.1);
    csvout_int(&o, -7);
    csvout_empty(&o);
    csvout_endrow(&o);
    /* Not under the final name before commit. */
    CHECK(access(path, F_OK) != 0);
    snprintf(tmp_name, sizeof tmp_name, "%s/.out.csv.tmp.%ld", dir, (long)getpid());
    CHECK(access(tmp_name, F_OK) == 0);
    CHECK(csvout_commit(&o, &err) == VG_OK);
    CHECK(access(tmp_name, F_OK) != 0);
    FILE *f = fopen(path, "r");
    char text[256] = "";
    size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
    text[n] = '\0';
    if (f) fclose(f);
    CHECK_STR(text, "a,b,c\n\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\n0.1,-7,\n");

    /* abort leaves nothing */
    snprintf(path, sizeof path, "%s/gone.csv", dir);
    CHECK(csvout_open(&o, path, &err) == VG_OK);
    csvout_num(&o, 1);
    csvout_abort(&o);
    csvout_abort(&o);
    CHECK(access(path, F_OK) != 0);

    /* A directory that cannot exist: its parent is a file. */
    write_text("plain", "x");
    snprintf(path, sizeof path, "%s/plain/sub/out.csv", dir);
    CHECK(csvout_open(&o, path, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "cannot write to");
}

static int read_ok(const char *name, const char *text, int rows, int cols, int header,
                   const double *expect)
{
    char path[256];
    if (text) write_text(name, text);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    double *d;
    int r, c, h;
    vg_error err;
    int rc = csvread_matrix(path, &d, &r, &c, &h, &err);
    if (rc) fprintf(stderr, "  %s: %s\n", name, err.msg);
    CHECK(rc == VG_OK);
    if (rc) return 0;
    CHECK(r == rows && c == cols && h == header);
    for (int i = 0; i < rows * cols && r == rows && c == cols; i++) CHECK(d[i] == expect[i]);
    free(d);
    return 1;
}

static void read_bad(const char *name, const char *text, const char *needle)
{
    char path[256];
    if (text) write_text(name, text);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    double *d = NULL;
    int r, c, h;
    vg_error err = {0, ""};
    CHECK(csvread_matrix(path, &d, &r, &c, &h, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, name);
    CHECK_CONTAINS(err.msg, needle);
}

static void test_reader(void)
{
    const double a[] = {1, 2, 3, 4.5, -6, 1e-300};
    read_ok("plain.csv", "1,2,3\n4.5,-6,1e-300\n", 2, 3, 0, a);
    read_ok("header.csv", "x,y,label\n1,2,3\n\n4.5, -6 ,1e-300\n", 2, 3, 1, a);
    read_ok("quoted.csv", "\"1\",2,\"3\"\r\n4.5,-6,1e-300\r\n", 2, 3, 0, a);
    read_bad("missing.csv", NULL, "cannot open");
    read_bad("empty.csv", "", "empty file");
    read_bad("only_header.csv", "a,b\n", "empty file");
    read_bad("ragged.csv", "a,b,c\n1,2,3\n\n4,5\n", "line 4 has 2 fields, expected 3");
    read_bad("text.csv", "1,2\n3,4\n5,abc\n", "line 3, column 2: 'abc' is not a number");
    read_bad("nan.csv", "1,2\nnan,4\n", "line 2, column 1: 'nan' is not a finite number");
}

static void write_bytes(const char *name, const char *bytes, size_t n)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(bytes, 1, n, f);
        fclose(f);
    }
}

/* What fuzzing found (issue 15): a first row of nan or 1e400 taken for a
 * header and dropped, a row that mixes numbers and text taken for one, NUL
 * bytes that cut a line or a field short. */
static void test_first_row_and_nul(void)
{
    read_bad("nanhead.csv", "nan,1,0\n1,2,1\n", "line 1, column 1: 'nan' is not a finite number");
    read_bad("infhead.csv", "1,1e400\n1,2\n", "line 1, column 2: '1e400' is not a finite number");
    read_bad("allnan.csv", "nan,inf\n1,2\n", "line 1, column 1: 'nan' is not a finite number");
    read_bad("mixed.csv", "\n1,x\n1,2\n", "line 2 mixes numbers and text (column 1: '1', column "
             "2: 'x'); allowed: a header row of names only, or a row of numbers only");
    read_bad("hole.csv", "1,,2\n1,2,3\n", "line 1 mixes numbers and text (column 1: '1', column 2: "
             "'')");
    /* A header of names only, an empty name among them (as pandas writes
     * the index column's), is still a header. */
    const double a[] = {1, 2};
    read_ok("pandas.csv", ",x\n1,2\n", 1, 2, 1, a);
    static const char nul_line[] = "1,2\n\0003,4\n5,6\n";
    write_bytes("nul_line.csv", nul_line, sizeof nul_line - 1);
    read_bad("nul_line.csv", NULL, "line 2, column 1: the field holds a NUL byte");
    static const char nul_field[] = "1,2\n2\0garbage,4\n";
    write_bytes("nul_field.csv", nul_field, sizeof nul_field - 1);
    read_bad("nul_field.csv", NULL, "line 2, column 1: the field holds a NUL byte");
    static const char nul_head[] = "a\0b,c\n1,2\n";
    write_bytes("nul_head.csv", nul_head, sizeof nul_head - 1);
    read_bad("nul_head.csv", NULL, "line 1, column 1: the field holds a NUL byte");
}

/* Fields longer than the pieces lines are parsed in (1 MiB), quoted and
 * not, read whole. */
static void test_long_fields(void)
{
    size_t zeros = (size_t)3 << 20;
    char *text = malloc(2 * zeros + 64);
    CHECK(text != NULL);
    if (!text) return;
    size_t n = 0;
    n += (size_t)sprintf(text + n, "x,y\n");
    memset(text + n, '0', zeros);
    n += zeros;
    n += (size_t)sprintf(text + n, "1.5,\"");
    memset(text + n, '0', zeros);
    n += zeros;
    n += (size_t)sprintf(text + n, "2\"\n3,4\n");
    write_bytes("long.csv", text, n);
    free(text);
    const double a[] = {1.5, 2, 3, 4};
    read_ok("long.csv", NULL, 2, 2, 1, a);
}

/* The header row's name is copied; when that copy fails the read must fail,
 * not take the header for a row of data. */
static int read_header_file(void *ctx, vg_error *err)
{
    double *d = NULL;
    int r, c, h;
    int rc = csvread_matrix(ctx, &d, &r, &c, &h, err);
    if (rc == VG_OK && (h != 1 || r != 2 || c != 2))
        rc = vg_fail(err, VG_EUSAGE, "read %d x %d, header %d; expected 2 x 2 after a header",
                     r, c, h);
    free(d);
    return rc;
}

static int write_csv(void *ctx, vg_error *err)
{
    csv_out o;
    int rc = csvout_open(&o, ctx, err);
    if (rc != VG_OK) return rc;
    csvout_header(&o, "a,b");
    csvout_num(&o, 1.5);
    csvout_str(&o, "x,y");
    csvout_endrow(&o);
    return csvout_commit(&o, err);
}

static void test_alloc_failures(void)
{
    char path[256];
    write_text("alloc.csv", "a,b\n1,2\n3,4\n");
    snprintf(path, sizeof path, "%s/alloc.csv", dir);
    CHECK(check_alloc_failures("csvread_matrix", read_header_file, path) >= 3);
    snprintf(path, sizeof path, "%s/alloc_out.csv", dir);
    CHECK(check_alloc_failures("csvout_open", write_csv, path) >= 2);
}

/* A write that fails is reported with its own errno at commit, whatever
 * errno holds by then: here /dev/full (ENOSPC), then an unrelated ERANGE. */
static void test_failed_write_reason(void)
{
    csv_out o = {0};
    o.fp = fopen("/dev/full", "w");
    if (!o.fp) {
        fprintf(stderr, "test_csvio: no /dev/full; write-failure reason not checked\n");
        return;
    }
    char tmp[512], final[512];
    snprintf(tmp, sizeof tmp, "%s/full.tmp", dir);
    snprintf(final, sizeof final, "%s/full.csv", dir);
    o.tmp_path = vg_strdup(tmp);
    o.final_path = vg_strdup(final);
    for (int i = 0; i < 20000 && !o.failed; i++) csvout_str(&o, "a field that fills the buffer");
    CHECK(o.failed == ENOSPC);
    errno = 0;
    CHECK(strtod("1e999", NULL) > 0 && errno == ERANGE);
    vg_error err = {0, ""};
    CHECK(csvout_commit(&o, &err) == VG_EFAIL);
    CHECK_CONTAINS(err.msg, "write of '");
    CHECK_CONTAINS(err.msg, strerror(ENOSPC));
}

int main(void)
{
    if (!mkdtemp(dir)) return 1;
    test_failed_write_reason();
    test_format();
    test_format_exact();
    test_write_and_read();
    test_reader();
    test_first_row_and_nul();
    test_long_fields();
    test_alloc_failures();
    if (test_remove_tree(dir) != 0) return 1;
    return test_report("test_csvio");
}
