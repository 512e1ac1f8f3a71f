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
        heat_add(p, l, s, v)
    }
    several = heat_several()
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
        if ((ncells = heat_panel(k, maxlayer[k])) < 0) continue
        if (k == 1) clear_title()
        if (ncells && !colorbox_drawn++) print "unset colorbox"
    }
    print "unset multiplot"
}
