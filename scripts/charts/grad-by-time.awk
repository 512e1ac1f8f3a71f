# grad-by-time.awk: the program of grad-by-time.sh (gawk, after csv.awk, runs.awk, series.awk,
# medians.awk and gnuplot.awk; lib.sh draw passes the -v variables, quantity the column).
BEGIN {
    runs = dir "/runs.csv"
    time_file = dir "/time.csv"
    at = step == "" ? 0 : step + 0
    select_runs(runs)

    # the rows at step `at`, kept until the layers (panel columns) are known
    csv_open(time_file)
    while (csv_next(time_file)) {
        i = RUNIX[col(time_file, "run_id")]
        if (!i || !INCL[i] || col(time_file, "step") + 0 != at) continue
        seen[i] = 1
        v = col(time_file, quantity)
        if (v == "") { empty[i] = 1; continue }
        if (!finite(v)) { nonfinite++; continue }
        if (v + 0 <= 0) { zero++; continue }
        l = col(time_file, "layer") + 0
        t = col(time_file, "t") + 0
        n++
        ROW_I[n] = i; ROW_L[n] = l; ROW_T[n] = t; ROW_V[n] = v
        layers_seen[l] = 1
        if (t > maxt) maxt = t
        if (l > TOPL[i] || (l == TOPL[i] && t > TOPT[i])) { TOPL[i] = l; TOPT[i] = t; TOPV[i] = v }
    }
    nseen = length(seen)
    if (nseen == 0) skip("no run logged step " at " in time.csv")
    if (n == 0) skip("no positive finite " quantity " at step " at (length(empty) ? " (" quantity " is empty for these models)" : ""))
    # the runs drawn are those with values (an MLP of the same sweep has no
    # row; an RNN has no grad_c_norm): the legend names what differs among them
    for (i = 1; i <= NRUN; i++) if (INCL[i] && !(i in TOPL)) { INCL[i] = 0; dropped++ }
    differing()
    groups()
    assign("")
    nl = asorti(layers_seen, ls, "@ind_num_asc")
    list = ""; titles = ""
    for (k = 1; k <= nl; k++) { list = list (k > 1 ? " " : "") ls[k]; titles = titles (k > 1 ? "|" : "") (nl > 1 ? "layer " ls[k] : "") }
    set_columns(list, titles)
    for (j = 1; j <= n; j++) addv(pid(RROW[ROW_I[j]], COLOF[ROW_L[j]]), RSER[ROW_I[j]], ROW_T[j], ROW_V[j])
    if (theory_map != "") {
        read_time_predictions()
        add_time_predictions()
    }
    if (dropped) note(dropped " runs not drawn: " (length(empty) ? "no " quantity " (it is the LSTM's only)" : "no row of step " at " in time.csv (not recurrent, or not logged)"))
    if (zero) note(zero " values of 0 not drawn (log axis)")
    if (nonfinite) note(nonfinite " non-finite values not drawn")

    layout(3)
    flush_notes()   # after layout: it notes the panels left out
    range_of("")
    single = (NPANEL == 1)
    figure_title(time_words(quantity) " " time_symbol(quantity) " at each time step, training step " at, \
                 seeds_text(nincluded()) "; t = 1 is the first step of the sequence" \
                 (PREDICTED ? "; dashed: mean-field prediction from the last step back" : ""))
    grid(GRIDC, GRIDR, single ? 560 : 380, single ? 400 : 300, legend_width(), 48)
    log_axis("y", RMIN, RMAX)
    printf "set xrange [1:%d]\n", (maxt > 1 ? maxt : 2)
    if (maxt <= 12) print "set xtics 1; set mxtics 1"
    else print "set xtics autofreq; set mxtics default"
    for (k = 1; k <= NPANEL; k++) {
        p = PANELS[k]
        panel(PR[p], PC[p], panel_title(p))
        outer_labels(p, "\"time step t\"", "\"" time_symbol(quantity) "\"")
        plot_panel(p)
        if (k == 1) clear_title()
    }
    legend()
    print "unset multiplot"
}

# read_time_predictions(): TR[file, layer, t], the predicted log10 ratio of
# ||dL/dh_{t-1}|| to ||dL/dh_t|| of each run's configuration (theory_time.csv
# of theory_map); TFILE[i] for the runs inside the theory.
function read_time_predictions(   line, f, i, file, nwhy, why, reason) {
    while ((getline line < theory_map) > 0) {
        split(line, f, "\t")
        i = RUNIX[f[1]]
        if (!i || !INCL[i]) continue
        if (f[2] !~ /^!/ && ("seq_output" in ISKEY) && CFG[i, "seq_output"] != "last")
            f[2] = "!a loss at every step (seq_output=" CFG[i, "seq_output"] ") adds gradient at every t"
        if (f[2] ~ /^!/) { why[substr(f[2], 2)]++; nwhy++; continue }
        file = f[2]
        if (!(file in READ)) {
            READ[file] = 1
            csv_open(file)
            while (csv_next(file)) TR[file, col(file, "layer") + 0, col(file, "t") + 0] = col(file, "log10_grad_h_ratio")
        }
        TFILE[i] = file
    }
    close(theory_map)
    for (reason in why) note("no prediction for " why[reason] " run" (why[reason] > 1 ? "s" : "") ": " reason)
    if (nwhy == nincluded()) skip("no run is inside the mean-field theory (" reason ")")
}
# add_time_predictions(): the predicted line of every run with a theory,
# anchored at its top layer's last step, as series s + PREDICTED.
function add_time_predictions(   i, t, logv, r, p, stopped) {
    PREDICTED = 1000
    PREDICTED_TITLE = "mean-field prediction"
    if (NSER == 1 && SERLABEL[1] == "") SERLABEL[1] = "measured"
    for (i = 1; i <= NRUN; i++) {
        if (!(i in TFILE) || !(i in TOPL)) continue
        p = pid(RROW[i], COLOF[TOPL[i]])
        addv(p, RSER[i] + PREDICTED, TOPT[i], TOPV[i])
        logv = log(TOPV[i]) / log(10)
        for (t = TOPT[i]; t >= 2; t--) {
            r = TR[TFILE[i], TOPL[i], t]
            if (!finite(r)) { stopped++; break }
            logv += r
            if (logv < -300) { stopped++; break }
            addv(p, RSER[i] + PREDICTED, t - 1, 10 ^ logv)
        }
    }
    if (stopped) note(stopped " predicted lines stop where the theory predicts no gradient")
}
