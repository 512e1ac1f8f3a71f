/* test_sweepdir.c: a sweep directory's failure paths: a run directory or a
 * merged run directory that cannot be made (a regular file where it goes),
 * and every allocation of a failing run made to fail in turn. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sweep.h"
#include "sweepdir.h"
#include "test.h"

static char dir[] = "/tmp/vgrad_sweepdir_XXXXXX";
static char data[300];

static int sh(const char *fmt, const char *a, const char *b)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, fmt, a, b);
    return system(cmd);
}

/* Loads and expands the test experiment with out=DIR/sub. */
static int load(experiment *e, const char *sub)
{
    char ini[300], text[1024], out[400];
    snprintf(ini, sizeof ini, "%s/small.ini", dir);
    snprintf(text, sizeof text, "[run]\ndataset = csv:%s\ndepth = 2\nwidth = 3\nsteps = 2\n"
             "[sweep]\nseed = 1..3\n", data);
    test_write_file(ini, text);
    snprintf(out, sizeof out, "out=%s/%s", dir, sub);
    char *overrides[] = {out};
    vg_error err = {0, ""};
    int rc = experiment_load(e, ini, overrides, 1, 0, &err);
    if (rc == VG_OK) rc = experiment_expand(e, &err);
    if (rc != VG_OK) fprintf(stderr, "load: %s\n", err.msg);
    return rc;
}

static void test_merge_blocked(void)
{
    experiment e;
    CHECK(load(&e, "s1") == VG_OK);
    sweep_options o = {.jobs = 1, .shard_k = 1, .shard_n = 2, .command_line = "test"};
    sweep_summary s;
    vg_error err = {0, ""};
    CHECK(sweep_run(&e, &o, &s, &err) == VG_OK);
    experiment_free(&e);
    CHECK(load(&e, "s2") == VG_OK);
    o.shard_k = 2;
    CHECK(sweep_run(&e, &o, &s, &err) == VG_OK);
    CHECK(s.total == 1 && s.done == 1);

    /* The merged run directory of the first run is a regular file. */
    char out[300], blocker[400], s1[300], s2[300];
    snprintf(out, sizeof out, "%s/merged", dir);
    snprintf(blocker, sizeof blocker, "%s/.runs/%s", out, e.points[0].run_id);
    CHECK(sh("mkdir -p '%s/.runs' && touch '%s'", out, blocker) == 0);
    snprintf(s1, sizeof s1, "%s/s1", dir);
    snprintf(s2, sizeof s2, "%s/s2", dir);
    char *shards[] = {s1, s2};
    CHECK(sweepdir_merge(out, shards, 2, &err) != VG_OK);
    CHECK_CONTAINS(err.msg, "cannot create");
    CHECK_CONTAINS(err.msg, blocker);
    /* Without the blocker the same merge works. */
    CHECK(test_remove_tree(out) == 0);
    CHECK(sweepdir_merge(out, shards, 2, &err) == VG_OK);
    experiment_free(&e);
}

typedef struct {
    experiment *e;
    const char *sweep_dir;
} run_ctx;

/* A run whose data file has gone fails; it is still recorded.  An
 * allocation that fails must fail the run directory (VG_EFAIL) or be the
 * run's recorded reason, never crash or leak. */
static int failing_run(void *user, vg_error *err)
{
    run_ctx *c = user;
    run_status st = RUN_OK;
    int rc = sweepdir_run_one(c->e, 0, c->sweep_dir, &st, err);
    if (rc == VG_OK && st != RUN_FAILED)
        rc = vg_fail(err, VG_EUSAGE, "the run did not fail (status %d)", (int)st);
    else if (rc == VG_OK && strstr(err->msg, "out of memory"))
        rc = VG_EFAIL;
    else if (rc == VG_OK && !strstr(err->msg, "cannot open"))
        rc = vg_fail(err, VG_EUSAGE, "unexpected reason: %s", err->msg);
    sh("rm -rf '%s/.runs' && mkdir '%s/.runs'", c->sweep_dir, c->sweep_dir);
    return rc;
}

static void test_run_one(void)
{
    experiment e;
    CHECK(load(&e, "one") == VG_OK);
    char sweep_dir[300], blocker[400];
    snprintf(sweep_dir, sizeof sweep_dir, "%s/one", dir);
    CHECK(sh("mkdir -p '%s/.runs'%s", sweep_dir, "") == 0);

    /* Its temporary directory is a regular file. */
    snprintf(blocker, sizeof blocker, "%s/.runs/.tmp.%s.%ld", sweep_dir, e.points[0].run_id,
             (long)getpid());
    test_write_file(blocker, "x");
    run_status st = RUN_OK;
    vg_error err = {0, ""};
    CHECK(sweepdir_run_one(&e, 0, sweep_dir, &st, &err) == VG_EFAIL);
    CHECK(st == RUN_FAILED);
    CHECK_CONTAINS(err.msg, "cannot create");
    CHECK_CONTAINS(err.msg, blocker);
    unlink(blocker);
    CHECK(sweepdir_run_one(&e, 0, sweep_dir, &st, &err) == VG_OK);
    CHECK(st == RUN_OK);

    CHECK(unlink(data) == 0);
    sh("rm -rf '%s/.runs' && mkdir '%s/.runs'", sweep_dir, sweep_dir);
    run_ctx c = {&e, sweep_dir};
    CHECK(check_alloc_failures("sweep_run_one", failing_run, &c) > 12);
    experiment_free(&e);
}

int main(void)
{
    if (!mkdtemp(dir)) return 1;
    snprintf(data, sizeof data, "%s/data.csv", dir);
    test_write_file(data, "x1,x2,label\n0.1,0.2,0\n0.3,-0.1,1\n-0.5,0.4,0\n0.9,0.9,1\n");
    test_merge_blocked();
    test_run_one();
    if (test_remove_tree(dir) != 0) return 1;
    return test_report("test_sweepdir");
}
