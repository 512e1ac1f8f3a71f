/* test_experiment.c: experiment files: every allocation of loading and
 * expanding one made to fail in turn, the plan it expands to, and the
 * lists and ranges that once overflowed or grew without bound (issue 15). */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "experiment.h"
#include "test.h"

static char dir[] = "/tmp/vgrad_experiment_XXXXXX";
static char ini[300];

/* [sweep] lists shared by two named grids, a range, a csv data file and
 * [quick] with a command-line override on top: every path of the loader. */
static void write_experiment(void)
{
    char data[300], text[2048];
    snprintf(data, sizeof data, "%s/data.csv", dir);
    test_write_file(data, "x1,x2,label\n0.1,0.2,0\n0.3,-0.1,1\n-0.5,0.4,0\n0.9,0.9,1\n");
    snprintf(ini, sizeof ini, "%s/grid.ini", dir);
    snprintf(text, sizeof text,
             "[experiment]\nname = grid\ndescription = two grids\n  over a shared list\n"
             "[run]\nsteps = 3\n"
             "[sweep]\nseed = 1..2\nactivation = tanh, relu\n"
             "[sweep.small]\nwidths = 3,3 | 4,2\n"
             "[sweep.data]\ndataset = spiral, csv:%s\n"
             "[quick]\nsteps = 2\n", data);
    test_write_file(ini, text);
}

static int load_and_expand(void *ctx, vg_error *err)
{
    experiment e;
    char *overrides[] = {"lr=0.1,0.2"};
    int rc = experiment_load(&e, ini, overrides, 1, 1, err);
    if (rc != VG_OK) return rc;
    rc = experiment_expand(&e, err);
    if (rc == VG_OK && ctx) *(int *)ctx = e.n_points;
    experiment_free(&e);
    return rc;
}

/* A case that loops without end (as the overflowing ranges of issue 15
 * did) fails at its alarm, naming itself, not at ctest's time limit. */
static const char *running = "";

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "test_experiment: timed out in: ";
    if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0 ||
        write(STDERR_FILENO, running, strlen(running)) < 0 || write(STDERR_FILENO, "\n", 1) < 0)
        _exit(1);
    _exit(1);
}

/* Writes text as DIR/name and loads it with the overrides given. */
static int load_text(experiment *e, const char *name, const char *text, char **overrides,
                     int n_overrides, int quick, vg_error *err)
{
    char path[300];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    test_write_file(path, text);
    running = name;
    alarm(60);
    int rc = experiment_load(e, path, overrides, n_overrides, quick, err);
    alarm(0);
    return rc;
}

/* The values of key's axis in the one grid, or NULL. */
static const sweep_axis *axis_of(const experiment *e, const char *key)
{
    for (int g = 0; g < e->n_grids; g++)
        for (int i = 0; i < e->grids[g].n_axes; i++)
            if (strcmp(key_table[e->grids[g].axes[i].key].name, key) == 0)
                return &e->grids[g].axes[i];
    return NULL;
}

/* Ranges at the ends of 64 bits: counted without overflow, expanded
 * without stepping past hi, refused from their size when too long. */
