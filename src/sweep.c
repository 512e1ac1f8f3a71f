/* sweep.c: experiment files, grid expansion and validation. */
/* MAP_ANONYMOUS and flock are not POSIX; glibc and the BSDs have them
 * (and Linux has prctl). */
#define _DEFAULT_SOURCE
#include "sweep.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <cblas.h> /* openblas_get_config */
#include <ini.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "csvio.h"
#include "data.h"
#include "run.h"
#include "train.h"

/* Room for a directory (checked to be under VG_PATH_MAX) and what the
 * sweep appends to it. */
#define SWEEP_PATH (2 * VG_PATH_MAX + 512)

#include "vg_revision.h" /* VG_GIT_REVISION, written at build time by cmake/revision.cmake */

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

static int push_value(sweep_axis *a, char *v)
{
    char **grown = vg_realloc(a->values, (size_t)(a->n_values + 1) * sizeof *grown);
    if (!grown || !v) {
        vg_free(v);
        if (grown) a->values = grown;
        return 0;
    }
    a->values = grown;
    a->values[a->n_values++] = v;
    return 1;
}

/* Parses "a..b" or "a..b..step" into integers; 0 if item is not a range. */
static int parse_range(const char *item, long long *lo, long long *hi, long long *step)
{
    char tail;
    *step = 1;
    if (sscanf(item, "%lld..%lld..%lld%c", lo, hi, step, &tail) == 3) return 1;
    if (sscanf(item, "%lld..%lld%c", lo, hi, &tail) == 2) return 1;
    return 0;
}

/* Appends the items of a list value to the axis.  Values of widths, and
 * idx:IMAGES,LABELS datasets, hold commas, so their items are separated by
 * '|' only; other keys take ',' (or '|' when the value has one). */
