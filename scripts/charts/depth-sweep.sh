#!/bin/sh
# depth-sweep.sh: the first hidden layer's gradient norm against depth (left)
# and its ratio to the output layer's (right), log y, at step 0 unless
# --step.  A straight falling line is a gradient that vanishes exponentially
# with depth; a flat line at ratio ~1 is a network that passes gradients
# through.  One line per configuration, median over seeds with a min-max band.
# Skipped when the results have a single depth.
#   scripts/charts/depth-sweep.sh RESULTS_DIR OUT_FILE [--step N]
#       [--metric grad_w_norm|delta_norm|grad_b_norm] [--where KEY=VALUE]...
#       [--format png|svg|pdf] [--gp FILE] [--check]
set -eu
. "$(dirname "$0")/lib.sh"
chart_args depth-sweep "$@"
need_csv "$dir/runs.csv" run_id depth
need_csv "$dir/layers.csv" run_id step layer "$metric"
[ "$check" -eq 0 ] || exit 0

draw "$charts_dir/depth-sweep.awk"
