# depth-sweep.awk: the program of depth-sweep.sh (gawk, after csv.awk, runs.awk, series.awk,
# medians.awk and gnuplot.awk; lib.sh draw passes the -v variables).
BEGIN {
    runs = dir "/runs.csv"
    layers = dir "/layers.csv"
    at = step == "" ? 0 : step + 0
    select_runs(runs)
    if (!ISDIFF["depth"]) {
        for (i = 1; i <= NRUN; i++) if (INCL[i]) { d = CFG[i, "depth"]; break }
        skip("only one depth (" d ")")
    }
    groups()
    POINTS = 1
    assign("depth")
    set_columns("first ratio", "first hidden layer|first hidden layer / output layer")

    first_last(layers, at, first, last, last_layer)
    for (i = 1; i <= NRUN; i++) {
        if (!INCL[i] || !(i in first)) continue
        seen++
        d = CFG[i, "depth"]
        if (!finite(first[i]) || !finite(last[i])) { nonfinite++; continue }
        if (first[i] + 0 <= 0 || last[i] + 0 <= 0) { zero++; continue }
        addv(pid(RROW[i], 1), RSER[i], d, first[i])
        addv(pid(RROW[i], 2), RSER[i], d, first[i] / last[i])
        depths[d + 0] = 1
    }
    if (seen == 0) skip("no run logged step " at)
    if (length(NV) == 0) skip("no positive finite " metric " at step " at)
    if (seen < nincluded()) note(nincluded() - seen " runs did not log step " at)
    if (zero) note(zero " runs with a zero norm not drawn (log axis)")
    if (nonfinite) note(nonfinite " runs with non-finite norms not drawn")

    # each column its own y range, every row the same
    for (key in NV) {
        split(key, part, SUBSEP)
        c = (part[1] - 1) % NCOLV + 1
        stats(key)
        if (!(c in ylo) || LO < ylo[c]) ylo[c] = LO
        if (!(c in yhi) || HI > yhi[c]) yhi[c] = HI
    }
    n = asorti(depths, dl, "@ind_num_asc")
    xt = ""
    for (k = 1; k <= n; k++) xt = xt (k > 1 ? ", " : "") dl[k]

    layout(2)
    flush_notes()   # after layout: it notes the panels left out
    sym = metric_symbol(metric)
    s1 = sym; sub(/\{l\}/, "{1}", s1)
    sL = sym; sub(/\{l\}/, "{L}", sL)
    figure_title(metric_words(metric) " against depth at step " at, \
                 seeds_text(nincluded()) "; output layer = layer depth + 1")
    grid(GRIDC, GRIDR, 440, 320, legend_width(), 48)
    for (k = 1; k <= NPANEL; k++) {
        p = PANELS[k]
        c = (p - 1) % NCOLV + 1
        panel(PR[p], PC[p], panel_title(p))
        log_axis("y", ylo[c], yhi[c])
        printf "set xrange [%g:%g]\n", dl[1] - 0.03 * (dl[n] - dl[1]), dl[n] + 0.03 * (dl[n] - dl[1])
        if (n <= 10) print "set xtics (" xt "); set mxtics 1"
        printf "set xlabel %s\n", (PR[p] == GRIDR || pid_below(p) < 0) ? "\"depth (hidden layers)\"" : "\"\""
        printf "set ylabel \"%s\"\n", c == 1 ? s1 : s1 " / " sL
        plot_panel(p)
        if (k == 1) clear_title()
    }
    legend()
    print "unset multiplot"
}
