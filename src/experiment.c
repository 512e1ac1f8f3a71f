/* experiment.c: experiment files (INI, read with inih), their lists and
 * ranges, the [quick] and command-line overrides, and the expansion of the
 * grids into the plan, with every data file probed once. */
#include "experiment.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data.h"
#include "train.h" /* trainer_memory_bytes */

/* Room for "FILE:LINE" and the like, FILE under VG_PATH_MAX. */
#define WHERE_MAX (VG_PATH_MAX + 64)

/* ---- lists ---------------------------------------------------------------- */

static char *dup_range(const char *s, size_t n)
{
    while (n > 0 && (*s == ' ' || *s == '\t')) s++, n--;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    char *out = vg_malloc(n + 1);
    if (out) {
        memcpy(out, s, n);
        out[n] = '\0';
    }
    return out;
}

/* An axis (one key's list in a grid) holds at most this many values: a
 * longer list, be it one range or lines of them, is refused from its size
 * before it is expanded. */
#define AXIS_MAX_VALUES 1000000

/* Appends v (owned; NULL is out of memory) to the axis.  The array grows
 * geometrically: its capacity is the power of two at or above n_values, so
 * it is reallocated only when n_values reaches one. */
static int push_value(sweep_axis *a, char *v)
{
    size_t n = (size_t)a->n_values;
    if (v && (n & (n - 1)) == 0) {
        char **grown = vg_realloc(a->values, (n ? 2 * n : 1) * sizeof *grown);
        if (!grown) {
            vg_free(v);
            return 0;
        }
        a->values = grown;
    }
    if (!v) return 0;
    a->values[a->n_values++] = v;
    return 1;
}

/* Parses "a..b" or "a..b..step" into integers: 1 for a range, 0 when item
 * is not one (it is then a value of its own), -1 for a range whose bounds
 * or step do not fit in 64 bits. */
static int parse_range(const char *item, long long *lo, long long *hi, long long *step)
{
    long long *parts[3] = {lo, hi, step};
    const char *p = item;
    int n = 0, overflow = 0;
    *step = 1;
    for (;;) {
        char *end;
        errno = 0;
        *parts[n] = strtoll(p, &end, 10);
        if (end == p) return 0;
        if (errno == ERANGE) overflow = 1;
        n++;
        if (*end == '\0') break;
        if (n == 3 || strncmp(end, "..", 2) != 0) return 0;
        p = end + 2;
    }
    if (n < 2) return 0;
    return overflow ? -1 : 1;
}

/* The number of values of the range lo..hi..step (hi >= lo, step >= 1)
 * less one, computed without overflow: the count itself may not fit in 64
 * bits (-2^63..2^63-1 has 2^64 values). */
static unsigned long long range_steps(long long lo, long long hi, long long step)
{
    return ((unsigned long long)hi - (unsigned long long)lo) / (unsigned long long)step;
}

/* 1 when one of the comma-separated pieces of value begins (after blanks)
 * with idx:, whose IMAGES,LABELS form holds a comma itself. */
static int has_idx_item(const char *value)
{
    for (const char *p = value;; p++) {
        while (*p == ' ' || *p == '\t') p++;
        if (strncmp(p, "idx:", 4) == 0) return 1;
        p = strchr(p, ',');
        if (!p) return 0;
    }
}

/* Appends the items of a list value to the axis.  Values of widths, and
 * idx:IMAGES,LABELS datasets, hold commas, so their items are separated by
 * '|' only; other keys take ',' (or '|' when the value has one). */
