#!/bin/sh
# heatmap.sh: a gradient norm over layer (y) and training step (x), colour
# on a log scale (viridis), one panel per configuration (at most 6: the
# deepest networks, one per activation first; the median over seeds).  A
# dark band at the bottom that stays dark is a first layer that never gets
# gradient; grey cells are exactly zero, vermilion ones non-finite.
#   scripts/charts/heatmap.sh RESULTS_DIR OUT_FILE
#       [--metric grad_w_norm|delta_norm|grad_b_norm] [--where KEY=VALUE]...
#       [--format png|svg|pdf] [--gp FILE] [--check]
set -eu
. "$(dirname "$0")/lib.sh"
chart_args heatmap "$@"
need_csv "$dir/runs.csv" run_id
need_csv "$dir/layers.csv" run_id step layer "$metric"
[ "$check" -eq 0 ] || exit 0

draw "$charts_dir/heatmap.awk"
