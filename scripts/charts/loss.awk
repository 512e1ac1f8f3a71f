# loss.awk: the program of loss.sh (gawk, after csv.awk, runs.awk, series.awk,
# medians.awk and gnuplot.awk; lib.sh draw passes the -v variables).
BEGIN {
    runs = dir "/runs.csv"
    train = dir "/train.csv"
    select_runs(runs)
    groups()
    assign("")
    csv_open(train)
    test = has_col(train, "test_loss") && has_col(train, "test_accuracy")
    if (test) set_columns("loss accuracy test_loss test_accuracy", "training loss|training accuracy|test loss|test accuracy")
    else set_columns("loss accuracy", "training loss|training accuracy")
    while (csv_next(train)) {
        i = RUNIX[col(train, "run_id")]
        if (!i || !INCL[i]) continue
        s = col(train, "step")
        steps[s + 0] = 1
        for (c = 1; c <= NCOLV; c++) {
            v = col(train, COLV[c])
            if (v == "") continue
            if (!finite(v)) { nonfinite++; continue }
            if (COLV[c] ~ /loss/ && v + 0 <= 0) { zero++; continue }
            addv(pid(RROW[i], c), RSER[i], s, v)
            if (!(c in ylo) || v + 0 < ylo[c]) ylo[c] = v + 0
            if (!(c in yhi) || v + 0 > yhi[c]) yhi[c] = v + 0
        }
    }
    if (length(steps) < 2) skip("a single logged step per run (steps=0): no training to show")
    if (nonfinite) note(nonfinite " non-finite values not drawn (diverged runs)")
    if (zero) note(zero " losses of 0 not drawn (log axis)")

    n = asorti(steps, sl, "@ind_num_asc")
    layout(2)
    flush_notes()   # after layout: it notes the panels left out
    figure_title("Loss and accuracy during training", seeds_text(nincluded()))
    grid(GRIDC, GRIDR, 420, 300, legend_width(), 48)
    printf "set xrange [%.17g:%.17g]\n", sl[1], sl[n]
    print "set xtics autofreq; set mxtics default"
    for (k = 1; k <= NPANEL; k++) {
        p = PANELS[k]
        c = (p - 1) % NCOLV + 1
        panel(PR[p], PC[p], panel_title(p))
        printf "set xlabel %s\n", (PR[p] == GRIDR || pid_below(p) < 0) ? "\"step\"" : "\"\""
        if (COLV[c] ~ /loss/) {
            print "set ylabel \"loss\""
            if (yhi[c] / ylo[c] > 20) log_axis("y", ylo[c], yhi[c])
            else { lin_axis("y", "*", "*"); print "set yrange [*:*] writeback" }
        } else {
            print "set ylabel \"accuracy\""
            lin_axis("y", 0, 1.02)
            print "set ytics 0, 0.2, 1"
        }
        plot_panel(p)
        if (k == 1) clear_title()
    }
    legend()
    print "unset multiplot"
}
