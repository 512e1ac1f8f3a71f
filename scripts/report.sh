#!/bin/sh
# report.sh: RESULTS_DIR/index.html, one page that opens from disk with no
# server and no network: every chart (SVG inline, or PNG as a data: URI),
# what to look for in each, the table of runs (run_id, the keys that differ,
# status, final loss and accuracy) and experiment.ini.  Runs scripts/plot.sh
# (SVG) first when the plots are missing or older than the CSV files, or when
# plot.sh options are given.
#   scripts/report.sh RESULTS_DIR [--step N] [--metric M] [--where KEY=VALUE]...
# Exit codes as plot.sh: 2 for a bad results directory, 1 when a chart failed.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
die() {
    echo "plot: error: $*" >&2
    exit 2
}
[ $# -ge 1 ] || die "usage: scripts/report.sh RESULTS_DIR [--step N] [--metric M] [--where KEY=VALUE]..."
dir=${1%/}
shift
[ -e "$dir" ] || die "$dir: no such directory"
[ -d "$dir" ] || die "$dir: not a directory"
plots="$dir/plots"

stale=0
if [ $# -gt 0 ] || [ ! -f "$plots/plot.log" ] || ! grep -q 'wrote .*\.svg' "$plots/plot.log"; then
    stale=1
elif [ -n "$(find "$dir" -maxdepth 1 \( -name '*.csv' -o -name experiment.ini \) -newer "$plots/plot.log")" ]; then
    stale=1
fi
failed=0
if [ "$stale" -eq 1 ]; then
    rc=0
    "$root/scripts/plot.sh" "$dir" --format svg --out "$plots" "$@" >/dev/null || rc=$?
    [ "$rc" -ne 2 ] || exit 2
    [ "$rc" -eq 0 ] || failed=1
fi
[ -s "$dir/runs.csv" ] || die "$dir/runs.csv: missing (not a vgrad results directory?)"

page="$dir/index.html"
partial=$(mktemp "$dir/.index.html.XXXXXX") || die "$dir: cannot write there"
list=$(mktemp "${TMPDIR:-/tmp}/vgrad_report_list.XXXXXX") || die "cannot create a temporary file"
trap 'rm -f "$partial" "$list"' EXIT
# what the binary knows (the output keys, which never tell runs apart)
vgrad=${VGRAD:-$root/build/vgrad}
"$vgrad" list --csv >"$list" || die "$vgrad list --csv failed (build vgrad with scripts/setup.sh, or set VGRAD)"
charts="$root/scripts/charts"
gawk -f "$charts/csv.awk" -f "$charts/vgrad-list.awk" -f "$charts/runs.awk" -f "$charts/series.awk" \
    -f "$charts/medians.awk" -f "$charts/gnuplot.awk" -v list="$list" -v dir="$dir" -v plots="$plots" -v status=/dev/null \
    -v generated="$(date -u '+%Y-%m-%d %H:%M UTC')" -f "$root/scripts/report.awk" >"$partial"
chmod 644 "$partial"
mv "$partial" "$page"
echo "report: wrote $page"
exit $failed
