/* optim.c: SGD, SGD with momentum and Adam over ranges of one parameter block. */
#include "optim.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_SGD, OPT_MOMENTUM, OPT_ADAM };

const optim_info optim_table[] = {
    [OPT_SGD] = {"sgd", "plain gradient descent: w -= lr g", 0},
    [OPT_MOMENTUM] = {"momentum", "heavy ball as in PyTorch: v = momentum v + g; w -= lr v", 1},
    [OPT_ADAM] = {"adam", "Adam (Kingma & Ba) with bias correction: adam_beta1, adam_beta2, adam_eps",
                  2},
};
const int optim_count = (int)(sizeof optim_table / sizeof optim_table[0]);

int optim_find(const char *name)
{
    for (int i = 0; i < optim_count; i++)
        if (strcmp(optim_table[i].name, name) == 0) return i;
    return -1;
}

size_t optim_state_bytes(int kind, size_t n_params)
{
    size_t bytes;
    if (!vg_mul_size((size_t)optim_table[kind].slots * sizeof(double), n_params, &bytes))
        return SIZE_MAX;
    return bytes;
}

int optim_create(optimizer *o, int kind, size_t n_params, vg_error *err)
{
    memset(o, 0, sizeof *o);
    o->kind = kind;
    o->n = n_params;
    size_t bytes = optim_state_bytes(kind, n_params);
    if (bytes == SIZE_MAX) return vg_fail(err, VG_EUSAGE, "optimizer state size overflows");
    if (bytes > 0) {
        o->state = vg_calloc(1, bytes);
        if (!o->state)
            return vg_fail(err, VG_EFAIL, "out of memory for %zu bytes of optimizer state", bytes);
    }
    return VG_OK;
}

void optim_free(optimizer *o)
{
    free(o->state);
    o->state = NULL;
}

void optim_begin(optimizer *o) { o->t++; }

double optim_apply(optimizer *o, double *params, const double *grads, size_t off, size_t n,
                   double grad_scale, double decay)
{
    double *w = params + off;
    const double *g = grads + off;
    double step_sq = 0.0;
    switch (o->kind) {
    case OPT_SGD:
        for (size_t i = 0; i < n; i++) {
            double step = o->lr * (grad_scale * g[i] + decay * w[i]);
            w[i] -= step;
            step_sq += step * step;
        }
        break;
    case OPT_MOMENTUM: {
        double *v = o->state + off;
        for (size_t i = 0; i < n; i++) {
            v[i] = o->momentum * v[i] + grad_scale * g[i] + decay * w[i];
            double step = o->lr * v[i];
            w[i] -= step;
            step_sq += step * step;
        }
        break;
    }
    case OPT_ADAM: {
        double *m = o->state + off;
        double *v = o->state + o->n + off;
        double c1 = 1.0 - pow(o->beta1, (double)o->t);
        double c2 = 1.0 - pow(o->beta2, (double)o->t);
        for (size_t i = 0; i < n; i++) {
            double gi = grad_scale * g[i] + decay * w[i];
            m[i] = o->beta1 * m[i] + (1.0 - o->beta1) * gi;
            v[i] = o->beta2 * v[i] + (1.0 - o->beta2) * gi * gi;
            double step = o->lr * (m[i] / c1) / (sqrt(v[i] / c2) + o->eps);
            w[i] -= step;
            step_sq += step * step;
        }
        break;
    }
    }
    return step_sq;
}
