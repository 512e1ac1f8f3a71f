# activation-stats.awk: the program of activation-stats.sh (gawk, after csv.awk, runs.awk, series.awk,
# medians.awk and gnuplot.awk; lib.sh draw passes the -v variables).
BEGIN {
    runs = dir "/runs.csv"
    layers = dir "/layers.csv"
    STD = 100               # series s + STD holds the std of series s
    pick_panels(runs, 6)

    # hidden layers 1 .. L-1 (the output layer is the loss's), at most 8
    L = panel_layers(layers, steps)
    H = L - 1
    if (H < 1) skip("no hidden layer")
    nl = H <= 8 ? H : 8
    for (s = 1; s <= nl; s++) {
        l = nl == 1 ? 1 : int(1 + (H - 1) * (s - 1) / (nl - 1) + 0.5)
        series_of[l] = s
        SERLABEL[s] = l
        SERSTYLE[s] = sprintf("lc palette frac layer_frac(%d, %d)", l, H)
        SERFILL[s] = sprintf("fc palette frac layer_frac(%d, %d)", l, H)
        SERWITH[s] = "lines"
    }
    NSER = nl
    LEGTITLE = "hidden layer l"

    mcol = quantity "_mean"; scol = quantity "_std"
    csv_open(layers)
    while (csv_next(layers)) {
        if (!(p = row_panel(layers))) continue
        l = col(layers, "layer") + 0
        if (!(l in series_of)) continue
        m = col(layers, mcol); sd = col(layers, scol)
        if (!finite(m) || !finite(sd)) { nonfinite++; continue }
        addv(p, series_of[l], col(layers, "step"), m)
        addv(p, series_of[l] + STD, col(layers, "step"), sd)
    }
    if (length(NV) == 0) skip("no finite " mcol)
    if (nonfinite) note(nonfinite " non-finite values not drawn")
    flush_notes()

    # the y range: every median mean -+ median std
    for (k = 1; k <= NPICKED; k++)
        for (s = 1; s <= NSER; s++) band_rows(k, s, 0)
    picked_labels()
    gc = NPICKED <= 3 ? NPICKED : (NPICKED == 4 ? 2 : 3)
    GRIDR = int((NPICKED + gc - 1) / gc)
    single = NPICKED == 1
    words = quantity == "act" ? "activations" : "pre-activations"
    sym = quantity == "act" ? "a_l" : "z_l"
    figure_title("Mean and spread of each hidden layer's " words " during training", \
                 (PCOMMON == "" ? "" : PCOMMON "; ") nincluded() " runs" \
                 (MAXGSIZE > 1 ? "; lines: median over " MAXGSIZE " seeds" : "") \
                 "; bands: mean ± one std over units and examples")
    BANDS = 0               # the legend shows no min-max band
    grid(gc, GRIDR, single ? 560 : 400, single ? 400 : 300, legend_width(), 48)
    pad = (YHI - YLO) * 0.04 + 1e-12
    lin_axis("y", YLO - pad, YHI + pad)
    n = asorti(steps, sl, "@ind_num_asc")
    printf "set xrange [%.17g:%.17g]\n", sl[1], sl[n]
    for (k = 1; k <= NPICKED; k++) {
        r = int((k - 1) / gc) + 1; c = (k - 1) % gc + 1
        panel(r, c, PLABEL[k])
        printf "set xlabel %s\n", (r == GRIDR || k + gc > NPICKED) ? "\"step\"" : "\"\""
        printf "set ylabel %s\n", c == 1 ? q("mean of " sym " ± std") : "\"\""
        cmd = ""; bands = ""
        for (s = 1; s <= NSER; s++) {
            name = band_rows(k, s, 1)
            if (name == "") continue
            bands = bands sprintf("%s using 1:($2-$3):($2+$3) with filledcurves %s fs transparent solid 0.12 noborder notitle, ", \
                                  name, SERFILL[s])
            cmd = cmd sprintf("%s%s using 1:2 with lines %s lw LW notitle", cmd == "" ? "" : ", ", name, SERSTYLE[s])
        }
        if (cmd == "") { print "plot NaN notitle"; continue }
        print "plot " bands cmd
        if (k == 1) clear_title()
    }
    legend()
    print "unset multiplot"
}

# band_rows(p, s, emit): the rows (step, median mean, median std) of series s
# in panel p; widens YLO..YHI to mean -+ std; with emit, prints them as the
# datablock $ms_p_s and returns its name ("" when the series has no rows).
function band_rows(p, s, emit,   name, n, j, xs, x, m, sd) {
    if (!((p SUBSEP s) in NX)) return ""
    n = NX[p, s]
    for (j = 1; j <= n; j++) xs[j] = XS[p, s, j]
    asort(xs)
    name = "$ms_" p "_" s
    if (emit) print name " << EOD"
    for (j = 1; j <= n; j++) {
        x = sprintf("%.17g", xs[j])
        stats(p SUBSEP s SUBSEP x); m = MED
        stats(p SUBSEP (s + STD) SUBSEP x); sd = MED
        if (YLO == "" || m - sd < YLO) YLO = m - sd
        if (YHI == "" || m + sd > YHI) YHI = m + sd
        if (emit) printf "%s %.17g %.17g\n", x, m, sd
    }
    if (emit) print "EOD"
    return name
}
