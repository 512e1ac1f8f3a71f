/* layer.c: the table of layer kinds and the layout of an instance's
 * parameter groups (layer.h).  Each kind lives in its own file,
 * src/layer_NAME.c. */
#include "layer.h"

#include "vg.h"

const layer_kind *const layer_table[LAYER_KIND_COUNT] = {
    [LAYER_DENSE] = &layer_dense,
    [LAYER_DENSE_BATCHNORM] = &layer_dense_batchnorm,
    [LAYER_DENSE_LAYERNORM] = &layer_dense_layernorm,
    [LAYER_RNN] = &layer_rnn,
    [LAYER_LSTM] = &layer_lstm,
    [LAYER_GRU] = &layer_gru,
};

static int dim_of(const layer *ly, int dim)
{
    return dim == LAYER_DIM_IN      ? ly->fan_in
           : dim == LAYER_DIM_OUT   ? ly->fan_out
           : dim == LAYER_DIM_GATES ? ly->kind->gates * ly->fan_out
                                    : 1;
}

int layer_file_index(const layer *ly, int l) { return ly->kind->gates ? l - 1 : l; }

int layer_group_rows(const layer *ly, int g) { return dim_of(ly, ly->kind->groups[g].rows); }

int layer_group_cols(const layer *ly, int g) { return dim_of(ly, ly->kind->groups[g].cols); }

size_t layer_group_size(const layer *ly, int g)
{
    return (size_t)layer_group_rows(ly, g) * (size_t)layer_group_cols(ly, g);
}

int layer_place(layer *ly, int max_batch, size_t *param_off, size_t *scratch_off)
{
    const layer_kind *k = ly->kind;
    ly->param_off = *param_off;
    for (int g = 0; g < k->n_groups; g++) {
        size_t n;
        if (!vg_mul_size((size_t)layer_group_rows(ly, g), (size_t)layer_group_cols(ly, g), &n))
            return 0;
        ly->group_off[g] = *param_off;
        if (!vg_add_size(*param_off, n, param_off)) return 0;
    }
    size_t scratch = k->scratch ? k->scratch(ly, max_batch) : 0;
    ly->scratch_off = *scratch_off;
    return scratch != SIZE_MAX && vg_add_size(*scratch_off, scratch, scratch_off);
}
