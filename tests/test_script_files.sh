#!/bin/sh
# test_script_files.sh: the files the chart scripts write go through
# temporary names nobody can predict, so that a file planted in their place
# (a symbolic link named after the process id) is neither written through
# nor removed, and the charts still come out:
#   - scripts/plot.sh's chart list and log (once ${TMPDIR}/vgrad_plot_list.PID
#     and vgrad_plot_log.PID);
#   - a chart's partial output (once OUT_DIR/.NAME.tmp.PID), and a skipped
#     chart leaves no partial file.
#   - scripts/reproduce.sh --table writes REPRODUCTIONS.md (here
#     $VGRAD_REPRODUCTIONS) from the figures' claims.csv, read as CSV (a
#     claim with a comma and a doubled quote), and when a claims.csv cannot
#     be read it fails and leaves the earlier file as it was, with no
#     temporary file behind.
# (theory-check.sh's rename is tested in test_theory_check.sh.)
#   tests/test_script_files.sh PATH_TO_VGRAD
set -u
test_name=script_files
. "$(dirname "$0")/lib.sh"
[ $# -ge 1 ] || { echo "usage: tests/test_script_files.sh PATH_TO_VGRAD" >&2; exit 2; }
vgrad=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
need_tools gawk:gawk gnuplot:gnuplot-nox || true
export VGRAD="$vgrad"
"$vgrad" run steps=4 depth=3 width=4 "out=$tmp/run" >/dev/null 2>&1 || bad "vgrad run failed"
echo "not to be touched" >"$tmp/victim"
mkdir "$tmp/tmpdir" "$tmp/plots"

# plot.sh, exec'd by a shell that planted links at the names of its process id
TMPDIR="$tmp/tmpdir" sh -c 'ln -s "$1" "$TMPDIR/vgrad_plot_list.$$"; ln -s "$1" "$TMPDIR/vgrad_plot_log.$$"
    exec "$2" "$3" --format svg --out "$4"' sh "$tmp/victim" "$root/scripts/plot.sh" "$tmp/run" "$tmp/plots" \
    >"$tmp/out" 2>&1 || bad "plot.sh: $(cat "$tmp/out")"
if [ "$(cat "$tmp/victim")" = "not to be touched" ]; then ok; else
    bad "plot.sh wrote through a planted link: the file now holds '$(head -n 2 "$tmp/victim")'"
    echo "not to be touched" >"$tmp/victim"
fi
if [ -s "$tmp/plots/grad-by-layer.svg" ] && [ -s "$tmp/plots/plot.log" ]; then ok; else
    bad "plot.sh did not draw: $(ls "$tmp/plots" | paste -sd ' ' -)"
fi
if [ "$(find "$tmp/tmpdir" -name 'vgrad_plot*' ! -type l | wc -l)" -eq 0 ]; then ok; else
    bad "plot.sh left temporary files: $(ls "$tmp/tmpdir")"
fi

# a chart, exec'd the same way, with a link at its old partial name
mkdir "$tmp/chart"
sh -c 'ln -s "$1" "$4/.grad-by-layer.svg.tmp.$$"; exec "$2" "$3" "$4/grad-by-layer.svg"' sh \
    "$tmp/victim" "$root/scripts/charts/grad-by-layer.sh" "$tmp/run" "$tmp/chart" >"$tmp/out" 2>&1 ||
    bad "grad-by-layer.sh: $(cat "$tmp/out")"
if [ "$(cat "$tmp/victim")" = "not to be touched" ] && [ -f "$tmp/chart/grad-by-layer.svg" ] &&
   [ ! -L "$tmp/chart/grad-by-layer.svg" ] && grep -q '</svg>' "$tmp/chart/grad-by-layer.svg"; then ok; else
    bad "grad-by-layer.sh wrote through a planted link or drew nothing: $(ls -l "$tmp/chart" | tail -n +2 | paste -sd ' ' -)"
fi
# a chart that is skipped (a single run has no depth sweep) leaves nothing behind
rc=0
"$root/scripts/charts/depth-sweep.sh" "$tmp/run" "$tmp/chart/depth-sweep.svg" >"$tmp/out" 2>&1 || rc=$?
left=$(find "$tmp/chart" -name '.depth-sweep*' | wc -l)
if [ "$rc" -eq 3 ] && [ "$left" -eq 0 ] && [ ! -e "$tmp/chart/depth-sweep.svg" ]; then ok; else
    bad "depth-sweep.sh on one run: exit $rc (expected 3, skipped), $left partial files: $(cat "$tmp/out")"
fi
# reproduce.sh --table over made-up results of every figure
mkdir "$tmp/figs"
for ini in "$root"/experiments/figures/*.ini; do
    fig=$(basename "$ini" .ini)
    mkdir "$tmp/figs/$fig"
    printf '%s\n' "figure,claim,published,measured_median,measured_min,measured_max,rule,tolerance,agrees" \
        "$fig,\"a claim, with a comma and \"\"quotes\"\"\",1,1.5,1,2,rel,0.5,yes" >"$tmp/figs/$fig/claims.csv"
    echo 5 >"$tmp/figs/$fig/seconds"
done
table() { VGRAD_FIGURES="$tmp/figs" VGRAD_REPRODUCTIONS="$tmp/R.md" "$root/scripts/reproduce.sh" --table >"$tmp/out" 2>&1; }
rows=0
if table; then rows=$(grep -c '^| a claim, with a comma and "quotes" | 1 | 1.5 | 1 | 2 | rel 0.5 | yes |$' "$tmp/R.md"); fi
if [ "$rows" -eq "$(ls "$root"/experiments/figures/*.ini | wc -l)" ] && [ "$rows" -ge 1 ]; then ok; else
    bad "reproduce.sh --table: $rows rows of the claim: $(cat "$tmp/out")"
fi
# the first figure's claims.csv cannot be read: the table stops there
cp "$tmp/R.md" "$tmp/R.before"
first=$(ls "$root"/experiments/figures/*.ini | head -n 1 | sed 's|.*/||; s|\.ini$||')
echo "$first,x\"y,1,1,1,1,rel,0.5,yes" >>"$tmp/figs/$first/claims.csv"
rc=0
table || rc=$?
left=$(find "$tmp" -maxdepth 1 -name '.REPRODUCTIONS.md.*' | wc -l)
if [ "$rc" -ne 0 ] && cmp -s "$tmp/R.before" "$tmp/R.md" && [ "$left" -eq 0 ] &&
   grep -q "^reproduce: error: .*/$first/claims.csv: line 3: " "$tmp/out"; then ok; else
    bad "reproduce.sh --table on a bad claims.csv: exit $rc, REPRODUCTIONS.md $(cmp -s "$tmp/R.before" "$tmp/R.md" && echo kept || echo changed), $left temporary files, '$(cat "$tmp/out")'"
fi
finish
