/* sweepdir.c: the sweep directory: preparing and locking it, running one
 * plan entry into it, assembling its result files, merging shards. */
/* flock is not POSIX; glibc and the BSDs have it. */
#define _DEFAULT_SOURCE
#include "sweepdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cblas.h> /* openblas_get_config */

#include "csvio.h"
#include "file.h"
#include "run.h"

#include "vg_revision.h" /* VG_GIT_REVISION, written at build time by cmake/revision.cmake */

/* Room for a directory (checked to be under VG_PATH_MAX) and what the
 * sweep appends to it. */
#define SWEEP_PATH (2 * VG_PATH_MAX + 512)

/* ---- the plan, the shard, the manifest ---------------------------------------- */

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

/* Reads DIR/.runs/shard "K/N": 1 when read, 0 when it is missing or not
 * a shard, -1 when out of memory. */
static int read_shard(const char *dir, int *k, int *n)
{
    char path[SWEEP_PATH];
    snprintf(path, sizeof path, "%s/.runs/shard", dir);
    size_t len;
    char *text = file_read_all(path, &len);
    if (!text && errno == ENOMEM) return -1;
    int ok = text && sscanf(text, "%d/%d", k, n) == 2 && *n >= 1 && *k >= 1 && *k <= *n;
    vg_free(text);
    return ok;
}

/* The manifest's text into buf[0..size); returns its whole length. */
static int manifest_text(char *buf, size_t size, const char *name, const char *command_line,
                         int n_plan, int shard_k, int shard_n, const char *when)
{
    return snprintf(buf, size,
                    "vgrad_version: %s\ngit_revision: %s\nblas: %s\nexperiment: %s\n"
                    "runs: %d\nshard: %d/%d\ncommand_line: %s\nstart_time: %s\n",
                    VG_VERSION, VG_GIT_REVISION, openblas_get_config(), name, n_plan, shard_k,
                    shard_n, command_line, when);
}

static int write_manifest(const char *dir, const char *name, const char *command_line,
                          int n_plan, int shard_k, int shard_n, vg_error *err)
{
    char when[64], path[SWEEP_PATH];
    time_t now = time(NULL);
    struct tm utc;
    gmtime_r(&now, &utc);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &utc);
    /* Sized for the whole command line: a cut one would misrecord the sweep. */
    int n = manifest_text(NULL, 0, name, command_line, n_plan, shard_k, shard_n, when);
    char *text = n >= 0 ? vg_malloc((size_t)n + 1) : NULL;
    if (!text) return vg_fail(err, VG_EFAIL, "out of memory");
    manifest_text(text, (size_t)n + 1, name, command_line, n_plan, shard_k, shard_n, when);
    int rc = file_join(path, sizeof path, dir, "manifest", err);
    if (rc == VG_OK) rc = file_write_atomic(path, text, (size_t)n, err);
    vg_free(text);
    return rc;
}

/* ---- preparing and locking ------------------------------------------------------ */

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
    if (*fd < 0)
        return vg_fail(err, file_error_code(errno), "cannot create '%s': %s", path, strerror(errno));
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
    int rc = file_make_dir(path, err);
    return rc == VG_OK ? lock_runs(dir, lock_fd, err) : rc;
}

/* Creates dir for this plan and shard, or checks that an existing one
 * holds the same (with --resume). */
