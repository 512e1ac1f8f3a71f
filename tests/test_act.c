/* test_act.c: the activation table.  Every row's f' is checked against
 * Richardson-extrapolated central differences of its f, its dmax against
 * the values f' takes, and its f and f' against known values and extreme
 * inputs. */
#include <stdlib.h>
#include <string.h>

#include "act.h"
#include "test.h"

#define GRID_N 1600
#define FD_STEP 1e-3
#define FD_TOL 1e-9

/* x = -8 + 0.01 i + 0.0031: every kink in the table (0, +-0.5, +-1, +-3,
 * +-beta for the betas tested) is a multiple of 0.01, so each grid point is
 * at least 0.0031 from a kink, more than the largest step FD_STEP. */
static double grid_x(int i) { return -8.0 + 0.01 * i + 0.0031; }

/* The second parameter value tested for each parametrised row; the default
 * is always tested.  A new parametrised row must add a line here. */
static const struct {
    const char *name;
    double param;
} second_param[] = {{"leaky_relu", 0.2}, {"elu", 0.5}, {"smelu", 0.5}};

/* Central difference D(h) = (f(x+h) - f(x-h)) / 2h has error c2 h^2 + c4 h^4;
 * (4 D(h/2) - D(h)) / 3 cancels the h^2 term, leaving O(h^4) ~ 1e-12 against
 * a rounding error of ~eps |f| / h ~ 1e-12 at h = 1e-3. */
static double central(const act_info *a, double x, double param, double h)
{
    return (a->f(x + h, param) - a->f(x - h, param)) / (2.0 * h);
}

static double richardson(const act_info *a, double x, double param)
{
    return (4.0 * central(a, x, param, FD_STEP / 2) - central(a, x, param, FD_STEP)) / 3.0;
}

/* f' agrees with the differences of f at every grid point. */
static void check_derivative(const act_info *a, double param)
{
    double worst = 0, worst_x = 0, worst_df = 0, worst_fd = 0;
    for (int i = 0; i < GRID_N; i++) {
        double x = grid_x(i);
        double df = a->df(x, param), fd = richardson(a, x, param);
        double err = fabs(df - fd) / fmax(1.0, fabs(df));
        if (!(err <= worst)) {   /* also catches NaN */
            worst = err;
            worst_x = x;
            worst_df = df;
            worst_fd = fd;
        }
    }
    if (!(worst <= FD_TOL))
        fprintf(stderr, "  %s(%g): f'(%.4f) = %.17g, differences give %.17g\n", a->name, param,
                worst_x, worst_df, worst_fd);
    CHECK(worst <= FD_TOL);
}

/* The gradients compared above are not all zero (a derivative of 0 would
 * pass any difference check of a flat f), and step really steps. */
static void check_not_vacuous(const act_info *a, double param)
{
    double largest = 0;
    int saw0 = 0, saw1 = 0;
    for (int i = 0; i < GRID_N; i++) {
        double x = grid_x(i);
        largest = fmax(largest, fabs(a->df(x, param)));
        saw0 |= a->f(x, param) == 0.0;
        saw1 |= a->f(x, param) == 1.0;
    }
    if (strcmp(a->name, "step") == 0) {
        CHECK(largest == 0.0);
        CHECK(saw0 && saw1);
    } else {
        if (!(largest > 0.1 * a->dmax(param)))
            fprintf(stderr, "  %s(%g): largest |f'| %g, dmax %g\n", a->name, param, largest,
                    a->dmax(param));
        CHECK(largest > 0.1 * a->dmax(param));
    }
}

/* dmax bounds |f'| everywhere tested, and is reached (to 1e-6) or
 * approached: on a 1e-4 grid around the coarse maximum, at the kink 0 and
 * just left of it (elu, selu), and far right (softplus's supremum). */
static void check_dmax(const act_info *a, double param)
{
    double dmax = a->dmax(param);
    double best = -1, best_x = 0;
    for (int i = 0; i < GRID_N; i++) {
        double x = grid_x(i), g = fabs(a->df(x, param));
        if (g > best) {
            best = g;
            best_x = x;
        }
    }
    double peak = best;
    for (int k = -100; k <= 100; k++) peak = fmax(peak, fabs(a->df(best_x + 1e-4 * k, param)));
    const double probes[] = {0.0, -1e-9, 1e-9, 50.0, -50.0};
    for (size_t k = 0; k < sizeof probes / sizeof probes[0]; k++)
        peak = fmax(peak, fabs(a->df(probes[k], param)));
    if (!(peak <= dmax && dmax - peak <= 1e-6))
        fprintf(stderr, "  %s(%g): dmax %.17g, largest |f'| found %.17g\n", a->name, param, dmax,
                peak);
    CHECK(peak <= dmax);
    CHECK(dmax - peak <= 1e-6);
}

