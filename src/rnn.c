/* rnn.c: the recurrent models' option names (rnn.h). */
#include "rnn.h"

const char *const model_names[MODEL_COUNT] = {"mlp", "rnn", "lstm", "gru"};
const char *const seq_names[SEQ_COUNT] = {"rows", "pixels"};
const char *const seq_output_names[SEQ_OUTPUT_COUNT] = {"last", "all"};
const char *const recurrent_init_names[RINIT_COUNT] = {"pytorch", "orthogonal", "identity",
                                                       "normal"};
