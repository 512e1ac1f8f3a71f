/* main.c: the vgrad command line.  The only place that prints errors and
 * exits: library calls return a status and a message, and main turns them
 * into "vgrad: error: ..." on stderr and the exit code (0 success, 1 failed
 * run, 2 bad usage or input). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "act.h"
#include "config.h"
#include "csvio.h"
#include "data.h"
#include "gradcheck.h"
#include "init.h"
#include "loss.h"
#include "optim.h"
#include "run.h"
#include "sweep.h"
#include "jacobian.h"
#include "list.h"
#include "theory.h"
#include "train.h"
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

static const char usage[] =
    "usage: vgrad COMMAND [key=value ...]\n"
    "\n"
    "Deep MLPs that record the gradient norm of every layer.\n"
    "\n"
    "commands:\n"
    "  run key=value ...         train one configuration, write CSV logs to out=DIR\n"
    "  gradcheck key=value ...   check backprop against finite differences\n"
    "      [--tol 1e-6] [--samples 64] [--examples 16]\n"
    "  theory key=value ... [--edge-of-chaos SIGMA_B2_MAX]\n"
    "                            mean-field predictions: q*, chi_1, depth scale, theory.csv\n"
    "                            (and the line chi_1 = 1 of the activation, edge_of_chaos.csv)\n"
    "  jacobian key=value ... [--inputs 3]\n"
    "                            singular values of the input-output Jacobian, jacobian.csv\n"
    "  activations [range=-6:6] [points=1201] [out=FILE]\n"
    "                            CSV of activation,x,f,df for every activation\n"
    "  sweep FILE [key=value ...] [-j N] [--quick] [--dry-run] [--resume] [--shard K/N]\n"
    "        [--quiet|-q]\n"
    "                            run the grid of an experiment file\n"
    "  merge OUT DIR ...         combine the shard directories of one sweep\n"
    "  list                      activations, initialisers, losses, optimisers, datasets\n"
    "  help [run|keys]           this text, every key of run, or the keys as Markdown\n"
    "  --version                 print the version\n";

static void help_run(void)
{
    printf("usage: vgrad run key=value ...\n\nkeys (default in brackets):\n");
    char allowed[1200];
    for (int k = 0; k < VG_KEY_COUNT; k++) {
        config_allowed(k, allowed, sizeof allowed);
        printf("  %-13s [%s] %s\n  %13s  allowed: %s\n", key_table[k].name, key_table[k].def,
               key_table[k].help, "", allowed);
    }
}

/* The key table as the Markdown table of README.md (a test checks that the
 * README holds exactly this text). */
static void help_keys_markdown(void)
{
    char allowed[1200];
    printf("| key | default | meaning | allowed |\n|---|---|---|---|\n");
    for (int k = 0; k < VG_KEY_COUNT; k++) {
        config_allowed(k, allowed, sizeof allowed);
        const char *def = key_table[k].def;
        printf("| `%s` | %s%s%s | %s | %s |\n", key_table[k].name, def[0] ? "`" : "", def[0] ? def : "(empty)",
               def[0] ? "`" : "", key_table[k].help, allowed);
    }
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
    csv_out o = {0};
    o.fp = stdout;
    list_write_csv(&o);
    if (o.failed || fflush(stdout) != 0) {
        fprintf(stderr, "vgrad: error: writing to standard output failed\n");
        return VG_EFAIL;
    }
    return 0;
}

/* Parses key=value arguments into a resolved configuration. */
static int parse_config(vg_config *cfg, int argc, char **argv, vg_error *err)
{
    config_defaults(cfg);
    for (int i = 0; i < argc; i++) {
        int rc = config_set_arg(cfg, argv[i], err);
        if (rc != VG_OK) return rc;
    }
    return config_resolve(cfg, err);
}

/* Parses key=value arguments and sets up their trainer (data and network):
 * the start of every command that inspects a configured network. */
static int configured_trainer(int argc, char **argv, vg_config *cfg, trainer *t, vg_error *err)
{
    int rc = parse_config(cfg, argc, argv, err);
    return rc != VG_OK ? rc : trainer_setup(t, cfg, err);
}