static void test_ranges(void)
{
    experiment e;
    vg_error err = {0, ""};
    CHECK(load_text(&e, "max.ini", "[sweep]\nseed = 9223372036854775807..9223372036854775807\n",
                    NULL, 0, 0, &err) == VG_OK);
    const sweep_axis *a = axis_of(&e, "seed");
    CHECK(a && a->n_values == 1);
    if (a && a->n_values == 1) CHECK_STR(a->values[0], "9223372036854775807");
    experiment_free(&e);

    CHECK(load_text(&e, "top.ini", "[sweep]\nseed = 9223372036854775803..9223372036854775807..2\n",
                    NULL, 0, 0, &err) == VG_OK);
    a = axis_of(&e, "seed");
    CHECK(a && a->n_values == 3);
    if (a && a->n_values == 3) {
        CHECK_STR(a->values[0], "9223372036854775803");
        CHECK_STR(a->values[2], "9223372036854775807");
    }
    experiment_free(&e);

    CHECK(load_text(&e, "min.ini", "[sweep]\nseed = -9223372036854775808..-9223372036854775807\n",
                    NULL, 0, 0, &err) == VG_OK);
    a = axis_of(&e, "seed");
    CHECK(a && a->n_values == 2);
    if (a && a->n_values == 2) CHECK_STR(a->values[0], "-9223372036854775808");
    experiment_free(&e);

    /* All of 64 bits: 2^64 values, whose count hi - lo overflowed. */
    CHECK(load_text(&e, "all.ini",
                    "[run]\nsteps = 1\n[sweep]\nseed = -9223372036854775808..9223372036854775807\n",
                    NULL, 0, 0, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "all.ini:4: key 'seed': range '-9223372036854775808..9223372036854775807' "
                            "has more than 1000000 values; allowed: at most 1000000 values per key");
    CHECK(load_text(&e, "big.ini", "[sweep]\nseed = 1..9223372036854775808\n", NULL, 0, 0,
                    &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "big.ini:2: key 'seed': range '1..9223372036854775808' goes beyond "
                            "64-bit integers");
    CHECK(load_text(&e, "down.ini", "[sweep]\nseed = 5..1\n", NULL, 0, 0, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "down.ini:2: key 'seed': range needs lo <= hi and step >= 1 "
                            "(a..b or a..b..step), not '5..1'");
    CHECK(load_text(&e, "step.ini", "[sweep]\nseed = 1..5..0\n", NULL, 0, 0, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "step.ini:2: key 'seed': range needs lo <= hi and step >= 1 "
                            "(a..b or a..b..step), not '1..5..0'");

    /* The same as command-line overrides. */
    char *wide[] = {"seed=-9223372036854775808..9223372036854775807"};
    CHECK(load_text(&e, "cli.ini", "[sweep]\nseed = 1, 2\n", wide, 1, 0, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "command line: key 'seed': range '-9223372036854775808..9223372036854775807' "
                            "has more than 1000000 values");
    char *top[] = {"seed=9223372036854775806..9223372036854775807"};
    CHECK(load_text(&e, "cli.ini", "[sweep]\nseed = 1, 2\n", top, 1, 0, &err) == VG_OK);
    a = axis_of(&e, "seed");
    CHECK(a && a->n_values == 2);
    if (a && a->n_values == 2) CHECK_STR(a->values[1], "9223372036854775807");
    experiment_free(&e);
    /* A range of one value is that value, as in a file. */
    char *one[] = {"seed=7..7"};
    CHECK(load_text(&e, "cli.ini", "[run]\nsteps = 1\n[sweep]\nseed = 1, 2\n", one, 1, 0, &err) ==
          VG_OK);
    CHECK(experiment_expand(&e, &err) == VG_OK);
    vg_config cfg;
    CHECK(e.n_points == 1 && experiment_config(&e, 0, &cfg, &err) == VG_OK && cfg.seed == 7);
    experiment_free(&e);
}

/* A key's list is capped at 1000000 values, lines of ranges included, and
 * refused from a range's size before it is expanded (120 lines of
 * seed=1..1000000 once reached 4.6 GB before the grid's cap refused them). */
static void test_list_cap(void)
{
    experiment e;
    vg_error err = {0, ""};
    CHECK(load_text(&e, "lines.ini", "[sweep]\nseed = 1..1000000\nseed = 1..2\n", NULL, 0, 0,
                    &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "lines.ini:3: key 'seed': range '1..2' makes the list 1000002 values "
                            "long; allowed: at most 1000000 values per key");
    CHECK(load_text(&e, "item.ini", "[sweep]\nseed = 1..1000000\nseed = 0\n", NULL, 0, 0,
                    &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "item.ini:3: key 'seed': the list has more than 1000000 values");
    CHECK(load_text(&e, "full.ini", "[sweep]\nseed = 1..999999\nseed = 0\n", NULL, 0, 0,
                    &err) == VG_OK);
    const sweep_axis *a = axis_of(&e, "seed");
    CHECK(a && a->n_values == 1000000);
    experiment_free(&e);
}

/* A list grows geometrically: 100000 values take about one allocation
 * each (their strings), not two (each value once regrew the array, and the
 * copying made long lists quadratic). */
static void test_list_growth(void)
{
    experiment e;
    vg_error err = {0, ""};
    char path[300];
    snprintf(path, sizeof path, "%s/long.ini", dir);
    test_write_file(path, "[sweep]\nseed = 1..100000\n");
    vg_alloc_fail_at(0);
    CHECK(experiment_load(&e, path, NULL, 0, 0, &err) == VG_OK);
    long made = vg_alloc_count();
    const sweep_axis *a = axis_of(&e, "seed");
    CHECK(a && a->n_values == 100000);
    if (made > 100100) fprintf(stderr, "long.ini: %ld allocations for 100000 values\n", made);
    CHECK(made > 100000 && made <= 100100);
    experiment_free(&e);
}

/* --quick on a file without [quick] is refused before the file's lists
 * are expanded: its million-value ranges are never allocated. */
static void test_quick_first(void)
{
    experiment e;
    vg_error err = {0, ""};
    char path[300];
    snprintf(path, sizeof path, "%s/noquick.ini", dir);
    test_write_file(path, "[sweep]\nseed = 1..1000000\nlr = 0.1, 0.2\n");
    vg_alloc_fail_at(0);
    CHECK(experiment_load(&e, path, NULL, 0, 1, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "noquick.ini has no [quick] section for --quick");
    long made = vg_alloc_count();
    if (made >= 1000) fprintf(stderr, "noquick.ini: %ld allocations before the refusal\n", made);
    CHECK(made < 1000);
}

/* A dataset list is split at '|' when one of its items is an idx: file
 * (its IMAGES,LABELS hold a comma), and at ',' otherwise, even when a csv:
 * path holds "idx:" inside it. */
static void test_dataset_lists(void)
{
    experiment e;
    vg_error err = {0, ""};
    const char *cases[][2] = {
        {"[sweep]\ndataset = spiral, csv:d/idx:x/a.csv\n", "2 spiral csv:d/idx:x/a.csv"},
        {"[sweep]\ndataset = idx:A,B | spiral\n", "2 idx:A,B spiral"},
        {"[sweep]\ndataset = spiral, idx:A,B\n", "1 spiral, idx:A,B"},
    };
    for (int c = 0; c < 3; c++) {
        char name[32], got[256] = "";
        snprintf(name, sizeof name, "datasets%d.ini", c);
        CHECK(load_text(&e, name, cases[c][0], NULL, 0, 0, &err) == VG_OK);
        const sweep_axis *a = axis_of(&e, "dataset");
        CHECK(a != NULL);
        if (a) {
            int len = snprintf(got, sizeof got, "%d", a->n_values);
            for (int v = 0; v < a->n_values; v++)
                len += snprintf(got + len, sizeof got - (size_t)len, " %s", a->values[v]);
        }
        CHECK_STR(got, cases[c][1]);
        experiment_free(&e);
    }
}

/* A plan of [sweep.NAME] grids, each taking [sweep]'s lists, is refused
 * from its size before the lists are copied into each grid (11 grids of a
 * million-value [sweep] list once made 11 million copies, and 40 took 44 s
 * and 1.6 GB, before the count refused them). */
static void test_named_grids_cap(void)
{
    experiment e;
    vg_error err = {0, ""};
    char text[2048] = "[experiment]\nname = big\n[sweep]\nseed = 1..1000000\n";
    for (int g = 1; g <= 11; g++) {
        size_t len = strlen(text);
        snprintf(text + len, sizeof text - len, "[sweep.g%d]\nlr = 0.%d\n", g, g);
    }
    CHECK(load_text(&e, "named.ini", text, NULL, 0, 0, &err) == VG_OK);
    vg_alloc_fail_at(0);
    alarm(60);
    CHECK(experiment_expand(&e, &err) == VG_EUSAGE);
    alarm(0);
    long made = vg_alloc_count();
    CHECK_CONTAINS(err.msg, "named.ini: the grids have more than 10000000 runs");
    if (made > 1000) fprintf(stderr, "named.ini: %ld allocations before the refusal\n", made);
    CHECK(made <= 1000);
    experiment_free(&e);
}

int main(void)
{
    if (!mkdtemp(dir)) return 1;
    signal(SIGALRM, on_alarm);
    test_ranges();
    test_list_cap();
    test_list_growth();
    test_quick_first();
    test_dataset_lists();
    test_named_grids_cap();
    write_experiment();
    int points = 0;
    vg_error err = {0, ""};
    CHECK(load_and_expand(&points, &err) == VG_OK);
    if (err.msg[0]) fprintf(stderr, "%s\n", err.msg);
    /* seed x activation x lr (2 x 2 x 2) times widths (2) or datasets (2). */
    CHECK(points == 32);
    CHECK(check_alloc_failures("experiment_load and _expand", load_and_expand, NULL) > 20);
    if (test_remove_tree(dir) != 0) return 1;
    return test_report("test_experiment");
}
