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

/* Records the first failed write with its errno, which commit reports. */
static void write_failed(csv_out *o)
{
    if (!o->failed) o->failed = errno ? errno : EIO;
}

/* Writes the separator of a new cell; 0 when the stream has failed, and
 * then nothing more is written to it (the file is discarded at commit). */
static int separate(csv_out *o)
{
    if (o->failed) return 0;
    if (o->col++ > 0 && fputc(',', o->fp) == EOF) write_failed(o);
    return !o->failed;
}

void csvout_str(csv_out *o, const char *s)
{
    if (!separate(o)) return;
    if (strpbrk(s, ",\"\r\n")) {
        if (csv_fwrite(o->fp, s, strlen(s)) != 0) write_failed(o);
    } else if (*s && fputs(s, o->fp) == EOF) {
        write_failed(o);
    }
}

void csvout_num(csv_out *o, double v)
{
    char buf[32];
    csv_format_double(buf, v);
    if (!separate(o)) return;
    if (fputs(buf, o->fp) == EOF) write_failed(o);
}

void csvout_int(csv_out *o, long long v)
{
    if (!separate(o)) return;
    if (fprintf(o->fp, "%lld", v) < 0) write_failed(o);
}

void csvout_empty(csv_out *o) { separate(o); }

void csvout_endrow(csv_out *o)
{
    if (!o->failed && fputc('\n', o->fp) == EOF) write_failed(o);
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

int csvout_close(csv_out *o, vg_error *err)
{
    int rc = file_close_temp(o->fp, o->failed, o->tmp_path, o->final_path, err);
    o->fp = NULL;
    if (rc != VG_OK) csvout_abort(o);
    return rc;
}

int csvout_commit(csv_out *o, vg_error *err)
{
    int rc = o->fp ? csvout_close(o, err) : VG_OK;
    if (rc == VG_OK) rc = file_rename_temp(o->tmp_path, o->final_path, err);
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
    /* The first row is a header when no field of it reads as a number, data
     * when every field is a finite number; these note its first field of
     * each kind, to decide at its end and to name them if it is neither. */
    char *first_text;   /* a field that is not a number */
    int first_text_col;
    char *first_num;    /* a field that reads as a number, finite or not */
    int first_num_col;
    char *first_inf;    /* a number that is not finite (nan, inf, 1e400) */
    int first_inf_col;
    double *data;
    size_t n, cap;
} reader;

enum { FIELD_NUMBER, FIELD_NON_FINITE, FIELD_TEXT };

/* Whether a field is a finite number (then in *out), a number that is not
 * finite (nan, inf, or out of range as 1e400), or text; spaces around a
 * number allowed. */
static int classify(const char *s, double *out)
{
    char *end;
    while (*s == ' ' || *s == '\t') s++;
    if (*s == '\0') return FIELD_TEXT;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s) return FIELD_TEXT;
    while (*end == ' ' || *end == '\t') end++;
    if (*end != '\0') return FIELD_TEXT;
    if (!isfinite(v)) return FIELD_NON_FINITE;
    *out = v;
    return FIELD_NUMBER;
}

/* Keeps the first field of a kind of the first row: its copy and column. */
static void note_first(reader *r, char **copy, int *col, const char *s)
{
    if (*copy) return;
    *copy = vg_strdup(s);
    *col = r->col + 1;
    if (!*copy) r->rc = vg_fail(r->err, VG_EFAIL, "out of memory reading %s", r->path);
}

