/* fuzz_experiment.c: experiment files, as `vgrad sweep FILE [key=value...]
 * --dry-run [--quick]` reads and plans them: experiment_load (inih, the
 * sections, lists and ranges, [quick], the command-line overrides), then
 * experiment_expand (every grid point resolved, run_ids, repeats dropped,
 * data files read once) and the dry run's walk over the plan.
 *
 * Input: a byte of flags (bit 0: --quick), then the file's text; lines
 * after a line "--" are the command-line overrides instead.  The harness
 * works in its own directory, which holds data.csv (4 rows, 2 features)
 * and images.idx / labels.idx (3 images of 2 x 2) for dataset= to name.
 *
 * Not fuzzed (the input is returned from at once): files outside that
 * directory's reach by an absolute path under /dev, /proc or /sys (reading
 * a device or a process file is not an input vgrad promises to bound), the
 * packaged MNIST sets (60,000 images a load: seconds an input), and plans
 * of 20,000 to 10^7 runs, whose expansion is legitimate and linear in
 * their size (the 10^7 limit itself, a refusal before expansion, is
 * fuzzed).
 *
 * The plan must keep experiment.h's promises: each point resolves again to
 * its own run_id, and no two points share one. */
#include "fuzz.h"

#include <fcntl.h>

#include "experiment.h"
#include "vg.h"

static const uint8_t idx_images[] = {0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2,
                                     0, 64, 128, 255, 1, 2, 3, 4, 255, 0, 255, 0};
static const uint8_t idx_labels[] = {0, 0, 8, 1, 0, 0, 0, 3, 1, 0, 1};

/* Enters the harness's directory (making its files the first time);
 * returns a descriptor of the directory to go back to (libFuzzer reads its
 * corpus by relative paths). */
static int enter(void)
{
    static int done;
    int back = open(".", O_RDONLY | O_DIRECTORY);
    if (back < 0 || chdir(fuzz_dir()) != 0) abort();
    if (done) return back;
    done = 1;
    static const char csv[] = "x1,x2,label\n0.1,0.2,0\n0.3,-0.1,1\n-0.5,0.4,0\n0.9,0.9,1\n";
    fuzz_write_file("data.csv", (const uint8_t *)csv, sizeof csv - 1);
    fuzz_write_file("images.idx", idx_images, sizeof idx_images);
    fuzz_write_file("labels.idx", idx_labels, sizeof idx_labels);
    return back;
}

static void leave(int back)
{
    if (fchdir(back) != 0) abort();
    close(back);
}

static int refused_input(const uint8_t *data, size_t size)
{
    static const char *const words[] = {"/dev", "/proc", "/sys", "mnist"};
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
        size_t n = strlen(words[w]);
        for (size_t i = 0; i + n <= size; i++)
            if (memcmp(data + i, words[w], n) == 0) return 1;
    }
    return 0;
}

/* The product of grid g's list lengths, without the keys grid skip sets
 * (skip -1: none). */
static double grid_runs(const experiment *e, int g, int skip)
{
    double n = 1;
    for (int i = 0; i < e->grids[g].n_axes; i++) {
        const sweep_axis *a = &e->grids[g].axes[i];
        int set_by_skip = 0;
        for (int j = 0; skip >= 0 && j < e->grids[skip].n_axes; j++)
            set_by_skip |= e->grids[skip].axes[j].key == a->key;
        if (a->n_values > 0 && !set_by_skip) n *= a->n_values;
    }
    return n;
}

/* The runs the grids expand to (experiment.h: each [sweep.NAME] grid takes
 * the lists of [sweep] it does not set), saturating at 10^9. */
static double planned_runs(const experiment *e)
{
    int common = -1, n_named = 0;
    for (int g = 0; g < e->n_grids; g++) {
        if (e->grids[g].name[0]) n_named++;
        else common = g;
    }
    double total = 0;
    for (int g = 0; g < e->n_grids; g++) {
        if (n_named && !e->grids[g].name[0]) continue;
        double n = grid_runs(e, g, -1);
        if (n_named && common >= 0) n *= grid_runs(e, common, g);
        total += n;
    }
    return total < 1e9 ? total : 1e9;
}

static int by_id(const void *a, const void *b) { return strcmp(a, b); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || refused_input(data, size)) return 0;
    int back = enter();
    int quick = data[0] & 1;
    data++, size--;
    /* The file's text, and the override lines after "--". */
    char *text = malloc(size + 1);
    char **overrides = calloc(size + 1, sizeof *overrides);
    if (!text || !overrides) abort();
    memcpy(text, data, size);
    text[size] = '\0';
    int n_overrides = 0;
    char *sep = strstr(text, "\n--\n");
    size_t file_len = sep ? (size_t)(sep - text) + 1 : size;
    fuzz_write_file("fuzz.ini", data, file_len);
    for (char *line = sep ? sep + 4 : NULL; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl) *nl = '\0';
        overrides[n_overrides++] = line;
        line = nl ? nl + 1 : NULL;
    }

    experiment e;
    vg_error err = {0, ""};
    int rc = experiment_load(&e, "fuzz.ini", overrides, n_overrides, quick, &err);
    double runs = rc == VG_OK ? planned_runs(&e) : 0;
    if (rc == VG_OK && !(runs > 20000 && runs <= 1e7)) {
        rc = experiment_expand(&e, &err);
        if (rc == VG_OK && runs > 1e7) fuzz_fail("a plan of %g runs was expanded", runs);
    }
    if (rc == VG_OK && !(runs > 20000 && runs <= 1e7)) {
        /* The dry run's walk, and the plan's promises. */
        static vg_config cfg;
        char (*ids)[17] = calloc((size_t)e.n_points + 1, sizeof *ids);
        if (!ids) abort();
        (void)experiment_out(&e);
        for (int i = 0; i < e.n_points; i++) {
            char id[17];
            if (experiment_config(&e, i, &cfg, &err) != VG_OK)
                fuzz_fail("point %d of the plan no longer resolves: %s", i, err.msg);
            config_run_id(&cfg, id);
            if (strcmp(id, e.points[i].run_id) != 0)
                fuzz_fail("point %d: run_id %s, resolved again %s", i, e.points[i].run_id, id);
            memcpy(ids[i], id, sizeof id);
        }
        qsort(ids, (size_t)e.n_points, sizeof *ids, by_id);
        for (int i = 1; i < e.n_points; i++)
            if (strcmp(ids[i - 1], ids[i]) == 0) fuzz_fail("run_id %s is in the plan twice", ids[i]);
        free(ids);
    } else if (rc != VG_OK && ((rc != VG_EUSAGE && rc != VG_EFAIL) || !err.msg[0])) {
        fuzz_fail("refused with status %d and message '%s'", rc, err.msg);
    }
    experiment_free(&e);
    free(overrides);
    free(text);
    leave(back);
    return 0;
}