static int append_list(sweep_axis *a, const char *value, const char *where, vg_error *err)
{
    int pipes = key_table[a->key].type == KT_WIDTHS || strchr(value, '|') ||
                (a->key == KEY_dataset && has_idx_item(value));
    const char *seps = pipes ? "|" : ",";
    const char *p = value;
    for (;;) {
        size_t n = strcspn(p, seps);
        char *item = dup_range(p, n);
        if (!item) return vg_fail(err, VG_EFAIL, "out of memory");
        long long lo, hi, step;
        if (item[0] == '\0' && p[n] == '\0' && p != value) {
            /* A trailing comma: the list continues on the next line. */
            vg_free(item);
            break;
        }
        if (item[0] == '\0') {
            vg_free(item);
            return vg_fail(err, VG_EUSAGE, "%s: key '%s': empty item in list '%s'", where,
                           key_table[a->key].name, value);
        }
        int range = parse_range(item, &lo, &hi, &step);
        if (range != 0) {
            int rc = VG_OK;
            const char *name = key_table[a->key].name;
            unsigned long long count = 0;
            if (range < 0)
                rc = vg_fail(err, VG_EUSAGE, "%s: key '%s': range '%s' goes beyond 64-bit "
                             "integers; allowed: -9223372036854775808 to 9223372036854775807",
                             where, name, item);
            else if (step < 1 || hi < lo)
                rc = vg_fail(err, VG_EUSAGE, "%s: key '%s': range needs lo <= hi and step >= 1 "
                             "(a..b or a..b..step), not '%s'", where, name, item);
            else if (range_steps(lo, hi, step) >= AXIS_MAX_VALUES)
                rc = vg_fail(err, VG_EUSAGE, "%s: key '%s': range '%s' has more than %d values; "
                             "allowed: at most %d values per key", where, name, item,
                             AXIS_MAX_VALUES, AXIS_MAX_VALUES);
            else if ((count = range_steps(lo, hi, step) + 1) >
                     (unsigned long long)(AXIS_MAX_VALUES - a->n_values))
                rc = vg_fail(err, VG_EUSAGE, "%s: key '%s': range '%s' makes the list %llu values "
                             "long; allowed: at most %d values per key", where, name, item,
                             count + (unsigned long long)a->n_values, AXIS_MAX_VALUES);
            vg_free(item);
            if (rc != VG_OK) return rc;
            /* Each step stays within lo..hi, so v + step never overflows. */
            long long v = lo;
            for (unsigned long long k = 0;; k++) {
                char buf[32];
                snprintf(buf, sizeof buf, "%lld", v);
                if (!push_value(a, dup_range(buf, strlen(buf))))
                    return vg_fail(err, VG_EFAIL, "out of memory");
                if (k + 1 == count) break;
                v += step;
            }
        } else if (a->n_values >= AXIS_MAX_VALUES) {
            vg_free(item);
            return vg_fail(err, VG_EUSAGE, "%s: key '%s': the list has more than %d values; "
                           "allowed: at most %d values per key", where, key_table[a->key].name,
                           AXIS_MAX_VALUES, AXIS_MAX_VALUES);
        } else if (!push_value(a, item)) {
            return vg_fail(err, VG_EFAIL, "out of memory");
        }
        if (p[n] == '\0') break;
        p += n + 1;
    }
    return VG_OK;
}

static void free_axes(sweep_axis *axes, int n)
{
    for (int i = 0; i < n; i++) {
        for (int v = 0; v < axes[i].n_values; v++) vg_free(axes[i].values[v]);
        vg_free(axes[i].values);
    }
    vg_free(axes);
}

/* The axis of key in a list, added (empty) when missing. */
static sweep_axis *axis_for(sweep_axis **axes, int *n, int key, int line)
{
    for (int i = 0; i < *n; i++)
        if ((*axes)[i].key == key) return &(*axes)[i];
    sweep_axis *grown = vg_realloc(*axes, (size_t)(*n + 1) * sizeof *grown);
    if (!grown) return NULL;
    *axes = grown;
    sweep_axis *a = &grown[(*n)++];
    memset(a, 0, sizeof *a);
    a->key = key;
    a->line = line;
    return a;
}

static void clear_axis(sweep_axis *a)
{
    for (int v = 0; v < a->n_values; v++) vg_free(a->values[v]);
    a->n_values = 0;
}

/* ---- reading the file ------------------------------------------------------ */

typedef struct {
    experiment *e;
    FILE *fp;
    int line;
    vg_error *err;
    int rc;
} reader_state;

static char *count_lines(char *str, int num, void *stream)
{
    reader_state *r = stream;
    char *s = fgets(str, num, r->fp);
    if (s) r->line++;
    return s;
}

static sweep_grid *grid_named(experiment *e, const char *name)
{
    for (int g = 0; g < e->n_grids; g++)
        if (strcmp(e->grids[g].name, name) == 0) return &e->grids[g];
    sweep_grid *grown = vg_realloc(e->grids, (size_t)(e->n_grids + 1) * sizeof *grown);
    if (!grown) return NULL;
    e->grids = grown;
    sweep_grid *g = &grown[e->n_grids++];
    memset(g, 0, sizeof *g);
    snprintf(g->name, sizeof g->name, "%s", name);
    return g;
}

