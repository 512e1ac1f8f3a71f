/* test_config.c: the key table: defaults, parsing, errors, round trips and
 * the run_id. */
#include <stdlib.h>

#include "act.h"
#include "config.h"
#include "data.h"
#include "test.h"

static vg_config cfg, other;

static int set(vg_config *c, const char *arg, vg_error *err) { return config_set_arg(c, arg, err); }

static void test_defaults_parse(void)
{
    /* config_defaults aborts on a default that does not parse; reaching
     * here with the documented values proves every one does. */
    config_defaults(&cfg);
    CHECK(cfg.depth == 10);
    CHECK(cfg.width == 32);
    CHECK_STR(act_table[cfg.activation].name, "sigmoid");
    CHECK(cfg.steps == 200);
    CHECK_NEAR(cfg.lr, 0.1, 0);
    for (int k = 0; k < VG_KEY_COUNT; k++) {
        CHECK(config_key_find(key_table[k].name) == k);
        CHECK(key_table[k].help && key_table[k].help[0]);
        for (int j = 0; j < k; j++) CHECK(strcmp(key_table[k].name, key_table[j].name) != 0);
    }
}

/* Every value formats to text that parses back to the same text. */
static void test_round_trip(void)
{
    vg_error err;
    config_defaults(&cfg);
    const char *args[] = {"activation=leaky_relu:0.2", "widths=30,20,10", "lr=0.001",
                          "clip_norm=1e-300", "dataset=csv:/tmp/x.csv", "standardize=1",
                          "seed=9007199254740991", "bias_init=normal:0.5", "hist_range=-1:2.5",
                          "hist_quantities=delta,act"};
    for (size_t i = 0; i < sizeof args / sizeof args[0]; i++) CHECK(set(&cfg, args[i], &err) == 0);
    CHECK(config_resolve(&cfg, &err) == 0);
    CHECK(cfg.depth == 3);
    CHECK(cfg.width == 0);
    for (int k = 0; k < VG_KEY_COUNT; k++) {
        char text[VG_PATH_MAX + 64], again[VG_PATH_MAX + 64];
        /* width of unequal widths resolves to 0, which is not an input. */
        if (k == KEY_width) continue;
        config_format(&cfg, k, text, sizeof text);
        config_defaults(&other);
        if (text[0] || key_table[k].type == KT_STR) {
            int rc = config_set(&other, key_table[k].name, text, &err);
            if (rc) fprintf(stderr, "  %s=%s: %s\n", key_table[k].name, text, err.msg);
            CHECK(rc == 0);
        }
        config_format(&other, k, again, sizeof again);
        CHECK_STR(again, text);
    }
    char buf[64];
    config_format(&cfg, KEY_activation, buf, sizeof buf);
    CHECK_STR(buf, "leaky_relu:0.2");
    config_format(&cfg, KEY_widths, buf, sizeof buf);
    CHECK_STR(buf, "30,20,10");
    config_format(&cfg, KEY_lr, buf, sizeof buf);
    CHECK_STR(buf, "0.001");
    config_format(&cfg, KEY_bias_init, buf, sizeof buf);
    CHECK_STR(buf, "normal:0.5");
    config_format(&cfg, KEY_hist_quantities, buf, sizeof buf);
    CHECK_STR(buf, "act,delta");
}

static void expect_error(const char *arg, const char *needle)
{
    vg_error err = {0, ""};
    config_defaults(&cfg);
    int rc = set(&cfg, arg, &err);
    if (rc == 0) rc = config_resolve(&cfg, &err);
    CHECK(rc == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, needle);
    CHECK(strchr(err.msg, '\n') == NULL);
}