/* Saturated inputs give finite values, not NaN or inf. */
static void check_finite(const act_info *a, double param)
{
    const double xs[] = {1000.0, -1000.0, 1e308, -1e308};
    for (size_t k = 0; k < sizeof xs / sizeof xs[0]; k++) {
        double f = a->f(xs[k], param), df = a->df(xs[k], param);
        if (!isfinite(f) || !isfinite(df))
            fprintf(stderr, "  %s(%g) at %g: f = %g, f' = %g\n", a->name, param, xs[k], f, df);
        CHECK(isfinite(f));
        CHECK(isfinite(df));
    }
}

static void check_row(const act_info *a, double param)
{
    check_derivative(a, param);
    check_not_vacuous(a, param);
    check_dmax(a, param);
    check_finite(a, param);
}

static void test_every_row(void)
{
    for (int i = 0; i < act_count; i++) {
        const act_info *a = &act_table[i];
        check_row(a, a->param_default);
        if (!a->param_name) continue;
        int found = 0;
        for (size_t k = 0; k < sizeof second_param / sizeof second_param[0]; k++)
            if (strcmp(second_param[k].name, a->name) == 0) {
                check_row(a, second_param[k].param);
                found = 1;
            }
        if (!found) fprintf(stderr, "  %s: no second parameter to test\n", a->name);
        CHECK(found);
    }
}

/* Names, descriptions and parameter metadata are well formed. */
static void test_table_shape(void)
{
    /* The documented rows, in their documented order (more may follow). */
    const char *documented[] = {"linear", "step", "sigmoid", "hard_sigmoid", "tanh", "hardtanh",
                                "relu", "leaky_relu", "elu", "selu", "gelu", "silu", "mish",
                                "softplus", "softsign", "smelu"};
    int n_documented = (int)(sizeof documented / sizeof documented[0]);
    CHECK(act_count >= n_documented);
    for (int i = 0; i < n_documented && i < act_count; i++) CHECK_STR(act_table[i].name, documented[i]);
    for (int i = 0; i < act_count; i++) {
        const act_info *a = &act_table[i];
        CHECK(act_find(a->name) == i);
        for (int j = 0; j < i; j++) CHECK(strcmp(a->name, act_table[j].name) != 0);
        CHECK(a->desc && a->desc[0] && !strchr(a->desc, '\n'));
        CHECK(a->f && a->df && a->dmax);
        if (a->param_name) {
            double d = a->param_default;
            CHECK(a->param_lo <= a->param_hi);
            CHECK(a->param_lo_open ? d > a->param_lo : d >= a->param_lo);
            CHECK(d <= a->param_hi);
        } else {
            CHECK(a->param_default == 0 && a->param_lo == 0 && a->param_hi == 0);
            CHECK(!a->param_lo_open);
            /* Rows without a parameter ignore it. */
            for (int k = 0; k < GRID_N; k += 37) {
                double x = grid_x(k);
                CHECK(a->f(x, 0.0) == a->f(x, 7.5));
                CHECK(a->df(x, 0.0) == a->df(x, 7.5));
            }
            CHECK(a->dmax(0.0) == a->dmax(7.5));
        }
    }
    const char *unknown[] = {"", "RELU", "relu ", "relu:0.1", "nosuch", "sigmoid2"};
    for (size_t k = 0; k < sizeof unknown / sizeof unknown[0]; k++) CHECK(act_find(unknown[k]) == -1);
}

static const act_info *row(const char *name)
{
    int i = act_find(name);
    if (i < 0) {
        fprintf(stderr, "  activation %s missing\n", name);
        exit(1);
    }
    return &act_table[i];
}

