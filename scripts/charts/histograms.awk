# histograms.awk: the program of histograms.sh (gawk, after csv.awk, runs.awk, series.awk,
# medians.awk and gnuplot.awk; lib.sh draw passes the -v variables).
BEGIN {
    runs = dir "/runs.csv"
    hist = dir "/hist.csv"
    select_runs(runs)
    groups()
    pick_groups(6)
    # one run per configuration: the first of its seeds
    for (k = 1; k <= NPICKED; k++) row_of[GREP[PICKED[k]]] = k

    # first pass: the quantities, and the steps of each for the runs shown
    csv_open(hist)
    while (csv_next(hist)) {
        qn = col(hist, "quantity")
        present[qn] = 1
        i = RUNIX[col(hist, "run_id")]
        if (i && (i in row_of)) qsteps[qn, col(hist, "step") + 0] = 1
    }
    if (quantity == "") {
        # the first of vgrad's quantities (vgrad list) that hist.csv has
        for (j = 1; j <= list_count("hist_quantity"); j++)
            if (list_name("hist_quantity", j) in present) { quantity = list_name("hist_quantity", j); break }
    }
    if (!(quantity in present)) skip("no " quantity " histograms in hist.csv (hist_quantities)")
    for (key in qsteps) { split(key, f, SUBSEP); if (f[1] == quantity) allsteps[f[2]] = 1 }
    if (length(allsteps) == 0) skip("no " quantity " histogram of the runs chosen")
    # the step: the first, or the one nearest --step
    n = asorti(allsteps, sl, "@ind_num_asc")
    at = sl[1]
    if (step != "") {
        for (j = 1; j <= n; j++) if (abs(sl[j] - step) < abs(at - step)) at = sl[j]
        if (at != step + 0) note("step " at ", the logged one nearest " step)
    }
    # second pass: the bins of that quantity at that step
    L = 0
    csv_open(hist)
    while (csv_next(hist)) {
        if (col(hist, "quantity") != quantity || col(hist, "step") + 0 != at) continue
        i = RUNIX[col(hist, "run_id")]
        if (!i || !(i in row_of)) continue
        f[5] = col(hist, "bin_lo"); f[6] = col(hist, "bin_hi"); f[7] = col(hist, "count")
        l = col(hist, "layer") + 0
        if (l > L) L = l
        r = row_of[i]
        total[r, l] += f[7]
        if (f[7] + 0 > maxc[r, l]) maxc[r, l] = f[7] + 0
        if (!((r, l) in lo) || f[5] + 0 < lo[r, l]) lo[r, l] = f[5] + 0
        if (!((r, l) in hi) || f[6] + 0 > hi[r, l]) hi[r, l] = f[6] + 0
        bins[r, l] = bins[r, l] sprintf("%.17g %.17g %s\n", (f[5] + f[6]) / 2, f[6] - f[5], f[7])
    }
    nl = L <= 8 ? L : 6
    for (c = 1; c <= nl; c++) layer[c] = nl == 1 ? 1 : int(1 + (L - 1) * (c - 1) / (nl - 1) + 0.5)
    if (MAXGSIZE > 1) note("first seed of each configuration")
    flush_notes()

    picked_labels()
    GMT_EXTRA = NPICKED > 1 ? 22 : 0
    # the words for vgrad's quantities (a quantity added later is named as it is)
    words["act"] = "activations f(z_{l})"
    words["preact"] = "pre-activations z_{l}"
    words["delta"] = "back-propagated deltas ∂L/∂z_{l}"
    words["grad_w"] = "weight gradients ∂L/∂W_{l}"
    if (!(quantity in words)) words[quantity] = quantity
    figure_title("Histograms of the " words[quantity] " at step " at, \
                 (PCOMMON == "" ? "" : PCOMMON "; ") "fraction of the values in each bin; layer " L " is the output layer")
    grid(nl, NPICKED, 250, 205, 30, 52)
    print "set format x \"%.3g\"; set format y \"%.2g\""
    print "set xtics autofreq; set ytics autofreq; set mxtics default; set mytics default; unset logscale"
    print "set grid noxtics ytics"
    for (r = 1; r <= NPICKED; r++) {
        g = PICKED[r]
        act = CFG[GREP[g], "activation"]
        for (c = 1; c <= nl; c++) {
            l = layer[c]
            panel(r, c, "layer " l)
            if (c == 1 && PLABEL[r] != "")
                printf "set label 904 %s at screen %.5f, screen %.5f left font \",12\"\n", \
                       q(PLABEL[r]), 8 / CW, 1 - (GTH + (r - 1) * GPH + 12) / CH
            printf "set xlabel \"\"; set ylabel %s\n", c == 1 ? "\"fraction\"" : "\"\""
            if (!((r, l) in total) || total[r, l] == 0) {
                print "set xrange [0:1]; set yrange [0:1]; set label 903 \"no values\" at graph 0.5, graph 0.5 center"
                print "plot NaN notitle"
                print "unset label 903; unset label 904"
                if (r == 1 && c == 1) clear_title()
                continue
            }
            a = lo[r, l]; b = hi[r, l]
            printf "set xrange [%.17g:%.17g]\n", a, b
            # tics at the ends, and at 0 when it is well inside
            if (a < 0 && b > 0 && -a > 0.2 * (b - a) && b > 0.2 * (b - a)) printf "set xtics (%.17g, 0, %.17g)\n", a, b
            else printf "set xtics (%.17g, %.17g)\n", a, b
            ymax = maxc[r, l] / total[r, l]
            printf "set yrange [0:%.17g]; set ytics 0, %g\n", ymax * 1.08, nice_step(ymax / 3.5)
            printf "$h_%d_%d << EOD\n%sEOD\n", r, l, bins[r, l]
            printf "plot $h_%d_%d using 1:($3/%.17g):2 with boxes fs solid 0.7 border lc rgb act_color(\"%s\") fc rgb act_color(\"%s\") notitle\n", \
                   r, l, total[r, l], act, act
            print "unset label 904"
            if (r == 1 && c == 1) clear_title()
        }
    }
    print "unset multiplot"
}
function abs(x) { return x < 0 ? -x : x }
# nice_step(x): the smallest of 1, 2, 5 x 10^k at least x
function nice_step(x,   e, m) {
    e = 10 ^ floor(log(x) / log(10))
    m = x / e
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * e
}