static int cmd_run(int argc, char **argv)
{
    static vg_config cfg;
    vg_error err = {0, ""};
    if (parse_config(&cfg, argc, argv, &err) != VG_OK) return die(&err);
    run_result res;
    if (run_single(&cfg, &res, &err) != VG_OK) return die(&err);
    char run_id[17];
    config_run_id(&cfg, run_id);
    if (res.status == RUN_OK)
        printf("run %s: ok, %lld steps, loss %.6g, accuracy %.4g; wrote %s/\n", run_id,
               res.stop_step, res.final_loss, res.final_accuracy, cfg.out);
    else
        printf("run %s: diverged (%s); wrote %s/\n", run_id, res.message, cfg.out);
    return 0;
}

static int parse_flag_value(const char *flag, const char *value, double lo, double hi,
                            double *out)
{
    char *end;
    errno = 0;
    double v = value ? strtod(value, &end) : 0;
    if (!value || end == value || *end || !(v >= lo && v <= hi)) {
        fprintf(stderr, "vgrad: error: %s needs a number from %g to %g\n", flag, lo, hi);
        return VG_EUSAGE;
    }
    *out = v;
    return VG_OK;
}

static int cmd_gradcheck(int argc, char **argv)
{
    double tol = 1e-6, samples = 64, examples = 16;
    int n = 0;
    char **keys = argv;
    for (int i = 0; i < argc; i++) {
        double *target = strcmp(argv[i], "--tol") == 0       ? &tol
                         : strcmp(argv[i], "--samples") == 0  ? &samples
                         : strcmp(argv[i], "--examples") == 0 ? &examples
                                                              : NULL;
        if (target) {
            double hi = target == &tol ? 1.0 : 1e9;
            double lo = target == &tol ? 0.0 : 1.0;
            if (parse_flag_value(argv[i], i + 1 < argc ? argv[i + 1] : NULL, lo, hi, target))
                return VG_EUSAGE;
            i++;
        } else if (argv[i][0] == '-') {
            return usage_error("unknown option '%s'; allowed: --tol, --samples, --examples",
                               argv[i]);
        } else {
            keys[n++] = argv[i];
        }
    }
    static vg_config cfg;
    vg_error err = {0, ""};
    trainer t;
    if (configured_trainer(n, keys, &cfg, &t, &err) != VG_OK) return die(&err);
    int B = trainer_first_batch(&t, (int)examples);
    gradcheck_layer *r = calloc((size_t)t.net.L + 1, sizeof *r);
    if (!r) {
        trainer_free(&t);
        fprintf(stderr, "vgrad: error: out of memory\n");
        return VG_EFAIL;
    }
    rng_state rng;
    rng_seed(&rng, (uint64_t)cfg.seed, RNG_STREAM_CHECK);
    gradcheck_run(&t.net, t.labels, B, (int)samples, &rng, r);

    printf("layer,checked,skipped_at_kinks,rel_error,max_entry_error,grad_norm\n");
    int failed = 0;
    double biggest = 0.0;
    for (int l = 1; l <= t.net.L; l++) {
        printf("%d,%d,%d,%.3e,%.3e,%.3e\n", l, r[l].checked, r[l].skipped, r[l].rel_error,
               r[l].max_entry_error, r[l].grad_norm);
        if (!(r[l].rel_error <= tol)) failed = 1;
        if (r[l].max_abs_grad > biggest) biggest = r[l].max_abs_grad;
    }
    trainer_free(&t);
    free(r);
    if (biggest == 0.0) {
        fprintf(stderr, "vgrad: error: every checked gradient is zero; the check proves nothing\n");
        return VG_EFAIL;
    }
    if (failed) {
        fprintf(stderr, "vgrad: gradcheck failed: an error exceeds --tol %g\n", tol);
        return VG_EFAIL;
    }
    fprintf(stderr, "vgrad: gradcheck passed (tol %g, %d examples)\n", tol, B);
    return 0;
}

/* The line chi_1 = 1 that vgrad theory --edge-of-chaos writes. */
enum { EDGE_POINTS = 201 };
typedef struct {
    double q[EDGE_POINTS], sw2[EDGE_POINTS], sb2[EDGE_POINTS];
} edge_line;

/* Writes the points of e with sigma_b^2 >= 0 to out/edge_of_chaos.csv and
 * prints what it wrote. */
