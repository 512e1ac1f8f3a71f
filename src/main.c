/* main.c: the vgrad command line: a table of commands, each parsing its
 * arguments, calling the library function that does its work and saying
 * what it wrote.  The only place that prints errors and exits: library calls
 * return a status and a message, and main turns them into "vgrad: error:
 * ..." on stderr and the exit code (0 success, 1 failed run, 2 bad usage or
 * input). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "columns.h"
#include "config.h"
#include "csvio.h"
#include "gradcheck.h"
#include "jacobian.h"
#include "list.h"
#include "run.h"
#include "sweep.h"
#include "sweepdir.h"
#include "theory.h"
#include "vg.h"

void openblas_set_num_threads(int num_threads);

static int die(const vg_error *err)
{
    fprintf(stderr, "vgrad: error: %s\n", err->msg);
    return err->code ? err->code : VG_EFAIL;
}

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "vgrad: error: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    return VG_EUSAGE;
}

/* A csv_out on standard output, for the commands that print CSV. */
static csv_out stdout_csv(void)
{
    csv_out o = {0};
    o.fp = stdout;
    return o;
}

static int finish_stdout_csv(const csv_out *o)
{
    if (o->failed || fflush(stdout) != 0) {
        fprintf(stderr, "vgrad: error: writing to standard output failed\n");
        return VG_EFAIL;
    }
    return 0;
}

/* vgrad list [--csv]: the tables, as text or as the CSV scripts read (list.h). */
static int cmd_list(int argc, char **argv)
{
    if (argc == 0) {
        list_print(stdout);
        return 0;
    }
    if (argc > 1 || strcmp(argv[0], "--csv") != 0)
        return usage_error("'%s': allowed: vgrad list, vgrad list --csv", argv[argc > 1]);
    csv_out o = stdout_csv();
    list_write_csv(&o);
    return finish_stdout_csv(&o);
}

static int cmd_run(int argc, char **argv)
{
    static vg_config cfg;
    vg_error err = {0, ""};
    run_result res;
    if (config_parse_command(&cfg, NULL, 0, argc, argv, &err) != VG_OK ||
        run_single(&cfg, &res, &err) != VG_OK)
        return die(&err);
    char run_id[17];
    config_run_id(&cfg, run_id);
    if (res.status == RUN_OK)
        printf("run %s: ok, %lld steps, loss %.6g, accuracy %.4g; wrote %s/\n", run_id,
               res.stop_step, res.final_loss, res.final_accuracy, cfg.out);
    else
        printf("run %s: diverged (%s); wrote %s/\n", run_id, res.message, cfg.out);
    return 0;
}

/* The options of gradcheck, theory and jacobian, each a number (config.h). */
static double gc_tol = 1e-6, gc_samples = 64, gc_examples = 16, edge_max = 0, jac_inputs = 3;
static const config_flag gradcheck_flags[] = {
    {"--tol", "X", 0.0, 1.0, &gc_tol},
    {"--samples", "N", 1, 1e9, &gc_samples},
    {"--examples", "N", 1, 1e9, &gc_examples},
};
static const config_flag theory_flags[] = {{"--edge-of-chaos", "SIGMA_B2_MAX", 1e-12, 1e6, &edge_max}};
static const config_flag jacobian_flags[] = {{"--inputs", "N", 1, 1e6, &jac_inputs}};
#define FLAGS(table) table, (int)(sizeof table / sizeof table[0])

static int cmd_gradcheck(int argc, char **argv)
{
    static vg_config cfg;
    vg_error err = {0, ""};
    gradcheck_report rep;
    csv_out rows = stdout_csv();
    if (config_parse_command(&cfg, FLAGS(gradcheck_flags), argc, argv, &err) != VG_OK ||
        gradcheck_write(&cfg, gc_tol, (int)gc_examples, (int)gc_samples, &rows, &rep, &err) != VG_OK)
        return die(&err);
    if (finish_stdout_csv(&rows) != 0) return VG_EFAIL;
    if (rep.all_zero) {
        fprintf(stderr, "vgrad: error: every checked gradient is zero; the check proves nothing\n");
        return VG_EFAIL;
    }
    if (rep.failed) {
        fprintf(stderr, "vgrad: gradcheck failed: an error exceeds --tol %g\n", gc_tol);
        return VG_EFAIL;
    }
    fprintf(stderr, "vgrad: gradcheck passed (tol %g, %d examples)\n", gc_tol, rep.examples);
    return 0;
}