static int append_list(sweep_axis *a, const char *value, const char *where, vg_error *err)
{
    int pipes = key_table[a->key].type == KT_WIDTHS || strchr(value, '|') ||
                (a->key == KEY_dataset && strstr(value, "idx:"));
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
        if (parse_range(item, &lo, &hi, &step)) {
            vg_free(item);
            if (step < 1 || hi < lo || (hi - lo) / step > 1000000)
                return vg_fail(err, VG_EUSAGE, "%s: key '%s': range needs lo <= hi and step >= 1 "
                               "(a..b or a..b..step), at most 1000000 values", where,
                               key_table[a->key].name);
            for (long long v = lo; v <= hi; v += step) {
                char buf[32];
                snprintf(buf, sizeof buf, "%lld", v);
                if (!push_value(a, dup_range(buf, strlen(buf))))
                    return vg_fail(err, VG_EFAIL, "out of memory");
            }
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
    char where[SWEEP_PATH];
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
        const char *near = config_key_suggest(name);
        r->rc = vg_fail(r->err, VG_EUSAGE, "%s: unknown key '%s'%s%s%s; 'vgrad help run' lists "
                        "the keys", where, name, near ? " (did you mean '" : "", near ? near : "",
                        near ? "'?)" : "");
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
    if (key < 0) {
        const char *near = config_key_suggest(name);
        return vg_fail(err, VG_EUSAGE, "%s: unknown key '%s'%s%s%s; 'vgrad help run' lists the "
                       "keys", where, name, near ? " (did you mean '" : "", near ? near : "",
                       near ? "'?)" : "");
    }
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
            if (parsed.n_values == 1 && !push_value(b, dup_range(eq + 1, strlen(eq + 1))))
                rc = vg_fail(err, VG_EFAIL, "out of memory");
        }
    }
    for (int v = 0; v < parsed.n_values; v++) vg_free(parsed.values[v]);
    vg_free(parsed.values);
    return rc;
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
    if (quick && e->n_quick == 0) {
        experiment_free(e);
        return vg_fail(err, VG_EUSAGE, "%s has no [quick] section for --quick", path);
    }
    /* [quick] first, so that the command line has the last word. */
    for (int i = 0; quick && i < e->n_quick; i++) {
        char where[SWEEP_PATH];
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
    for (int i = 0; i < e->n_points; i++) vg_free(e->points[i].choice);
    vg_free(e->points);
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
        char where[SWEEP_PATH], msg[sizeof err->msg];
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
    if (strncmp(spec, "csv:", 4) == 0 || strncmp(spec, "idx:", 4) == 0) return 1;
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

/* Reads each distinct data file of the plan once (with its n_samples,
 * n_classes and label_col), so that a missing or bad file stops the sweep
 * before any run, naming the line that chose it; and sets max_run_bytes,
 * the memory of the largest run, from the real size of every dataset. */
static int check_data(experiment *e, vg_error *err)
{
    vg_config *cfg = vg_malloc(sizeof *cfg);
    data_seen *seen = NULL;
    int n_seen = 0, rc = VG_OK;
    if (!cfg) return vg_fail(err, VG_EFAIL, "out of memory");
    e->max_run_bytes = 0;
    for (int i = 0; i < e->n_points && rc == VG_OK; i++) {
        if ((rc = experiment_config(e, i, cfg, err)) != VG_OK) break;
        int n, n_features, n_out;
        if (from_files(cfg->dataset)) {
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
                                  cfg->noise, (int)cfg->label_col, (int)cfg->label_cols};
                rc = data_load(&d, cfg->dataset, &dp, NULL, err);
                if (rc != VG_OK) {
                    char where[SWEEP_PATH], msg[sizeof err->msg];
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
            n = seen[k].n;
            n_features = seen[k].n_features;
            n_out = seen[k].n_out;
        } else {
            const data_info *info = &data_table[data_find(cfg->dataset)];
            n = (int)cfg->n_samples;
            n_features = info->fixed_features ? info->fixed_features : (int)cfg->n_features;
            n_out = info->fixed_classes ? info->fixed_classes : (int)cfg->n_classes;
        }
        /* The network at its batch, plus the data and its training copy. */
        int batch = cfg->batch_size ? (int)cfg->batch_size : n;
        size_t bytes = trainer_memory_bytes(cfg, n_features > 0 ? n_features : 1,
                                            n_out > 1 ? n_out : 2, batch > 0 ? batch : 1);
        double data_bytes = 2.0 * (double)n * ((double)n_features + 1.0) * sizeof(double);
        if (bytes != SIZE_MAX && data_bytes < (double)(SIZE_MAX - bytes))
            bytes += (size_t)data_bytes;
        else
            bytes = SIZE_MAX;
        if (bytes > e->max_run_bytes) e->max_run_bytes = bytes;
    }
    vg_free(seen);
    vg_free(cfg);
    return rc;
}

int experiment_expand(experiment *e, vg_error *err)
{
    int rc = effective_grids(e, err);
    if (rc != VG_OK) return rc;
    /* Count the points, refusing grids beyond ten million runs. */
    size_t total = 0;
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
    }
    e->points = vg_calloc(total ? total : 1, sizeof *e->points);
    vg_config *cfg = vg_malloc(sizeof *cfg);
    if (!e->points || !cfg) {
        vg_free(cfg);
        return vg_fail(err, VG_EFAIL, "out of memory");
    }
    e->n_points = 0;
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
            p->choice = vg_malloc(((size_t)grid->n_axes + 1) * sizeof(int));
            if (!p->choice) {
                rc = vg_fail(err, VG_EFAIL, "out of memory");
                break;
            }
            memcpy(p->choice, choice, ((size_t)grid->n_axes + 1) * sizeof(int));
            config_run_id(cfg, p->run_id);
            if (cfg->test_frac > 0) e->test_columns = 1;
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
    for (int i = 0; i < e->n_points; i++) {
        if (e->points[i].run_id[0] == '\0') {
            vg_free(e->points[i].choice);
            continue;
        }
        e->points[kept++] = e->points[i];
    }
    e->n_points = kept;
    return check_data(e, err);
}

/* ---- running ------------------------------------------------------------------ */

/* Files of a sweep directory DIR:
 *   DIR/{layers,train,runs,timing}.csv   the assembled results, in plan order
 *   DIR/experiment.ini                    a copy of the experiment file
 *   DIR/manifest                          versions, command line, start time
 *   DIR/.runs/plan                        the full plan: one run_id a line
 *   DIR/.runs/shard                       "K/N" of this directory
 *   DIR/.runs/<run_id>/                   the rows of one finished run
 * A run writes its rows into DIR/.runs/.tmp.<run_id>.<pid>/ and renames that
 * directory when complete: a run directory exists only for a finished run,
 * which is how --resume knows what not to compute again. */

enum { F_LAYERS, F_TRAIN, F_HIST, F_PREDICTIONS, F_RUNS, F_TIMING, F_COUNT };
static const char *const result_files[F_COUNT] = {"layers.csv", "train.csv", "hist.csv",
                                                  "predictions.csv", "runs.csv", "timing.csv"};

const char *experiment_out(const experiment *e)
{
    static char out[SWEEP_PATH];
    for (int i = 0; i < e->n_base; i++)
        if (e->base[i].key == KEY_out && e->base[i].n_values == 1) return e->base[i].values[0];
    snprintf(out, sizeof out, "results/%s", e->name);
    return out;
}

static int join(char *buf, size_t size, const char *a, const char *b, vg_error *err)
{
    if ((size_t)snprintf(buf, size, "%s/%s", a, b) >= size)
        return vg_fail(err, VG_EUSAGE, "path '%s/%s' is too long", a, b);
    return VG_OK;
}

