/* csvio.c: CSV writing (atomic files, file.h) with exact numbers, and a
 * numeric CSV reader with precise error locations, both through libcsv. */
#include "csvio.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- writing ---------------------------------------------------------------- */

int csvout_open(csv_out *o, const char *path, vg_error *err)
{
    memset(o, 0, sizeof *o);
    o->final_path = vg_strdup(path);
    if (!o->final_path) return vg_fail(err, VG_EFAIL, "out of memory");
    int rc = file_open_temp(path, &o->fp, &o->tmp_path, err);
    if (rc != VG_OK) csvout_abort(o);
    return rc;
}

static void separate(csv_out *o)
{
    if (o->col++ > 0 && fputc(',', o->fp) == EOF) o->failed = 1;
}

void csvout_str(csv_out *o, const char *s)
{
    separate(o);
    if (strpbrk(s, ",\"\r\n")) {
        if (csv_fwrite(o->fp, s, strlen(s)) != 0) o->failed = 1;
    } else if (*s && fputs(s, o->fp) == EOF) {
        o->failed = 1;
    }
}

void csvout_num(csv_out *o, double v)
{
    char buf[32];
    csv_format_double(buf, v);
    separate(o);
    if (fputs(buf, o->fp) == EOF) o->failed = 1;
}

void csvout_int(csv_out *o, long long v)
{
    separate(o);
    if (fprintf(o->fp, "%lld", v) < 0) o->failed = 1;
}

void csvout_empty(csv_out *o) { separate(o); }

void csvout_endrow(csv_out *o)
{
    if (fputc('\n', o->fp) == EOF) o->failed = 1;
    o->col = 0;
}

void csvout_header(csv_out *o, const char *columns)
{
    const char *p = columns;
    while (*p) {
        size_t n = strcspn(p, ",");
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), p);
        csvout_str(o, name);
        p += n;
        if (*p == ',') p++;
    }
    csvout_endrow(o);
}

int csvout_commit(csv_out *o, vg_error *err)
{
    int rc = file_commit_temp(o->fp, o->failed, o->tmp_path, o->final_path, err);
    o->fp = NULL;
    vg_free(o->tmp_path);
    vg_free(o->final_path);
    o->tmp_path = o->final_path = NULL;
    return rc;
}

void csvout_abort(csv_out *o)
{
    file_discard_temp(o->fp, o->tmp_path);
    o->fp = NULL;
    vg_free(o->tmp_path);
    vg_free(o->final_path);
    o->tmp_path = o->final_path = NULL;
}

void csv_format_double(char *buf, double v)
{
    if (isnan(v)) {
        strcpy(buf, "nan");
        return;
    }
    if (isinf(v)) {
        strcpy(buf, v > 0 ? "inf" : "-inf");
        return;
    }
    /* The shortest of 15, 16, 17 significant digits that reads back to v;
     * 17 always does. */
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, 32, "%.*g", digits, v);
        if (strtod(buf, NULL) == v) return;
    }
}

/* ---- reading ---------------------------------------------------------------- */

typedef struct {
    const char *path;
    vg_error *err;
    int rc;
    int line;           /* physical line of the row being parsed */
    int row_line;       /* line where the current row started */
    int first_line;     /* line of the first row (header or data) */
    int col;            /* fields so far in the current row */
    int cols;           /* fields per row, from the first data row */
    int cols_line;      /* where that was set */
    int header;         /* 1: the first row was a header */
    int seen_rows;      /* rows seen, header included */
    int rows;           /* data rows */
    double *row_vals;   /* the current row */
    int row_cap;
    char *first_bad;    /* first non-numeric field of the first row */
    int first_bad_col;
    double *data;
    size_t n, cap;
} reader;

/* Parses a whole field as a finite number, spaces around allowed. */
static int parse_number(const char *s, double *out)
{
    char *end;
    while (*s == ' ' || *s == '\t') s++;
    if (*s == '\0') return 0;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s) return 0;
    while (*end == ' ' || *end == '\t') end++;
    if (*end != '\0' || !isfinite(v)) return 0;
    *out = v;
    return 1;
}