static int on_entry(void *user, const char *section, const char *name, const char *value)
{
    reader_state *r = user;
    experiment *e = r->e;
    if (r->rc != VG_OK) return 1;   /* keep the first error */
    char where[WHERE_MAX];
    snprintf(where, sizeof where, "%s:%d", e->path, r->line);

    if (strcmp(section, "quick") == 0) {
        /* Kept as key=value overrides, applied with --quick. */
        char **grown = vg_realloc(e->quick, (size_t)(e->n_quick + 1) * sizeof *grown);
        int *lines = vg_realloc(e->quick_line, (size_t)(e->n_quick + 1) * sizeof *lines);
        size_t len = strlen(name) + strlen(value) + 2;
        char *entry = vg_malloc(len);
        if (grown) e->quick = grown;
        if (lines) e->quick_line = lines;
        if (!grown || !lines || !entry) {
            vg_free(entry);
            r->rc = vg_fail(r->err, VG_EFAIL, "out of memory");
            return 1;
        }
        snprintf(entry, len, "%s=%s", name, value);
        e->quick_line[e->n_quick] = r->line;
        e->quick[e->n_quick++] = entry;
        return 1;
    }
    if (strcmp(section, "experiment") == 0) {
        if (strcmp(name, "name") == 0) {
            snprintf(e->name, sizeof e->name, "%s", value);
        } else if (strcmp(name, "description") == 0) {
            size_t len = strlen(e->description);
            snprintf(e->description + len, sizeof e->description - len, "%s%s", len ? " " : "",
                     value);
        } else {
            r->rc = vg_fail(r->err, VG_EUSAGE, "%s: unknown key '%s' in [experiment]; allowed: "
                            "name, description", where, name);
        }
        return 1;
    }
    int run = strcmp(section, "run") == 0;
    int sweep = strcmp(section, "sweep") == 0 || strncmp(section, "sweep.", 6) == 0;
    if (!run && !sweep) {
        r->rc = vg_fail(r->err, VG_EUSAGE, "%s: unknown section [%s]; allowed: [experiment], "
                        "[run], [sweep], [sweep.NAME], [quick]", where, section);
        return 1;
    }
    int key = config_key_find(name);
    if (key < 0) {
        r->rc = config_unknown_key(r->err, where, name);
        return 1;
    }
    sweep_axis *a;
    if (run) {
        a = axis_for(&e->base, &e->n_base, key, r->line);
        if (a && a->line != r->line) {
            r->rc = vg_fail(r->err, VG_EUSAGE, "%s: key '%s' is set twice in [run] (also line %d)",
                            where, name, a->line);
            return 1;
        }
        if (a && !push_value(a, dup_range(value, strlen(value)))) a = NULL;
        if (!a) r->rc = vg_fail(r->err, VG_EFAIL, "out of memory");
        return 1;
    }
    sweep_grid *g = grid_named(e, section[5] ? section + 6 : "");
    a = g ? axis_for(&g->axes, &g->n_axes, key, r->line) : NULL;
    if (!a) {
        r->rc = vg_fail(r->err, VG_EFAIL, "out of memory");
        return 1;
    }
    /* A continuation line of a multi-line value comes back under the same
     * key: its items extend the list. */
    r->rc = append_list(a, value, where, r->err);
    return 1;
}

/* Applies key=value (value one item or a list) over the file's settings;
 * where names it in errors ("command line" or "FILE:LINE"). */