static void test_errors(void)
{
    expect_error("widht=3", "unknown key 'widht' (did you mean 'width'?)");
    expect_error("activaton=relu", "did you mean 'activation'?");
    expect_error("zzzzzzzzzz=1", "unknown key 'zzzzzzzzzz'; 'vgrad help run'");
    expect_error("depth=0", "key 'depth': '0' is out of range; allowed: an integer from 1 to 4096");
    expect_error("depth=-3", "out of range");
    expect_error("width=abc", "key 'width': 'abc' is not an integer");
    expect_error("width=3.5", "is not an integer");
    expect_error("lr=nan", "key 'lr': 'nan' is not a finite number");
    expect_error("lr=1e400", "is not a finite number");
    expect_error("activation=relu6", "key 'activation': 'relu6' is not an activation; allowed: "
                                     "one of linear, step, sigmoid");
    expect_error("activation=relu:2", "activation 'relu' takes no parameter");
    expect_error("activation=smelu:0", "smelu beta = 0 is out of range; allowed: above 0");
    expect_error("activation=leaky_relu:x", "'x' is not a number");
    expect_error("loss=hinge", "allowed: one of softmax_ce, sigmoid_bce, mse");
    expect_error("init=kaiming", "allowed: one of normal, uniform, glorot_standard");
    expect_error("optimizer=rmsprop", "allowed: one of sgd, momentum, adam");
    expect_error("dataset=moons", "allowed: one of xor, spiral, blobs, circles, teacher, gauss, "
                                  "fashion_mnist, fashion_mnist_test, mnist, adding, copy, csv:PATH, or idx:IMAGES[,LABELS]");
    expect_error("bias_init=normal:-1", "key 'bias_init': 'normal:-1' is out of range");
    expect_error("bias_init=uniform:1", "is not a number or normal:STD");
    expect_error("loss_sum_outputs=1", "applies to sigmoid_bce and mse");
    expect_error("label_cols=2", "multi-label data comes from a csv: file; dataset 'spiral'");
    expect_error("label_cols=31", "key 'label_cols': '31' is out of range; allowed: an integer from 1 to 30");
    expect_error("hist_range=1:0", "key 'hist_range': '1:0' is not a range");
    expect_error("hist_quantities=act,act", "is not a list of distinct quantities");
    expect_error("hist_quantities=weights", "allowed: a comma-separated list of act, preact");
    expect_error("dataset=csv:", "names no file");
    expect_error("widths=3,,4", "is not a list of widths");
    expect_error("widths=3,4,", "ends with a comma");
    expect_error("widths=0", "is not a list of widths");
    expect_error("standardize=yes", "is not a boolean");
    expect_error("test_frac=1", "out of range");
    expect_error("n_features=5", "dataset spiral has 2 features");
    expect_error("n_classes=1", "at least 2 classes");
    expect_error("noequals", "is not of the form key=value");

    vg_error err;
    config_defaults(&cfg);
    CHECK(set(&cfg, "widths=4,4", &err) == 0);
    CHECK(set(&cfg, "depth=3", &err) == 0);
    CHECK(config_resolve(&cfg, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "depth=3 disagrees with widths");
}

static void test_run_id(void)
{
    vg_error err;
    char a[17], b[17], c[17];
    config_defaults(&cfg);
    config_resolve(&cfg, &err);
    config_run_id(&cfg, a);
    CHECK(strlen(a) == 16);
    /* depth x width and the equivalent widths list are the same network. */
    config_defaults(&other);
    set(&other, "widths=32,32,32,32,32,32,32,32,32,32", &err);
    set(&other, "name=elsewhere", &err);
    set(&other, "out=/tmp/somewhere", &err);
    config_resolve(&other, &err);
    config_run_id(&other, b);
    CHECK_STR(b, a);
    config_defaults(&other);
    set(&other, "seed=2", &err);
    config_resolve(&other, &err);
    config_run_id(&other, c);
    CHECK(strcmp(c, a) != 0);
}

/* The lists and limits each defined once: the "did you mean" message for
 * any caller, the data-file prefixes, and bounds read from the key table. */
static void test_shared_helpers(void)
{
    vg_error err = {0, ""};
    CHECK(config_unknown_key(&err, "f.ini, line 3", "widht") == VG_EUSAGE);
    CHECK_STR(err.msg, "f.ini, line 3: unknown key 'widht' (did you mean 'width'?); "
                       "'vgrad help run' lists the keys");
    CHECK(config_unknown_key(&err, NULL, "zzzzzzzzzz") == VG_EUSAGE);
    CHECK_STR(err.msg, "unknown key 'zzzzzzzzzz'; 'vgrad help run' lists the keys");
    CHECK(data_is_file_spec("csv:a.csv") && data_is_file_spec("idx:a,b") && data_is_file_spec("idx:"));
    CHECK(!data_is_file_spec("spiral") && !data_is_file_spec("csv") && !data_is_file_spec("xcsv:a"));
    /* bias_init's bounds and the widths' maximum are those of the table. */
    char arg[64];
    config_defaults(&cfg);
    snprintf(arg, sizeof arg, "bias_init=%.17g", key_table[KEY_bias_init].hi);
    CHECK(set(&cfg, arg, &err) == VG_OK);
    snprintf(arg, sizeof arg, "bias_init=%.17g", key_table[KEY_bias_init].lo);
    CHECK(set(&cfg, arg, &err) == VG_OK);
    expect_error("bias_init=-1000001", "out of range; allowed: a number from -1000000 to 1000000");
    expect_error("bias_init=normal:-0.5", "out of range");
    snprintf(arg, sizeof arg, "widths=3,%.0f", key_table[KEY_width].hi);
    CHECK(set(&cfg, arg, &err) == VG_OK);
    snprintf(arg, sizeof arg, "widths=3,%.0f", key_table[KEY_width].hi + 1);
    expect_error(arg, "is not a list of widths from 1 to 1000000");
}

/* What identifies and records a run is never cut (issue 15, finding 3):
 * config_format returns the whole length, the longest values fit in
 * VG_VALUE_MAX, two 400-layer widths that differ in their last layer are
 * two run ids, and the ids of existing configurations stay as they were
 * (the values below are those of vgrad at fd435e1). */
static void test_long_values(void)
{
    vg_error err;
    static char text[VG_VALUE_MAX], arg[VG_VALUE_MAX + 16];
    char a[17], b[17];

    /* VG_MAX_DEPTH layers of the widest width, and the longest path. */
    config_defaults(&cfg);
    size_t used = (size_t)snprintf(arg, sizeof arg, "widths=");
    for (int l = 0; l < VG_MAX_DEPTH; l++)
        used += (size_t)snprintf(arg + used, sizeof arg - used, l ? ",%.0f" : "%.0f",
                                 key_table[KEY_width].hi);
    CHECK(set(&cfg, arg, &err) == VG_OK);
    size_t n = config_format(&cfg, KEY_widths, text, sizeof text);
    CHECK(n == strlen(arg) - strlen("widths="));
    CHECK(n < sizeof text);
    CHECK(strcmp(text, arg + strlen("widths=")) == 0);
    memset(arg, 'p', VG_PATH_MAX - 1);
    arg[VG_PATH_MAX - 1] = '\0';
    CHECK(config_set(&cfg, "load_weights", arg, &err) == VG_OK);
    CHECK(config_format(&cfg, KEY_load_weights, text, sizeof text) == VG_PATH_MAX - 1);
    /* A buffer too small: the text is cut, the length says so. */
    char small[8];
    CHECK(config_format(&cfg, KEY_widths, small, sizeof small) == n);
    CHECK_STR(small, "1000000");

    for (int last = 0; last < 2; last++) {
        config_defaults(&cfg);
        used = (size_t)snprintf(arg, sizeof arg, "widths=");
        for (int l = 0; l < 400; l++)
            used += (size_t)snprintf(arg + used, sizeof arg - used, l ? ",%d" : "%d",
                                     l < 399 ? 100 : 101 + last);
        CHECK(set(&cfg, arg, &err) == VG_OK && config_resolve(&cfg, &err) == VG_OK);
        config_run_id(&cfg, last ? b : a);
    }
    CHECK(strcmp(a, b) != 0);

    config_defaults(&cfg);
    CHECK(set(&cfg, "steps=0", &err) == VG_OK && config_resolve(&cfg, &err) == VG_OK);
    config_run_id(&cfg, a);
    CHECK_STR(a, "e6840a3999d5cfef");
    config_defaults(&cfg);
    CHECK(set(&cfg, "steps=0", &err) == VG_OK && set(&cfg, "widths=30,10,5", &err) == VG_OK &&
          set(&cfg, "activation=tanh", &err) == VG_OK && set(&cfg, "lr=0.05", &err) == VG_OK &&
          config_resolve(&cfg, &err) == VG_OK);
    config_run_id(&cfg, a);
    CHECK_STR(a, "2f31a7be0f935122");
}

int main(void)
{
    test_shared_helpers();
    test_defaults_parse();
    test_round_trip();
    test_errors();
    test_run_id();
    test_long_values();
    return test_report("test_config");
}
