#!/bin/sh
# activation-stats.sh: the mean of each hidden layer's activations against
# the training step, with a band of one standard deviation around it (the
# spread over the layer's units and the examples): Glorot & Bengio 2010,
# fig. 2, where the top sigmoid layer saturates towards 0 early in training
# while the lower ones stay near 0.5.  One line per hidden layer coloured from
# the first (dark) to the last (light), at most 8 evenly spaced; one panel
# per configuration (at most 6: the deepest networks, one per activation
# first); the median over seeds of the mean and of the std.
# --quantity preact draws the pre-activations instead.
#   scripts/charts/activation-stats.sh RESULTS_DIR OUT_FILE [--quantity act|preact]
#       [--where KEY=VALUE]... [--format png|svg|pdf] [--gp FILE] [--check]
set -eu
. "$(dirname "$0")/lib.sh"
chart_args activation-stats "$@"
case "${quantity:-act}" in
    act | preact) quantity=${quantity:-act} ;;
    *) die "--quantity: '$quantity' is not act or preact (for activation-stats)" ;;
esac
need_csv "$dir/runs.csv" run_id
need_csv "$dir/layers.csv" run_id step layer "${quantity}_mean" "${quantity}_std"
[ "$check" -eq 0 ] || exit 0

draw "$charts_dir/activation-stats.awk"