static int apply_override(experiment *e, const char *arg, const char *where, vg_error *err)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg)
        return vg_fail(err, VG_EUSAGE, "%s: '%s' is not of the form key=value", where, arg);
    char name[64];
    size_t len = (size_t)(eq - arg);
    snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name ? len : sizeof name - 1), arg);
    int key = config_key_find(name);
    if (key < 0) return config_unknown_key(err, where, name);
    /* Parse as a list: one item sets the base, several sweep every grid. */
    sweep_axis parsed = {key, NULL, 0, 0};
    int rc = append_list(&parsed, eq + 1, where, err);
    if (rc != VG_OK) {
        for (int v = 0; v < parsed.n_values; v++) vg_free(parsed.values[v]);
        vg_free(parsed.values);
        return rc;
    }
    /* The key leaves every grid; it returns as a list in each of them, or
     * as a base value. */
    if (e->n_grids == 0 && parsed.n_values > 1 && !grid_named(e, "")) {
        rc = vg_fail(err, VG_EFAIL, "out of memory");
    }
    for (int g = 0; g < e->n_grids && rc == VG_OK; g++) {
        sweep_grid *grid = &e->grids[g];
        for (int i = 0; i < grid->n_axes; i++)
            if (grid->axes[i].key == key) clear_axis(&grid->axes[i]);
        if (parsed.n_values > 1) {
            sweep_axis *a = axis_for(&grid->axes, &grid->n_axes, key, 0);
            for (int v = 0; a && v < parsed.n_values; v++)
                if (!push_value(a, dup_range(parsed.values[v], strlen(parsed.values[v])))) a = NULL;
            if (!a) rc = vg_fail(err, VG_EFAIL, "out of memory");
            else a->line = 0;
        }
    }
    if (rc == VG_OK) {
        sweep_axis *b = axis_for(&e->base, &e->n_base, key, 0);
        if (!b) {
            rc = vg_fail(err, VG_EFAIL, "out of memory");
        } else {
            clear_axis(b);
            b->line = 0;
            /* One value: the item parsed (a range of one value is that value). */
            if (parsed.n_values == 1 &&
                !push_value(b, dup_range(parsed.values[0], strlen(parsed.values[0]))))
                rc = vg_fail(err, VG_EFAIL, "out of memory");
        }
    }
    for (int v = 0; v < parsed.n_values; v++) vg_free(parsed.values[v]);
    vg_free(parsed.values);
    return rc;
}

/* inih handler of the first look at a file for --quick: notes a [quick]
 * entry and nothing else. */
static int note_quick(void *user, const char *section, const char *name, const char *value)
{
    (void)name;
    (void)value;
    if (strcmp(section, "quick") == 0) *(int *)user = 1;
    return 1;
}

int experiment_load(experiment *e, const char *path, char **overrides, int n_overrides,
                    int quick, vg_error *err)
{
    memset(e, 0, sizeof *e);
    if (strlen(path) >= sizeof e->path)
        return vg_fail(err, VG_EUSAGE, "experiment file name '%s' is too long", path);
    strcpy(e->path, path);
    reader_state r = {e, fopen(path, "r"), 0, err, VG_OK};
    if (!r.fp) return vg_fail(err, VG_EUSAGE, "%s: cannot open: %s", path, strerror(errno));
    if (quick) {
        /* --quick without a [quick] entry is refused before the lists of
         * the file are expanded (a first pass that only reads). */
        int has_quick = 0;
        ini_parse_file(r.fp, note_quick, &has_quick);
        if (!has_quick) {
            fclose(r.fp);
            return vg_fail(err, VG_EUSAGE, "%s has no [quick] section for --quick", path);
        }
        rewind(r.fp);
    }
    int bad_line = ini_parse_stream(count_lines, &r, on_entry, &r);
    fclose(r.fp);
    if (r.rc == VG_OK && bad_line != 0)
        r.rc = vg_fail(err, VG_EUSAGE, "%s:%d: not an INI line (expected [section] or key = "
                       "value; lines are at most 200 characters)", path, bad_line);
    if (r.rc != VG_OK) {
        experiment_free(e);
        return r.rc;
    }
    if (e->name[0] == '\0') {
        /* The file's base name without its extension. */
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        size_t n = strcspn(base, ".");
        snprintf(e->name, sizeof e->name, "%.*s", (int)n, base);
    }
    /* [quick] first, so that the command line has the last word. */
    for (int i = 0; quick && i < e->n_quick; i++) {
        char where[WHERE_MAX];
        snprintf(where, sizeof where, "%s:%d", path, e->quick_line[i]);
        int rc = apply_override(e, e->quick[i], where, err);
        if (rc != VG_OK) {
            experiment_free(e);
            return rc;
        }
    }
    for (int i = 0; i < n_overrides; i++) {
        int rc = apply_override(e, overrides[i], "command line", err);
        if (rc != VG_OK) {
            experiment_free(e);
            return rc;
        }
    }
    return VG_OK;
}

