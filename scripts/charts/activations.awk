# activations.awk: the program of activations.sh (gawk, after csv.awk, runs.awk, series.awk,
# medians.awk and gnuplot.awk; lib.sh draw passes the -v variables).
BEGIN {
    file = work "/activations.csv"
    where = ""   # the curves do not depend on the runs
    csv_open(file)
    while (csv_next(file)) {
        a = col(file, "activation")
        if (!(a in npts)) names[++nact] = a
        j = ++npts[a]
        X[a, j] = col(file, "x") + 0
        F[a, j] = col(file, "f") + 0
        D[a, j] = col(file, "df") + 0
    }
    if (nact == 0) skip("vgrad activations printed no rows")
    gc = nact <= 4 ? nact : (nact <= 9 ? 3 : 4)
    gr = int((nact + gc - 1) / gc)
    GCOL = gc
    GMT_EXTRA = 14
    figure_title("The activations: f(x) solid, f′(x) dashed, ● the largest f′", \
                 "f′ bounds the factor by which each layer can pass a gradient back (with the weights)")
    grid(gc, gr, 300, 250, 0, 52)
    for (k = 1; k <= nact; k++) {
        a = names[k]
        n = npts[a]
        # the largest derivative and where it is reached
        dmax = D[a, 1]; dmin = D[a, 1]
        for (j = 1; j <= n; j++) { if (D[a, j] > dmax) dmax = D[a, j]; if (D[a, j] < dmin) dmin = D[a, j] }
        tol = 1e-9 * (dmax > 1 ? dmax : 1)
        first = 0; last = 0; count = 0
        for (j = 1; j <= n; j++) if (D[a, j] >= dmax - tol) { if (!first) first = j; last = j; count++ }
        if (dmax - dmin <= tol) peak = sprintf("f′ = %s everywhere", fmt(dmax))
        else if (count > 1) peak = sprintf("max f′ = %s on [%s, %s]", fmt(dmax), fmt(X[a, first]), fmt(X[a, last]))
        else peak = sprintf("max f′ = %s at x = %s", fmt(dmax), fmt(X[a, first]))
        # y range: both curves, clipped to [-2.5, 3.5] so that f′ stays readable
        lo = 0; hi = 1
        for (j = 1; j <= n; j++) {
            if (F[a, j] < lo) lo = F[a, j]; if (F[a, j] > hi) hi = F[a, j]
            if (D[a, j] < lo) lo = D[a, j]; if (D[a, j] > hi) hi = D[a, j]
        }
        if (lo < -2.5) lo = -2.5
        if (hi > 3.5) hi = 3.5
        pad = 0.08 * (hi - lo)
        r = int((k - 1) / gc) + 1
        c = (k - 1) % gc + 1
        panel(r, c, a)
        printf "set title \"%s\\n{/=9 %s}\"\n", esc(a), esc(peak)
        printf "set xrange [%g:%g]; set yrange [%g:%g]\n", X[a, 1], X[a, n], lo - pad, hi + pad
        print "set xtics autofreq; set ytics autofreq; set mxtics default; set mytics default"
        printf "set xlabel %s\n", (r == gr || k + gc > nact) ? "\"x\"" : "\"\""
        print "set ylabel \"\""
        print "$f_" k " << EOD"
        # every other point is plenty to draw (the peak above used all of them)
        for (j = 1; j <= n; j++)
            if (j % 2 == 1 || j == n || j == first) printf "%.8g %.8g %.8g\n", X[a, j], F[a, j], D[a, j]
        print "EOD"
        mark = (dmax - dmin <= tol) ? "" : sprintf(", \"+\" using (%.17g):(%.17g) every ::0::0 with points pt 7 ps 1.1 lc rgb \"#000000\" notitle", \
                                               X[a, first], dmax)
        printf "plot 0 with lines lc rgb \"#999999\" lw 0.8 notitle, " \
               "$f_%d using 1:2 with lines lc rgb act_color(\"%s\") dt 1 lw LW notitle, " \
               "$f_%d using 1:3 with lines lc rgb act_color(\"%s\") dt 2 lw LW notitle%s\n", k, a, k, a, mark
        if (k == 1) clear_title()
    }
    print "unset multiplot"
}