/* The plan file's text: the run_ids in order, and whether train.csv has
 * test columns. */
static char *plan_text(const experiment *e, size_t *len)
{
    size_t size = 64 + (size_t)e->n_points * 17;
    char *text = vg_malloc(size);
    if (!text) return NULL;
    size_t n = (size_t)snprintf(text, size, "vgrad-plan 1\ntest_columns %d\n", e->test_columns);
    for (int i = 0; i < e->n_points; i++) n += (size_t)snprintf(text + n, size - n, "%s\n",
                                                                 e->points[i].run_id);
    *len = n;
    return text;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = vg_malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (n + 1 < cap) break;
        char *grown = vg_realloc(buf, cap * 2);
        if (!grown) {
            vg_free(buf);
            buf = NULL;
        }
        buf = grown;
        cap *= 2;
    }
    int failed = ferror(f);
    fclose(f);
    if (!buf || failed) {
        vg_free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Appends the bytes of the file at path to o. */
static void append_file(csv_out *o, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        o->failed = 1;
        return;
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        if (fwrite(buf, 1, n, o->fp) != n) o->failed = 1;
    if (ferror(f)) o->failed = 1;
    fclose(f);
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int sweep_run_one(const experiment *e, int i, const char *dir, run_status *status,
                  vg_error *err)
{
    char runs[SWEEP_PATH], tmp[SWEEP_PATH], final[SWEEP_PATH];
    snprintf(runs, sizeof runs, "%s/.runs", dir);
    snprintf(tmp, sizeof tmp, "%s/.tmp.%s.%ld", runs, e->points[i].run_id, (long)getpid());
    snprintf(final, sizeof final, "%s/%s", runs, e->points[i].run_id);
    vg_error run_err = {0, ""};   /* why the run failed, kept apart from err */
    run_result res;
    memset(&res, 0, sizeof res);
    res.final_loss = res.final_accuracy = res.final_test_loss = res.final_test_accuracy = NAN;
    vg_config *cfg = vg_malloc(sizeof *cfg);
    trainer t;
    int have_trainer = 0;
    csv_out files[F_COUNT];
    memset(files, 0, sizeof files);
    *status = RUN_FAILED;
    if (mkdir(tmp, 0777) != 0) {
        vg_free(cfg);
        return vg_fail(err, VG_EFAIL, "cannot create '%s': %s", tmp, strerror(errno));
    }
    int rc = cfg ? experiment_config(e, i, cfg, &run_err)
                 : vg_fail(&run_err, VG_EFAIL, "out of memory");
    if (rc == VG_OK) {
        /* A sweep's runs have no directory of their own, and the shard
         * directories of one sweep must write the same rows. */
        cfg->out[0] = '\0';
        rc = trainer_setup(&t, cfg, &run_err);
        have_trainer = rc == VG_OK;
    }
    int io = VG_OK;
    for (int f = 0; f < F_COUNT && io == VG_OK; f++) {
        char path[SWEEP_PATH];
        snprintf(path, sizeof path, "%s/%s", tmp, result_files[f]);
        io = csvout_open(&files[f], path, err);
    }
    if (io == VG_OK && have_trainer) {
        t.test_columns = e->test_columns;
        run_sinks sinks = {&files[F_LAYERS], &files[F_TRAIN], &files[F_HIST],
                           &files[F_PREDICTIONS]};
        rc = trainer_run(&t, &sinks, &res, &run_err);
    }
    if (io == VG_OK && rc != VG_OK) {
        /* The rows of a failed run are not kept: its runs.csv row says why. */
        for (int f = F_LAYERS; f <= F_PREDICTIONS && io == VG_OK; f++) {
            csvout_abort(&files[f]);
            char path[SWEEP_PATH];
            snprintf(path, sizeof path, "%s/%s", tmp, result_files[f]);
            io = csvout_open(&files[f], path, err);
        }
        res.status = RUN_FAILED;
        snprintf(res.message, sizeof res.message, "%s", run_err.msg);
    }
    if (io == VG_OK) {
        if (cfg) runs_row(&files[F_RUNS], cfg, e->points[i].run_id, &res);
        timing_row(&files[F_TIMING], e->points[i].run_id, 0.0, &res);
        for (int f = 0; f < F_COUNT && io == VG_OK; f++) io = csvout_commit(&files[f], err);
    }
    for (int f = 0; f < F_COUNT; f++) csvout_abort(&files[f]);
    if (have_trainer) trainer_free(&t);
    vg_free(cfg);
    if (io == VG_OK && rename(tmp, final) != 0)
        io = vg_fail(err, VG_EFAIL, "cannot rename '%s' to '%s': %s", tmp, final, strerror(errno));
    if (io != VG_OK) return io;
    *status = res.status;
    if (res.status == RUN_FAILED) *err = run_err;
    return VG_OK;
}

/* Writes the four result files of dir from the run directories of the
 * plan entries selected by in_shard (index % shard_n == shard_k - 1). */
static int assemble(const char *dir, const char *const *run_ids, int n, int shard_k, int shard_n,
                    int test_columns, vg_error *err)
{
    csv_out files[F_COUNT];
    memset(files, 0, sizeof files);
    int rc = VG_OK;
    for (int f = 0; f < F_COUNT && rc == VG_OK; f++) {
        char path[SWEEP_PATH];
        snprintf(path, sizeof path, "%s/%s", dir, result_files[f]);
        rc = csvout_open(&files[f], path, err);
    }
    if (rc == VG_OK) {
        trainer_layers_header(&files[F_LAYERS]);
        trainer_train_header(&files[F_TRAIN], test_columns);
        trainer_hist_header(&files[F_HIST]);
        trainer_predictions_header(&files[F_PREDICTIONS]);
        runs_header(&files[F_RUNS]);
        timing_header(&files[F_TIMING]);
        for (int i = 0; i < n; i++) {
            if (i % shard_n != shard_k - 1) continue;
            char run_dir[SWEEP_PATH];
            snprintf(run_dir, sizeof run_dir, "%s/.runs/%s", dir, run_ids[i]);
            if (!is_dir(run_dir)) continue;   /* a run whose worker died */
            for (int f = 0; f < F_COUNT; f++) {
                char path[SWEEP_PATH];
                snprintf(path, sizeof path, "%s/%s", run_dir, result_files[f]);
                append_file(&files[f], path);
            }
        }
        for (int f = 0; f < F_COUNT && rc == VG_OK; f++) rc = csvout_commit(&files[f], err);
    }
    for (int f = 0; f < F_COUNT; f++) csvout_abort(&files[f]);
    return rc;
}

static int write_manifest(const char *dir, const char *name, const char *command_line,
                          int n_plan, int shard_k, int shard_n, vg_error *err)
{
    char text[8192], when[64], path[SWEEP_PATH];
    time_t now = time(NULL);
    struct tm utc;
    gmtime_r(&now, &utc);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &utc);
    int n = snprintf(text, sizeof text,
                     "vgrad_version: %s\ngit_revision: %s\nblas: %s\nexperiment: %s\n"
                     "runs: %d\nshard: %d/%d\ncommand_line: %s\nstart_time: %s\n",
                     VG_VERSION, VG_GIT_REVISION, openblas_get_config(), name, n_plan, shard_k,
                     shard_n, command_line, when);
    if (n < 0 || (size_t)n >= sizeof text) n = (int)strlen(text);
    int rc = join(path, sizeof path, dir, "manifest", err);
    return rc ? rc : vg_write_file_atomic(path, text, (size_t)n, err);
}

typedef struct {
    int next;              /* next index of the to-do list */
    int done, failed, diverged;
    int unwritten;         /* runs whose directory could not be written */
    char message[512];     /* why, for the first of them */
} sweep_shared;

static double elapsed_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0->tv_nsec);
}