static void test_known_values(void)
{
    const double lambda = 1.0507009873554804934193349852946;
    const double alpha = 1.6732632423543772848170429916717;
    CHECK(row("sigmoid")->df(0, 0) == 0.25);
    CHECK(row("sigmoid")->f(0, 0) == 0.5);
    CHECK(row("tanh")->df(0, 0) == 1.0);
    CHECK(row("relu")->df(0, 0) == 0.0);
    CHECK(row("relu")->f(-2, 0) == 0.0);
    CHECK(row("leaky_relu")->df(-1, 0.01) == 0.01);
    CHECK(row("leaky_relu")->df(0, 0.01) == 0.01);
    CHECK(row("leaky_relu")->f(-2, 0.2) == -0.4);
    CHECK(row("step")->f(0, 0) == 0.0);
    CHECK(row("step")->f(1e-300, 0) == 1.0);
    CHECK(row("hard_sigmoid")->f(0, 0) == 0.5);
    CHECK(row("hard_sigmoid")->df(3, 0) == 0.0);
    CHECK(row("hard_sigmoid")->df(-2.999, 0) == 1.0 / 6.0);
    CHECK(row("hardtanh")->df(1, 0) == 0.0);
    CHECK(row("elu")->df(0, 0.5) == 0.5);
    CHECK_NEAR(row("elu")->f(-1, 1), expm1(-1.0), 1e-16);
    CHECK(row("smelu")->f(0, 1) == 0.25);
    CHECK(row("smelu")->f(0, 0.5) == 0.125);
    CHECK(row("smelu")->df(0, 0.5) == 0.5);
    CHECK(row("smelu")->f(-0.5, 0.5) == 0.0 && row("smelu")->f(0.5, 0.5) == 0.5);
    CHECK(row("gelu")->df(0, 0) == 0.5);
    CHECK(row("silu")->df(0, 0) == 0.5);
    CHECK(row("selu")->f(1, 0) == lambda);
    CHECK_NEAR(row("selu")->f(-1, 0), lambda * alpha * expm1(-1.0), 1e-15);
    CHECK_NEAR(row("selu")->dmax(0), lambda * alpha, 1e-16);
    CHECK(row("softsign")->f(1, 0) == 0.5 && row("softsign")->df(1, 0) == 0.25);
    CHECK_NEAR(row("softplus")->f(0, 0), log(2.0), 1e-16);
    CHECK(row("softplus")->f(1000, 0) == 1000.0);
    CHECK_NEAR(row("mish")->f(1, 0), tanh(log1p(exp(1.0))), 1e-16);
    CHECK(row("linear")->f(-3.5, 0) == -3.5 && row("linear")->df(-3.5, 0) == 1.0);
}

/* The smooth maxima are attained where the comments in act.c say, and the
 * literals are f' there to rounding. */
static void test_dmax_constants(void)
{
    const act_info *gelu = row("gelu"), *silu = row("silu"), *mish = row("mish");
    /* gelu: f'' = phi(x)(2 - x^2), max at sqrt(2) = (1 + erf(1))/2 + e^-1/sqrt(pi). */
    double pi = 3.14159265358979323846264338327950288;
    CHECK_NEAR(gelu->dmax(0), 0.5 * (1.0 + erf(1.0)) + exp(-1.0) / sqrt(pi), 4e-16);
    CHECK_NEAR(gelu->df(sqrt(2.0), 0), gelu->dmax(0), 4e-16);
    /* silu: max where x tanh(x/2) = 2. */
    double xs = 2.39935728051546766783;
    CHECK_NEAR(xs * tanh(xs / 2), 2.0, 1e-15);
    CHECK_NEAR(silu->df(xs, 0), silu->dmax(0), 4e-16);
    double xm = 1.49057117948542845929;
    CHECK_NEAR(mish->df(xm, 0), mish->dmax(0), 4e-16);
    /* Moving off the argmax lowers f' on both sides. */
    const act_info *smooth[] = {gelu, silu, mish};
    const double at[] = {sqrt(2.0), xs, xm};
    for (int k = 0; k < 3; k++) {
        CHECK(smooth[k]->df(at[k] - 1e-4, 0) < smooth[k]->dmax(0));
        CHECK(smooth[k]->df(at[k] + 1e-4, 0) < smooth[k]->dmax(0));
    }
    /* Parameter-dependent sups: elu with alpha > 1 peaks at the left side of 0. */
    CHECK(row("elu")->dmax(2.0) == 2.0 && row("elu")->df(0, 2.0) == 2.0);
    CHECK(row("leaky_relu")->dmax(-1.0) == 1.0);
}

/* Saturated gradients stay tiny but nonzero and accurate: the quantity a
 * vanishing-gradient study measures must not round to 0. */
static void test_tails(void)
{
    CHECK_NEAR(row("sigmoid")->df(40, 0) / exp(-40.0), 1.0, 1e-14);
    CHECK_NEAR(row("sigmoid")->df(-40, 0) / exp(-40.0), 1.0, 1e-14);
    CHECK_NEAR(row("tanh")->df(20, 0) / (4.0 * exp(-40.0)), 1.0, 1e-14);
    CHECK_NEAR(row("softplus")->df(-40, 0) / exp(-40.0), 1.0, 1e-14);
    CHECK_NEAR(row("softplus")->f(-40, 0) / exp(-40.0), 1.0, 1e-14);
    CHECK(row("gelu")->df(-10, 0) < 0 && row("gelu")->df(-10, 0) > -1e-20);
    CHECK(row("silu")->df(20, 0) > 1.0);
    CHECK(row("silu")->df(-40, 0) < 0.0);
}