static int prepare_dir(const experiment *e, const char *dir, int shard_k, int shard_n,
                       int resume, vg_error *err)
{
    char runs[SWEEP_PATH], path[SWEEP_PATH];
    size_t len;
    int rc = file_join(runs, sizeof runs, dir, ".runs", err);
    if (rc) return rc;
    char *plan = plan_text(e, &len);
    if (!plan) return vg_fail(err, VG_EFAIL, "out of memory");
    snprintf(path, sizeof path, "%s/plan", runs);
    size_t old_len;
    char *old = file_read_all(path, &old_len);
    if (!old && errno != ENOENT) {
        /* A plan that is there but cannot be read is not a new directory. */
        int e = errno;
        vg_free(plan);
        return e == ENOMEM ? vg_fail(err, VG_EFAIL, "out of memory")
                           : vg_fail(err, VG_EFAIL, "cannot read '%s': %s", path, strerror(e));
    }
    if (old) {
        int k, n, shard = read_shard(dir, &k, &n);
        int same = old_len == len && memcmp(old, plan, len) == 0 && shard == 1 &&
                   k == shard_k && n == shard_n;
        vg_free(old);
        vg_free(plan);
        if (shard < 0) return vg_fail(err, VG_EFAIL, "out of memory");
        if (!resume)
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
        char *src = file_read_all(e->path, &src_len);
        if (!src)
            rc = errno == ENOMEM ? vg_fail(err, VG_EFAIL, "out of memory")
                                 : vg_fail(err, VG_EUSAGE, "%s: cannot read: %s", e->path,
                                           strerror(errno));
        if (rc == VG_OK && (rc = file_join(path, sizeof path, dir, "experiment.ini", err)) == VG_OK)
            rc = file_write_atomic(path, src, src_len, err);
        vg_free(src);
    }
    if (rc == VG_OK) {
        char shard[32];
        int n = snprintf(shard, sizeof shard, "%d/%d\n", shard_k, shard_n);
        snprintf(path, sizeof path, "%s/shard", runs);
        rc = file_write_atomic(path, shard, (size_t)n, err);
    }
    /* The plan last: its presence marks a prepared directory. */
    if (rc == VG_OK) {
        snprintf(path, sizeof path, "%s/plan", runs);
        rc = file_write_atomic(path, plan, len, err);
    }
    vg_free(plan);
    return rc;
}

/* The temporary twin of an atomic file (file.h): ".NAME.tmp.PID". */
static int is_temporary(const char *name)
{
    return name[0] == '.' && strstr(name, ".tmp.") != NULL;
}