static int write_edge_of_chaos(const vg_config *cfg, const edge_line *e)
{
    vg_error err = {0, ""};
    char path[VG_PATH_MAX + 32];
    csv_out o;
    snprintf(path, sizeof path, "%s/edge_of_chaos.csv", cfg->out);
    if (csvout_open(&o, path, &err) != VG_OK) return die(&err);
    csvout_header(&o, "q_star,sigma_w2,sigma_b2");
    int rows = 0;
    for (int i = 0; i < EDGE_POINTS; i++) {
        if (e->sb2[i] < 0.0) continue;   /* below the physical region */
        csvout_num(&o, e->q[i]);
        csvout_num(&o, e->sw2[i]);
        csvout_num(&o, e->sb2[i]);
        csvout_endrow(&o);
        rows++;
    }
    if (csvout_commit(&o, &err) != VG_OK) return die(&err);
    int first = EDGE_POINTS - rows, last = EDGE_POINTS - 1;
    printf("edge of chaos (chi_1 = 1): %d points from sigma_w^2=%.6g sigma_b^2=%.6g to "
           "sigma_w^2=%.6g sigma_b^2=%.6g; wrote %s\n", rows, e->sw2[first], e->sb2[first],
           e->sw2[last], e->sb2[last], path);
    return 0;
}

/* vgrad theory: mean-field predictions for a configuration (theory.h). */
static int cmd_theory(int argc, char **argv)
{
    double edge_max = 0;   /* --edge-of-chaos SIGMA_B2_MAX; 0: not asked for */
    int n = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--edge-of-chaos") == 0) {
            if (parse_flag_value(argv[i], i + 1 < argc ? argv[i + 1] : NULL, 1e-12, 1e6,
                                 &edge_max))
                return VG_EUSAGE;
            i++;
        } else if (argv[i][0] == '-') {
            return usage_error("unknown option '%s'; allowed: --edge-of-chaos SIGMA_B2_MAX",
                               argv[i]);
        } else {
            argv[n++] = argv[i];
        }
    }
    static vg_config cfg;
    vg_error err = {0, ""};
    trainer t;
    if (configured_trainer(n, argv, &cfg, &t, &err) != VG_OK) return die(&err);
    static edge_line edge;
    if (edge_max > 0 &&
        theory_edge_of_chaos(&act_table[cfg.activation], cfg.act_param, edge_max, EDGE_POINTS,
                             edge.q, edge.sw2, edge.sb2, &err) != VG_OK) {
        trainer_free(&t);
        return die(&err);
    }
    /* The inputs' mean square per feature, over the training set, and how
     * much it varies between examples: the theory follows one q_1 for all. */
    int F = t.train.n_features;
    double input_q = 0.0, q_sq = 0.0;
    for (int i = 0; i < t.train.n; i++) {
        double m = 0.0;
        for (int f = 0; f < F; f++) m += t.train.X[(size_t)i * F + f] * t.train.X[(size_t)i * F + f];
        m /= F;
        input_q += m;
        q_sq += m * m;
    }
    input_q /= t.train.n;
    double q_spread = input_q > 0 ? sqrt(fmax(q_sq / t.train.n - input_q * input_q, 0.0)) / input_q
                                  : 0.0;
    int n_in = t.net.dims[0], n_out = t.net.dims[t.net.L];
    trainer_free(&t);
    theory_result r;
    if (theory_compute(&cfg, n_in, n_out, input_q, &r, &err) != VG_OK) return die(&err);

    char path[VG_PATH_MAX + 32];
    csv_out o;
    snprintf(path, sizeof path, "%s/theory.csv", cfg.out);
    int rc = vg_make_dir(cfg.out, &err);
    if (rc == VG_OK) rc = csvout_open(&o, path, &err);
    if (rc != VG_OK) {
        theory_free(&r);
        return die(&err);
    }
    csvout_header(&o, "layer,q,chi,log10_delta_ratio,log10_grad_w_ratio");
    for (int l = 1; l <= r.depth; l++) {
        csvout_int(&o, l);
        csvout_num(&o, r.q[l]);
        csvout_num(&o, r.chi[l]);
        csvout_num(&o, r.log10_delta_ratio[l]);
        csvout_num(&o, r.log10_grad_w_ratio[l]);
        csvout_endrow(&o);
    }
    if (csvout_commit(&o, &err) != VG_OK) {
        theory_free(&r);
        return die(&err);
    }
    char act[64];
    config_format(&cfg, KEY_activation, act, sizeof act);
    const char *regime = r.chi1 == 0.0          ? "no gradient passes (f' = 0): theory is void"
                         : isinf(r.depth_scale) ? "edge of chaos: gradients neither vanish nor explode"
                         : r.chi1 < 1.0         ? "gradients vanish"
                                                : "gradients explode";
    printf("%s sigma_w^2=%.6g sigma_b^2=%.6g: q*=%.6g chi_1=%.6g (norm factor %.6g per layer), "
           "depth scale %.6g layers; %s; wrote %s\n", act, r.sigma_w2, r.sigma_b2, r.q_star,
           r.chi1, sqrt(r.chi1), fabs(r.depth_scale), regime, path);
    /* Past 20%, the first layers of a real network leave the prediction
     * (experiments/theory-check.ini, README "Theory"). */
    if (q_spread > 0.2)
        printf("note: the inputs' mean square varies by %.0f%% between examples (std/mean of "
               "||x||^2/n_features); the theory assumes one q_1 for all, so the first layers "
               "are approximate (use more input features)\n", 100 * q_spread);
    theory_free(&r);
    return edge_max > 0 ? write_edge_of_chaos(&cfg, &edge) : 0;
}