/* vgrad theory: mean-field predictions for a configuration (theory.h). */
static int cmd_theory(int argc, char **argv)
{
    static vg_config cfg;
    vg_error err = {0, ""};
    theory_report r;
    if (config_parse_command(&cfg, FLAGS(theory_flags), argc, argv, &err) != VG_OK ||
        theory_write(&cfg, edge_max, &r, &err) != VG_OK)
        return die(&err);
    char act[64];
    config_format(&cfg, KEY_activation, act, sizeof act);
    if (r.recurrent) {
        printf("rnn %s sigma_w^2=%.6g sigma_u^2=%.6g (input mean square %.6g) sigma_b^2=%.6g: "
               "q*=%.6g chi=%.6g (norm factor %.6g per step back), time scale %.6g steps; %s; "
               "wrote %s\n", act, r.sigma_w2, r.sigma_u2, r.input_q, r.sigma_b2, r.q_star, r.chi1,
               sqrt(r.chi1), fabs(r.depth_scale), r.regime, r.theory_path);
        return 0;
    }
    printf("%s sigma_w^2=%.6g sigma_b^2=%.6g: q*=%.6g chi_1=%.6g (norm factor %.6g per layer), "
           "depth scale %.6g layers; %s; wrote %s\n", act, r.sigma_w2, r.sigma_b2, r.q_star,
           r.chi1, sqrt(r.chi1), fabs(r.depth_scale), r.regime, r.theory_path);
    /* Past 20%, the first layers of a real network leave the prediction
     * (experiments/theory-check.ini, README "Theory"). */
    if (r.q_spread > 0.2)
        printf("note: the inputs' mean square varies by %.0f%% between examples (std/mean of "
               "||x||^2/n_features); the theory assumes one q_1 for all, so the first layers "
               "are approximate (use more input features)\n", 100 * r.q_spread);
    if (edge_max > 0)
        printf("edge of chaos (chi_1 = 1): %d points from sigma_w^2=%.6g sigma_b^2=%.6g to "
               "sigma_w^2=%.6g sigma_b^2=%.6g; wrote %s\n", r.edge_rows, r.edge_first[0],
               r.edge_first[1], r.edge_last[0], r.edge_last[1], r.edge_path);
    return 0;
}

/* vgrad jacobian: singular values of the input-output Jacobian (jacobian.h). */
static int cmd_jacobian(int argc, char **argv)
{
    static vg_config cfg;
    vg_error err = {0, ""};
    jacobian_report r;
    if (config_parse_command(&cfg, FLAGS(jacobian_flags), argc, argv, &err) != VG_OK ||
        jacobian_write(&cfg, (int)jac_inputs, &r, &err) != VG_OK)
        return die(&err);
    printf("jacobian %s: %d inputs x %d singular values in [%.6g, %.6g]; wrote %s\n", r.run_id,
           r.inputs, r.values, r.lo, r.hi, r.path);
    return 0;
}

/* vgrad activations [range=LO:HI] [points=N] [out=FILE] (list.h). */
static int cmd_activations(int argc, char **argv)
{
    double lo = -6, hi = 6;
    long points = 1201;
    const char *out = "-";
    for (int i = 0; i < argc; i++) {
        char *end;
        if (strncmp(argv[i], "range=", 6) == 0) {
            lo = strtod(argv[i] + 6, &end);
            if (end == argv[i] + 6 || *end != ':' || !isfinite(lo))
                return usage_error("'%s': allowed: range=LO:HI with LO < HI", argv[i]);
            const char *h = end + 1;
            hi = strtod(h, &end);
            if (end == h || *end || !isfinite(hi) || !(lo < hi))
                return usage_error("'%s': allowed: range=LO:HI with LO < HI", argv[i]);
        } else if (strncmp(argv[i], "points=", 7) == 0) {
            points = strtol(argv[i] + 7, &end, 10);
            if (end == argv[i] + 7 || *end || points < 2 || points > 10000000)
                return usage_error("'%s': allowed: points=N with N from 2 to 10000000", argv[i]);
        } else if (strncmp(argv[i], "out=", 4) == 0 && argv[i][4]) {
            out = argv[i] + 4;
        } else {
            return usage_error("'%s' is not a key of activations; allowed: range=LO:HI, "
                               "points=N, out=FILE", argv[i]);
        }
    }
    vg_error err = {0, ""};
    if (strcmp(out, "-") == 0) {
        csv_out o = stdout_csv();
        list_activation_curves(&o, lo, hi, points);
        return finish_stdout_csv(&o);
    }
    csv_out o = {0};
    if (csvout_open(&o, out, &err) != VG_OK) return die(&err);
    list_activation_curves(&o, lo, hi, points);
    return csvout_commit(&o, &err) != VG_OK ? die(&err) : 0;
}

