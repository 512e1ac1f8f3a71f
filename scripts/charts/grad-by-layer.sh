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
    gawk -f "$charts_dir/csv.awk" -f "$charts_dir/lib.awk" -v runs="$dir/runs.csv" -v args_dir="$work/theory" -e '
        BEGIN {
            load_runs(runs)
            for (i = 1; i <= NRUN; i++) {
                args = ""
                for (k = 1; k <= NKEY; k++) {
                    key = KEY[k]; v = CFG[i, key]
                    # widths carries depth and width (width is 0 for uneven
                    # layers); 0 for n_features, n_classes means "the data'"'"'s
                    # own", which files refuse as a given value; the data
                    # seed is seed where data_seed is 0
                    if (key == "data_seed" && v + 0 == 0) v = CFG[i, "seed"]
                    if (v == "" || key ~ /^(name|out|seed|shuffle_seed|depth|width|save_.*)$/) continue
                    if (key ~ /^(n_features|n_classes)$/ && v + 0 == 0) continue
                    args = args "\t" key "=" v
                }
                if (!(args in config)) {
                    config[args] = ++n
                    file = args_dir "/" n ".args"
                    m = split(substr(args, 2), a, "\t")
                    for (j = 1; j <= m; j++) print a[j] > file
                    close(file)
                }
                printf "%d\t%s\n", config[args], RUNID[i]
            }
        }' >"$work/theory.runs"
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

draw '
BEGIN {
    runs = dir "/runs.csv"
    layers = dir "/layers.csv"
    at = step == "" ? 0 : step + 0
    select_runs(runs)
    groups()
    colkey = ISDIFF["depth"] ? "depth" : ""
    assign(colkey)
    columns(colkey)

    if (theory_map != "") read_predictions(metric == "delta_norm" ? "log10_delta_ratio" : "log10_grad_w_ratio")

    csv_open(layers)
    while (csv_next(layers)) {
        i = RUNIX[col(layers, "run_id")]
        if (!i || !INCL[i] || col(layers, "step") + 0 != at) continue
        seen[i] = 1
        v = col(layers, metric)
        if (!finite(v)) { nonfinite++; continue }
        if (v + 0 <= 0) { zero++; continue }
        c = COLOF[colkey == "" ? "" : CFG[i, colkey]]
        l = col(layers, "layer") + 0
        addv(pid(RROW[i], c), RSER[i], l, v)
        if (l > maxlayer[c]) maxlayer[c] = l
        if (theory_map != "" && l > TOPL[i]) { TOPL[i] = l; TOPV[i] = v; TOPP[i] = pid(RROW[i], c) }
    }
    if (theory_map != "") add_predictions()
    nseen = length(seen)
    if (nseen == 0) skip("no run logged step " at)
    if (length(NV) == 0) skip("no positive finite " metric " at step " at)
    if (nseen < nincluded()) note(nincluded() - nseen " runs did not log step " at)
    if (zero) note(zero " values of 0 not drawn (log axis)")
    if (nonfinite) note(nonfinite " non-finite values not drawn")
    flush_notes()

    layout(3)
    range_of("")
    single = (NPANEL == 1)
    figure_title(metric_words(metric) " " metric_symbol(metric) " of each layer at step " at, \
                 seeds_text(nincluded()) "; layer 1 is the first hidden layer, the last the output layer" \
                 (PREDICTED ? "; dashed: mean-field prediction from the output layer down" : ""))
    grid(GRIDC, GRIDR, single ? 560 : 380, single ? 400 : 300, legend_width(), 48)
    log_axis("y", RMIN, RMAX)
    for (k = 1; k <= NPANEL; k++) {
        p = PANELS[k]
        c = (p - 1) % NCOLV + 1
        panel(PR[p], PC[p], panel_title(p))
        outer_labels(p, "\"layer l\"", "\"" metric_symbol(metric) "\"")
        layer_axis(maxlayer[c])
        plot_panel(p)
        if (k == 1) clear_title()
    }
    legend()
    print "unset multiplot"
}

# read_predictions(column): PRED[i, l], the predicted log10 ratio of layer l
# to layer l + 1 of run i, from the theory.csv files of theory_map.
function read_predictions(column,   line, f, i, file, nwhy, why, reason) {
    while ((getline line < theory_map) > 0) {
        split(line, f, "\t")
        i = RUNIX[f[1]]
        if (!i || !INCL[i]) continue
        if (f[2] ~ /^!/) { why[substr(f[2], 2)]++; nwhy++; continue }
        file = f[2]
        if (!(file in READ)) {
            READ[file] = 1
            csv_open(file)
            while (csv_next(file)) TR[file, col(file, "layer") + 0] = col(file, column)
        }
        TFILE[i] = file
    }
    close(theory_map)
    for (reason in why) note("no prediction for " why[reason] " run" (why[reason] > 1 ? "s" : "") ": " reason)
    if (nwhy == nincluded()) skip("no run is inside the mean-field theory (" reason ")")
}
# add_predictions(): the predicted line of every run with a theory, anchored
# at its output layer, as series s + PREDICTED of the run'"'"'s panel.
function add_predictions(   i, l, logv, r, stopped) {
    PREDICTED = 1000
    PREDICTED_TITLE = "mean-field prediction"
    if (NSER == 1 && SERLABEL[1] == "") SERLABEL[1] = "measured"
    for (i = 1; i <= NRUN; i++) {
        if (!(i in TFILE) || !(i in TOPL)) continue
        l = TOPL[i]
        addv(TOPP[i], RSER[i] + PREDICTED, l, TOPV[i])
        logv = log(TOPV[i]) / log(10)
        for (l = TOPL[i] - 1; l >= 1; l--) {
            r = TR[TFILE[i], l]
            if (!finite(r)) { stopped++; break }
            logv += r
            if (logv < -300) { stopped++; break }
            addv(TOPP[i], RSER[i] + PREDICTED, l, 10 ^ logv)
        }
    }
    if (stopped) note(stopped " predicted lines stop where the theory predicts no gradient")
}'