/* vgrad jacobian: singular values of the input-output Jacobian at
 * initialisation for the first --inputs examples, to jacobian.csv. */
static int cmd_jacobian(int argc, char **argv)
{
    double inputs = 3;
    int n = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--inputs") == 0) {
            if (parse_flag_value(argv[i], i + 1 < argc ? argv[i + 1] : NULL, 1, 1e6, &inputs))
                return VG_EUSAGE;
            i++;
        } else if (argv[i][0] == '-') {
            return usage_error("unknown option '%s'; allowed: --inputs N", argv[i]);
        } else {
            argv[n++] = argv[i];
        }
    }
    static vg_config cfg;
    vg_error err = {0, ""};
    trainer t;
    if (configured_trainer(n, argv, &cfg, &t, &err) != VG_OK) return die(&err);
    int B = trainer_first_batch(&t, (int)inputs);
    mlp_forward(&t.net, t.labels, B, 0);
    int m = t.net.dims[t.net.L - 1] < t.net.dims[0] ? t.net.dims[t.net.L - 1] : t.net.dims[0];
    double *sv = malloc((size_t)m * sizeof(double));
    char path[VG_PATH_MAX + 32];
    csv_out o;
    snprintf(path, sizeof path, "%s/jacobian.csv", cfg.out);
    int rc = sv ? vg_make_dir(cfg.out, &err) : vg_fail(&err, VG_EFAIL, "out of memory");
    if (rc == VG_OK) rc = csvout_open(&o, path, &err);
    if (rc == VG_OK) csvout_header(&o, "run_id,example,index,singular_value");
    double lo = INFINITY, hi = 0;
    for (int i = 0; i < B && rc == VG_OK; i++) {
        rc = jacobian_singular_values(&t.net, i, sv, &err);
        for (int k = 0; k < m && rc == VG_OK; k++) {
            csvout_str(&o, t.run_id);
            csvout_int(&o, i);
            csvout_int(&o, k);
            csvout_num(&o, sv[k]);
            csvout_endrow(&o);
            if (sv[k] < lo) lo = sv[k];
            if (sv[k] > hi) hi = sv[k];
        }
    }
    if (rc == VG_OK) rc = csvout_commit(&o, &err);
    else csvout_abort(&o);
    free(sv);
    trainer_free(&t);
    if (rc != VG_OK) return die(&err);
    printf("jacobian %s: %d inputs x %d singular values in [%.6g, %.6g]; wrote %s\n", t.run_id, B,
           m, lo, hi, path);
    return 0;
}

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
    csv_out o = {0};
    vg_error err = {0, ""};
    int to_stdout = strcmp(out, "-") == 0;
    if (to_stdout)
        o.fp = stdout;
    else if (csvout_open(&o, out, &err) != VG_OK)
        return die(&err);
    csvout_header(&o, "activation,x,f,df");
    for (int a = 0; a < act_count; a++) {
        const act_info *act = &act_table[a];
        for (long i = 0; i < points; i++) {
            double x = lo + (hi - lo) * (double)i / (double)(points - 1);
            csvout_str(&o, act->name);
            csvout_num(&o, x);
            csvout_num(&o, act->f(x, act->param_default));
            csvout_num(&o, act->df(x, act->param_default));
            csvout_endrow(&o);
        }
    }
    if (to_stdout) {
        if (o.failed || fflush(stdout) != 0) {
            fprintf(stderr, "vgrad: error: writing to standard output failed\n");
            return VG_EFAIL;
        }
        return 0;
    }
    if (csvout_commit(&o, &err) != VG_OK) return die(&err);
    return 0;
}

