# gates.awk: the program of gates.sh (gawk, after csv.awk, runs.awk, series.awk,
# medians.awk and gnuplot.awk; lib.sh draw passes the -v variables).
BEGIN {
    runs = dir "/runs.csv"
    time_file = dir "/time.csv"
    split("gate_i_mean gate_f_mean gate_o_mean gate_r_mean gate_z_mean", GATE, " ")
    split("LSTM input gate i|LSTM forget gate f|LSTM output gate o|GRU reset gate r|GRU update gate z", GATETITLE, "|")
    select_runs(runs)

    # first pass: each run's last logged step, and the gates that have values
    csv_open(time_file)
    while (csv_next(time_file)) {
        i = RUNIX[col(time_file, "run_id")]
        if (!i || !INCL[i]) continue
        s = col(time_file, "step") + 0
        if (!(i in LAST) || s > LAST[i]) LAST[i] = s
        for (g = 1; g <= 5; g++) if (col(time_file, GATE[g]) != "") { HAS[g] = 1; gated[i] = 1 }
    }
    if (length(LAST) == 0) skip("no run of runs.csv has rows in time.csv")
    if (length(HAS) == 0) skip("no gate means in time.csv (gates are the LSTM's and the GRU's, model=lstm or gru)")
    # the runs drawn are the gated ones: the legend names what differs among them
    for (i = 1; i <= NRUN; i++) if (INCL[i] && !(i in gated)) { INCL[i] = 0; ungated++ }
    if (ungated) note(ungated " runs without gates (model=rnn, or not in time.csv) not drawn")
    differing()
    groups()
    assign("")
    list = ""; titles = ""
    for (g = 1; g <= 5; g++) if (g in HAS) { list = list (list == "" ? "" : " ") GATE[g]; titles = titles (titles == "" ? "" : "|") GATETITLE[g] }
    set_columns(list, titles)

    csv_open(time_file)
    while (csv_next(time_file)) {
        i = RUNIX[col(time_file, "run_id")]
        if (!i || !INCL[i]) continue
        s = col(time_file, "step") + 0
        if (s != (step == "" ? LAST[i] : step + 0)) continue
        top = ("depth" in ISKEY) ? CFG[i, "depth"] + 0 : 1
        if (col(time_file, "layer") + 0 != top) continue
        t = col(time_file, "t") + 0
        at[s] = 1
        for (c = 1; c <= NCOLV; c++) {
            v = col(time_file, COLV[c])
            if (v == "") continue
            if (!finite(v)) { nonfinite++; continue }
            addv(pid(RROW[i], c), RSER[i], t, v)
            if (t > maxt) maxt = t
        }
    }
    if (length(NV) == 0) skip(step == "" ? "no gate means at the runs' last steps" : "no gate means at step " step)
    if (nonfinite) note(nonfinite " non-finite values not drawn")
    nat = asorti(at, al, "@ind_num_asc")
    steptext = nat == 1 ? "training step " al[1] : "training steps " al[1] " to " al[nat] " (each run's last)"

    layout(3)
    flush_notes()   # after layout: it notes the panels left out
    single = (NPANEL == 1)
    figure_title("Gate means at each time step, " steptext, \
                 seeds_text(nincluded()) "; top recurrent layer; t = 1 is the first step of the sequence")
    grid(GRIDC, GRIDR, single ? 560 : 380, single ? 400 : 300, legend_width(), 48)
    lin_axis("y", 0, 1.02)
    print "set ytics 0, 0.2, 1"
    printf "set xrange [1:%d]\n", (maxt > 1 ? maxt : 2)
    if (maxt <= 12) print "set xtics 1; set mxtics 1"
    else print "set xtics autofreq; set mxtics default"
    for (k = 1; k <= NPANEL; k++) {
        p = PANELS[k]
        panel(PR[p], PC[p], panel_title(p))
        outer_labels(p, "\"time step t\"", "\"gate mean\"")
        plot_panel(p)
        if (k == 1) clear_title()
    }
    legend()
    print "unset multiplot"
}