/* Tells o->progress (when set) how far the workers are. */
static void report_progress(const sweep_options *o, const sweep_shared *sh, int total,
                            const struct timespec *t0, int final)
{
    if (!o->progress) return;
    sweep_progress p = {__atomic_load_n(&sh->done, __ATOMIC_RELAXED), total,
                        __atomic_load_n(&sh->failed, __ATOMIC_RELAXED), elapsed_since(t0), final};
    o->progress(&p, o->progress_user);
}

/* Reads DIR/.runs/shard "K/N". */
static int read_shard(const char *dir, int *k, int *n)
{
    char path[SWEEP_PATH];
    snprintf(path, sizeof path, "%s/.runs/shard", dir);
    size_t len;
    char *text = read_all(path, &len);
    int ok = text && sscanf(text, "%d/%d", k, n) == 2 && *n >= 1 && *k >= 1 && *k <= *n;
    vg_free(text);
    return ok;
}

/* Creates dir for this plan and shard, or checks that an existing one
 * holds the same (with --resume). */
static int prepare_dir(const experiment *e, const char *dir, const sweep_options *o,
                       vg_error *err)
{
    char runs[SWEEP_PATH], path[SWEEP_PATH];
    size_t len;
    int rc = join(runs, sizeof runs, dir, ".runs", err);
    if (rc) return rc;
    char *plan = plan_text(e, &len);
    if (!plan) return vg_fail(err, VG_EFAIL, "out of memory");
    snprintf(path, sizeof path, "%s/plan", runs);
    size_t old_len;
    char *old = read_all(path, &old_len);
    if (old) {
        int k, n;
        int same = old_len == len && memcmp(old, plan, len) == 0 && read_shard(dir, &k, &n) &&
                   k == o->shard_k && n == o->shard_n;
        vg_free(old);
        vg_free(plan);
        if (!o->resume)
            return vg_fail(err, VG_EUSAGE, "'%s' holds a sweep already; add --resume to finish "
                           "it, or choose another out=", dir);
        if (!same)
            return vg_fail(err, VG_EUSAGE, "'%s' holds another experiment or shard; --resume "
                           "needs the same file, overrides and --shard", dir);
        return VG_OK;
    }
    /* A new directory (open_runs_dir made .runs and refused other results). */
    {
        size_t src_len;
        char *src = read_all(e->path, &src_len);
        if (!src) rc = vg_fail(err, VG_EUSAGE, "%s: cannot read: %s", e->path, strerror(errno));
        if (rc == VG_OK && (rc = join(path, sizeof path, dir, "experiment.ini", err)) == VG_OK)
            rc = vg_write_file_atomic(path, src, src_len, err);
        vg_free(src);
    }
    if (rc == VG_OK) {
        char shard[32];
        int n = snprintf(shard, sizeof shard, "%d/%d\n", o->shard_k, o->shard_n);
        snprintf(path, sizeof path, "%s/shard", runs);
        rc = vg_write_file_atomic(path, shard, (size_t)n, err);
    }
    /* The plan last: its presence marks a prepared directory. */
    if (rc == VG_OK) {
        snprintf(path, sizeof path, "%s/plan", runs);
        rc = vg_write_file_atomic(path, plan, len, err);
    }
    vg_free(plan);
    return rc;
}