static void on_field(void *field, size_t len, void *user)
{
    reader *r = user;
    if (r->rc != VG_OK) return;
    if (r->col == 0) r->row_line = r->line;
    const char *s = field ? field : "";
    if (field && memchr(field, '\0', len)) {
        r->rc = vg_fail(r->err, VG_EUSAGE, "%s: line %d, column %d: the field holds a NUL byte; "
                        "allowed: numbers, or names in a header row", r->path, r->line,
                        r->col + 1);
        return;
    }
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
    int kind = classify(s, &v);
    if (r->seen_rows == 0) {
        /* The first row may be a header: decided at its end. */
        if (kind == FIELD_TEXT) note_first(r, &r->first_text, &r->first_text_col, s);
        else note_first(r, &r->first_num, &r->first_num_col, s);
        if (kind == FIELD_NON_FINITE) note_first(r, &r->first_inf, &r->first_inf_col, s);
    } else if (kind != FIELD_NUMBER) {
        r->rc = vg_fail(r->err, VG_EUSAGE, "%s: line %d, column %d: '%s' is not a %s",
                        r->path, r->line, r->col + 1, s,
                        kind == FIELD_NON_FINITE ? "finite number" : "number");
        return;
    }
    if (r->rc == VG_OK) r->row_vals[r->col++] = v;
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
        if (r->first_text && r->first_num) {
            r->rc = vg_fail(r->err, VG_EUSAGE, "%s: line %d mixes numbers and text (column %d: "
                            "'%s', column %d: '%s'); allowed: a header row of names only, or a "
                            "row of numbers only", r->path, r->row_line, r->first_num_col,
                            r->first_num, r->first_text_col, r->first_text);
            return;
        }
        if (r->first_inf) {
            r->rc = vg_fail(r->err, VG_EUSAGE, "%s: line %d, column %d: '%s' is not a finite "
                            "number", r->path, r->row_line, r->first_inf_col, r->first_inf);
            return;
        }
        if (r->first_text) {
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

/* A line of spaces only; a NUL byte is not a space. */
static int blank(const char *line, size_t len)
{
    for (size_t k = 0; k < len; k++)
        if (line[k] != ' ' && line[k] != '\t' && line[k] != '\r' && line[k] != '\n') return 0;
    return 1;
}

/* libcsv grows a field's buffer by its block size (128 bytes unless set),
 * which makes a long field quadratic.  Lines are handed to it in pieces,
 * and before each the block is set to the buffer's size (at least
 * CSV_MIN_BLOCK), so that the buffer doubles. */
#define CSV_MIN_BLOCK ((size_t)1 << 16)
#define CSV_PIECE ((size_t)1 << 20)

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
        if (r.col == 0 && blank(line, (size_t)len)) continue;
        for (size_t at = 0; at < (size_t)len && r.rc == VG_OK; at += CSV_PIECE) {
            size_t piece = (size_t)len - at < CSV_PIECE ? (size_t)len - at : CSV_PIECE;
            size_t have = csv_get_buffer_size(&p);
            csv_set_blk_size(&p, have > CSV_MIN_BLOCK ? have : CSV_MIN_BLOCK);
            if (csv_parse(&p, line + at, piece, on_field, on_row, &r) != piece && r.rc == VG_OK)
                r.rc = csv_error(&p) == CSV_ENOMEM
                           ? vg_fail(err, VG_EFAIL, "out of memory reading %s", path)
                           : vg_fail(err, VG_EUSAGE, "%s: line %d: %s", path, r.line,
                                     csv_strerror(csv_error(&p)));
        }
    }
    if (r.rc == VG_OK && ferror(f))
        r.rc = vg_fail(err, VG_EUSAGE, "%s: read error: %s", path, strerror(errno));
    if (r.rc == VG_OK && csv_fini(&p, on_field, on_row, &r) != 0 && r.rc == VG_OK)
        r.rc = vg_fail(err, VG_EUSAGE, "%s: line %d: %s", path, r.line,
                       csv_strerror(csv_error(&p)));
    csv_free(&p);
    vg_free(line);
    fclose(f);
    if (r.rc == VG_OK && r.rows == 0)
        r.rc = vg_fail(err, VG_EUSAGE, "%s: empty file (no data rows%s)", path,
                       r.header ? " after the header" : "");
    vg_free(r.row_vals);
    vg_free(r.first_text);
    vg_free(r.first_num);
    vg_free(r.first_inf);
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
