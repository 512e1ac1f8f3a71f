#!/bin/sh
# time-heatmap.sh: a recurrent network's gradient norm over time step t (y)
# and training step (x), colour on a log scale (viridis), for the top
# recurrent layer, one panel per configuration (at most 6, the median over
# seeds): where in the sequence learning happens.  A dark band at the
# bottom (early t) that stays dark is the start of the sequence receiving no
# gradient; grey cells are exactly zero, vermilion ones non-finite.
#   scripts/charts/time-heatmap.sh RESULTS_DIR OUT_FILE
#       [--quantity grad_h_norm|grad_c_norm|grad_whh_norm] [--where KEY=VALUE]...
#       [--format png|svg|pdf] [--gp FILE] [--check]
set -eu
. "$(dirname "$0")/lib.sh"
chart_args time-heatmap "$@"
case "$quantity" in
    "" | grad_h_norm | grad_c_norm | grad_whh_norm) quantity=${quantity:-grad_h_norm} ;;
    *) die "--quantity: '$quantity' is not grad_h_norm, grad_c_norm or grad_whh_norm (for time-heatmap)" ;;
esac
need_csv "$dir/runs.csv" run_id
need_time_csv "$quantity"
[ "$check" -eq 0 ] || exit 0

draw "$charts_dir/time-heatmap.awk"