void experiment_free(experiment *e)
{
    free_axes(e->base, e->n_base);
    for (int g = 0; g < e->n_grids; g++) free_axes(e->grids[g].axes, e->grids[g].n_axes);
    vg_free(e->grids);
    vg_free(e->points);
    vg_free(e->choice_block);
    for (int i = 0; i < e->n_quick; i++) vg_free(e->quick[i]);
    vg_free(e->quick);
    vg_free(e->quick_line);
    memset(e, 0, sizeof *e);
}

/* ---- expansion -------------------------------------------------------------- */

/* With [sweep.NAME] sections, each is a grid of its own lists plus the
 * [sweep] lists it does not override, and [sweep] alone is not a grid. */
static int effective_grids(experiment *e, vg_error *err)
{
    if (e->n_grids == 0) return grid_named(e, "") ? VG_OK : vg_fail(err, VG_EFAIL, "out of memory");
    int common = -1, named = 0;
    for (int g = 0; g < e->n_grids; g++) {
        if (e->grids[g].name[0] == '\0') common = g;
        else named++;
    }
    if (named == 0 || common < 0) return VG_OK;
    sweep_grid base = e->grids[common];
    for (int g = 0; g < e->n_grids; g++) {
        if (g == common) continue;
        sweep_grid *grid = &e->grids[g];
        /* New axis list: base axes first (unless overridden), then own. */
        int n = 0;
        sweep_axis *axes = vg_calloc((size_t)(base.n_axes + grid->n_axes) + 1, sizeof *axes);
        if (!axes) return vg_fail(err, VG_EFAIL, "out of memory");
        for (int i = 0; i < base.n_axes; i++) {
            int overridden = 0;
            for (int j = 0; j < grid->n_axes; j++) overridden |= grid->axes[j].key == base.axes[i].key;
            if (overridden) continue;
            sweep_axis *a = &axes[n++];
            a->key = base.axes[i].key;
            a->line = base.axes[i].line;
            for (int v = 0; v < base.axes[i].n_values; v++) {
                if (!push_value(a, vg_strdup(base.axes[i].values[v]))) {
                    /* Only the copies are freed: the grid keeps its own axes. */
                    free_axes(axes, n);
                    return vg_fail(err, VG_EFAIL, "out of memory");
                }
            }
        }
        for (int j = 0; j < grid->n_axes; j++) axes[n++] = grid->axes[j];
        vg_free(grid->axes);
        grid->axes = axes;
        grid->n_axes = n;
    }
    free_axes(base.axes, base.n_axes);
    memmove(&e->grids[common], &e->grids[common + 1],
            (size_t)(e->n_grids - common - 1) * sizeof *e->grids);
    e->n_grids--;
    return VG_OK;
}

static void locate(const experiment *e, int line, char *buf, size_t size)
{
    if (line > 0)
        snprintf(buf, size, "%s:%d", e->path, line);
    else
        snprintf(buf, size, "command line");
}

static int set_located(const experiment *e, vg_config *cfg, const sweep_axis *a, const char *value,
                       vg_error *err)
{
    int rc = config_set(cfg, key_table[a->key].name, value, err);
    if (rc != VG_OK) {
        char where[WHERE_MAX], msg[sizeof err->msg];
        locate(e, a->line, where, sizeof where);
        snprintf(msg, sizeof msg, "%s", err->msg);
        vg_fail(err, rc, "%s: %s", where, msg);
    }
    return rc;
}

static int build_config(const experiment *e, int g, const int *choice, vg_config *cfg,
                        vg_error *err)
{
    config_defaults(cfg);
    int rc = config_set(cfg, "name", e->name, err);
    for (int i = 0; i < e->n_base && rc == VG_OK; i++)
        if (e->base[i].n_values == 1)
            rc = set_located(e, cfg, &e->base[i], e->base[i].values[0], err);
    const sweep_grid *grid = &e->grids[g];
    for (int i = 0; i < grid->n_axes && rc == VG_OK; i++)
        if (grid->axes[i].n_values > 0)
            rc = set_located(e, cfg, &grid->axes[i], grid->axes[i].values[choice[i]], err);
    if (rc != VG_OK) return rc;
    rc = config_resolve(cfg, err);
    if (rc != VG_OK) {
        /* A conflict between keys: name the point by its swept values. */
        char point[512] = "", msg[sizeof err->msg];
        for (int i = 0; i < grid->n_axes; i++) {
            if (grid->axes[i].n_values == 0) continue;
            size_t len = strlen(point);
            snprintf(point + len, sizeof point - len, "%s%s=%s", len ? ", " : "",
                     key_table[grid->axes[i].key].name, grid->axes[i].values[choice[i]]);
        }
        snprintf(msg, sizeof msg, "%s", err->msg);
        vg_fail(err, rc, "%s: grid point (%s): %s", e->path, point, msg);
    }
    return rc;
}

