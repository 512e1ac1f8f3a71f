/* config.c: parsing, checking and formatting of the key table. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "act.h"
#include "csvio.h"
#include "data.h"
#include "init.h"
#include "loss.h"
#include "norm.h"
#include "optim.h"
#include "rnn.h"

#define VG_KEY_ROW(key, type, def, lo, hi, flags, help) \
    {#key, type, offsetof(vg_config, key), sizeof(((vg_config *)0)->key), def, lo, hi, flags, help},
const key_info key_table[VG_KEY_COUNT] = {VG_KEYS(VG_KEY_ROW)};
#undef VG_KEY_ROW

/* Each key's field has the C type its key type reads and writes: a KT_INT
 * key on an int field would write 8 bytes into 4.  Checked when compiling. */
#define FIELD_OK_KT_INT(f) _Generic((f), long long: 1, default: 0)
#define FIELD_OK_KT_REAL(f) _Generic((f), double: 1, default: 0)
#define FIELD_OK_KT_BOOL(f) _Generic((f), int: 1, default: 0)
#define FIELD_OK_KT_STR(f) _Generic((f), char *: 1, default: 0)
#define FIELD_OK_KT_DATASET(f) _Generic((f), char *: 1, default: 0)
#define FIELD_OK_KT_ACT(f) _Generic((f), int: 1, default: 0)
#define FIELD_OK_KT_LOSS(f) _Generic((f), int: 1, default: 0)
#define FIELD_OK_KT_INIT(f) _Generic((f), int: 1, default: 0)
#define FIELD_OK_KT_OPTIM(f) _Generic((f), int: 1, default: 0)
#define FIELD_OK_KT_WIDTHS(f) _Generic((f), int *: 1, default: 0)
#define FIELD_OK_KT_HRANGE(f) _Generic((f), struct vg_hist_range: 1, default: 0)
#define FIELD_OK_KT_HQUANT(f) _Generic((f), int: 1, default: 0)
#define FIELD_OK_KT_BIASINIT(f) _Generic((f), struct vg_bias_init: 1, default: 0)
#define FIELD_OK_KT_NORM(f) _Generic((f), int: 1, default: 0)
#define FIELD_OK_KT_MODEL(f) _Generic((f), int: 1, default: 0)
#define FIELD_OK_KT_SEQ(f) _Generic((f), int: 1, default: 0)
#define FIELD_OK_KT_SEQOUT(f) _Generic((f), int: 1, default: 0)
#define FIELD_OK_KT_RINIT(f) _Generic((f), int: 1, default: 0)
#define VG_KEY_FIELD_CHECK(key, type, def, lo, hi, flags, help) \
    _Static_assert(FIELD_OK_##type(((vg_config *)0)->key), "vg_config field " #key " is not of " #type "'s C type");
VG_KEYS(VG_KEY_FIELD_CHECK)
#undef VG_KEY_FIELD_CHECK

const char *const hist_quantity_names[HIST_QUANTITY_COUNT] = {"act", "preact", "delta",
                                                               "grad_w"};
const char *const hist_quantity_descs[HIST_QUANTITY_COUNT] = {
    "activations of each layer, over batch x units",
    "pre-activations z of each layer, over batch x units",
    "back-propagated delta dL/dz of each layer, over batch x units",
    "the entries of each layer's weight gradient dL/dW"};

const char *config_type_name(enum key_type type)
{
    static const char *const names[] = {
        [KT_INT] = "int",          [KT_REAL] = "real",       [KT_BOOL] = "bool",
        [KT_STR] = "text",         [KT_ACT] = "activation",  [KT_LOSS] = "loss",
        [KT_INIT] = "init",        [KT_OPTIM] = "optimizer", [KT_DATASET] = "dataset",
        [KT_WIDTHS] = "widths",    [KT_HRANGE] = "hist_range", [KT_HQUANT] = "hist_quantities",
        [KT_BIASINIT] = "bias_init", [KT_NORM] = "norm", [KT_MODEL] = "model",
        [KT_SEQ] = "seq", [KT_SEQOUT] = "seq_output", [KT_RINIT] = "recurrent_init"};
    return (size_t)type < sizeof names / sizeof names[0] && names[type] ? names[type] : "?";
}

int config_key_find(const char *name)
{
    for (int k = 0; k < VG_KEY_COUNT; k++)
        if (strcmp(key_table[k].name, name) == 0) return k;
    return -1;
}

/* Levenshtein distance, capped at 64 characters a side. */
static int edit_distance(const char *s, const char *t)
{
    int n = (int)strlen(s), m = (int)strlen(t);
    if (n > 64 || m > 64) return 99;
    int row[65];
    for (int j = 0; j <= m; j++) row[j] = j;
    for (int i = 1; i <= n; i++) {
        int diag = row[0];
        row[0] = i;
        for (int j = 1; j <= m; j++) {
            int up = row[j];
            int best = diag + (s[i - 1] != t[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[m];
}

const char *config_key_suggest(const char *name)
{
    const char *best = NULL;
    int best_d = 99;
    for (int k = 0; k < VG_KEY_COUNT; k++) {
        int d = edit_distance(name, key_table[k].name);
        if (d < best_d) {
            best_d = d;
            best = key_table[k].name;
        }
    }
    /* Close enough to be a typo: a third of the name, at least 2 edits. */
    int limit = (int)strlen(name) / 3;
    if (limit < 2) limit = 2;
    return best_d <= limit ? best : NULL;
}

/* ---- names of the tables behind the choice types ----------------------- */

static const char *choice_name(enum key_type type, int i)
{
    switch (type) {
    case KT_ACT: return i < act_count ? act_table[i].name : NULL;
    case KT_LOSS: return i < loss_count ? loss_table[i].name : NULL;
    case KT_INIT: return i < init_count ? init_table[i].name : NULL;
    case KT_OPTIM: return i < optim_count ? optim_table[i].name : NULL;
    case KT_NORM: return i < norm_count ? norm_table[i].name : NULL;
    case KT_DATASET: return i < data_count ? data_table[i].name : NULL;
    case KT_MODEL: return i < MODEL_COUNT ? model_names[i] : NULL;
    case KT_SEQ: return i < SEQ_COUNT ? seq_names[i] : NULL;
    case KT_SEQOUT: return i < SEQ_OUTPUT_COUNT ? seq_output_names[i] : NULL;
    case KT_RINIT: return i < RINIT_COUNT ? recurrent_init_names[i] : NULL;
    default: return NULL;
    }
}

static void append(char *buf, size_t size, const char *s)
{
    size_t len = strlen(buf);
    if (len < size) snprintf(buf + len, size - len, "%s", s);
}

static void list_choices(enum key_type type, char *buf, size_t size)
{
    buf[0] = '\0';
    for (int i = 0; choice_name(type, i); i++) {
        if (i) append(buf, size, ", ");
        append(buf, size, choice_name(type, i));
    }
}

static void format_real(char *buf, size_t size, double v)
{
    char tmp[32];
    csv_format_double(tmp, v);
    snprintf(buf, size, "%s", tmp);
}

void config_allowed(int key, char *buf, size_t size)
{
    const key_info *k = &key_table[key];
    char lo[32], hi[32];
    switch (k->type) {
    case KT_INT:
        snprintf(buf, size, "an integer from %.0f to %.0f", k->lo, k->hi);
        break;
    case KT_REAL:
        format_real(lo, sizeof lo, k->lo);
        format_real(hi, sizeof hi, k->hi);
        snprintf(buf, size, "a number from %s to %s", lo, hi);
        break;
    case KT_BOOL: snprintf(buf, size, "0 or 1"); break;
    case KT_STR: snprintf(buf, size, "text of at most %zu characters", k->size - 1); break;
    case KT_WIDTHS:
        snprintf(buf, size, "comma-separated positive integers, at most %d of them", VG_MAX_DEPTH);
        break;
    case KT_HRANGE: snprintf(buf, size, "auto, or LO:HI with LO < HI"); break;
    case KT_BIASINIT:
        format_real(lo, sizeof lo, k->lo);
        format_real(hi, sizeof hi, k->hi);
        snprintf(buf, size, "a number from %s to %s, or normal:STD with STD from 0 to %s", lo, hi,
                 hi);
        break;
    case KT_HQUANT:
        snprintf(buf, size, "a comma-separated list of ");
        for (int q = 0; q < HIST_QUANTITY_COUNT; q++) {
            if (q) append(buf, size, ", ");
            append(buf, size, hist_quantity_names[q]);
        }
        break;
    case KT_DATASET: {
        static const char *const forms[] = {
#define FILE_FORM(prefix, form, desc) form,
            DATA_FILE_FORMS(FILE_FORM)
#undef FILE_FORM
        };
        enum { N_FORMS = sizeof forms / sizeof forms[0] };
        list_choices(k->type, buf, size);
        for (int f = 0; f < N_FORMS; f++) {
            append(buf, size, f + 1 < N_FORMS ? ", " : ", or ");
            append(buf, size, forms[f]);
        }
        char names[1024];
        snprintf(names, sizeof names, "one of %s", buf);
        snprintf(buf, size, "%s", names);
        break;
    }
    case KT_ACT: {
        char names[1024];
        list_choices(k->type, names, sizeof names);
        snprintf(buf, size, "one of %s (NAME:PARAM sets the parameter)", names);
        break;
    }
    default: {
        char names[512];
        list_choices(k->type, names, sizeof names);
        snprintf(buf, size, "one of %s", names);
        break;
    }
    }
}

/* ---- parsing ------------------------------------------------------------ */

static int parse_int(const char *s, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE) {
        /* Accept integral numbers written as reals, e.g. 1e3. */
        double d;
        errno = 0;
        d = strtod(s, &end);
        if (end == s || *end != '\0' || errno == ERANGE || !isfinite(d) || d != floor(d) ||
            fabs(d) > 9007199254740992.0)
            return 0;
        v = (long long)d;
    }
    *out = v;
    return 1;
}

static int parse_real(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || !isfinite(v)) return 0;
    *out = v;
    return 1;
}

static int find_choice(enum key_type type, const char *name)
{
    for (int i = 0; choice_name(type, i); i++)
        if (strcmp(choice_name(type, i), name) == 0) return i;
    return -1;
}

static int bad_value(const char *key, const char *value, const char *what, vg_error *err)
{
    char allowed[1200];
    config_allowed(config_key_find(key), allowed, sizeof allowed);
    return vg_fail(err, VG_EUSAGE, "key '%s': '%s' %s; allowed: %s", key, value, what, allowed);
}

static int set_act(vg_config *c, const char *key, const char *value, vg_error *err)
{
    char name[64];
    const char *colon = strchr(value, ':');
    size_t len = colon ? (size_t)(colon - value) : strlen(value);
    if (len >= sizeof name) return bad_value(key, value, "is not an activation", err);
    memcpy(name, value, len);
    name[len] = '\0';
    int i = act_find(name);
    if (i < 0) return bad_value(key, value, "is not an activation", err);
    const act_info *a = &act_table[i];
    double param = a->param_default;
    if (colon) {
        if (!a->param_name)
            return vg_fail(err, VG_EUSAGE, "key '%s': activation '%s' takes no parameter",
                           key, a->name);
        if (!parse_real(colon + 1, &param))
            return vg_fail(err, VG_EUSAGE, "key '%s': '%s' is not a number; allowed: %s:%s with "
                           "%s a number", key, colon + 1, a->name, a->param_name, a->param_name);
        int low = a->param_lo_open ? param <= a->param_lo : param < a->param_lo;
        if (low || param > a->param_hi) {
            char lo[32], hi[32];
            csv_format_double(lo, a->param_lo);
            csv_format_double(hi, a->param_hi);
            return vg_fail(err, VG_EUSAGE, "key '%s': %s %s = %s is out of range; allowed: %s %s "
                           "to %s", key, a->name, a->param_name, colon + 1, a->param_lo_open ?
                           "above" : "from", lo, hi);
        }
    }
    c->activation = i;
    c->act_param = param;
    return VG_OK;
}

static int set_widths(vg_config *c, const char *key, const char *value, vg_error *err)
{
    int n = 0;
    const char *p = value;
    while (*p) {
        char *end;
        errno = 0;
        long v = strtol(p, &end, 10);
        double max = key_table[KEY_width].hi;   /* each is a width */
        if (end == p || (*end != ',' && *end != '\0') || errno == ERANGE || v < 1 || v > max) {
            char what[64];
            snprintf(what, sizeof what, "is not a list of widths from 1 to %.0f", max);
            return bad_value(key, value, what, err);
        }
        if (n == VG_MAX_DEPTH) return bad_value(key, value, "has too many layers", err);
        c->widths[n++] = (int)v;
        p = *end == ',' ? end + 1 : end;
        if (*end == ',' && *p == '\0') return bad_value(key, value, "ends with a comma", err);
    }
    c->n_widths = n;
    return VG_OK;
}

static int set_hist_range(vg_config *c, const char *key, const char *value, vg_error *err)
{
    if (strcmp(value, "auto") == 0) {
        c->hist_range.automatic = 1;
        return VG_OK;
    }
    char lo_text[64];
    const char *colon = strchr(value, ':');
    double lo, hi;
    if (!colon || (size_t)(colon - value) >= sizeof lo_text)
        return bad_value(key, value, "is not a range", err);
    snprintf(lo_text, sizeof lo_text, "%.*s", (int)(colon - value), value);
    if (!parse_real(lo_text, &lo) || !parse_real(colon + 1, &hi) || !(lo < hi))
        return bad_value(key, value, "is not a range", err);
    c->hist_range.automatic = 0;
    c->hist_range.lo = lo;
    c->hist_range.hi = hi;
    return VG_OK;
}

static int set_bias_init(vg_config *c, const char *key, const char *value, vg_error *err)
{
    int normal = strncmp(value, "normal:", 7) == 0;
    double v;
    if (!parse_real(normal ? value + 7 : value, &v))
        return bad_value(key, value, "is not a number or normal:STD", err);
    const key_info *k = &key_table[KEY_bias_init];
    if (!(v >= (normal ? 0.0 : k->lo) && v <= k->hi))
        return bad_value(key, value, "is out of range", err);
    c->bias_init.normal = normal;
    c->bias_init.value = v;
    return VG_OK;
}

static int set_hist_quantities(vg_config *c, const char *key, const char *value, vg_error *err)
{
    int mask = 0;
    const char *p = value;
    for (;;) {
        size_t n = strcspn(p, ",");
        int found = -1;
        for (int q = 0; q < HIST_QUANTITY_COUNT; q++)
            if (strlen(hist_quantity_names[q]) == n && strncmp(p, hist_quantity_names[q], n) == 0)
                found = q;
        if (found < 0 || (mask & (1 << found)))
            return bad_value(key, value, "is not a list of distinct quantities", err);
        mask |= 1 << found;
        if (p[n] == '\0') break;
        p += n + 1;
    }
    c->hist_quantities = mask;
    return VG_OK;
}

static int set_value(vg_config *c, int key, const char *value, vg_error *err)
{
    const key_info *k = &key_table[key];
    char *field = (char *)c + k->offset;
    switch (k->type) {
    case KT_INT: {
        long long v;
        if (!parse_int(value, &v)) return bad_value(k->name, value, "is not an integer", err);
        if ((double)v < k->lo || (double)v > k->hi)
            return bad_value(k->name, value, "is out of range", err);
        *(long long *)field = v;
        return VG_OK;
    }
    case KT_REAL: {
        double v;
        if (!parse_real(value, &v)) return bad_value(k->name, value, "is not a finite number", err);
        if (v < k->lo || v > k->hi) return bad_value(k->name, value, "is out of range", err);
        *(double *)field = v;
        return VG_OK;
    }
    case KT_BOOL:
        if (strcmp(value, "0") != 0 && strcmp(value, "1") != 0)
            return bad_value(k->name, value, "is not a boolean", err);
        *(int *)field = value[0] == '1';
        return VG_OK;
    case KT_STR:
        if (strlen(value) >= k->size) return bad_value(k->name, value, "is too long", err);
        strcpy(field, value);
        return VG_OK;
    case KT_DATASET:
        if (strlen(value) >= k->size) return bad_value(k->name, value, "is too long", err);
        if (data_is_file_spec(value)) {
            if (!strchr(value, ':')[1]) return bad_value(k->name, value, "names no file", err);
        } else if (find_choice(KT_DATASET, value) < 0) {
            return bad_value(k->name, value, "is not a dataset", err);
        }
        strcpy(field, value);
        return VG_OK;
    case KT_ACT: return set_act(c, k->name, value, err);
    case KT_WIDTHS: return set_widths(c, k->name, value, err);
    case KT_HRANGE: return set_hist_range(c, k->name, value, err);
    case KT_HQUANT: return set_hist_quantities(c, k->name, value, err);
    case KT_BIASINIT: return set_bias_init(c, k->name, value, err);
    case KT_LOSS:
    case KT_INIT:
    case KT_OPTIM:
    case KT_NORM:
    case KT_MODEL:
    case KT_SEQ:
    case KT_SEQOUT:
    case KT_RINIT: {
        int i = find_choice(k->type, value);
        if (i < 0) return bad_value(k->name, value, "is not known", err);
        *(int *)field = i;
        return VG_OK;
    }
    }
    return vg_fail(err, VG_EFAIL, "key '%s' has no parser", k->name);
}

int config_unknown_key(vg_error *err, const char *where, const char *name)
{
    const char *near = config_key_suggest(name);
    return vg_fail(err, VG_EUSAGE, "%s%sunknown key '%s'%s%s%s; 'vgrad help run' lists the keys",
                   where ? where : "", where ? ": " : "", name, near ? " (did you mean '" : "",
                   near ? near : "", near ? "'?)" : "");
}

/* The defaults, parsed once (at the first call; the sweep's workers are
 * processes, and nothing calls this from threads) and copied from then on:
 * a ten-million-run plan starts every point from them. */
static vg_config parsed_defaults;
static int parsed_defaults_ready;

void config_defaults(vg_config *c)
{
    if (!parsed_defaults_ready) {
        memset(&parsed_defaults, 0, sizeof parsed_defaults);
        for (int k = 0; k < VG_KEY_COUNT; k++) {
            vg_error err;
            /* Defaults are table text and parse by construction; test_config
             * checks that every one does. */
            if (set_value(&parsed_defaults, k, key_table[k].def, &err) != VG_OK) abort();
        }
        parsed_defaults_ready = 1;
    }
    memcpy(c, &parsed_defaults, sizeof *c);
}

int config_set(vg_config *c, const char *key, const char *value, vg_error *err)
{
    int k = config_key_find(key);
    if (k < 0) return config_unknown_key(err, NULL, key);
    int rc = set_value(c, k, value, err);
    if (rc == VG_OK) c->given[k] = 1;
    return rc;
}

int config_set_arg(vg_config *c, const char *arg, vg_error *err)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg)
        return vg_fail(err, VG_EUSAGE, "'%s' is not of the form key=value", arg);
    char key[64];
    size_t len = (size_t)(eq - arg);
    if (len >= sizeof key) {
        return vg_fail(err, VG_EUSAGE, "unknown key '%.*s'; 'vgrad help run' lists the keys",
                       (int)len, arg);
    }
    memcpy(key, arg, len);
    key[len] = '\0';
    return config_set(c, key, eq + 1, err);
}

static int parse_flags(const config_flag *flags, int n_flags, int argc, char **argv,
                       vg_error *err)
{
    for (int i = 0; i < argc && n_flags > 0; i++) {
        if (argv[i][0] != '-') continue;
        const config_flag *f = NULL;
        for (int k = 0; k < n_flags && !f; k++)
            if (strcmp(argv[i], flags[k].name) == 0) f = &flags[k];
        if (!f) {
            char allowed[256] = "";
            for (int k = 0; k < n_flags; k++) {
                char one[64];
                snprintf(one, sizeof one, "%s%s %s", k ? ", " : "", flags[k].name,
                         flags[k].metavar);
                append(allowed, sizeof allowed, one);
            }
            return vg_fail(err, VG_EUSAGE, "unknown option '%s'; allowed: %s", argv[i], allowed);
        }
        const char *value = i + 1 < argc ? argv[++i] : NULL;
        char *end;
        double v = value ? strtod(value, &end) : 0;
        if (!value || end == value || *end || !(v >= f->lo && v <= f->hi))
            return vg_fail(err, VG_EUSAGE, "%s needs a number from %g to %g", f->name, f->lo,
                           f->hi);
        *f->dest = v;
    }
    return VG_OK;
}

int config_parse_command(vg_config *c, const config_flag *flags, int n_flags, int argc,
                         char **argv, vg_error *err)
{
    int rc = parse_flags(flags, n_flags, argc, argv, err);
    if (rc != VG_OK) return rc;
    config_defaults(c);
    for (int i = 0; i < argc && rc == VG_OK; i++) {
        if (n_flags > 0 && argv[i][0] == '-')
            i++;   /* a flag and its value, parsed above */
        else
            rc = config_set_arg(c, argv[i], err);
    }
    return rc != VG_OK ? rc : config_resolve(c, err);
}

/* n_features or n_classes (*value, 0 = not given) of a named dataset: the
 * fixed count it always has (given otherwise is an error), else as given,
 * else the default. */
static int dataset_size(const char *dataset, const char *what, int fixed, int default_count,
                        long long *value, vg_error *err)
{
    if (fixed) {
        if (*value != 0 && *value != fixed)
            return vg_fail(err, VG_EUSAGE, "dataset %s has %d %s; n_%s=%lld is not allowed",
                           dataset, fixed, what, what, *value);
        *value = fixed;
    } else if (*value == 0) {
        *value = default_count;
    }
    return VG_OK;
}

/* Whether key k of c differs from its default (as runs.csv writes it). */
static int key_differs(const vg_config *c, const vg_config *defaults, int k)
{
    char value[VG_PATH_MAX + 64], def[VG_PATH_MAX + 64];
    config_format(c, k, value, sizeof value);
    config_format(defaults, k, def, sizeof def);
    return strcmp(value, def) != 0;
}

/* An image dataset of 28 x 28 pixels, which seq= turns into a sequence. */
static int is_image_dataset(const char *ds)
{
    return strncmp(ds, "idx:", 4) == 0 || strcmp(ds, "mnist") == 0 ||
           strcmp(ds, "fashion_mnist") == 0 || strcmp(ds, "fashion_mnist_test") == 0;
}

/* The keys of the recurrent models against model= and each other: a key
 * that means something only for another model is refused when it is not
 * at its default. */
static int resolve_model(vg_config *c, vg_error *err)
{
    static const int recurrent_keys[] = {KEY_seq_len, KEY_seq, KEY_seq_output, KEY_recurrent_init,
                                         KEY_recurrent_gain, KEY_recurrent_radius};
    vg_config defaults_store, *defaults = &defaults_store;
    config_defaults(defaults);
    const char *model = model_names[c->model];
    char value[VG_PATH_MAX + 64];
    /* An MLP reads a generated sequence dataset (adding) whole: seq_len
     * still sets the sequences' length. */
    int generated_sequences =
        !data_is_file_spec(c->dataset) && data_table[data_find(c->dataset)].default_steps > 0;
    if (c->model == MODEL_MLP) {
        for (size_t i = 0; i < sizeof recurrent_keys / sizeof recurrent_keys[0]; i++)
            if (key_differs(c, defaults, recurrent_keys[i]) &&
                !(recurrent_keys[i] == KEY_seq_len && generated_sequences)) {
                config_format(c, recurrent_keys[i], value, sizeof value);
                return vg_fail(err, VG_EUSAGE, "key '%s=%s' applies to the recurrent models "
                               "only; allowed with model=rnn, lstm or gru, or remove it",
                               key_table[recurrent_keys[i]].name, value);
            }
    } else {
        if (c->norm != 0)
            return vg_fail(err, VG_EUSAGE, "norm=%s applies to model=mlp only; model=%s has no "
                           "normalisation", norm_table[c->norm].name, model);
        if (c->residual != 0)
            return vg_fail(err, VG_EUSAGE, "residual=%lld applies to model=mlp only; model=%s "
                           "has no shortcuts", c->residual, model);
    }
    if (c->model != MODEL_LSTM && key_differs(c, defaults, KEY_forget_bias)) {
        config_format(c, KEY_forget_bias, value, sizeof value);
        return vg_fail(err, VG_EUSAGE, "key 'forget_bias=%s' applies to model=lstm only; "
                       "remove it", value);
    }
    if (c->model == MODEL_LSTM && c->forget_bias != 0 && !c->bias)
        return vg_fail(err, VG_EUSAGE, "forget_bias=%g needs the biases; bias=0 removes them",
                       c->forget_bias);
    const data_info *info = data_is_file_spec(c->dataset) ? NULL
                                                          : &data_table[data_find(c->dataset)];
    if (info && info->per_step && c->model == MODEL_MLP)
        return vg_fail(err, VG_EUSAGE, "dataset %s has a target at every step; it needs a "
                       "recurrent model (model=rnn, lstm or gru) with seq_output=all", info->name);
    if (info && info->regression && strcmp(loss_table[c->loss].name, "mse") != 0)
        return vg_fail(err, VG_EUSAGE, "dataset %s is a regression (a real-valued target); it "
                       "needs loss=mse, not %s", info->name, loss_table[c->loss].name);
    if (info && info->regression && c->given[KEY_n_classes])
        return vg_fail(err, VG_EUSAGE, "dataset %s is a regression; n_classes does not apply",
                       info->name);
    if ((info && (info->regression || info->per_step)) && c->save_predictions)
        return vg_fail(err, VG_EUSAGE, "save_predictions=1 writes class outputs of one label "
                       "per example; dataset %s has %s", info->name,
                       info->regression ? "real-valued targets" : "a label at every step");
    if (c->model == MODEL_MLP) return VG_OK;
    /* The RNN's φ is the activation, tanh unless given (PyTorch's default);
     * the LSTM's and GRU's nonlinearities are fixed. */
    if (c->model == MODEL_RNN && !c->given[KEY_activation]) {
        c->activation = act_find("tanh");
        c->act_param = act_table[c->activation].param_default;
    }
    if ((c->model == MODEL_LSTM || c->model == MODEL_GRU) &&
        key_differs(c, defaults, KEY_activation)) {
        config_format(c, KEY_activation, value, sizeof value);
        return vg_fail(err, VG_EUSAGE, "key 'activation=%s' applies to model=mlp and rnn only; "
                       "model=%s's gates are fixed (sigmoid and tanh)", value, model);
    }
    int image = is_image_dataset(c->dataset);
    if (c->seq != SEQ_ROWS && !image)
        return vg_fail(err, VG_EUSAGE, "seq=%s applies to the image datasets (mnist, "
                       "fashion_mnist, fashion_mnist_test, idx:) only, not '%s'",
                       seq_names[c->seq], c->dataset);
    if (image) {
        int steps = c->seq == SEQ_ROWS ? 28 : 784;
        if (c->seq_len != 0 && c->seq_len != steps)
            return vg_fail(err, VG_EUSAGE, "seq_len=%lld disagrees with seq=%s, which makes %d "
                           "steps; give one of them", c->seq_len, seq_names[c->seq], steps);
        c->seq_len = steps;
    }
    const data_info *named = data_is_file_spec(c->dataset) ? NULL
                                                           : &data_table[data_find(c->dataset)];
    int per_step = named && named->per_step;
    if (c->seq_output == SEQ_OUTPUT_ALL && !per_step)
        return vg_fail(err, VG_EUSAGE, "seq_output=all needs a target at every step; dataset "
                       "'%s' has one per sequence (allowed: dataset=copy, or seq_output=last)",
                       c->dataset);
    if (per_step && c->seq_output != SEQ_OUTPUT_ALL)
        return vg_fail(err, VG_EUSAGE, "dataset copy has a target at every step; it needs "
                       "seq_output=all");
    if (strncmp(c->dataset, "csv:", 4) == 0 && c->seq_len == 0)
        return vg_fail(err, VG_EUSAGE, "model=%s on dataset=csv:PATH needs seq_len=T, the time "
                       "steps each row's features make", model);
    if (named && !image && !named->default_steps && c->seq_len == 0)
        return vg_fail(err, VG_EUSAGE, "model=%s on dataset '%s' needs seq_len=T, the time steps "
                       "its features make (n_features a multiple of T)", model, c->dataset);
    return VG_OK;
}

int config_seq_len(const vg_config *c)
{
    if (c->seq_len > 0) return (int)c->seq_len;
    if (c->model != MODEL_MLP && is_image_dataset(c->dataset)) return c->seq == SEQ_ROWS ? 28 : 784;
    if (!data_is_file_spec(c->dataset)) return data_table[data_find(c->dataset)].default_steps;
    return 0;
}

int config_resolve(vg_config *c, vg_error *err)
{
    int model_rc = resolve_model(c, err);
    if (model_rc != VG_OK) return model_rc;
    if (c->given[KEY_widths]) {
        if (c->n_widths == 0)
            return vg_fail(err, VG_EUSAGE, "key 'widths' is empty; allowed: comma-separated "
                           "positive integers");
        if (c->given[KEY_depth] && c->depth != c->n_widths)
            return vg_fail(err, VG_EUSAGE, "depth=%lld disagrees with widths, which lists %d "
                           "layers; give one of them", c->depth, c->n_widths);
        c->depth = c->n_widths;
        int uniform = 1;
        for (int l = 1; l < c->n_widths; l++) uniform &= c->widths[l] == c->widths[0];
        if (c->given[KEY_width] && !(uniform && c->width == c->widths[0]))
            return vg_fail(err, VG_EUSAGE, "width=%lld disagrees with widths; give one of them",
                           c->width);
        c->width = uniform ? c->widths[0] : 0;
    } else {
        c->n_widths = (int)c->depth;
        for (int l = 0; l < c->n_widths; l++) c->widths[l] = (int)c->width;
    }

    const char *ds = c->dataset;
    if (!data_is_file_spec(ds)) {
        const data_info *d = &data_table[data_find(ds)];
        /* Files are read whole unless n_samples says otherwise. */
        if (d->from_file && !c->given[KEY_n_samples]) c->n_samples = 0;
        int rc = dataset_size(d->name, "features", d->fixed_features, 2, &c->n_features, err);
        if (rc == VG_OK && !d->regression)
            rc = dataset_size(d->name, "classes", d->fixed_classes, 3, &c->n_classes, err);
        if (rc != VG_OK) return rc;
        if (c->n_samples < 1 && !d->from_file)
            return vg_fail(err, VG_EUSAGE, "dataset %s needs n_samples >= 1", d->name);
    } else {
        if (c->given[KEY_n_features])
            return vg_fail(err, VG_EUSAGE, "n_features is set by the file for dataset=%.4sPATH; "
                           "remove the key", ds);
        /* A file's rows are all used unless n_samples says otherwise. */
        if (!c->given[KEY_n_samples]) c->n_samples = 0;
    }
    if (!data_is_file_spec(ds) && !data_table[data_find(ds)].from_file && c->batch_size > 0) {
        /* The training split of a synthetic set is known now (data_split's
         * rounding); a csv file's is checked when it is read. */
        long long n_test = (long long)floor(c->test_frac * (double)c->n_samples + 0.5);
        long long n_train = c->n_samples - n_test;
        if (c->batch_size > n_train)
            return vg_fail(err, VG_EUSAGE, "batch_size=%lld is larger than the %lld training "
                           "examples; allowed: 1 to %lld, or 0 for the full batch", c->batch_size,
                           n_train, n_train);
    }
    if (c->loss_sum_outputs &&
        strcmp(loss_table[c->loss].name, "softmax_ce") == 0)
        return vg_fail(err, VG_EUSAGE, "loss_sum_outputs=1 applies to sigmoid_bce and mse; "
                       "softmax_ce is already summed over the outputs");
    if (c->n_classes == 1)
        return vg_fail(err, VG_EUSAGE, "n_classes=1: a classifier needs at least 2 classes");
    if (c->label_cols > 1) {
        if (strncmp(c->dataset, "csv:", 4) != 0)
            return vg_fail(err, VG_EUSAGE, "label_cols=%lld: multi-label data comes from a csv: "
                           "file; dataset '%s' has one label per example", c->label_cols,
                           c->dataset);
        if (strcmp(loss_table[c->loss].name, "softmax_ce") == 0)
            return vg_fail(err, VG_EUSAGE, "label_cols=%lld: multi-label targets need "
                           "loss=sigmoid_bce or mse, not softmax_ce", c->label_cols);
        if (c->n_classes != 0 && c->n_classes != c->label_cols)
            return vg_fail(err, VG_EUSAGE, "label_cols=%lld: n_classes must be 0 or %lld (one "
                           "output per label column)", c->label_cols, c->label_cols);
    }

    if (c->out[0] == '\0') {
        if ((size_t)snprintf(c->out, sizeof c->out, "results/%s", c->name) >= sizeof c->out)
            return vg_fail(err, VG_EUSAGE, "name '%s' is too long", c->name);
    }
    return VG_OK;
}

/* ---- formatting --------------------------------------------------------- */

/* A writer into buf[0..size) that counts every byte it was given, as
 * snprintf does: the text is cut to fit, the count never is, so the caller
 * sees the whole length and can refuse a cut. */
typedef struct {
    char *buf;
    size_t size, len;
} text_out;

static void put(text_out *t, const char *s)
{
    size_t n = strlen(s);
    if (t->len < t->size) {
        size_t room = t->size - t->len - 1;
        size_t k = n < room ? n : room;
        memcpy(t->buf + t->len, s, k);
        t->buf[t->len + k] = '\0';
    }
    t->len += n;
}

/* An integer in decimal, as "%lld" writes it, without snprintf (every run
 * of a ten-million-run plan formats its integers for its run_id). */
static void put_int(text_out *t, long long v)
{
    char digits[24];
    int i = (int)sizeof digits - 1;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    digits[i] = '\0';
    do {
        digits[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) digits[--i] = '-';
    put(t, digits + i);
}

static void put_real(text_out *t, double v)
{
    char text[32];
    csv_format_double(text, v);
    put(t, text);
}

size_t config_format(const vg_config *c, int key, char *buf, size_t size)
{
    const key_info *k = &key_table[key];
    const char *field = (const char *)c + k->offset;
    text_out t = {buf, size, 0};
    if (size > 0) buf[0] = '\0';
    switch (k->type) {
    case KT_INT: put_int(&t, *(const long long *)field); break;
    case KT_BOOL: put_int(&t, *(const int *)field); break;
    case KT_REAL: put_real(&t, *(const double *)field); break;
    case KT_STR:
    case KT_DATASET: put(&t, field); break;
    case KT_ACT: {
        const act_info *a = &act_table[c->activation];
        put(&t, a->name);
        if (a->param_name) {
            put(&t, ":");
            put_real(&t, c->act_param);
        }
        break;
    }
    case KT_LOSS:
    case KT_INIT:
    case KT_OPTIM:
    case KT_NORM:
    case KT_MODEL:
    case KT_SEQ:
    case KT_SEQOUT:
    case KT_RINIT: put(&t, choice_name(k->type, *(const int *)field)); break;
    case KT_HRANGE:
        if (c->hist_range.automatic) {
            put(&t, "auto");
        } else {
            put_real(&t, c->hist_range.lo);
            put(&t, ":");
            put_real(&t, c->hist_range.hi);
        }
        break;
    case KT_BIASINIT:
        if (c->bias_init.normal) put(&t, "normal:");
        put_real(&t, c->bias_init.value);
        break;
    case KT_HQUANT: {
        int first = 1;
        for (int q = 0; q < HIST_QUANTITY_COUNT; q++)
            if (c->hist_quantities & (1 << q)) {
                if (!first) put(&t, ",");
                put(&t, hist_quantity_names[q]);
                first = 0;
            }
        break;
    }
    case KT_WIDTHS:
        for (int l = 0; l < c->n_widths; l++) {
            if (l) put(&t, ",");
            put_int(&t, c->widths[l]);
        }
        break;
    }
    return t.len;
}

/* Whether key k has the same inputs to config_format in a and b, so that
 * its text is the same without formatting it (a quick test: values that
 * differ here may still format alike, and are then compared as text). */
static int same_inputs(const vg_config *a, const vg_config *b, int k)
{
    const key_info *info = &key_table[k];
    const char *fa = (const char *)a + info->offset, *fb = (const char *)b + info->offset;
    switch (info->type) {
    case KT_INT: return *(const long long *)fa == *(const long long *)fb;
    case KT_REAL: return memcmp(fa, fb, sizeof(double)) == 0;
    case KT_STR:
    case KT_DATASET: return strcmp(fa, fb) == 0;
    case KT_ACT:
        return a->activation == b->activation &&
               memcmp(&a->act_param, &b->act_param, sizeof a->act_param) == 0;
    case KT_WIDTHS:
        return a->n_widths == b->n_widths &&
               memcmp(a->widths, b->widths, (size_t)a->n_widths * sizeof a->widths[0]) == 0;
    case KT_HRANGE:
        return a->hist_range.automatic == b->hist_range.automatic &&
               (a->hist_range.automatic ||
                (memcmp(&a->hist_range.lo, &b->hist_range.lo, sizeof(double)) == 0 &&
                 memcmp(&a->hist_range.hi, &b->hist_range.hi, sizeof(double)) == 0));
    case KT_BIASINIT:
        return a->bias_init.normal == b->bias_init.normal &&
               memcmp(&a->bias_init.value, &b->bias_init.value, sizeof(double)) == 0;
    case KT_BOOL:
    case KT_LOSS:
    case KT_INIT:
    case KT_OPTIM:
    case KT_NORM:
    case KT_MODEL:
    case KT_SEQ:
    case KT_SEQOUT:
    case KT_RINIT:
    case KT_HQUANT: return *(const int *)fa == *(const int *)fb;
    }
    return 0;
}

/* The defaults' texts, made at the first call (as parsed_defaults). */
enum { DEFAULT_TEXT_MAX = 256 };
static vg_config run_id_defaults;
static char run_id_default_text[VG_KEY_COUNT][DEFAULT_TEXT_MAX];
static int run_id_ready;

void config_run_id(const vg_config *c, char out[17])
{
    if (!run_id_ready) {
        config_defaults(&run_id_defaults);
        for (int k = 0; k < VG_KEY_COUNT; k++)
            /* Defaults are short table text: a longer one is a table error. */
            if (config_format(&run_id_defaults, k, run_id_default_text[k], DEFAULT_TEXT_MAX) >=
                DEFAULT_TEXT_MAX)
                abort();
        run_id_ready = 1;
    }
    uint64_t h = 0xcbf29ce484222325ULL;
    char value[VG_VALUE_MAX];
    for (int k = 0; k < VG_KEY_COUNT; k++) {
        if (key_table[k].flags & KEY_OUTPUT) continue;
        if (same_inputs(c, &run_id_defaults, k)) continue;
        /* VG_VALUE_MAX holds any value; a cut one would merge distinct runs. */
        if (config_format(c, k, value, sizeof value) >= sizeof value) abort();
        if (strcmp(value, run_id_default_text[k]) == 0) continue;
        const char *parts[4] = {key_table[k].name, "=", value, "\n"};
        for (int p = 0; p < 4; p++)
            for (const unsigned char *s = (const unsigned char *)parts[p]; *s; s++) {
                h ^= *s;
                h *= 0x100000001b3ULL;
            }
    }
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}