void sweepdir_remove_partial(const char *dir)
{
    /* The temporary twins of the result files of a sweep killed while it
     * wrote them. */
    DIR *top = opendir(dir);
    if (top) {
        struct dirent *ent;
        while ((ent = readdir(top)) != NULL) {
            if (!is_temporary(ent->d_name)) continue;
            char file[SWEEP_PATH];
            snprintf(file, sizeof file, "%s/%s", dir, ent->d_name);
            unlink(file);
        }
        closedir(top);
    }
    char runs[SWEEP_PATH];
    snprintf(runs, sizeof runs, "%s/.runs", dir);
    DIR *d = opendir(runs);
    if (!d) return;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        if (strncmp(ent->d_name, ".tmp.", 5) != 0) {
            if (!is_temporary(ent->d_name)) continue;
            char file[SWEEP_PATH];   /* a twin of plan or shard */
            snprintf(file, sizeof file, "%s/%s", runs, ent->d_name);
            unlink(file);
            continue;
        }
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

int sweepdir_open(const char *dir, const experiment *e, int shard_k, int shard_n, int resume,
                  int *lock_fd, vg_error *err)
{
    int rc = open_runs_dir(dir, lock_fd, err);
    if (rc == VG_OK) rc = prepare_dir(e, dir, shard_k, shard_n, resume, err);
    if (rc == VG_OK) sweepdir_remove_partial(dir);
    return rc;
}

int sweepdir_has_run(const char *dir, const char *run_id)
{
    char run_dir[SWEEP_PATH];
    snprintf(run_dir, sizeof run_dir, "%s/.runs/%s", dir, run_id);
    return file_is_dir(run_dir);
}

/* ---- runs and results ------------------------------------------------------------- */

/* Opens result file f (an F_ index of run_file_names) of directory dir. */
static int open_result(csv_out *o, const char *dir, int f, vg_error *err)
{
    char path[SWEEP_PATH];
    snprintf(path, sizeof path, "%s/%s", dir, run_file_names[f]);
    return csvout_open(o, path, err);
}

int sweepdir_run_one(const experiment *e, int i, const char *dir, run_status *status,
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
    for (int f = 0; f < F_COUNT && io == VG_OK; f++) io = open_result(&files[f], tmp, f, err);
    if (io == VG_OK && have_trainer) {
        t.test_columns = e->test_columns;
        run_sinks sinks = {&files[F_LAYERS], &files[F_TRAIN], &files[F_HIST],
                           &files[F_PREDICTIONS], &files[F_TIME]};
        rc = trainer_run(&t, &sinks, &res, &run_err);
    }
    if (io == VG_OK && rc == VG_EFAIL) {
        /* Out of memory, or a file that could not be read or written: a
         * failure of this machine, not of the configuration.  The run is
         * not recorded, so that --resume runs it again. */
        *err = run_err;
        io = rc;
    }
    if (io == VG_OK && rc != VG_OK) {
        /* The rows of a failed run are not kept: its runs.csv row says why. */
        for (int f = F_LAYERS; f <= F_PREDICTIONS && io == VG_OK; f++) {
            csvout_abort(&files[f]);
            io = open_result(&files[f], tmp, f, err);
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
    if (io != VG_OK) {
        /* Nothing of the run is kept: neither its files committed before
         * the failure nor its directory. */
        for (int f = 0; f < F_COUNT; f++) {
            char path[SWEEP_PATH];
            snprintf(path, sizeof path, "%s/%s", tmp, run_file_names[f]);
            unlink(path);
        }
        rmdir(tmp);
        return io;
    }
    *status = res.status;
    if (res.status == RUN_FAILED) *err = run_err;
    return VG_OK;
}

/* Writes the result files of dir from the run directories of the plan
 * entries of shard k of n (index % shard_n == shard_k - 1). */
static int assemble(const char *dir, const char *const *run_ids, int n, int shard_k, int shard_n,
                    int test_columns, vg_error *err)
{
    csv_out files[F_COUNT];
    memset(files, 0, sizeof files);
    int rc = VG_OK;
    for (int f = 0; f < F_COUNT && rc == VG_OK; f++) rc = open_result(&files[f], dir, f, err);
    if (rc == VG_OK) {
        trainer_layers_header(&files[F_LAYERS]);
        trainer_train_header(&files[F_TRAIN], test_columns);
        trainer_hist_header(&files[F_HIST]);
        trainer_time_header(&files[F_TIME]);
        trainer_predictions_header(&files[F_PREDICTIONS]);
        runs_header(&files[F_RUNS]);
        timing_header(&files[F_TIMING]);
        for (int i = 0; i < n; i++) {
            if (i % shard_n != shard_k - 1) continue;
            char run_dir[SWEEP_PATH];
            snprintf(run_dir, sizeof run_dir, "%s/.runs/%s", dir, run_ids[i]);
            if (!file_is_dir(run_dir)) continue;   /* a run whose worker died */
            for (int f = 0; f < F_COUNT; f++) {
                char path[SWEEP_PATH];
                snprintf(path, sizeof path, "%s/%s", run_dir, run_file_names[f]);
                if (!file_append(files[f].fp, path) && !files[f].failed)
                    files[f].failed = errno ? errno : EIO;
            }
        }
        for (int f = 0; f < F_COUNT && rc == VG_OK; f++) rc = csvout_close(&files[f], err);
        for (int f = 0; f < F_COUNT && rc == VG_OK; f++) rc = csvout_commit(&files[f], err);
    }
    for (int f = 0; f < F_COUNT; f++) csvout_abort(&files[f]);
    return rc;
}

int sweepdir_finish(const char *dir, const experiment *e, int shard_k, int shard_n,
                    const char *command_line, vg_error *err)
{
    const char **ids = vg_malloc(((size_t)e->n_points + 1) * sizeof *ids);
    if (!ids) return vg_fail(err, VG_EFAIL, "out of memory");
    for (int i = 0; i < e->n_points; i++) ids[i] = e->points[i].run_id;
    int rc = assemble(dir, ids, e->n_points, shard_k, shard_n, e->test_columns, err);
    vg_free(ids);
    if (rc == VG_OK)
        rc = write_manifest(dir, e->name, command_line, e->n_points, shard_k, shard_n, err);
    return rc;
}

/* ---- merging shards ------------------------------------------------------------ */

/* Splits the plan text into run ids (pointers into text, which is
 * modified).  Returns the count, -1 when it is not a plan, -2 when out of
 * memory (*ids is then NULL: the caller frees it either way). */
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
            *ids = NULL;
            return -1;
        }
        *nl = '\0';
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            const char **grown = vg_realloc(*ids, (size_t)cap * sizeof *grown);
            if (!grown) {
                vg_free(*ids);
                *ids = NULL;
                return -2;
            }
            *ids = grown;
        }
        (*ids)[n++] = p;
        p = nl + 1;
    }
    return n;
}

