#!/bin/sh
# grad-by-layer.sh: a gradient norm of every layer at one step (step 0, the
# network at initialisation, unless --step), log y: a line falling towards
# layer 1 is a vanishing gradient, a rising one an exploding gradient.  One
# line per configuration (the keys that differ between runs), median over
# seeds with a min-max band; one panel per depth.
# --theory adds, dashed in the same colour, the mean-field prediction of
# `vgrad theory` for each configuration: anchored at the output layer's
# measured value, layer l below it is that value times the predicted ratios
# of layers l..depth (theory.csv's log10_grad_w_ratio or log10_delta_ratio),
# the median over seeds as for the measured line.  It applies at step 0 (the
# network at initialisation), to grad_w_norm and delta_norm; configurations
# outside the theory (constant non-zero biases, loaded weights) get no line.
#   scripts/charts/grad-by-layer.sh RESULTS_DIR OUT_FILE [--step N]
#       [--metric grad_w_norm|delta_norm|grad_b_norm] [--where KEY=VALUE]...
#       [--format png|svg|pdf] [--gp FILE (keep the gnuplot script)] [--theory] [--check]
set -eu
. "$(dirname "$0")/lib.sh"
chart_args grad-by-layer "$@"
[ "$theory" -eq 0 ] || chart=grad-by-layer-theory   # the name its lines go by
need_csv "$dir/runs.csv" run_id
need_csv "$dir/layers.csv" run_id step layer "$metric"
if [ "$theory" -eq 1 ]; then
    [ -z "$step" ] || [ "$step" -eq 0 ] ||
        skip_chart "the mean-field prediction is for step 0 (the network at initialisation), not step $step"
    [ "$metric" != grad_b_norm ] ||
        skip_chart "no mean-field prediction for grad_b_norm (there is one for grad_w_norm and delta_norm)"
fi
[ "$check" -eq 0 ] || exit 0

theory_map=""
[ "$theory" -eq 0 ] || theory_runs theory.csv

draw "$charts_dir/grad-by-layer.awk"