/* One sweep writes a directory at a time: an flock on DIR/.runs/.lock,
 * which the workers inherit, so a second sweep into DIR (or a --resume
 * started while workers of a killed sweep are still running) is refused
 * instead of computing runs twice.  A regular file opened for writing, as
 * NFS needs; where the file system has no locks at all (ENOLCK, ENOSYS,
 * EOPNOTSUPP) the sweep goes on unlocked.  *fd holds the lock until it is
 * closed (-1 when unlocked). */
static int lock_runs(const char *dir, int *fd, vg_error *err)
{
    char path[SWEEP_PATH];
    snprintf(path, sizeof path, "%s/.runs/.lock", dir);
    *fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (*fd < 0) return vg_fail(err, VG_EUSAGE, "cannot create '%s': %s", path, strerror(errno));
    if (flock(*fd, LOCK_EX | LOCK_NB) == 0) return VG_OK;
    int lock_errno = errno;
    close(*fd);
    *fd = -1;
    if (lock_errno == ENOLCK || lock_errno == ENOSYS || lock_errno == EOPNOTSUPP) return VG_OK;
    if (lock_errno == EWOULDBLOCK)
        return vg_fail(err, VG_EUSAGE, "'%s' is being written by another vgrad sweep or merge "
                       "(or the workers of a killed sweep are finishing); wait for it to end",
                       dir);
    return vg_fail(err, VG_EFAIL, "cannot lock '%s': %s", path, strerror(lock_errno));
}

/* DIR/.runs made and locked before anything else is written there, so that
 * two sweeps started at once into one new directory cannot both prepare
 * it.  A directory of other results (a runs.csv, no plan) is refused first,
 * with nothing made. */
static int open_runs_dir(const char *dir, int *lock_fd, vg_error *err)
{
    char path[SWEEP_PATH];
    *lock_fd = -1;
    snprintf(path, sizeof path, "%s/.runs/plan", dir);
    if (access(path, F_OK) != 0) {
        snprintf(path, sizeof path, "%s/runs.csv", dir);
        if (access(path, F_OK) == 0)
            return vg_fail(err, VG_EUSAGE, "'%s' holds results that are not a sweep; choose "
                           "another out=", dir);
    }
    snprintf(path, sizeof path, "%s/.runs", dir);
    int rc = vg_make_dir(path, err);
    return rc == VG_OK ? lock_runs(dir, lock_fd, err) : rc;
}

/* Removes run directories left half-written by a killed worker. */
static void remove_partial_runs(const char *dir)
{
    char runs[SWEEP_PATH];
    snprintf(runs, sizeof runs, "%s/.runs", dir);
    DIR *d = opendir(runs);
    if (!d) return;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        if (strncmp(ent->d_name, ".tmp.", 5) != 0) continue;
        char sub[SWEEP_PATH];
        snprintf(sub, sizeof sub, "%s/%s", runs, ent->d_name);
        DIR *s = opendir(sub);
        if (s) {
            struct dirent *f;
            while ((f = readdir(s)) != NULL) {
                if (f->d_name[0] == '.' && (!f->d_name[1] || (f->d_name[1] == '.' && !f->d_name[2])))
                    continue;
                char file[SWEEP_PATH];
                snprintf(file, sizeof file, "%s/%s", sub, f->d_name);
                unlink(file);
            }
            closedir(s);
        }
        rmdir(sub);
    }
    closedir(d);
}