static void on_field(void *field, size_t len, void *user)
{
    reader *r = user;
    (void)len;
    if (r->rc != VG_OK) return;
    if (r->col == 0) r->row_line = r->line;
    const char *s = field ? field : "";
    if (r->col == r->row_cap) {
        int cap = r->row_cap ? 2 * r->row_cap : 16;
        double *grown = vg_realloc(r->row_vals, (size_t)cap * sizeof *grown);
        if (!grown) {
            r->rc = vg_fail(r->err, VG_EFAIL, "out of memory reading %s", r->path);
            return;
        }
        r->row_vals = grown;
        r->row_cap = cap;
    }
    double v = 0;
    if (!parse_number(s, &v)) {
        if (r->seen_rows == 0) {
            /* The first row may be a header: decided at its end. */
            if (!r->first_bad) {
                r->first_bad = vg_strdup(s);
                r->first_bad_col = r->col + 1;
                if (!r->first_bad) {
                    r->rc = vg_fail(r->err, VG_EFAIL, "out of memory reading %s", r->path);
                    return;
                }
            }
        } else {
            char *end;
            double raw = strtod(s, &end);
            int non_finite = end != s && *end == '\0' && !isfinite(raw);
            r->rc = vg_fail(r->err, VG_EUSAGE, "%s: line %d, column %d: '%s' is not a %s",
                            r->path, r->line, r->col + 1, s,
                            non_finite ? "finite number" : "number");
            return;
        }
    }
    r->row_vals[r->col++] = v;
}

static void on_row(int terminator, void *user)
{
    reader *r = user;
    (void)terminator;
    if (r->rc != VG_OK) return;
    int n = r->col;
    r->col = 0;
    if (r->seen_rows++ == 0) {
        r->first_line = r->row_line;
        if (r->first_bad) {
            r->header = 1;
            r->cols = n;
            r->cols_line = r->row_line;
            return;
        }
    }
    if (r->cols == 0) {
        r->cols = n;
        r->cols_line = r->row_line;
    } else if (n != r->cols) {
        r->rc = vg_fail(r->err, VG_EUSAGE, "%s: line %d has %d fields, expected %d (as on line %d)",
                        r->path, r->row_line, n, r->cols, r->cols_line);
        return;
    }
    size_t need;
    if (!vg_add_size(r->n, (size_t)n, &need) || r->rows == 2147483647) {
        r->rc = vg_fail(r->err, VG_EUSAGE, "%s: too large", r->path);
        return;
    }
    if (need > r->cap) {
        size_t cap = r->cap ? r->cap : 1024, bytes;
        while (cap < need) cap *= 2;
        double *grown = vg_mul_size(cap, sizeof(double), &bytes) ? vg_realloc(r->data, bytes) : NULL;
        if (!grown) {
            r->rc = vg_fail(r->err, VG_EFAIL, "out of memory reading %s", r->path);
            return;
        }
        r->data = grown;
        r->cap = cap;
    }
    memcpy(r->data + r->n, r->row_vals, (size_t)n * sizeof(double));
    r->n += (size_t)n;
    r->rows++;
}

static int blank(const char *line)
{
    for (; *line; line++)
        if (*line != ' ' && *line != '\t' && *line != '\r' && *line != '\n') return 0;
    return 1;
}

int csvread_matrix(const char *path, double **data, int *rows, int *cols, int *header_skipped,
                   vg_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f) return vg_fail(err, VG_EUSAGE, "%s: cannot open: %s", path, strerror(errno));
    struct csv_parser p;
    if (csv_init(&p, CSV_APPEND_NULL) != 0) {
        fclose(f);
        return vg_fail(err, VG_EFAIL, "out of memory reading %s", path);
    }
    reader r;
    memset(&r, 0, sizeof r);
    r.path = path;
    r.err = err;
    char *line = NULL;
    size_t line_cap = 0;
    ssize_t len;
    while (r.rc == VG_OK && (len = getline(&line, &line_cap, f)) > 0) {
        r.line++;
        /* A blank line between rows is skipped (inside a quoted field it
         * is part of the field, and libcsv sees it). */
        if (r.col == 0 && blank(line)) continue;
        if (csv_parse(&p, line, (size_t)len, on_field, on_row, &r) != (size_t)len &&
            r.rc == VG_OK)
            r.rc = vg_fail(err, VG_EUSAGE, "%s: line %d: %s", path, r.line,
                           csv_strerror(csv_error(&p)));
    }
    if (r.rc == VG_OK && ferror(f))
        r.rc = vg_fail(err, VG_EUSAGE, "%s: read error: %s", path, strerror(errno));
    if (r.rc == VG_OK) csv_fini(&p, on_field, on_row, &r);
    csv_free(&p);
    vg_free(line);
    fclose(f);
    if (r.rc == VG_OK && r.rows == 0)
        r.rc = vg_fail(err, VG_EUSAGE, "%s: empty file (no data rows%s)", path,
                       r.header ? " after the header" : "");
    vg_free(r.row_vals);
    vg_free(r.first_bad);
    if (r.rc != VG_OK) {
        vg_free(r.data);
        return r.rc;
    }
    *data = r.data;
    *rows = r.rows;
    *cols = r.cols;
    *header_skipped = r.header;
    return VG_OK;
}
