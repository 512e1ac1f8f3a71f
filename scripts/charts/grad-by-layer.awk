# grad-by-layer.awk: the program of grad-by-layer.sh (gawk, after csv.awk, runs.awk, series.awk,
# medians.awk and gnuplot.awk; lib.sh draw passes the -v variables).
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

    layout(3)
    flush_notes()   # after layout: it notes the panels left out
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
# at its output layer, as series s + PREDICTED of the run's panel.
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
}
