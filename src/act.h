/* act.h: the table of hidden-layer activation functions.
 *
 * One row per activation: its name, a one-line description, f, its exact
 * derivative f', an optional parameter (written after a colon on the command
 * line: "leaky_relu:0.2") with its default and allowed range, and the largest
 * |f'| over the real line (the reference for saturated_frac).  Everything
 * that lists activations (vgrad list, help, parsing, tests, `vgrad
 * activations`) iterates this table; nothing else names them. */
#ifndef VG_ACT_H
#define VG_ACT_H

#include <stddef.h>

typedef struct {
    const char *name;
    const char *desc;
    double (*f)(double x, double param);
    double (*df)(double x, double param);   /* exact derivative; at a kink, the value documented in desc */
    const char *param_name;                  /* NULL: takes no parameter */
    double param_default;
    double param_lo, param_hi;               /* allowed parameter range (closed) */
    int param_lo_open;                       /* 1: param must be > param_lo */
    double (*dmax)(double param);            /* sup over x of |f'(x)| */
    /* Piecewise activations: which piece x lies in (pieces are split at the
     * kinks, where f' or f'' jumps), so a finite difference can tell when it
     * stepped across one.  NULL for activations smooth everywhere. */
    int (*piece)(double x, double param);
    /* f and f' over whole layers (act.c): the same formulas as f and df,
     * with the elementary functions (exp, cosh, tanh, expm1, log1p, erfc)
     * from SLEEF's vector library, which may differ from libm's f and df
     * above in the last bits; the piecewise rows give exactly f and df.
     *   forward:  z (rows, n) += b (n) when b != NULL;  a = f(z)
     *   backward: dz (n) *= f'(z)
     *   backward_slope: the same, and slope (n) = f'(z), for the layer's
     *   statistics (saturated_frac, dead_frac) to read */
    void (*forward)(const double *b, double *z, double *a, int rows, int n, double param);
    void (*backward)(const double *z, double *dz, size_t n, double param);
    void (*backward_slope)(const double *z, double *dz, double *slope, size_t n, double param);
} act_info;

extern const act_info act_table[];
extern const int act_count;

/* The logistic function, stable for any x (shared with the output layers). */
double act_sigmoid(double x);

/* Index of the activation called name, or -1. */
int act_find(const char *name);

#endif
