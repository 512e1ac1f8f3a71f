#!/bin/sh
# grad-by-layer.sh: a gradient norm of every layer at one step (step 0, the
# network at initialisation, unless --step), log y: a line falling towards
# layer 1 is a vanishing gradient, a rising one an exploding gradient.  One
# line per configuration (the keys that differ between runs), median over
# seeds with a min-max band; one panel per depth.
#   scripts/charts/grad-by-layer.sh RESULTS_DIR OUT_FILE [--step N]
#       [--metric grad_w_norm|delta_norm|grad_b_norm] [--where KEY=VALUE]...
#       [--format png|svg|pdf] [--gp FILE (keep the gnuplot script)] [--check]
set -eu
. "$(dirname "$0")/lib.sh"
chart_args grad-by-layer "$@"
need_csv "$dir/runs.csv" run_id
need_csv "$dir/layers.csv" run_id step layer "$metric"
[ "$check" -eq 0 ] || exit 0

draw '
BEGIN {
    runs = dir "/runs.csv"
    layers = dir "/layers.csv"
    at = step == "" ? 0 : step + 0
    load_runs(runs)
    apply_where(where)
    differing()
    groups()
    colkey = ISDIFF["depth"] ? "depth" : ""
    assign(colkey)
    columns(colkey)

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
    }
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
                 seeds_text(nincluded()) "; layer 1 is the first hidden layer, the last the output layer")
    grid(GRIDC, GRIDR, single ? 560 : 380, single ? 400 : 300, legend_width(), 48)
    log_axis("y", RMIN, RMAX)
    for (k = 1; k <= NPANEL; k++) {
        p = PANELS[k]
        c = (p - 1) % NCOLV + 1
        panel(PR[p], PC[p], panel_title(p))
        outer_labels(p, "\"layer l\"", "\"" metric_symbol(metric) "\"")
        printf "set xrange [1:%d]\n", (maxlayer[c] > 1 ? maxlayer[c] : 2)
        if (maxlayer[c] <= 12) print "set xtics 1; set mxtics 1"
        else print "set xtics autofreq; set mxtics default"
        plot_panel(p)
        if (k == 1) clear_title()
    }
    legend()
    print "unset multiplot"
}'