/* The command line as one string, for the manifest. */
static void join_args(int argc, char **argv, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < argc && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? " " : "", argv[i]);
}

static int cmd_sweep(int argc, char **argv, int full_argc, char **full_argv)
{
    sweep_options o = {0, 1, 1, 0, 0, NULL};
    int dry_run = 0, quick = 0;
    const char *file = NULL;
    char **overrides = calloc((size_t)argc + 1, sizeof *overrides);
    int n_overrides = 0;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o.jobs = cores > 0 ? (int)cores : 1;
    if (!overrides) return usage_error("%s", "out of memory");
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
            o.quiet = 1;
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
    char command[8192];
    join_args(full_argc, full_argv, command, sizeof command);
    o.command_line = command;
    sweep_summary sum;
    rc = sweep_run(&e, &o, &sum, &err);
    const char *out = experiment_out(&e);
    if (rc == VG_OK || rc == VG_EFAIL)
        printf("sweep %s: %d runs, %d done now, %d already done, %d diverged, %d failed; wrote "
               "%s/\n", e.name, sum.total, sum.done, sum.skipped, sum.diverged, sum.failed, out);
    experiment_free(&e);
    if (rc != VG_OK) return die(&err);
    return 0;
}

static int cmd_merge(int argc, char **argv)
{
    if (argc < 2) return usage_error("%s", "merge needs OUT and at least one shard directory");
    vg_error err = {0, ""};
    if (sweep_merge(argv[0], argv + 1, argc - 1, &err) != VG_OK) return die(&err);
    printf("merged %d shard directories into %s/\n", argc - 1, argv[0]);
    return 0;
}

int main(int argc, char **argv)
{
    /* One BLAS thread unless the user asks for more: runs parallelise across
     * processes, and results stay independent of the machine's core count. */
    if (!getenv("OPENBLAS_NUM_THREADS")) openblas_set_num_threads(1);

    if (argc < 2) {
        fputs(usage, stderr);
        return VG_EUSAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
        (strcmp(cmd, "help") == 0 && argc == 2)) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(cmd, "help") == 0) {
        if (strcmp(argv[2], "run") == 0 || strcmp(argv[2], "gradcheck") == 0) {
            help_run();
            return 0;
        }
        if (strcmp(argv[2], "keys") == 0) {
            help_keys_markdown();
            return 0;
        }
        return usage_error("no help on '%s'; allowed: vgrad help run, vgrad help keys", argv[2]);
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("vgrad %s\n", VG_VERSION);
        return 0;
    }
    if (strcmp(cmd, "run") == 0) return cmd_run(argc - 2, argv + 2);
    if (strcmp(cmd, "gradcheck") == 0) return cmd_gradcheck(argc - 2, argv + 2);
    if (strcmp(cmd, "activations") == 0) return cmd_activations(argc - 2, argv + 2);
    if (strcmp(cmd, "theory") == 0) return cmd_theory(argc - 2, argv + 2);
    if (strcmp(cmd, "jacobian") == 0) return cmd_jacobian(argc - 2, argv + 2);
    if (strcmp(cmd, "sweep") == 0) return cmd_sweep(argc - 2, argv + 2, argc, argv);
    if (strcmp(cmd, "merge") == 0) return cmd_merge(argc - 2, argv + 2);
    if (strcmp(cmd, "list") == 0) return cmd_list(argc - 2, argv + 2);
    return usage_error("unknown command '%s'; allowed: run, sweep, merge, gradcheck, theory, "
                       "jacobian, activations, list, help, --version", cmd);
}