static int sweep_workers(const experiment *e, const sweep_options *o, const char *dir,
                         sweep_summary *s, vg_error *err);

int sweep_run(const experiment *e, const sweep_options *o, sweep_summary *s, vg_error *err)
{
    memset(s, 0, sizeof *s);
    const char *dir = experiment_out(e);
    if (strlen(dir) >= VG_PATH_MAX)
        return vg_fail(err, VG_EUSAGE, "output directory name '%s' is too long", dir);
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    double have = pages > 0 && page > 0 ? (double)pages * (double)page : 1e300;
    if ((double)e->max_run_bytes * o->jobs > have) {
        int fit = (int)(have / (double)(e->max_run_bytes ? e->max_run_bytes : 1));
        return vg_fail(err, VG_EUSAGE, "-j %d needs %.3g GiB (%.3g GiB per run), more than the "
                       "machine's %.3g GiB; use -j %d or less", o->jobs,
                       (double)e->max_run_bytes * o->jobs / 1073741824.0,
                       (double)e->max_run_bytes / 1073741824.0, have / 1073741824.0,
                       fit > 0 ? fit : 1);
    }
    int lock_fd;
    int rc = open_runs_dir(dir, &lock_fd, err);
    if (rc == VG_OK) rc = prepare_dir(e, dir, o, err);
    if (rc == VG_OK) rc = sweep_workers(e, o, dir, s, err);
    if (lock_fd >= 0) close(lock_fd);
    return rc;
}

/* The runs of this shard that are not done yet, on o->jobs worker
 * processes, then the assembled files and the manifest. */
static int sweep_workers(const experiment *e, const sweep_options *o, const char *dir,
                         sweep_summary *s, vg_error *err)
{
    int rc;
    remove_partial_runs(dir);

    int *todo = vg_malloc(((size_t)e->n_points + 1) * sizeof(int));
    if (!todo) return vg_fail(err, VG_EFAIL, "out of memory");
    int n_todo = 0;
    for (int i = 0; i < e->n_points; i++) {
        if (i % o->shard_n != o->shard_k - 1) continue;
        s->total++;
        char run_dir[SWEEP_PATH];
        snprintf(run_dir, sizeof run_dir, "%s/.runs/%s", dir, e->points[i].run_id);
        if (is_dir(run_dir)) s->skipped++;
        else todo[n_todo++] = i;
    }

    sweep_shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                            -1, 0);
    if (sh == MAP_FAILED) {
        vg_free(todo);
        return vg_fail(err, VG_EFAIL, "cannot share memory with the workers: %s", strerror(errno));
    }
    memset(sh, 0, sizeof *sh);
    int jobs = o->jobs < n_todo ? o->jobs : n_todo;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    fflush(NULL);
    pid_t *pids = vg_calloc((size_t)jobs + 1, sizeof(pid_t));
    int started = 0;
    pid_t parent = getpid();
    for (int w = 0; w < jobs && pids; w++) {
        pid_t pid = fork();
        if (pid == 0) {
            /* A worker ends with the sweep, even one killed by SIGKILL: its
             * unfinished run is redone by --resume.  (The kernel's signal on
             * Linux; elsewhere the worker notices before its next run.) */
#ifdef __linux__
            prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
            for (;;) {
                if (getppid() != parent) _exit(1);
                int k = __atomic_fetch_add(&sh->next, 1, __ATOMIC_RELAXED);
                if (k >= n_todo) break;
                run_status st;
                vg_error run_err;
                if (sweep_run_one(e, todo[k], dir, &st, &run_err) != VG_OK &&
                    __atomic_fetch_add(&sh->unwritten, 1, __ATOMIC_RELAXED) == 0)
                    snprintf(sh->message, sizeof sh->message, "%s", run_err.msg);
                if (st == RUN_FAILED) __atomic_fetch_add(&sh->failed, 1, __ATOMIC_RELAXED);
                if (st == RUN_DIVERGED) __atomic_fetch_add(&sh->diverged, 1, __ATOMIC_RELAXED);
                __atomic_fetch_add(&sh->done, 1, __ATOMIC_RELAXED);
            }
            _exit(0);
        }
        if (pid < 0) break;
        pids[started++] = pid;
    }
    if (started == 0 && n_todo > 0) {
        vg_free(pids);
        vg_free(todo);
        munmap(sh, sizeof *sh);
        return vg_fail(err, VG_EFAIL, "cannot start workers: %s", strerror(errno));
    }
    int alive = started, worker_died = 0;
    while (alive > 0) {
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid > 0) {
            alive--;
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) worker_died = 1;
            continue;
        }
        if (pid < 0 && errno != EINTR) break;
        report_progress(o, sh, n_todo, &t0, 0);
        struct timespec nap = {0, 20000000};
        nanosleep(&nap, NULL);
    }
    report_progress(o, sh, n_todo, &t0, 1);
    char unwritten[sizeof sh->message] = "";
    if (sh->unwritten)
        snprintf(unwritten, sizeof unwritten, "%d runs could not be written (the first: %s)",
                 sh->unwritten, sh->message);
    s->done = sh->done;
    s->failed = sh->failed;
    s->diverged = sh->diverged;
    munmap(sh, sizeof *sh);
    vg_free(pids);
    vg_free(todo);

    const char **ids = vg_malloc(((size_t)e->n_points + 1) * sizeof *ids);
    if (!ids) return vg_fail(err, VG_EFAIL, "out of memory");
    for (int i = 0; i < e->n_points; i++) ids[i] = e->points[i].run_id;
    rc = assemble(dir, ids, e->n_points, o->shard_k, o->shard_n, e->test_columns, err);
    vg_free(ids);
    if (rc == VG_OK)
        rc = write_manifest(dir, e->name, o->command_line, e->n_points, o->shard_k, o->shard_n,
                            err);
    if (rc != VG_OK) return rc;
    if (unwritten[0]) return vg_fail(err, VG_EFAIL, "%s", unwritten);
    if (worker_died)
        return vg_fail(err, VG_EFAIL, "a worker died; run again with --resume to finish");
    if (s->failed) return vg_fail(err, VG_EFAIL, "%d of %d runs failed (see runs.csv)",
                                  s->failed, s->total);
    return VG_OK;
}

