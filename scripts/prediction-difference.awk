# prediction-difference.awk: the prediction differences of
# prediction-difference.sh (gawk, after csv.awk and runs.awk), as CSV on stdout.
BEGIN {
    load_runs(runs)
    differing()
    groups()
    if (csv_open(preds) == 0) error(preds, "empty")
    for (c = split("run_id split example output value", need, " "); c > 0; c--)
        if (!has_col(preds, need[c])) error(preds, "no column '" need[c] "'")
    rows = 0
    while (csv_next(preds)) {
        if (col(preds, "split") != which) continue
        rows++
        i = RUNIX[col(preds, "run_id")]
        if (!i) continue
        k = col(preds, "example") SUBSEP col(preds, "output")
        P[i, k] = col(preds, "value") + 0
        if (!((i, k) in SEEN)) { SEEN[i, k] = 1; NPRED[i]++ }
        KEYS[k] = 1
    }
    if (!rows) error(preds, "no rows of the " which " split (--split test|train)")
    for (i = 1; i <= NRUN; i++) DATASEED[i] = CFG[i, "data_seed"] + 0 ? CFG[i, "data_seed"] : CFG[i, "seed"]
    # the rows are collected and printed at the end, after the last check
    text = pairs ? "group,run_a,run_b,pd\n" : "group,runs,pairs,pd_median,pd_min,pd_max\n"
    for (g = 1; g <= NGROUP; g++) {
        m = 0
        for (i = 1; i <= NRUN; i++) if (INCL[i] && GROUP[i] == g && NPRED[i] > 0) member[++m] = i
        label = ""
        for (j = 1; j <= NDIFF; j++)
            if (!is_seed_key(DIFF[j])) label = label (label == "" ? "" : "; ") DIFF[j] "=" CFG[GREP[g], DIFF[j]]
        if (label == "") label = "all"
        npairs = 0
        delete pd
        for (a = 1; a <= m; a++)
            for (b = a + 1; b <= m; b++) {
                if (DATASEED[member[a]] != DATASEED[member[b]]) { otherdata++; continue }
                sum = 0; cnt = 0
                for (k in KEYS) {
                    if (!((member[a], k) in P) || !((member[b], k) in P)) continue
                    d = P[member[a], k] - P[member[b], k]
                    sum += d < 0 ? -d : d
                    cnt++
                }
                if (!cnt) continue
                pd[++npairs] = sum / cnt
                if (pairs) text = text sprintf("\"%s\",%s,%s,%.17g\n", label, RUNID[member[a]], RUNID[member[b]], pd[npairs])
            }
        total += npairs
        if (pairs) continue
        if (npairs == 0) { text = text sprintf("\"%s\",%d,0,,,\n", label, m); continue }
        asort(pd)
        med = (npairs % 2) ? pd[(npairs + 1) / 2] : (pd[npairs / 2] + pd[npairs / 2 + 1]) / 2
        text = text sprintf("\"%s\",%d,%d,%.17g,%.17g,%.17g\n", label, m, npairs, med, pd[1], pd[npairs])
    }
    if (!total && otherdata)
        error(runs, "no two runs of a group saw the same data (seed draws the data when data_seed " \
              "is 0): vary shuffle_seed, or seed with a fixed data_seed")
    printf "%s", text
}