int experiment_config(const experiment *e, int i, vg_config *cfg, vg_error *err)
{
    return build_config(e, e->points[i].grid, e->points[i].choice, cfg, err);
}

static int by_run_id(const void *a, const void *b)
{
    const sweep_point *const *pa = a, *const *pb = b;
    int c = strcmp((*pa)->run_id, (*pb)->run_id);
    return c ? c : (*pa < *pb ? -1 : *pa > *pb);
}

/* A dataset read from files (csv:, idx:, fashion_mnist, mnist). */
static int from_files(const char *spec)
{
    if (data_is_file_spec(spec)) return 1;
    int k = data_find(spec);
    return k >= 0 && data_table[k].from_file;
}

/* The line of the experiment file that set point i's dataset, as
 * "FILE:LINE" (or the command line) in where. */
static void locate_dataset(const experiment *e, int i, char *where, size_t size)
{
    int line = 0;
    const sweep_grid *g = &e->grids[e->points[i].grid];
    for (int a = 0; a < g->n_axes; a++)
        if (g->axes[a].key == KEY_dataset && g->axes[a].n_values > 0) line = g->axes[a].line;
    for (int a = 0; a < e->n_base && !line; a++)
        if (e->base[a].key == KEY_dataset) line = e->base[a].line;
    locate(e, line, where, size);
}

/* One dataset of the plan read from files, with the keys that decide
 * whether it loads, and the shape it loaded with. */
typedef struct {
    char spec[VG_PATH_MAX];
    long long n_samples, n_classes, label_col, label_cols;
    int n, n_features, n_out;
} data_seen;

/* The memory of one run: the network at its batch, plus the data and its
 * training copy. */
static size_t run_bytes(const vg_config *cfg, int n, int n_features, int n_out)
{
    int batch = cfg->batch_size ? (int)cfg->batch_size : n;
    size_t bytes = trainer_memory_bytes(cfg, n_features > 0 ? n_features : 1,
                                        n_out > 1 ? n_out : 2, batch > 0 ? batch : 1);
    double data_bytes = 2.0 * (double)n * ((double)n_features + 1.0) * sizeof(double);
    if (bytes != SIZE_MAX && data_bytes < (double)(SIZE_MAX - bytes))
        bytes += (size_t)data_bytes;
    else
        bytes = SIZE_MAX;
    return bytes;
}

/* The memory of a run on a generated dataset, whose shape its keys give. */
static size_t generated_run_bytes(const vg_config *cfg)
{
    const data_info *info = &data_table[data_find(cfg->dataset)];
    /* a sequence dataset's fixed features are per step */
    int steps = info->default_steps ? config_seq_len(cfg) : 1;
    return run_bytes(cfg, (int)cfg->n_samples,
                     (info->fixed_features ? info->fixed_features : (int)cfg->n_features) * steps,
                     info->fixed_classes ? info->fixed_classes : (int)cfg->n_classes);
}

/* Reads each distinct data file of the plan once (with its n_samples,
 * n_classes and label_col), so that a missing or bad file stops the sweep
 * before any run, naming the line that chose it; and raises max_run_bytes
 * (which the expansion set for the generated datasets) to the memory of the
 * largest run on a file, from the real size of its dataset.  Only the points
 * on files are resolved again. */
