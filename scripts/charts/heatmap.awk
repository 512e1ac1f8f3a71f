# heatmap.awk: the program of heatmap.sh (gawk, after csv.awk, runs.awk, series.awk,
# medians.awk and gnuplot.awk; lib.sh draw passes the -v variables).
BEGIN {
    runs = dir "/runs.csv"
    layers = dir "/layers.csv"
    pick_panels(runs, 6)

    csv_open(layers)
    while (csv_next(layers)) {
        if (!(p = row_panel(layers))) continue
        s = col(layers, "step") + 0
        l = col(layers, "layer") + 0
        steps[p, s] = 1
        if (l > maxlayer[p]) maxlayer[p] = l
        v = col(layers, metric)
        if (!finite(v)) { bad[p, l, s] = 1; nonfinite++; continue }
        addv(p, l, s, v)
        if (v + 0 <= 0) zero++
        else {
            if (lo == "" || v + 0 < lo) lo = v + 0
            if (hi == "" || v + 0 > hi) hi = v + 0
        }
    }
    for (key in steps) { split(key, part, SUBSEP); nsteps[part[1]]++ }
    for (k = 1; k <= NPICKED; k++) if (nsteps[k] > 1) several = 1
    if (!several) skip("a single logged step per run (steps=0): nothing to show over training")
    if (lo == "") skip("no positive finite " metric)
    if (zero) note(zero " values of 0 (grey)")
    if (nonfinite) note(nonfinite " non-finite values (vermilion)")
    flush_notes()

    gc = NPICKED <= 3 ? NPICKED : (NPICKED == 4 ? 2 : 3)
    gr = int((NPICKED + gc - 1) / gc)
    GRIDC = gc; GRIDR = gr
    picked_labels()
    figure_title(metric_words(metric) " " metric_symbol(metric) " by layer and step", \
                 (PCOMMON == "" ? "" : PCOMMON "; ") (MAXGSIZE > 1 ? "median over " MAXGSIZE " seeds; " : "") \
                 "grey: exactly 0; vermilion: non-finite")
    grid(gc, gr, 400, 300, 130, 48)
    log_axis("cb", lo, hi)
    sym = metric_symbol(metric)
    printf "set colorbox user origin screen %.5f, screen %.5f size screen %.5f, screen %.5f\n", \
           (gc * GPW + 20) / CW, 1 - (GTH + GMT + 220) / CH, 18 / CW, 220 / CH
    printf "set cblabel \"%s\" offset 0.5, 0\n", sym
    print "set style fill solid 1.0 border"   # borders in the cell colour hide antialiasing seams
    print "unset grid"
    for (k = 1; k <= NPICKED; k++) {
        PR[k] = int((k - 1) / gc) + 1
        PC[k] = (k - 1) % gc + 1
    }
    for (k = 1; k <= NPICKED; k++) {
        g = PICKED[k]
        panel(PR[k], PC[k], PLABEL[k])
        printf "set xlabel %s\n", (PR[k] == gr || k + gc > NPICKED) ? "\"step\"" : "\"\""
        printf "set ylabel %s\n", PC[k] == 1 ? "\"layer l\"" : "\"\""
        # cells: each logged step spans half the way to its neighbours
        n = 0
        delete sl
        for (key in steps) { split(key, part, SUBSEP); if (part[1] == k) sl[++n] = part[2] + 0 }
        asort(sl)
        for (j = 1; j <= n; j++) {
            left[j] = j == 1 ? sl[1] - (n > 1 ? (sl[2] - sl[1]) / 2 : 0.5) : (sl[j - 1] + sl[j]) / 2
            right[j] = j == n ? sl[n] + (n > 1 ? (sl[n] - sl[n - 1]) / 2 : 0.5) : (sl[j] + sl[j + 1]) / 2
        }
        if (n > 1) printf "set xrange [%.17g:%.17g]\n", sl[1], sl[n]
        else printf "set xrange [%.17g:%.17g]\n", left[1], right[n]
        printf "set yrange [0.5:%g]\n", maxlayer[k] + 0.5
        if (maxlayer[k] <= 12) print "set ytics 1; set mytics 1"
        else print "set ytics autofreq; set mytics default"
        print "set xtics autofreq; set mxtics default"
        print "$cells_" k " << EOD"
        zl = ""; bl = ""; ncells = 0
        for (l = 1; l <= maxlayer[k]; l++)
            for (j = 1; j <= n; j++) {
                key = k SUBSEP l SUBSEP sprintf("%.17g", sl[j])
                cell = sprintf("%.17g %d %.17g %.17g %g %g", sl[j], l, left[j], right[j], l - 0.5, l + 0.5)
                if ((k SUBSEP l SUBSEP sl[j]) in bad) { bl = bl cell "\n"; continue }
                if (!(key in NV)) continue
                stats(key)
                if (MED <= 0) zl = zl cell "\n"
                else { printf "%s %.17g\n", cell, MED; ncells++ }
            }
        print "EOD"
        printf "$zero_%d << EOD\n%sEOD\n$bad_%d << EOD\n%sEOD\n", k, zl, k, bl
        cmd = ncells ? sprintf("$cells_%d using 1:2:3:4:5:6:7 with boxxyerror lw 1 lc palette notitle", k) : ""
        if (zl != "") cmd = cmd (cmd == "" ? "" : ", ") sprintf("$zero_%d using 1:2:3:4:5:6 with boxxyerror lc rgb ZERO_COLOR notitle", k)
        if (bl != "") cmd = cmd (cmd == "" ? "" : ", ") sprintf("$bad_%d using 1:2:3:4:5:6 with boxxyerror lc rgb NONFINITE_COLOR notitle", k)
        print "plot " cmd
        if (k == 1) clear_title()
        if (ncells && !colorbox_drawn++) print "unset colorbox"
    }
    print "unset multiplot"
}
