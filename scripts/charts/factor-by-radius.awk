# factor-by-radius.awk: the program of factor-by-radius.sh (gawk, after csv.awk, runs.awk,
# series.awk, medians.awk and gnuplot.awk; lib.sh draw passes the -v variables, quantity
# the column; ARGV[1] is `vgrad activations`' output, for gamma).
BEGIN {
    runs = dir "/runs.csv"
    time_file = dir "/time.csv"
    acts = ARGV[1]
    at = step == "" ? 0 : step + 0
    select_runs(runs)
    if (!("recurrent_radius" in ISKEY)) skip("runs.csv has no recurrent_radius (not recurrent runs)")
    if (!ISDIFF["recurrent_radius"]) skip("not a sweep over recurrent_radius (experiments/figures/pascanu.ini is one)")

    # the top layer's first and last step of each run at step `at`
    csv_open(time_file)
    while (csv_next(time_file)) {
        i = RUNIX[col(time_file, "run_id")]
        if (!i || !INCL[i] || col(time_file, "step") + 0 != at) continue
        l = col(time_file, "layer") + 0
        t = col(time_file, "t") + 0
        v = col(time_file, quantity)
        if (l < TOPL[i]) continue
        if (l > TOPL[i]) { TOPL[i] = l; delete G1[i]; T[i] = 0 }
        if (t == 1) G1[i] = v
        if (t > T[i]) { T[i] = t; GT[i] = v }
    }
    for (i = 1; i <= NRUN; i++) {
        if (!INCL[i]) continue
        if (!(i in G1) || T[i] < 2 || CFG[i, "recurrent_radius"] + 0 <= 0) { INCL[i] = 0; dropped++; continue }
        if (!finite(G1[i]) || !finite(GT[i]) || G1[i] + 0 <= 0 || GT[i] + 0 <= 0) { INCL[i] = 0; bad++; continue }
        F[i] = (G1[i] / GT[i]) ^ (1 / (T[i] - 1))
    }
    if (nincluded() == 0) skip("no run with recurrent_radius > 0 has " quantity " at step " at)
    differing()
    groups()
    assign("recurrent_radius")
    # one line: named and coloured by its activation, as its bound is
    if (NSER == 1 && SERLABEL[1] == "")
        for (i = 1; i <= NRUN; i++) if (INCL[i]) {
            SERLABEL[1] = SERACT[1] = CFG[i, "activation"]
            LEGTITLE = "activation"
            series_styles()
            break
        }
    set_columns("1", "")
    if (theory_map != "") read_factor_predictions()
    for (i = 1; i <= NRUN; i++) {
        if (!INCL[i]) continue
        rho = CFG[i, "recurrent_radius"] + 0
        addv(pid(RROW[i], 1), RSER[i], rho, F[i])
        if (i in PF) addv(pid(RROW[i], 1), RSER[i] + PREDICTED, rho, PF[i])
        if (xlo == "" || rho < xlo) xlo = rho
        if (xhi == "" || rho > xhi) xhi = rho
        for (k = 1; k <= 2; k++) { y = k == 1 ? F[i] : (i in PF ? PF[i] : F[i]); if (ylo == "" || y < ylo) ylo = y; if (yhi == "" || y > yhi) yhi = y }
        a = CFG[i, "activation"]
        sub(/:.*/, "", a)
        SERGAMMA[RSER[i]] = a
    }
    read_gamma(acts)
    if (dropped) note(dropped " runs without recurrent_radius > 0 or rows at step " at " not drawn")
    if (bad) note(bad " runs with a zero or non-finite " quantity " not drawn")
    layout(3)
    flush_notes()

    figure_title("Per-step factor of " time_symbol(quantity) " back through time against the spectral radius ρ of W_{hh}", \
                 seeds_text(nincluded()) "; top layer, training step " at "; dotted: the bound ρ·γ (γ = max f′)" \
                 (PREDICTED ? "; dashed: mean-field factor" : ""))
    grid(GRIDC, GRIDR, 620, 420, legend_width(), 48)
    log_axis("x", xlo, xhi)
    # the y range: the data and 1, and the bound where it is in range
    if (ylo > 0.9) ylo = 0.9
    if (yhi < 1.1) yhi = 1.1
    lin_axis("y", ylo * 0.95, yhi * 1.05)
    for (k = 1; k <= NPANEL; k++) {
        p = PANELS[k]
        panel(PR[p], PC[p], panel_title(p))
        outer_labels(p, "\"recurrent\\\\_radius ρ\"", "\"per-step factor\"")
        print "set arrow 801 from graph 0, first 1 to graph 1, first 1 nohead lw 1 lc rgb \"#888888\""
        # the bound rho gamma of each series with a known gamma, over the x range
        bounds = ""
        for (s = 1; s <= NSER; s++) {
            gm = GAMMA[SERGAMMA[s]]
            if (gm == "" || !((p SUBSEP s) in PANELSER)) continue
            bounds = bounds sprintf(", [%.17g:%.17g] x * %.17g with lines %s dt 3 lw 1.5 notitle", xlo, xhi, gm, SERLC[s])
        }
        BOUNDS = bounds
        plot_with_bounds(p)
        print "unset arrow 801"
        if (k == 1) clear_title()
    }
    legend()
    print "unset multiplot"
}

# plot_with_bounds(p): the panel's bands and lines, then the bound lines
# drawn over them with the same axes (plot_panel prints its own command).
function plot_with_bounds(p) {
    plot_panel(p)
    if (BOUNDS == "") return
    print "unset title"
    print "plot NaN notitle" BOUNDS
}
# read_gamma(file): GAMMA[activation], the largest f' of `vgrad activations`.
function read_gamma(file,   a, d) {
    if (!csv_open(file)) return
    while (csv_next(file)) {
        a = col(file, "activation"); d = col(file, "df") + 0
        if (!(a in GAMMA) || d > GAMMA[a]) GAMMA[a] = d
    }
}
# read_factor_predictions(): PF[i], the mean-field per-step factor of run i
# (the geometric mean of sqrt(chi_t), t = 2..T, of its top layer).
function read_factor_predictions(   line, f, i, file, nwhy, why, reason, sum, nt) {
    while ((getline line < theory_map) > 0) {
        split(line, f, "\t")
        i = RUNIX[f[1]]
        if (!i || !INCL[i]) continue
        if (f[2] !~ /^!/ && ("seq_output" in ISKEY) && CFG[i, "seq_output"] != "last")
            f[2] = "!a loss at every step (seq_output=" CFG[i, "seq_output"] ") adds gradient at every t"
        if (f[2] ~ /^!/) { why[substr(f[2], 2)]++; nwhy++; continue }
        file = f[2]
        if (!(file in FPRED)) {
            sum = 0; nt = 0
            csv_open(file)
            while (csv_next(file))
                if (col(file, "layer") + 0 == TOPL[i] && col(file, "t") + 0 >= 2) { sum += col(file, "log10_grad_h_ratio"); nt++ }
            FPRED[file] = nt ? 10 ^ (sum / nt) : ""
        }
        if (FPRED[file] != "") { PF[i] = FPRED[file]; npf++ }
    }
    close(theory_map)
    for (reason in why) note("no prediction for " why[reason] " run" (why[reason] > 1 ? "s" : "") ": " reason)
    if (npf) { PREDICTED = 1000; PREDICTED_TITLE = "mean-field factor" }
}