static int check_data(experiment *e, vg_error *err)
{
    vg_config *cfg = vg_malloc(sizeof *cfg);
    data_seen *seen = NULL;
    int n_seen = 0, rc = VG_OK;
    if (!cfg) return vg_fail(err, VG_EFAIL, "out of memory");
    for (int i = 0; i < e->n_points && rc == VG_OK; i++) {
        if (!e->points[i].from_files) continue;
        if ((rc = experiment_config(e, i, cfg, err)) != VG_OK) break;
        int k = 0;
        while (k < n_seen && !(strcmp(seen[k].spec, cfg->dataset) == 0 &&
                               seen[k].n_samples == cfg->n_samples &&
                               seen[k].n_classes == cfg->n_classes &&
                               seen[k].label_col == cfg->label_col &&
                               seen[k].label_cols == cfg->label_cols))
            k++;
        if (k == n_seen) {
            void *grown = vg_realloc(seen, (size_t)(n_seen + 1) * sizeof *seen);
            if (!grown) {
                rc = vg_fail(err, VG_EFAIL, "out of memory");
                break;
            }
            seen = grown;
            dataset d;
            data_params dp = {(int)cfg->n_samples, (int)cfg->n_features, (int)cfg->n_classes,
                              cfg->noise, (int)cfg->label_col, (int)cfg->label_cols,
                              config_seq_len(cfg)};
            rc = data_load(&d, cfg->dataset, &dp, NULL, err);
            if (rc != VG_OK) {
                char where[WHERE_MAX], msg[sizeof err->msg];
                locate_dataset(e, i, where, sizeof where);
                snprintf(msg, sizeof msg, "%s", err->msg);
                vg_fail(err, rc, "%s: key 'dataset': %s", where, msg);
                break;
            }
            data_seen *ds = &seen[n_seen++];
            snprintf(ds->spec, sizeof ds->spec, "%s", cfg->dataset);
            ds->n_samples = cfg->n_samples;
            ds->n_classes = cfg->n_classes;
            ds->label_col = cfg->label_col;
            ds->label_cols = cfg->label_cols;
            ds->n = d.n;
            ds->n_features = d.n_features;
            ds->n_out = d.n_classes;
            data_free(&d);
        }
        size_t bytes = run_bytes(cfg, seen[k].n, seen[k].n_features, seen[k].n_out);
        if (bytes > e->max_run_bytes) e->max_run_bytes = bytes;
    }
    vg_free(seen);
    vg_free(cfg);
    return rc;
}

/* The runs of grid g: the product of its list lengths, and with
 * [sweep.NAME] grids those of [sweep] (grid common) that g does not set, as
 * effective_grids will make them.  0 past limit. */
static size_t grid_runs(const experiment *e, int g, int common, size_t limit)
{
    size_t n = 1;
    const sweep_grid *grid = &e->grids[g];
    for (int i = 0; i < grid->n_axes; i++)
        if (grid->axes[i].n_values > 0 &&
            (!vg_mul_size(n, (size_t)grid->axes[i].n_values, &n) || n > limit))
            return 0;
    for (int i = 0; common >= 0 && i < e->grids[common].n_axes; i++) {
        const sweep_axis *a = &e->grids[common].axes[i];
        int set_here = 0;
        for (int j = 0; j < grid->n_axes; j++) set_here |= grid->axes[j].key == a->key;
        if (a->n_values > 0 && !set_here &&
            (!vg_mul_size(n, (size_t)a->n_values, &n) || n > limit))
            return 0;
    }
    return n;
}

/* Refuses a plan beyond limit runs from the lists' lengths, before
 * effective_grids copies [sweep]'s lists into every [sweep.NAME] grid. */
static int check_plan_size(const experiment *e, size_t limit, vg_error *err)
{
    int common = -1, named = 0;
    for (int g = 0; g < e->n_grids; g++) {
        if (e->grids[g].name[0] == '\0') common = g;
        else named++;
    }
    size_t total = 0;
    for (int g = 0; g < e->n_grids; g++) {
        if (named > 0 && g == common) continue;   /* [sweep] alone is no grid then */
        size_t n = grid_runs(e, g, named > 0 ? common : -1, limit);
        if (n == 0)
            return vg_fail(err, VG_EUSAGE, "%s: the grid has more than %zu runs", e->path, limit);
        if ((total += n) > limit)
            return vg_fail(err, VG_EUSAGE, "%s: the grids have more than %zu runs", e->path,
                           limit);
    }
    return VG_OK;
}

