# unit-percentiles.awk: the program of unit-percentiles.sh (gawk, after
# csv.awk, runs.awk, series.awk, medians.awk and gnuplot.awk; lib.sh draw
# passes the -v variables).
BEGIN {
    runs = dir "/runs.csv"
    layers = dir "/layers.csv"
    pick_panels(runs, 6)
    # the last hidden layer of each panel's run (its output layer less one)
    csv_open(layers)
    while (csv_next(layers)) {
        if (!(p = row_panel(layers)) || ROWRUN != GREP[PICKED[p]]) continue
        l = col(layers, "layer") + 0
        if (l > maxlayer[p]) maxlayer[p] = l
    }
    csv_open(layers)
    while (csv_next(layers)) {
        if (!(p = row_panel(layers)) || ROWRUN != GREP[PICKED[p]]) continue
        if (col(layers, "layer") + 0 != (maxlayer[p] > 1 ? maxlayer[p] - 1 : 1)) continue
        s = col(layers, "step") + 0
        v15 = col(layers, "preact_p15"); v50 = col(layers, "preact_p50"); v85 = col(layers, "preact_p85")
        if (!finite(v15) || !finite(v50) || !finite(v85)) { nonfinite++; continue }
        nstep[p]++
        line[p] = line[p] sprintf("%.17g %.17g %.17g %.17g\n", s, v15, v50, v85)
        if (smax == "" || s > smax) smax = s
        for (k = 1; k <= 3; k++) {
            v = (k == 1 ? v15 : k == 2 ? v50 : v85) + 0
            if (lo == "" || v < lo) lo = v
            if (hi == "" || v > hi) hi = v
        }
    }
    for (k = 1; k <= NPICKED; k++) if (nstep[k] > 1) several = 1
    if (!several) skip("a single logged step per run (steps=0): nothing to show over training")
    if (nonfinite) note(nonfinite " logged steps with non-finite percentiles not drawn")
    flush_notes()

    gc = NPICKED <= 3 ? NPICKED : (NPICKED == 4 ? 2 : 3)
    gr = int((NPICKED + gc - 1) / gc)
    picked_labels()
    figure_title("Input of a unit of the last hidden layer during training: 15th, 50th, 85th percentiles over the batch", \
                 (PCOMMON == "" ? "" : PCOMMON "; ") "first unit, after normalisation; the first seed's run of each configuration")
    grid(gc, gr, 420, 300, 0, 48)
    printf "set xrange [0:%.17g]\n", (smax > 0 ? smax : 1)
    print "set xtics autofreq; set mxtics default"
    lin_axis("y", lo - 0.05 * (hi - lo), hi + 0.25 * (hi - lo))   # room for the key on top
    print "set key top left horizontal samplen 2 textcolor rgb \"#222222\""
    for (k = 1; k <= NPICKED; k++) {
        r = int((k - 1) / gc) + 1
        c = (k - 1) % gc + 1
        panel(r, c, PLABEL[k] " (layer " (maxlayer[k] > 1 ? maxlayer[k] - 1 : 1) ")")
        printf "set xlabel %s\n", (r == gr || k + gc > NPICKED) ? "\"step\"" : "\"\""
        printf "set ylabel %s\n", c == 1 ? "\"input of the unit\"" : "\"\""
        print "$p" k " << EOD"
        printf "%s", line[k]
        print "EOD"
        if (nstep[k] < 1) {
            print "set label 903 \"no data\" at graph 0.5, 0.5 center"
            print "plot NaN notitle"
            print "unset label 903"
            continue
        }
        printf "plot $p%d using 1:4 with lines lc rgb \"#56B4E9\" lw LW title \"85th\", ", k
        printf "$p%d using 1:3 with lines lc rgb \"#000000\" lw LW title \"50th\", ", k
        printf "$p%d using 1:2 with lines lc rgb \"#56B4E9\" lw LW title \"15th\"\n", k
        if (k == 1) clear_title()
    }
    print "unset multiplot"
}