/* ---- merging shards ------------------------------------------------------------ */

static int copy_file(const char *from, const char *to, vg_error *err)
{
    size_t len;
    char *text = read_all(from, &len);
    if (!text) return vg_fail(err, VG_EUSAGE, "cannot read '%s': %s", from, strerror(errno));
    int rc = vg_write_file_atomic(to, text, len, err);
    vg_free(text);
    return rc;
}

/* Splits the plan text into run ids (pointers into text, which is
 * modified).  Returns the count, or -1 when it is not a plan. */
static int parse_plan(char *text, const char ***ids, int *test_columns)
{
    if (sscanf(text, "vgrad-plan 1\ntest_columns %d\n", test_columns) != 1) return -1;
    char *p = strchr(text, '\n');
    p = p ? strchr(p + 1, '\n') : NULL;
    if (!p) return -1;
    p++;
    int n = 0, cap = 0;
    *ids = NULL;
    while (*p) {
        char *nl = strchr(p, '\n');
        if (!nl || nl - p != 16) {
            vg_free(*ids);
            return -1;
        }
        *nl = '\0';
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            const char **grown = vg_realloc(*ids, (size_t)cap * sizeof *grown);
            if (!grown) {
                vg_free(*ids);
                return -1;
            }
            *ids = grown;
        }
        (*ids)[n++] = p;
        p = nl + 1;
    }
    return n;
}