int experiment_expand(experiment *e, vg_error *err)
{
    int rc = check_plan_size(e, 10000000, err);
    if (rc == VG_OK) rc = effective_grids(e, err);
    if (rc != VG_OK) return rc;
    /* Count the points, refusing grids beyond ten million runs, and the
     * cells of their choices (one block for them all). */
    size_t total = 0, cells = 0;
    for (int g = 0; g < e->n_grids; g++) {
        size_t n = 1;
        for (int i = 0; i < e->grids[g].n_axes; i++)
            if (e->grids[g].axes[i].n_values > 0) {
                if (!vg_mul_size(n, (size_t)e->grids[g].axes[i].n_values, &n) || n > 10000000)
                    return vg_fail(err, VG_EUSAGE, "%s: the grid has more than 10000000 runs",
                                   e->path);
            }
        total += n;
        if (total > 10000000)
            return vg_fail(err, VG_EUSAGE, "%s: the grids have more than 10000000 runs", e->path);
        cells += n * ((size_t)e->grids[g].n_axes + 1);
    }
    e->points = vg_calloc(total ? total : 1, sizeof *e->points);
    e->choice_block = vg_malloc((cells ? cells : 1) * sizeof(int));
    vg_config *cfg = vg_malloc(sizeof *cfg);
    if (!e->points || !e->choice_block || !cfg) {
        vg_free(cfg);
        return vg_fail(err, VG_EFAIL, "out of memory");
    }
    e->n_points = 0;
    e->max_run_bytes = 0;
    int *next_choice = e->choice_block;
    for (int g = 0; g < e->n_grids && rc == VG_OK; g++) {
        const sweep_grid *grid = &e->grids[g];
        int *choice = vg_calloc((size_t)grid->n_axes + 1, sizeof(int));
        if (!choice) {
            rc = vg_fail(err, VG_EFAIL, "out of memory");
            break;
        }
        for (;;) {
            rc = build_config(e, g, choice, cfg, err);
            if (rc != VG_OK) break;
            sweep_point *p = &e->points[e->n_points++];
            p->grid = g;
            p->choice = next_choice;
            next_choice += grid->n_axes + 1;
            memcpy(p->choice, choice, ((size_t)grid->n_axes + 1) * sizeof(int));
            config_run_id(cfg, p->run_id);
            if (cfg->test_frac > 0) e->test_columns = 1;
            /* Runs on files are sized by check_data, once their data is read. */
            p->from_files = (char)from_files(cfg->dataset);
            if (!p->from_files) {
                size_t bytes = generated_run_bytes(cfg);
                if (bytes > e->max_run_bytes) e->max_run_bytes = bytes;
            }
            /* The last axis varies fastest. */
            int i = grid->n_axes - 1;
            for (; i >= 0; i--) {
                if (grid->axes[i].n_values == 0) continue;
                if (++choice[i] < grid->axes[i].n_values) break;
                choice[i] = 0;
            }
            if (i < 0) break;
        }
        vg_free(choice);
    }
    vg_free(cfg);
    if (rc != VG_OK) return rc;

    /* The same configuration from two grids runs once, where first met. */
    sweep_point **sorted = vg_malloc((size_t)e->n_points * sizeof *sorted + 1);
    if (!sorted) return vg_fail(err, VG_EFAIL, "out of memory");
    for (int i = 0; i < e->n_points; i++) sorted[i] = &e->points[i];
    qsort(sorted, (size_t)e->n_points, sizeof *sorted, by_run_id);
    char first[17] = "";
    for (int i = 0; i < e->n_points; i++) {
        if (strcmp(sorted[i]->run_id, first) == 0)
            sorted[i]->run_id[0] = '\0';
        else
            memcpy(first, sorted[i]->run_id, sizeof first);
    }
    vg_free(sorted);
    int kept = 0;
    for (int i = 0; i < e->n_points; i++)
        if (e->points[i].run_id[0] != '\0') e->points[kept++] = e->points[i];
    e->n_points = kept;
    return check_data(e, err);
}


const char *experiment_out(const experiment *e)
{
    static char out[WHERE_MAX];
    for (int i = 0; i < e->n_base; i++)
        if (e->base[i].key == KEY_out && e->base[i].n_values == 1) return e->base[i].values[0];
    snprintf(out, sizeof out, "results/%s", e->name);
    return out;
}