int sweepdir_merge(const char *out, char **dirs, int n_dirs, vg_error *err)
{
    char path[SWEEP_PATH], to[SWEEP_PATH];
    size_t len0 = 0, len;
    char *plan0 = NULL;
    int shard_n = 0, rc = VG_OK;
    char **owner = NULL;   /* owner[k-1]: directory holding shard k, k <= slots */
    int slots = 0;
    for (int d = -1; d < n_dirs; d++)
        if (strlen(d < 0 ? out : dirs[d]) >= VG_PATH_MAX)
            return vg_fail(err, VG_EUSAGE, "directory name '%s' is too long", d < 0 ? out : dirs[d]);
    for (int d = 0; d < n_dirs && rc == VG_OK; d++) {
        snprintf(path, sizeof path, "%s/.runs/plan", dirs[d]);
        char *plan = file_read_all(path, &len);
        int k, n, shard = plan || errno != ENOMEM ? read_shard(dirs[d], &k, &n) : -1;
        if (shard < 0) {
            vg_free(plan);
            rc = vg_fail(err, VG_EFAIL, "out of memory");
            break;
        }
        if (!plan || !shard) {
            vg_free(plan);
            rc = vg_fail(err, VG_EUSAGE, "'%s' is not a sweep directory (no .runs/plan or "
                         ".runs/shard)", dirs[d]);
            break;
        }
        if (d == 0) {
            plan0 = plan;
            len0 = len;
            shard_n = n;
            /* A shard file is outside input: with more shards than
             * directories, one of the first n_dirs + 1 is missing, and
             * only those are tracked (not n, which may be 2^31). */
            slots = n <= n_dirs ? n : n_dirs + 1;
            owner = vg_calloc((size_t)slots, sizeof *owner);
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
        if (rc == VG_OK && k <= slots && owner[k - 1]) {
            rc = vg_fail(err, VG_EUSAGE, "overlapping shards: '%s' and '%s' are both shard %d/%d",
                         owner[k - 1], dirs[d], k, n);
            break;
        }
        if (rc == VG_OK && k <= slots) owner[k - 1] = dirs[d];
    }
    for (int k = 0; rc == VG_OK && k < shard_n; k++)
        if (k >= slots || !owner[k]) rc = vg_fail(err, VG_EUSAGE, "missing shard %d/%d: merge needs all %d "
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
        if (!plan_copy || n_ids == -2)
            rc = vg_fail(err, VG_EFAIL, "out of memory");
        else if (n_ids < 0)
            rc = vg_fail(err, VG_EUSAGE, "'%s/.runs/plan' is not a vgrad plan", dirs[0]);
    }
    /* Every run of every shard must have finished. */
    for (int i = 0; rc == VG_OK && i < n_ids; i++) {
        snprintf(path, sizeof path, "%s/.runs/%s", owner[i % shard_n], ids[i]);
        if (!file_is_dir(path))
            rc = vg_fail(err, VG_EUSAGE, "'%s' is incomplete (run %s has not finished); finish "
                         "it with --resume first", owner[i % shard_n], ids[i]);
    }
    /* out may be new, or a merge that failed before its plan (written
     * last) and is done again; not a sweep's or a merge's directory (a
     * plan) nor one of other results (a runs.csv without .runs). */
    if (rc == VG_OK) {
        snprintf(path, sizeof path, "%s/.runs/plan", out);
        snprintf(to, sizeof to, "%s/runs.csv", out);
        int planned = access(path, F_OK) == 0, other = access(to, F_OK) == 0;
        snprintf(path, sizeof path, "%s/.runs", out);
        if (planned || (other && !file_is_dir(path)))
            rc = vg_fail(err, VG_EUSAGE, "'%s' holds results already; merge into a new "
                         "directory", out);
    }
    int lock_fd = -1;
    if (rc == VG_OK) {
        snprintf(path, sizeof path, "%s/.runs", out);
        rc = file_make_dir(path, err);
    }
    /* Locked as a sweep's directory is, and so with the same .runs/.lock. */
    if (rc == VG_OK) rc = lock_runs(out, &lock_fd, err);
    for (int i = 0; rc == VG_OK && i < n_ids; i++) {
        snprintf(to, sizeof to, "%s/.runs/%s", out, ids[i]);
        rc = file_make_dir(to, err);
        for (int f = 0; f < F_COUNT && rc == VG_OK; f++) {
            snprintf(path, sizeof path, "%s/.runs/%s/%s", owner[i % shard_n], ids[i],
                     run_file_names[f]);
            snprintf(to, sizeof to, "%s/.runs/%s/%s", out, ids[i], run_file_names[f]);
            rc = file_copy(path, to, err);
        }
    }
    if (rc == VG_OK) {
        snprintf(path, sizeof path, "%s/experiment.ini", dirs[0]);
        snprintf(to, sizeof to, "%s/experiment.ini", out);
        rc = file_copy(path, to, err);
    }
    if (rc == VG_OK) {
        snprintf(to, sizeof to, "%s/.runs/shard", out);
        rc = file_write_atomic(to, "1/1\n", 4, err);
    }
    if (rc == VG_OK) rc = assemble(out, ids, n_ids, 1, 1, test_columns, err);
    if (rc == VG_OK) {
        /* The experiment's name and the merge's command line. */
        char name[256] = "";
        snprintf(path, sizeof path, "%s/manifest", dirs[0]);
        char *manifest = file_read_all(path, &len);
        if (!manifest && errno == ENOMEM) rc = vg_fail(err, VG_EFAIL, "out of memory");
        const char *line = manifest ? strstr(manifest, "\nexperiment: ") : NULL;
        if (line) sscanf(line + 13, "%255[^\n]", name);
        vg_free(manifest);
        /* "vgrad merge OUT DIR...", every directory whole. */
        size_t size = sizeof "vgrad merge " + strlen(out);
        for (int d = 0; d < n_dirs; d++) size += strlen(dirs[d]) + 1;
        char *command = rc == VG_OK ? vg_malloc(size) : NULL;
        if (rc == VG_OK && !command) rc = vg_fail(err, VG_EFAIL, "out of memory");
        if (rc == VG_OK) {
            size_t used = (size_t)snprintf(command, size, "vgrad merge %s", out);
            for (int d = 0; d < n_dirs; d++)
                used += (size_t)snprintf(command + used, size - used, " %s", dirs[d]);
            rc = write_manifest(out, name, command, n_ids, 1, 1, err);
        }
        vg_free(command);
    }
    if (rc == VG_OK) {
        snprintf(to, sizeof to, "%s/.runs/plan", out);
        rc = file_write_atomic(to, plan0, len0, err);
    }
    if (lock_fd >= 0) close(lock_fd);
    vg_free(ids);
    vg_free(plan_copy);
    vg_free(plan0);
    vg_free(owner);
    return rc;
}