int sweep_merge(const char *out, char **dirs, int n_dirs, vg_error *err)
{
    char path[SWEEP_PATH], to[SWEEP_PATH];
    size_t len0 = 0, len;
    char *plan0 = NULL;
    int shard_n = 0, rc = VG_OK;
    char **owner = NULL;   /* owner[k-1]: directory holding shard k */
    for (int d = -1; d < n_dirs; d++)
        if (strlen(d < 0 ? out : dirs[d]) >= VG_PATH_MAX)
            return vg_fail(err, VG_EUSAGE, "directory name '%s' is too long", d < 0 ? out : dirs[d]);
    for (int d = 0; d < n_dirs && rc == VG_OK; d++) {
        snprintf(path, sizeof path, "%s/.runs/plan", dirs[d]);
        char *plan = read_all(path, &len);
        int k, n;
        if (!plan || !read_shard(dirs[d], &k, &n)) {
            vg_free(plan);
            rc = vg_fail(err, VG_EUSAGE, "'%s' is not a sweep directory (no .runs/plan or "
                         ".runs/shard)", dirs[d]);
            break;
        }
        if (d == 0) {
            plan0 = plan;
            len0 = len;
            shard_n = n;
            owner = vg_calloc((size_t)n, sizeof *owner);
            if (!owner) rc = vg_fail(err, VG_EFAIL, "out of memory");
        } else {
            int same = len == len0 && memcmp(plan, plan0, len) == 0;
            vg_free(plan);
            if (!same) {
                rc = vg_fail(err, VG_EUSAGE, "'%s' and '%s' are shards of different experiments",
                             dirs[0], dirs[d]);
                break;
            }
            if (n != shard_n) {
                rc = vg_fail(err, VG_EUSAGE, "'%s' is a shard of %d parts, '%s' of %d", dirs[d],
                             n, dirs[0], shard_n);
                break;
            }
        }
        if (rc == VG_OK && owner[k - 1]) {
            rc = vg_fail(err, VG_EUSAGE, "overlapping shards: '%s' and '%s' are both shard %d/%d",
                         owner[k - 1], dirs[d], k, n);
            break;
        }
        if (rc == VG_OK) owner[k - 1] = dirs[d];
    }
    for (int k = 0; rc == VG_OK && k < shard_n; k++)
        if (!owner[k]) rc = vg_fail(err, VG_EUSAGE, "missing shard %d/%d: merge needs all %d "
                                    "shard directories", k + 1, shard_n, shard_n);
    const char **ids = NULL;
    int test_columns = 0, n_ids = 0;
    char *plan_copy = NULL;
    if (rc == VG_OK) {
        plan_copy = vg_malloc(len0 + 1);
        if (plan_copy) {
            memcpy(plan_copy, plan0, len0 + 1);
            n_ids = parse_plan(plan_copy, &ids, &test_columns);
        }
        if (!plan_copy || n_ids < 0)
            rc = vg_fail(err, VG_EUSAGE, "'%s/.runs/plan' is not a vgrad plan", dirs[0]);
    }
    /* Every run of every shard must have finished. */
    for (int i = 0; rc == VG_OK && i < n_ids; i++) {
        snprintf(path, sizeof path, "%s/.runs/%s", owner[i % shard_n], ids[i]);
        if (!is_dir(path))
            rc = vg_fail(err, VG_EUSAGE, "'%s' is incomplete (run %s has not finished); finish "
                         "it with --resume first", owner[i % shard_n], ids[i]);
    }
    if (rc == VG_OK) {
        snprintf(path, sizeof path, "%s/.runs/plan", out);
        if (access(path, F_OK) == 0 || (is_dir(out) && access(out, F_OK) == 0 &&
                                         (snprintf(to, sizeof to, "%s/runs.csv", out),
                                          access(to, F_OK) == 0)))
            rc = vg_fail(err, VG_EUSAGE, "'%s' holds results already; merge into a new "
                         "directory", out);
    }
    int lock_fd = -1;
    if (rc == VG_OK) {
        snprintf(path, sizeof path, "%s/.runs", out);
        rc = vg_make_dir(path, err);
    }
    /* Locked as a sweep's directory is, and so with the same .runs/.lock. */
    if (rc == VG_OK) rc = lock_runs(out, &lock_fd, err);
    for (int i = 0; rc == VG_OK && i < n_ids; i++) {
        snprintf(to, sizeof to, "%s/.runs/%s", out, ids[i]);
        rc = vg_make_dir(to, err);
        for (int f = 0; f < F_COUNT && rc == VG_OK; f++) {
            snprintf(path, sizeof path, "%s/.runs/%s/%s", owner[i % shard_n], ids[i],
                     result_files[f]);
            snprintf(to, sizeof to, "%s/.runs/%s/%s", out, ids[i], result_files[f]);
            rc = copy_file(path, to, err);
        }
    }
    if (rc == VG_OK) {
        snprintf(path, sizeof path, "%s/experiment.ini", dirs[0]);
        snprintf(to, sizeof to, "%s/experiment.ini", out);
        rc = copy_file(path, to, err);
    }
    if (rc == VG_OK) {
        snprintf(to, sizeof to, "%s/.runs/shard", out);
        rc = vg_write_file_atomic(to, "1/1\n", 4, err);
    }
    if (rc == VG_OK) rc = assemble(out, ids, n_ids, 1, 1, test_columns, err);
    if (rc == VG_OK) {
        /* The experiment's name and the merge's command line. */
        char name[256] = "", command[4096] = "vgrad merge";
        snprintf(path, sizeof path, "%s/manifest", dirs[0]);
        char *manifest = read_all(path, &len);
        const char *line = manifest ? strstr(manifest, "\nexperiment: ") : NULL;
        if (line) sscanf(line + 13, "%255[^\n]", name);
        vg_free(manifest);
        size_t used = strlen(command);
        used += (size_t)snprintf(command + used, sizeof command - used, " %s", out);
        for (int d = 0; d < n_dirs && used < sizeof command; d++)
            used += (size_t)snprintf(command + used, sizeof command - used, " %s", dirs[d]);
        rc = write_manifest(out, name, command, n_ids, 1, 1, err);
    }
    if (rc == VG_OK) {
        snprintf(to, sizeof to, "%s/.runs/plan", out);
        rc = vg_write_file_atomic(to, plan0, len0, err);
    }
    if (lock_fd >= 0) close(lock_fd);
    vg_free(ids);
    vg_free(plan_copy);
    vg_free(plan0);
    vg_free(owner);
    return rc;
}
