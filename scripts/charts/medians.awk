# medians.awk: the values of each series in each panel, reduced to the
# median and min-max over the seeds of a group at each x, printed as
# gnuplot datablocks (gawk).

# addv(p, s, x, v): one value of series s at x in panel p (a seed of its group).
function addv(p, s, x, v,   key) {
    x = sprintf("%.17g", x + 0)
    key = p SUBSEP s SUBSEP x
    if (!(key in NV)) {
        NV[key] = 0
        NX[p, s]++
        XS[p, s, NX[p, s]] = x + 0
        HASDATA[p] = 1
        PANELSER[p, s] = 1
    }
    V[key, ++NV[key]] = v + 0
    if (NV[key] > 1) BANDS = 1
}
# stats(key): MED, LO, HI of the values at key; returns their number.
function stats(key,   n, j, a) {
    n = NV[key]
    for (j = 1; j <= n; j++) a[j] = V[key, j]
    asort(a)
    LO = a[1]; HI = a[n]
    MED = (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    return n
}
# block(p, s): prints the datablock $d_p_s (x, median, min, max, n) sorted by
# x and returns its name, or "" when series s has no value in panel p.
function block(p, s,   name, n, j, xs, key) {
    if (!((p SUBSEP s) in NX)) return ""
    name = "$d_" p "_" s
    n = NX[p, s]
    for (j = 1; j <= n; j++) xs[j] = XS[p, s, j]
    asort(xs)
    print name " << EOD"
    for (j = 1; j <= n; j++) {
        key = p SUBSEP s SUBSEP sprintf("%.17g", xs[j])
        stats(key)
        printf "%.17g %.17g %.17g %.17g %d\n", xs[j], MED, LO, HI, NV[key]
    }
    print "EOD"
    BLOCKN = n
    return name
}
# range_of(p): RMIN, RMAX over the minima and maxima of panel p ("" for all panels).
function range_of(p,   key, parts) {
    RMIN = ""; RMAX = ""
    for (key in NV) {
        if (p != "") { split(key, parts, SUBSEP); if (parts[1] != p) continue }
        stats(key)
        if (RMIN == "" || LO < RMIN) RMIN = LO
        if (RMAX == "" || HI > RMAX) RMAX = HI
    }
}
