#!/bin/sh
# learning-speed.sh: a gradient norm of each layer against the training step,
# log y, one line per layer coloured from the first hidden layer (dark) to the
# output layer (light): Nielsen's figure (Neural Networks and Deep Learning,
# ch. 5), where the first hidden layer learns far slower than the last.  One
# panel per configuration (at most 6: the deepest networks, one per activation
# first), median over seeds with a min-max band; at most 8 layers, evenly spaced.
#   scripts/charts/learning-speed.sh RESULTS_DIR OUT_FILE
#       [--metric grad_w_norm|delta_norm|grad_b_norm] [--where KEY=VALUE]...
#       [--format png|svg|pdf] [--gp FILE] [--check]
set -eu
. "$(dirname "$0")/lib.sh"
chart_args learning-speed "$@"
need_csv "$dir/runs.csv" run_id
need_csv "$dir/layers.csv" run_id step layer "$metric"
[ "$check" -eq 0 ] || exit 0

draw "$charts_dir/learning-speed.awk"
