#!/bin/sh
# prediction-difference.sh: how much runs that differ only in their seeds
# disagree on held-out examples (the reproducibility measure of the SmeLU
# line of work: Shamir et al. 2020).  For every pair of runs of a group
# (runs whose configurations differ only in seed, data_seed or
# shuffle_seed) that saw the same data (the same data seed: data_seed, or
# seed where data_seed is 0, which draws the data and the test split), the
# prediction difference is the mean over the examples and outputs of
# predictions.csv of |p_a - p_b|; per group, the median, minimum and
# maximum over its pairs.  So vary shuffle_seed, or seed with a fixed
# data_seed; runs on other data are never paired.
#   scripts/prediction-difference.sh RESULTS_DIR [--split test|train] [--pairs]
# RESULTS_DIR is a `vgrad run` or `vgrad sweep` directory whose runs had
# save_predictions=1 (and a test split, test_frac > 0, for --split test, the
# default).  Prints CSV on stdout, one row per group in plan order:
#   group,runs,pairs,pd_median,pd_min,pd_max
# where group names the keys that differ between groups (key=value; ...),
# or "all" when there is one group; with --pairs, one row per pair instead:
#   group,run_a,run_b,pd
# Exit 2 with one line
# "prediction-difference: error: ..." for a directory without predictions.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
die() { echo "prediction-difference: error: $*" >&2; exit 2; }
[ $# -ge 1 ] || die "usage: scripts/prediction-difference.sh RESULTS_DIR [--split test|train] [--pairs]"
dir=${1%/}
shift
split=test
pairs=0
while [ $# -gt 0 ]; do
    case "$1" in
        --split)
            [ $# -ge 2 ] || die "--split: needs test or train"
            case "$2" in test | train) split=$2 ;; *) die "--split: '$2' is not test or train" ;; esac
            shift 2 ;;
        --pairs) pairs=1; shift ;;
        *) die "unknown option '$1'; allowed: --split test|train, --pairs" ;;
    esac
done
[ -d "$dir" ] || die "$dir: no such directory"
for f in runs.csv predictions.csv; do
    [ -s "$dir/$f" ] || die "$dir/$f: missing or empty (run with save_predictions=1)"
done
[ "$(head -n 2 "$dir/predictions.csv" | wc -l)" -ge 2 ] ||
    die "$dir/predictions.csv: no rows (run with save_predictions=1 and test_frac > 0)"

gawk -f "$root/scripts/charts/csv.awk" -f "$root/scripts/charts/lib.awk" -v runs="$dir/runs.csv" -v preds="$dir/predictions.csv" \
    -v which="$split" -v pairs="$pairs" -v status=/dev/null -v error_prefix=prediction-difference -e '
BEGIN {
    load_runs(runs)
    differing()
    groups()
    if (csv_open(preds) == 0) error(preds, "empty")
    for (c = split("run_id split example output value", need, " "); c > 0; c--)
        if (!has_col(preds, need[c])) error(preds, "no column '"'"'" need[c] "'"'"'")
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
}'
