# dead-saturated.awk: the program of dead-saturated.sh (gawk, after csv.awk, runs.awk, series.awk,
# medians.awk and gnuplot.awk; lib.sh draw passes the -v variables).
BEGIN {
    runs = dir "/runs.csv"
    layers = dir "/layers.csv"
    select_runs(runs)
    groups()
    depthkey = ISDIFF["depth"] ? "depth" : ""
    assign(depthkey)
    # rows: each row of assign() once per depth; columns: the two fractions
    columns(depthkey)
    nd = NCOLV
    for (d = 1; d <= nd; d++) dv[d] = COLV[d]
    for (r = 1; r <= NROW; r++) rl[r] = ROWLABEL[r]
    nr = NROW
    for (r = 1; r <= nr; r++)
        for (d = 1; d <= nd; d++) {
            R = (r - 1) * nd + d
            ROWLABEL[R] = (depthkey == "" ? "" : "depth = " dv[d]) (depthkey != "" && rl[r] != "" ? "; " : "") rl[r]
            rowof[r, dv[d]] = R
        }
    NROW = nr * nd
    set_columns("dead_frac saturated_frac", "dead units|saturated units")

    # the step of each run: --step, or its last
    csv_open(layers)
    while (csv_next(layers)) {
        i = RUNIX[col(layers, "run_id")]
        if (!i || !INCL[i]) continue
        s = col(layers, "step") + 0
        if (step == "" ? (!(i in at) || s > at[i]) : s == step + 0) at[i] = s
    }
    if (length(at) == 0) skip("no run logged step " step)
    if (step == "") {
        for (i in at) { if (mins == "" || at[i] < mins) mins = at[i]; if (at[i] > maxs) maxs = at[i] }
        stepwords = mins == maxs ? "at step " maxs : "at the last logged step of each run (" mins " to " maxs ")"
    } else {
        stepwords = "at step " step
        if (length(at) < nincluded()) note(nincluded() - length(at) " runs did not log step " step)
    }
    csv_open(layers)
    while (csv_next(layers)) {
        i = RUNIX[col(layers, "run_id")]
        if (!i || !(i in at) || col(layers, "step") + 0 != at[i]) continue
        R = rowof[RROW[i], depthkey == "" ? "" : CFG[i, depthkey]]
        l = col(layers, "layer")
        if (l + 0 > maxl[R]) maxl[R] = l + 0
        for (c = 1; c <= 2; c++) {
            v = col(layers, COLV[c])
            if (!finite(v)) { nonfinite++; continue }
            addv(pid(R, c), RSER[i], l, v)
            if (v + 0 > ymax[c]) ymax[c] = v + 0
        }
    }
    if (nonfinite) note(nonfinite " non-finite values not drawn")

    layout(2)
    flush_notes()   # after layout: it notes the panels left out
    figure_title("Dead and saturated units by layer " stepwords, \
                 "dead: f′ = 0 on every example; saturated: |f′| < 1% of its largest; " seeds_text(nincluded()))
    grid(GRIDC, GRIDR, 400, 290, legend_width(), 48)
    for (k = 1; k <= NPANEL; k++) {
        p = PANELS[k]
        c = (p - 1) % NCOLV + 1
        panel(PR[p], PC[p], panel_title(p))
        printf "set xlabel %s\n", (PR[p] == GRIDR || pid_below(p) < 0) ? "\"layer l (the last is the output layer)\"" : "\"\""
        printf "set ylabel %s\n", c == 1 ? "\"dead\\\\_frac\"" : "\"saturated\\\\_frac\""
        top = ymax[c] * 1.1
        top = top <= 0.05 ? 0.05 : top <= 0.1 ? 0.1 : top <= 0.25 ? 0.25 : top <= 0.5 ? 0.5 : 1.02
        lin_axis("y", 0, top)
        R = int((p - 1) / NCOLV) + 1
        layer_axis(maxl[R])
        plot_panel(p)
        if (k == 1) clear_title()
    }
    legend()
    print "unset multiplot"
}
