# phase-diagram.awk: the program of phase-diagram.sh (gawk, after csv.awk, runs.awk, series.awk,
# medians.awk and gnuplot.awk; lib.sh draw passes the -v variables).
function shq(s) { gsub(/\047/, "\047\\\047\047", s); return "\047" s "\047" }
# sigma_b^2 of run i, "" when its biases are constant but not zero.
function sigma_b2(i,   b) {
    if (CFG[i, "bias"] + 0 == 0) return 0
    b = CFG[i, "bias_init"]
    if (b ~ /^normal:/) { b = substr(b, 8) + 0; return b * b }
    if (isnum(b) && b + 0 == 0) return 0
    return ""
}
# sorted_values(list, out): the distinct numbers of the keys of list, sorted; their count.
function sorted_values(list, out,   v, n) {
    n = 0
    delete out
    for (v in list) out[++n] = v + 0
    asort(out)
    return n
}
BEGIN {
    runs = dir "/runs.csv"
    layers = dir "/layers.csv"
    at = step == "" ? 0 : step + 0
    select_runs(runs)
    others = ""
    for (k = 1; k <= NDIFF; k++) {
        if (DIFF[k] == "init_gain") swept_gain = 1
        else if (DIFF[k] == "bias_init") swept_bias = 1
        else if (!is_seed_key(DIFF[k])) others = others (others == "" ? "" : ", ") DIFF[k]
    }
    if (!swept_gain || !swept_bias)
        skip("not a sweep over init_gain and bias_init (experiments/phase-diagram.ini is one)")
    if (others != "")
        skip("the runs differ in " others " too: choose one with --where KEY=VALUE")
    for (i = 1; i <= NRUN; i++) {
        if (!INCL[i]) continue
        act = CFG[i, "activation"]
        init = CFG[i, "init"]
        if (init == "lecun_normal") per_gain2 = 1
        else if (init == "he_normal") per_gain2 = 2
        else skip("sigma_w^2 is read from init=lecun_normal or he_normal, not init=" init)
        SW2[i] = per_gain2 * CFG[i, "init_gain"] * CFG[i, "init_gain"]
        SB2[i] = sigma_b2(i)
        if (SB2[i] == "") skip("bias_init=" CFG[i, "bias_init"] " is a constant: no sigma_b^2")
        depth = CFG[i, "depth"]
        width = CFG[i, "width"]
        # the grid: values to 10 digits, so that init_gain^2 = 0.5000000000000001 is 0.5
        xv = sprintf("%.10g", SW2[i]); yv = sprintf("%.10g", SB2[i])
        XV[xv] = 1; YV[yv] = 1
        CELL[i] = xv SUBSEP yv
    }

    # the ratio of the first to the last (output) layer, per run
    first_last(layers, at, first, last, last_layer)
    if (length(first) == 0) skip("no run logged step " at)
    for (i in first) {
        if (!finite(first[i]) || !finite(last[i]) || first[i] + 0 <= 0 || last[i] + 0 <= 0) { nonfinite++; continue }
        cell = CELL[i]
        NV[cell]++
        V[cell, NV[cell]] = log(first[i] / last[i]) / log(10)
        nlayers = last_layer[i]
    }
    if (length(NV) == 0) skip("no positive finite " metric " ratio at step " at)
    if (nonfinite) note(nonfinite " runs with a zero or non-finite norm left out")

    # the mean-field line, up to the largest sigma_b^2 of the grid
    nx = sorted_values(XV, xs)
    ny = sorted_values(YV, ys)
    nedge = 0
    if (system("test -x " shq(vgrad)) != 0) note("no vgrad binary (" vgrad "; set VGRAD): the chi_1 = 1 line is left out")
    else {
        cmd = shq(vgrad) " theory " shq("activation=" act) " " shq("out=" work "/theory") \
              " --edge-of-chaos " sprintf("%.17g", ys[ny]) " >" shq(work "/theory.out") " 2>" shq(work "/theory.err")
        rc = system(cmd)
        getline message < (work "/theory.err")
        sub(/^vgrad: error: /, "", message)
        if (rc == 2) note(message)
        else if (rc != 0) {
            printf "plot: %s: vgrad theory --edge-of-chaos failed: %s\n", "phase-diagram", message > "/dev/stderr"
            exit 1
        } else {
            edge = work "/theory/edge_of_chaos.csv"
            csv_open(edge)
            while (csv_next(edge)) {
                EX[++nedge] = col(edge, "sigma_w2") + 0
                EY[nedge] = col(edge, "sigma_b2") + 0
            }
        }
    }
    flush_notes()

    # medians; the colour range over whole decades
    lo = ""; hi = ""
    for (a = 1; a <= nx; a++)
        for (b = 1; b <= ny; b++) {
            cell = sprintf("%.10g", xs[a]) SUBSEP sprintf("%.10g", ys[b])
            if (!(cell in NV)) continue
            n = NV[cell]
            delete vals
            for (j = 1; j <= n; j++) vals[j] = V[cell, j]
            asort(vals)
            MEDV[a, b] = (n % 2) ? vals[(n + 1) / 2] : (vals[n / 2] + vals[n / 2 + 1]) / 2
            NMED[a, b] = n
            if (n > maxn) maxn = n
            if (lo == "" || MEDV[a, b] < lo) lo = MEDV[a, b]
            if (hi == "" || MEDV[a, b] > hi) hi = MEDV[a, b]
        }
    lo = floor(lo); hi = ceil(hi)
    if (hi <= lo) hi = lo + 1
    for (a = 1; a <= nx; a++) {
        xl[a] = a == 1 ? xs[1] - (nx > 1 ? (xs[2] - xs[1]) / 2 : 0.5) : (xs[a - 1] + xs[a]) / 2
        xr[a] = a == nx ? xs[nx] + (nx > 1 ? (xs[nx] - xs[nx - 1]) / 2 : 0.5) : (xs[a] + xs[a + 1]) / 2
    }
    for (b = 1; b <= ny; b++) {
        yl[b] = b == 1 ? ys[1] - (ny > 1 ? (ys[2] - ys[1]) / 2 : 0.05) : (ys[b - 1] + ys[b]) / 2
        yr[b] = b == ny ? ys[ny] + (ny > 1 ? (ys[ny] - ys[ny - 1]) / 2 : 0.05) : (ys[b] + ys[b + 1]) / 2
    }

    figure_title(sprintf("Order to chaos: %s, %d hidden layers of %d, at step %d", act, depth, width, at), \
                 sprintf("colour: measured %s of the first over the output layer, %s", \
                         tolower(metric_words(metric)), maxn > 1 ? "median over " maxn " seeds" : "1 seed"))
    grid(1, 1, 640, 560, 150, 48)
    GMB = 110   # room for the key under the x axis
    panel(1, 1, "")
    print "unset grid"
    print "set style fill solid 1.0 border"   # borders in the cell colour hide antialiasing seams
    printf "set xrange [%.17g:%.17g]; set yrange [%.17g:%.17g]\n", xl[1], xr[nx], yl[1], yr[ny]
    print "set xtics autofreq out; set ytics autofreq out; set mxtics default; set mytics default"
    print "set xlabel \"σ@^2_w = fan_{in} Var(W)\""
    print "set ylabel \"σ@^2_b = Var(b)\""
    printf "set cbrange [%d:%d]\n", lo, hi
    printf "set cbtics %d\n", (hi - lo > 10 ? 2 : 1)
    printf "set colorbox user origin screen %.5f, screen %.5f size screen %.5f, screen %.5f\n", \
           (GPW + 14) / CW, 1 - (GTH + GMT + 340) / CH, 18 / CW, 340 / CH
    printf "set cblabel \"log_{10}(%s / %s)    vanishing ◀   ▶ exploding\" offset 0.8, 0\n", \
           gensub(/_\{l\}/, "_{1}", 1, metric_symbol(metric)), gensub(/_\{l\}/, "_{" nlayers "}", 1, metric_symbol(metric))
    print "$cells << EOD"
    for (a = 1; a <= nx; a++)
        for (b = 1; b <= ny; b++)
            if ((a SUBSEP b) in MEDV)
                printf "%.10g %.10g %.10g %.10g %.10g %.10g %.6f %d\n", xs[a], ys[b], xl[a], xr[a], yl[b], yr[b], MEDV[a, b], NMED[a, b]
    print "EOD"
    # per sigma_b^2 row, where the measured log ratio changes sign
    print "$crossing << EOD"
    for (b = 1; b <= ny; b++)
        for (a = 1; a < nx; a++) {
            if (!((a SUBSEP b) in MEDV) || !(((a + 1) SUBSEP b) in MEDV)) continue
            u = MEDV[a, b]; w = MEDV[a + 1, b]
            if ((u < 0 && w >= 0) || (u > 0 && w <= 0)) {
                printf "%.10g %.10g\n", xs[a] + (xs[a + 1] - xs[a]) * (0 - u) / (w - u), ys[b]
                ncross++
            }
        }
    print "EOD"
    print "$edge << EOD"
    for (j = 1; j <= nedge; j++) printf "%.10g %.10g\n", EX[j], EY[j]
    print "EOD"
    cmd = "$cells using 1:2:3:4:5:6:7 with boxxyerror lw 1 lc palette notitle"
    if (nedge) cmd = cmd ", $edge using 1:2 with lines lc rgb \"#FFFFFF\" lw 6 notitle" \
                         ", $edge using 1:2 with lines lc rgb \"#D55E00\" lw 3 title \"mean-field edge of chaos χ₁ = 1 (vgrad theory)\""
    if (ncross) cmd = cmd ", $crossing using 1:2 with points pt 7 ps 1.3 lc rgb \"#FFFFFF\" notitle" \
                          ", $crossing using 1:2 with points pt 7 ps 0.9 lc rgb \"#000000\" title \"measured ratio = 1 (interpolated)\""
    printf "set key at screen %.5f, screen %.5f left top Left reverse samplen 2.5 spacing 1.2 nobox\n", \
           GML / CW - 0.01, 52 / CH
    print "plot " cmd
    print "unset multiplot"
}
