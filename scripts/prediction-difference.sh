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

# what the binary knows (the output keys, which never tell runs apart)
list=$(mktemp "${TMPDIR:-/tmp}/vgrad_pd_list.XXXXXX") || die "cannot create a temporary file"
trap 'rm -f "$list"' EXIT
vgrad=${VGRAD:-$root/build/vgrad}
"$vgrad" list --csv >"$list" || die "$vgrad list --csv failed (build vgrad with scripts/setup.sh, or set VGRAD)"
charts="$root/scripts/charts"
gawk -f "$charts/csv.awk" -f "$charts/vgrad-list.awk" -f "$charts/runs.awk" -f "$charts/series.awk" \
    -f "$charts/medians.awk" -f "$charts/gnuplot.awk" -v list="$list" \
    -v runs="$dir/runs.csv" -v preds="$dir/predictions.csv" -v which="$split" -v pairs="$pairs" \
    -v status=/dev/null -v error_prefix=prediction-difference -f "$root/scripts/prediction-difference.awk"