/* The whole-layer forms (SLEEF's elementary functions) against the scalar
 * rows (libm's), value by value, on a grid from -750 to 750 that is fine
 * near 0 and reaches the tails, where f' is tiny: relative difference at
 * most 1e-13, or 1e-15 absolute where |f'| or |f| is below 1e-3 inside
 * [-3, 3] (gelu's and silu's f' cross zero there, so their relative
 * difference means nothing), and 2 subnormal steps among subnormal values.
 * The rows without SLEEF's functions (their whole-layer forms loop the
 * scalar f and f') must agree exactly.  backward_slope's slope is backward's factor, and a
 * value's result does not depend on where in the array it stands. */
#define BULK_N 3001
static int loops_scalar(const char *name)
{
    static const char *rows[] = {"linear", "step", "hard_sigmoid", "hardtanh", "relu",
                                 "leaky_relu", "mish", "softsign", "smelu"};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (strcmp(rows[i], name) == 0) return 1;
    return 0;
}

static void test_bulk_forms(void)
{
    static double x[BULK_N], z[BULK_N], fa[BULK_N], dz[BULK_N], slope[BULK_N], dz2[BULK_N];
    for (int i = 0; i < BULK_N; i++) {
        double t = (i - BULK_N / 2) / (double)(BULK_N / 2); /* -1 .. 1 */
        x[i] = t * t * t * 750.0 + 0.00037;
    }
    for (int r = 0; r < act_count; r++) {
        const act_info *a = &act_table[r];
        double param = a->param_default;
        memcpy(z, x, sizeof z);
        a->forward(NULL, z, fa, 1, BULK_N, param);
        for (int i = 0; i < BULK_N; i++) dz[i] = dz2[i] = 1.0;
        a->backward_slope(x, dz, slope, BULK_N, param);
        a->backward(x, dz2, BULK_N, param);
        int agree = 0, nonzero = 0;
        double worst = 0.0;
        for (int i = 0; i < BULK_N; i++) {
            double f = a->f(x[i], param), df = a->df(x[i], param);
            double want[2] = {f, df}, got[2] = {fa[i], slope[i]};
            int ok = dz[i] == slope[i] && dz2[i] == slope[i];
            for (int q = 0; q < 2; q++) {
                double diff = fabs(got[q] - want[q]);
                int small = fabs(x[i]) < 3.0 && fabs(want[q]) < 1e-3;
                if (loops_scalar(a->name)) ok = ok && got[q] == want[q];
                else if (small) ok = ok && diff <= 1e-15;
                else ok = ok && diff <= 1e-13 * fabs(want[q]) + 2 * 0x1p-1074;
                if (!small && fabs(want[q]) >= 0x1p-1022 && diff / fabs(want[q]) > worst)
                    worst = diff / fabs(want[q]);
            }
            nonzero += df != 0.0;
            if (!ok)
                fprintf(stderr, "%s at %.17g: f %.17g (scalar %.17g), f' %.17g (scalar %.17g)\n",
                        a->name, x[i], fa[i], f, slope[i], df);
            agree += ok;
        }
        CHECK(agree == BULK_N);
        if (strcmp(a->name, "step") != 0) CHECK(nonzero > 200);
        if (worst > 0) printf("%s: largest relative difference from libm %.3g\n", a->name, worst);
        /* Position: the value at index 0 alone, and at the end of arrays of
         * every length up to 17 (the vector tails), gives the same bytes. */
        for (int len = 1; len <= 17; len++) {
            double zz[17], aa[17], dd[17], ss[17];
            for (int k = 0; k < len; k++) {
                zz[k] = x[2900 - len + 1 + k];
                dd[k] = 1.0;
            }
            a->forward(NULL, zz, aa, 1, len, param);
            a->backward_slope(zz, dd, ss, (size_t)len, param);
            CHECK(memcmp(&aa[len - 1], &fa[2900], sizeof(double)) == 0);
            CHECK(memcmp(&ss[len - 1], &slope[2900], sizeof(double)) == 0);
        }
    }
}

int main(void)
{
    test_table_shape();
    test_every_row();
    test_known_values();
    test_dmax_constants();
    test_tails();
    test_bulk_forms();
    return test_report("test_act");
}
