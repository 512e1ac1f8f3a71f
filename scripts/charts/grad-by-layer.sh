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

# theory_map: one line per run, "RUN_ID<tab>THEORY_CSV" or "RUN_ID<tab>!REASON".
# `vgrad theory` runs once per configuration but for the weight seeds (the
# data seed sets the inputs' mean square, so it stays: seed itself where
# data_seed is 0).
theory_map=""
if [ "$theory" -eq 1 ]; then
    vgrad=${VGRAD:-$charts_dir/../../build/vgrad}
    [ -x "$vgrad" ] || skip_chart "no vgrad binary for the prediction ($vgrad; set VGRAD)"
    make_work
    mkdir "$work/theory"
    theory_map=$work/theory.map
    : >"$work/theory.results"
    # theory.runs: "N<tab>RUN_ID" for each run of configuration N, whose
    # arguments are the lines of theory/N.args (KEY=VALUE)
    vgrad_list
    gawk -f "$charts_dir/csv.awk" -f "$charts_dir/vgrad-list.awk" -f "$charts_dir/runs.awk" \
        -v list="$work/list.csv" -v runs="$dir/runs.csv" -v args_dir="$work/theory" \
        -f "$charts_dir/theory-args.awk" >"$work/theory.runs"
    n_configs=$(awk -F '\t' '$1 > n { n = $1 } END { print n + 0 }' "$work/theory.runs")
    k=1
    while [ "$k" -le "$n_configs" ]; do
        set --
        while IFS= read -r value; do set -- "$@" "$value"; done <"$work/theory/$k.args"
        case " $* " in
            *" load_weights="*) result="!loaded weights (load_weights)" ;;
            *) if "$vgrad" theory "$@" "out=$work/theory/$k" >/dev/null 2>"$work/theory/$k.err"; then
                   result=$work/theory/$k/theory.csv
               else
                   result="!$(sed -n '1s/^vgrad: error: //; 1p' "$work/theory/$k.err")"
               fi ;;
        esac
        printf '%s\t%s\n' "$k" "$result" >>"$work/theory.results"
        k=$((k + 1))
    done
    awk -F '\t' 'NR == FNR { result[$1] = $2; next } { print $2 "\t" result[$1] }' \
        "$work/theory.results" "$work/theory.runs" >"$theory_map"
fi

draw "$charts_dir/grad-by-layer.awk"