/* The command line as one string, for the manifest: every argument whole,
 * in memory the caller frees; NULL when out of memory. */
static char *join_args(int argc, char **argv)
{
    size_t size = 1;
    for (int i = 0; i < argc; i++) size += strlen(argv[i]) + 1;
    char *line = malloc(size), *end = line;
    if (!line) return NULL;
    for (int i = 0; i < argc; i++) {
        size_t n = strlen(argv[i]);
        if (i) *end++ = ' ';
        memcpy(end, argv[i], n);
        end += n;
    }
    *end = '\0';
    return line;
}

/* The sweep's progress on stderr: a bar redrawn every 0.2 s on a terminal,
 * else a line every 5 s. */
typedef struct {
    int tty;
    double last_report;
} progress_display;

static void print_progress(const sweep_progress *p, void *user)
{
    progress_display *d = user;
    if (!p->final && p->seconds - d->last_report < (d->tty ? 0.2 : 5.0)) return;
    d->last_report = p->seconds;
    double eta = p->done > 0 ? p->seconds * (p->total - p->done) / p->done : 0.0;
    if (d->tty) {
        char bar[31];
        int fill = p->total ? 30 * p->done / p->total : 30;
        for (int i = 0; i < 30; i++) bar[i] = i < fill ? '#' : '.';
        bar[30] = '\0';
        fprintf(stderr, "\r[%s] %d/%d runs, %d failed, %.0fs elapsed, ETA %.0fs  %s", bar, p->done,
                p->total, p->failed, p->seconds, eta, p->final ? "\n" : "");
    } else {
        fprintf(stderr, "vgrad: %d/%d runs, %d failed, %.0fs elapsed, ETA %.0fs\n", p->done,
                p->total, p->failed, p->seconds, eta);
    }
}

