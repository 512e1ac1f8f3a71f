# time-heatmap.awk: the program of time-heatmap.sh (gawk, after csv.awk, runs.awk, series.awk,
# medians.awk and gnuplot.awk; lib.sh draw passes the -v variables, quantity the column).
# The medians are kept as series t (the time step) at x = the training step.
BEGIN {
    runs = dir "/runs.csv"
    time_file = dir "/time.csv"
    # the first 6 configurations in plan order, a panel each (not the
    # deepest first, as the layer heatmap picks: depth here is stacked
    # recurrent layers, and the models compared may differ in it)
    select_runs(runs)
    groups()
    NPICKED = NGROUP < 6 ? NGROUP : 6
    for (k = 1; k <= NPICKED; k++) { PICKED[k] = k; PANEL_OF[k] = k }
    if (NPICKED < NGROUP) note(NPICKED " of " NGROUP " configurations shown (choose with --where KEY=VALUE)")

    csv_open(time_file)
    while (csv_next(time_file)) {
        if (!(p = row_panel(time_file))) continue
        # the top recurrent layer: depth of runs.csv (layer 1 without it)
        top = ("depth" in ISKEY) ? CFG[ROWRUN, "depth"] + 0 : 1
        if (col(time_file, "layer") + 0 != top) continue
        s = col(time_file, "step") + 0
        t = col(time_file, "t") + 0
        v = col(time_file, quantity)
        if (v == "") { empty[ROWRUN] = 1; continue }
        steps[p, s] = 1
        if (t > maxt[p]) maxt[p] = t
        heat_add(p, t, s, v)
    }
    several = heat_several()
    if (length(steps) == 0) skip("no " quantity " in time.csv for the runs drawn" (length(empty) ? " (" quantity " is empty for these models)" : ""))
    if (!several) skip("a single logged step per run (steps=0): nothing to show over training")
    if (lo == "") skip("no positive finite " quantity)
    if (length(empty)) note(length(empty) " runs have no " quantity " (it is the LSTM's only)")
    if (zero) note(zero " values of 0 (grey)")
    if (nonfinite) note(nonfinite " non-finite values (vermilion)")
    flush_notes()

    gc = NPICKED <= 3 ? NPICKED : (NPICKED == 4 ? 2 : 3)
    gr = int((NPICKED + gc - 1) / gc)
    GRIDC = gc; GRIDR = gr
    picked_labels()
    sym = time_symbol(quantity)
    figure_title(time_words(quantity) " " sym " by time step and training step", \
                 (PCOMMON == "" ? "" : PCOMMON "; ") "top recurrent layer; " \
                 (MAXGSIZE > 1 ? "median over " MAXGSIZE " seeds; " : "") \
                 "grey: exactly 0; vermilion: non-finite")
    # panels wide enough for their titles (the keys that differ)
    pw = 400
    for (k = 1; k <= NPICKED; k++) if (7.8 * length(PLABEL[k]) + 40 > pw) pw = int(7.8 * length(PLABEL[k]) + 40)
    grid(gc, gr, pw, 300, 130, 48)
    log_axis("cb", lo, hi)
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
        panel(PR[k], PC[k], PLABEL[k])
        printf "set xlabel %s\n", (PR[k] == gr || k + gc > NPICKED) ? "\"training step\"" : "\"\""
        printf "set ylabel %s\n", PC[k] == 1 ? "\"time step t\"" : "\"\""
        if ((ncells = heat_panel(k, maxt[k])) < 0) continue
        if (k == 1) clear_title()
        if (ncells && !colorbox_drawn++) print "unset colorbox"
    }
    print "unset multiplot"
}
