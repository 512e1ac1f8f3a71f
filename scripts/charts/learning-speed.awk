# learning-speed.awk: the program of learning-speed.sh (gawk, after csv.awk, runs.awk, series.awk,
# medians.awk and gnuplot.awk; lib.sh draw passes the -v variables).
BEGIN {
    runs = dir "/runs.csv"
    layers = dir "/layers.csv"
    pick_panels(runs, 6)

    # the layers to draw: every one up to 8, else 8 evenly spaced from 1 to L
    L = panel_layers(layers, steps)
    nl = L <= 8 ? L : 8
    for (s = 1; s <= nl; s++) {
        l = nl == 1 ? 1 : int(1 + (L - 1) * (s - 1) / (nl - 1) + 0.5)
        series_of[l] = s
        SERLABEL[s] = l == L ? l " (output)" : l
        SERSTYLE[s] = sprintf("lc palette frac layer_frac(%d, %d) dt %d", l, L, l == L ? 2 : 1)
        SERFILL[s] = sprintf("fc palette frac layer_frac(%d, %d)", l, L)
        SERWITH[s] = "lines"
    }
    NSER = nl
    LEGTITLE = "layer l"

    csv_open(layers)
    while (csv_next(layers)) {
        if (!(p = row_panel(layers))) continue
        l = col(layers, "layer") + 0
        if (!(l in series_of)) continue
        v = col(layers, metric)
        if (!finite(v)) { nonfinite++; continue }
        if (v + 0 <= 0) { zero++; continue }
        addv(p, series_of[l], col(layers, "step"), v)
    }
    if (length(NV) == 0) skip("no positive finite " metric)
    if (zero) note(zero " values of 0 not drawn (log axis)")
    if (nonfinite) note(nonfinite " non-finite values not drawn")
    flush_notes()

    picked_labels()
    gc = NPICKED <= 3 ? NPICKED : (NPICKED == 4 ? 2 : 3)
    GRIDC = gc
    GRIDR = int((NPICKED + gc - 1) / gc)
    single = NPICKED == 1
    sym = metric_symbol(metric)
    figure_title("Learning speed: " tolower(metric_words(metric)) " " sym " of each layer during training", \
                 (PCOMMON == "" ? "" : PCOMMON "; ") seeds_text(nincluded()))
    grid(gc, GRIDR, single ? 560 : 400, single ? 400 : 300, legend_width(), 48)
    range_of("")
    log_axis("y", RMIN, RMAX)
    n = asorti(steps, sl, "@ind_num_asc")
    printf "set xrange [%.17g:%.17g]\n", sl[1], sl[n]
    for (k = 1; k <= NPICKED; k++) {
        PR[k] = int((k - 1) / gc) + 1
        PC[k] = (k - 1) % gc + 1
    }
    for (k = 1; k <= NPICKED; k++) {
        panel(PR[k], PC[k], PLABEL[k])
        printf "set xlabel %s\n", (PR[k] == GRIDR || k + gc > NPICKED) ? "\"step\"" : "\"\""
        printf "set ylabel %s\n", PC[k] == 1 ? "\"" sym "\"" : "\"\""
        plot_panel(k)
        if (k == 1) clear_title()
    }
    legend()
    print "unset multiplot"
}