static int cmd_sweep(int argc, char **argv, int full_argc, char **full_argv)
{
    sweep_options o = {.shard_k = 1, .shard_n = 1};
    progress_display display = {isatty(STDERR_FILENO), 0.0};
    int dry_run = 0, quick = 0, quiet = 0;
    const char *file = NULL;
    char **overrides = calloc((size_t)argc + 1, sizeof *overrides);
    int n_overrides = 0;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o.jobs = cores > 0 ? (int)cores : 1;
    if (!overrides) {
        fprintf(stderr, "vgrad: error: out of memory\n");
        return VG_EFAIL;
    }
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-j") == 0 || strncmp(a, "-j", 2) == 0) {
            const char *v = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : "");
            char *end;
            long j = strtol(v, &end, 10);
            if (end == v || *end || j < 1 || j > 4096) {
                free(overrides);
                return usage_error("-j '%s': allowed: a number of workers from 1 to 4096", v);
            }
            o.jobs = (int)j;
        } else if (strcmp(a, "--dry-run") == 0) {
            dry_run = 1;
        } else if (strcmp(a, "--quick") == 0) {
            quick = 1;
        } else if (strcmp(a, "--resume") == 0) {
            o.resume = 1;
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            quiet = 1;
        } else if (strcmp(a, "--shard") == 0) {
            const char *v = i + 1 < argc ? argv[++i] : "";
            char tail;
            if (sscanf(v, "%d/%d%c", &o.shard_k, &o.shard_n, &tail) != 2 || o.shard_n < 1 ||
                o.shard_k < 1 || o.shard_k > o.shard_n) {
                free(overrides);
                return usage_error("--shard '%s': allowed: K/N with 1 <= K <= N", v);
            }
        } else if (a[0] == '-') {
            free(overrides);
            return usage_error("unknown option '%s'; allowed: -j N, --dry-run, --quick, "
                               "--resume, --shard K/N, --quiet", a);
        } else if (!file && !strchr(a, '=')) {
            file = a;
        } else {
            overrides[n_overrides++] = argv[i];
        }
    }
    if (!file) {
        free(overrides);
        return usage_error("%s", "sweep needs an experiment file: vgrad sweep FILE [key=value ...]");
    }
    experiment e;
    vg_error err = {0, ""};
    int rc = experiment_load(&e, file, overrides, n_overrides, quick, &err);
    free(overrides);
    if (rc != VG_OK) return die(&err);
    if ((rc = experiment_expand(&e, &err)) != VG_OK) {
        experiment_free(&e);
        return die(&err);
    }
    if (dry_run) {
        int in_shard = 0;
        for (int i = 0; i < e.n_points; i++) in_shard += i % o.shard_n == o.shard_k - 1;
        printf("experiment %s: %d runs (%d in shard %d/%d), at most %.3g MiB per run, output %s\n",
               e.name, e.n_points, in_shard, o.shard_k, o.shard_n,
               (double)e.max_run_bytes / 1048576.0, experiment_out(&e));
        for (int i = 0; i < e.n_points; i++) {
            if (i % o.shard_n != o.shard_k - 1) continue;
            const sweep_grid *g = &e.grids[e.points[i].grid];
            printf("%s", e.points[i].run_id);
            for (int a = 0; a < g->n_axes; a++)
                if (g->axes[a].n_values > 0)
                    printf(" %s=%s", key_table[g->axes[a].key].name,
                           g->axes[a].values[e.points[i].choice[a]]);
            printf("\n");
        }
        experiment_free(&e);
        return 0;
    }
    char *command = join_args(full_argc, full_argv);
    if (!command) {
        experiment_free(&e);
        fprintf(stderr, "vgrad: error: out of memory\n");
        return VG_EFAIL;
    }
    o.command_line = command;
    if (!quiet) {
        o.progress = print_progress;
        o.progress_user = &display;
    }
    sweep_summary sum;
    rc = sweep_run(&e, &o, &sum, &err);
    free(command);
    const char *out = experiment_out(&e);
    if ((rc == VG_OK || rc == VG_EFAIL) && !sum.interrupted)
        printf("sweep %s: %d runs, %d done now, %d already done, %d diverged, %d failed; wrote "
               "%s/\n", e.name, sum.total, sum.done, sum.skipped, sum.diverged, sum.failed, out);
    experiment_free(&e);
    if (rc != VG_OK) return sum.interrupted ? (die(&err), 128 + sum.interrupted) : die(&err);
    return 0;
}

static int cmd_merge(int argc, char **argv)
{
    if (argc < 2) return usage_error("%s", "merge needs OUT and at least one shard directory");
    vg_error err = {0, ""};
    if (sweepdir_merge(argv[0], argv + 1, argc - 1, &err) != VG_OK) return die(&err);
    printf("merged %d shard directories into %s/\n", argc - 1, argv[0]);
    return 0;
}

/* The whole command line, for the manifest of a sweep. */
static int full_argc;
static char **full_argv;

static int cmd_sweep_args(int argc, char **argv) { return cmd_sweep(argc, argv, full_argc, full_argv); }

static int cmd_help(int argc, char **argv);

static int cmd_version(int argc, char **argv)
{
    (void)argc, (void)argv;
    printf("vgrad %s\n", VG_VERSION);
    return 0;
}

/* The commands: name, synopsis, what it does (continuation lines after \n),
 * the options of the shared flag parser, and the function. */
