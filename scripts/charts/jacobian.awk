# jacobian.awk: the program of jacobian.sh (gawk, after csv.awk, runs.awk, series.awk,
# medians.awk and gnuplot.awk; lib.sh draw passes the -v variables).
function init_label(init) {
    if (init == "orthogonal") return "orthogonal"
    return "Gaussian (" init ")"
}
BEGIN {
    file = dir "/spectra.csv"
    where = ""   # not a sweep: no runs.csv to select from
    csv_open(file)
    while (csv_next(file)) {
        a = col(file, "activation"); d = col(file, "depth") + 0; s = col(file, "init")
        v = col(file, "singular_value")
        if (!finite(v)) { nonfinite++; continue }
        if (v + 0 <= 0) { zero++; continue }
        if (!(a in ROWOF)) { ROWOF[a] = ++NROWS; ROWNAME[NROWS] = a }
        if (!(d in DEPTHSEEN)) { DEPTHSEEN[d] = 1; DEPTHS[++ND] = d }
        if (!(s in SEROF)) { SEROF[s] = ++NSER; SERNAME[NSER] = s }
        key = ROWOF[a] SUBSEP d SUBSEP SEROF[s]
        VALS[key, ++N[key]] = v + 0
        r = ROWOF[a]
        if (!(r in LOR) || v + 0 < LOR[r]) LOR[r] = v + 0
        if (!(r in HIR) || v + 0 > HIR[r]) HIR[r] = v + 0
        WIDTH = col(file, "width")
    }
    if (length(N) == 0) skip("no positive finite singular values in " file)
    if (zero) note(zero " singular values of 0 not drawn (log axis)")
    if (nonfinite) note(nonfinite " non-finite singular values not drawn")
    flush_notes()
    asort(DEPTHS)
    for (c = 1; c <= ND; c++) COLOFD[DEPTHS[c]] = c
    LEGTITLE = "init"
    for (s = 1; s <= NSER; s++) {
        SERLABEL[s] = init_label(SERNAME[s])
        SERWITH[s] = "lines"
        SERSTYLE[s] = sprintf("lc rgb series_color(%d) dt series_dash(%d)", s, s)
    }
    figure_title("Singular values σ of the input-output Jacobian at initialisation", \
                 sprintf("square layers of %d; over every seed and input; dashed: σ = 1 (isometry); shaded: below 10⁻¹⁵ × the largest σ (round-off)", WIDTH))
    GMT_EXTRA = 14
    grid(ND, NROWS, 330, 270, legend_width(), 52)
    for (r = 1; r <= NROWS; r++)
        for (c = 1; c <= ND; c++) {
            d = DEPTHS[c]
            p = (r - 1) * ND + c
            panel(r, c, "")
            spread = ""
            top = 0
            for (s = 1; s <= NSER; s++) {
                key = r SUBSEP d SUBSEP s
                if (!(key in N)) continue
                n = N[key]
                delete sorted
                for (j = 1; j <= n; j++) sorted[j] = VALS[key, j]
                asort(sorted)
                if (sorted[n] > top) top = sorted[n]
                spread = spread sprintf("%s%s %s", spread == "" ? "" : ", ", \
                                        SERNAME[s] == "orthogonal" ? "orth." : "Gauss.", \
                                        sorted[1] < 1e-15 * sorted[n] ? "> 1e15" : fmt(sorted[n] / sorted[1]))
                printf "$cdf_%d_%d << EOD\n", p, s
                m = n > 400 ? 400 : n
                for (k = 0; k < m; k++) {
                    j = m > 1 ? 1 + int((n - 1) * k / (m - 1) + 0.5) : n
                    printf "%.17g %.6f\n", sorted[j], j / n
                }
                print "EOD"
                HAS[p, s] = 1
            }
            printf "set title \"%s, depth %d\\n{/=9 σ_{max}/σ_{min}: %s}\"\n", esc(ROWNAME[r]), d, esc(spread)
            log_axis("x", LOR[r] < 0.5 ? LOR[r] : 0.5, HIR[r] > 2 ? HIR[r] : 2)
            print "set yrange [0:1]; set ytics 0.25; set mytics 1; set format y \"%g\""
            printf "set xlabel %s\n", r == NROWS ? "\"singular value σ\"" : "\"\""
            printf "set ylabel %s\n", c == 1 ? "\"fraction ≤ σ\"" : "\"\""
            cmd = sprintf("set arrow 1 from 1, graph 0 to 1, graph 1 nohead lc rgb \"#999999\" lw 1 dt 2 back")
            print cmd
            # below sigma_max x 1e-15 a singular value is round-off of the
            # product and the SVD in double precision, not a measurement
            if (top > 0 && LOR[r] < 1e-15 * top)
                printf "set object 1 rect from graph 0, graph 0 to first %.6g, graph 1 fc rgb \"#eeeeee\" fs solid 1 noborder behind\n", 1e-15 * top
            cmd = ""
            for (s = 1; s <= NSER; s++)
                if ((p SUBSEP s) in HAS)
                    cmd = cmd sprintf("%s$cdf_%d_%d using 1:2 with steps %s lw LW notitle", cmd == "" ? "" : ", ", p, s, SERSTYLE[s])
            if (cmd == "") { print "set label 903 \"no data\" at graph 0.5, 0.5 center"; cmd = "NaN notitle" }
            print "plot " cmd
            print "unset label 903; unset arrow 1; unset object 1"
            if (r == 1 && c == 1) clear_title()
        }
    GCOL = ND
    legend()
    print "unset multiplot"
}
