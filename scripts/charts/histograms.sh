#!/bin/sh
# histograms.sh: the distribution of one quantity of hist.csv (a
# hist_quantity of `vgrad list`: act, preact, delta, ...) in each layer at one step: one row of panels per
# configuration (at most 6, first seed), one panel per layer (every layer up
# to 8, else 6 evenly spaced from the first hidden layer to the output
# layer).  Sigmoid activations piling up at 0 and 1 are saturated units;
# deltas that narrow towards layer 1 are a vanishing gradient.  The step is
# the first one hist.csv has, or the one nearest --step.
#   scripts/charts/histograms.sh RESULTS_DIR OUT_FILE [--quantity QUANTITY]
#       [--step N] [--where KEY=VALUE]... [--format png|svg|pdf] [--gp FILE] [--check]
set -eu
. "$(dirname "$0")/lib.sh"
chart_args histograms "$@"
need_csv "$dir/runs.csv" run_id
chart="histograms${quantity:+-$quantity}"
hist="$dir/hist.csv"
if [ ! -e "$hist" ] || [ "$(head -n 2 "$hist" | wc -l)" -lt 2 ]; then
    [ "$check" -eq 0 ] || exit 0
    if [ -e "$hist" ]; then echo "$chart: skipped: hist.csv has no rows (run with hist_every=N)"
    else echo "$chart: skipped: no hist.csv (run with hist_every=N)"; fi
    exit 3
fi
need_csv "$hist" run_id step layer quantity bin_lo bin_hi count
quantities=$(list_names hist_quantity)
if [ -n "$quantity" ] && ! printf '%s\n' "$quantities" | grep -qx -- "$quantity"; then
    die "--quantity: '$quantity' is not one of $(echo $quantities | sed 's/ /, /g')"
fi
[ "$check" -eq 0 ] || exit 0

draw "$charts_dir/histograms.awk"