static const struct command {
    const char *name, *synopsis, *help;
    const config_flag *flags;
    int n_flags;
    int (*run)(int argc, char **argv);
} commands[] = {
    {"run", "key=value ...", "train one configuration, write CSV logs to out=DIR", NULL, 0, cmd_run},
    {"gradcheck", "key=value ...", "check backprop against finite differences",
     FLAGS(gradcheck_flags), cmd_gradcheck},
    {"theory", "key=value ...",
     "mean-field predictions: q*, chi_1, depth scale, theory.csv\n"
     "(and the line chi_1 = 1 of the activation, edge_of_chaos.csv)", FLAGS(theory_flags),
     cmd_theory},
    {"jacobian", "key=value ...", "singular values of the input-output Jacobian, jacobian.csv",
     FLAGS(jacobian_flags), cmd_jacobian},
    {"activations", "[range=-6:6] [points=1201] [out=FILE]",
     "CSV of activation,x,f,df for every activation", NULL, 0, cmd_activations},
    {"sweep", "FILE [key=value ...] [-j N] [--quick] [--dry-run] [--resume] [--shard K/N] [--quiet|-q]",
     "run the grid of an experiment file", NULL, 0, cmd_sweep_args},
    {"merge", "OUT DIR ...", "combine the shard directories of one sweep", NULL, 0, cmd_merge},
    {"list", "[--csv]", "activations, initialisers, losses, optimisers, datasets\n"
     "(--csv: also the keys, quantities and columns, as CSV)", NULL, 0, cmd_list},
    {"help", "[run|keys|columns]", "this text, every key of run, or the keys or the columns of\n"
     "layers.csv, train.csv and runs.csv as Markdown", NULL, 0, cmd_help},
    {"--version", "", "print the version", NULL, 0, cmd_version},
};
enum { COMMAND_COUNT = sizeof commands / sizeof commands[0] };

/* The usage text, from the command table. */
static void usage(FILE *fp)
{
    fprintf(fp, "usage: vgrad COMMAND [key=value ...]\n\n"
                "Deep MLPs that record the gradient norm of every layer.\n\ncommands:\n");
    for (int c = 0; c < COMMAND_COUNT; c++) {
        const struct command *cmd = &commands[c];
        char line[256];
        int len = snprintf(line, sizeof line, "%s%s%s", cmd->name, cmd->synopsis[0] ? " " : "",
                           cmd->synopsis);
        for (int f = 0; f < cmd->n_flags && len < (int)sizeof line; f++)
            len += snprintf(line + len, sizeof line - (size_t)len, " [%s %s]", cmd->flags[f].name,
                            cmd->flags[f].metavar);
        if (len <= 24)
            fprintf(fp, "  %-24s  ", line);
        else
            fprintf(fp, "  %s\n%28s", line, "");
        for (const char *p = cmd->help; *p; p++) {
            fputc(*p, fp);
            if (*p == '\n') fprintf(fp, "%28s", "");
        }
        fputc('\n', fp);
    }
}

static int cmd_help(int argc, char **argv)
{
    if (argc == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[0], "run") == 0 || strcmp(argv[0], "gradcheck") == 0) {
        list_keys_help(stdout);
        return 0;
    }
    if (strcmp(argv[0], "keys") == 0) {
        list_keys_markdown(stdout);
        return 0;
    }
    if (strcmp(argv[0], "columns") == 0) {
        columns_readme(stdout);
        return 0;
    }
    return usage_error("no help on '%s'; allowed: vgrad help run, vgrad help keys, "
                       "vgrad help columns", argv[0]);
}

int main(int argc, char **argv)
{
    /* One BLAS thread unless the user asks for more: runs parallelise across
     * processes, and results stay independent of the machine's core count. */
    if (!getenv("OPENBLAS_NUM_THREADS")) openblas_set_num_threads(1);

    if (argc < 2) {
        usage(stderr);
        return VG_EUSAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) name = "help";
    if (strcmp(name, "version") == 0) name = "--version";
    full_argc = argc;
    full_argv = argv;
    char allowed[256] = "";
    for (int c = 0; c < COMMAND_COUNT; c++) {
        if (strcmp(name, commands[c].name) == 0) return commands[c].run(argc - 2, argv + 2);
        size_t len = strlen(allowed);
        snprintf(allowed + len, sizeof allowed - len, "%s%s", c ? ", " : "", commands[c].name);
    }
    fprintf(stderr, "vgrad: error: unknown command '%s'; allowed: %s\n", argv[1], allowed);
    return VG_EUSAGE;
}
