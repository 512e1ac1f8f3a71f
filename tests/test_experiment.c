/* test_experiment.c: experiment files: every allocation of loading and
 * expanding one made to fail in turn, and the plan it expands to. */
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

int main(void)
{
    if (!mkdtemp(dir)) return 1;
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
