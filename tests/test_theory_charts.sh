#!/bin/sh
# test_theory_charts.sh: the two charts of theory beside the measurement,
# from their drivers' --quick runs in a temporary directory.
#   - scripts/phase-diagram.sh --quick (tanh, depth 50, sigma_w^2 0.5..4 x
#     sigma_b^2 0..0.3, 1 seed) and scripts/jacobian-spectra.sh --quick
#     (width 50, depths 10 and 30) exit 0 with nothing on stderr, and their
#     PNGs are PNGs of a plausible size with at least 10 non-grey colours
#     (as tests/test_plots.sh checks: a chart drawn blank has none);
#   - the phase diagram's data (its --gp script): the measured delta ratio
#     of the first to the output layer at sigma_b^2 = 0 vanishes at the
#     smallest sigma_w^2 and explodes at the largest; the weight-gradient
#     ratio explodes at the largest, vanishes at the smallest sigma_w^2
#     with the largest sigma_b^2, and stays near 1 at sigma_w^2 = 0.5,
#     sigma_b^2 = 0, where the forward signal shrinks as fast as the
#     backward one (||dL/dW_l|| ~ ||delta_l|| ||a_{l-1}||);
#   - the chi_1 = 1 line starts at sigma_w^2 = 1, sigma_b^2 = 0 (tanh at
#     q* = 0: chi_1 = sigma_w^2 tanh'(0)^2; the point is the closed form
#     1 / tanh'(0)^2, exact, printed to 10 digits: tolerance 1e-9), rises
#     in both coordinates and reaches the grid's largest sigma_b^2;
#   - the Jacobian data (spectra.csv): every singular value of the linear
#     orthogonal networks is 1 to 1e-10; at the deepest tanh networks the
#     Gaussian spectrum spreads far more than the orthogonal one (ratio of
#     the 90th to the 10th percentile, and the orthogonal max/min);
#   - a sweep that is not over init_gain and bias_init is skipped (exit 3)
#     and a directory without spectra.csv is bad input (exit 2, one line);
#   - --out replaces the script's own earlier output, and refuses (exit 2,
#     one line, nothing touched) a directory of other files or a file.
#   tests/test_theory_charts.sh PATH_TO_VGRAD
set -u
test_name=theory_charts
. "$(dirname "$0")/lib.sh"
[ $# -ge 1 ] || { echo "usage: tests/test_theory_charts.sh PATH_TO_VGRAD" >&2; exit 2; }
VGRAD=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
export VGRAD
root=$(cd "$(dirname "$0")/.." && pwd)
started=$(date +%s)
need_tools gnuplot:gnuplot-nox gawk:gawk pngtopnm:netpbm ppmhist:netpbm || started=$(date +%s)

# block GP NAME: the rows of datablock $NAME of a gnuplot script
block() { awk -v name="\$$2" '$1 == name && $2 == "<<" { on = 1; next } /^EOD/ { on = 0 } on' "$1"; }
# cell GP SIGMA_W2 SIGMA_B2: the median log10 ratio of that cell
cell() { block "$1" cells | awk -v x="$2" -v y="$3" '$1 == x && $2 == y { print $7 }'; }
# holds EXPRESSION (awk, on v): exit status of the comparison
holds() { awk -v v="$1" "BEGIN { exit !($2) }"; }

# --- the phase diagram -------------------------------------------------------------
pd="$tmp/phase"
if "$root/scripts/phase-diagram.sh" --quick --out "$pd" >"$tmp/pd.out" 2>"$tmp/pd.err"; then ok; else
    bad "phase-diagram.sh --quick exited $?: $(head -n 3 "$tmp/pd.err")"
fi
if [ ! -s "$tmp/pd.err" ]; then ok; else bad "phase-diagram.sh wrote on stderr: $(head -n 3 "$tmp/pd.err")"; fi
if grep -q "^phase-diagram: wrote $pd/phase-diagram.png$" "$tmp/pd.out" &&
   grep -q "^phase-diagram: wrote $pd/phase-diagram-delta.png$" "$tmp/pd.out"; then ok; else
    bad "phase-diagram.sh output: $(cat "$tmp/pd.out")"
fi
check_png "$pd/phase-diagram.png"
check_png "$pd/phase-diagram-delta.png"
chart="$root/scripts/charts/phase-diagram.sh"
"$chart" "$pd" "$tmp/pd-w.png" --gp "$tmp/w.gp" >/dev/null 2>&1 || bad "phase-diagram.sh --gp failed"
"$chart" "$pd" "$tmp/pd-d.png" --gp "$tmp/d.gp" --metric delta_norm >/dev/null 2>&1 ||
    bad "phase-diagram.sh --metric delta_norm --gp failed"
n=$(block "$tmp/w.gp" cells | wc -l)
if [ "$n" -eq 12 ]; then ok; else bad "phase diagram: $n cells, expected 4 x 3"; fi
v=$(cell "$tmp/d.gp" 0.5 0)
if [ -n "$v" ] && holds "$v" "v < -3"; then ok; else bad "delta ratio at sigma_w^2 0.5, sigma_b^2 0: '$v' (expected < -3: vanishing)"; fi
v=$(cell "$tmp/d.gp" 4 0)
if [ -n "$v" ] && holds "$v" "v > 1"; then ok; else bad "delta ratio at sigma_w^2 4, sigma_b^2 0: '$v' (expected > 1: exploding)"; fi
v=$(cell "$tmp/w.gp" 4 0)
if [ -n "$v" ] && holds "$v" "v > 1"; then ok; else bad "weight-gradient ratio at sigma_w^2 4, sigma_b^2 0: '$v' (expected > 1)"; fi
v=$(cell "$tmp/w.gp" 0.5 0.3)
if [ -n "$v" ] && holds "$v" "v < -3"; then ok; else bad "weight-gradient ratio at sigma_w^2 0.5, sigma_b^2 0.3: '$v' (expected < -3)"; fi
v=$(cell "$tmp/w.gp" 0.5 0)
if [ -n "$v" ] && holds "$v" "v > -0.5 && v < 0.5"; then ok; else
    bad "weight-gradient ratio at sigma_w^2 0.5, sigma_b^2 0: '$v' (expected within 0.5 of 0)"
fi
block "$tmp/w.gp" edge >"$tmp/edge"
if [ "$(wc -l <"$tmp/edge")" -ge 100 ]; then ok; else bad "the chi_1 = 1 line has $(wc -l <"$tmp/edge") points"; fi
if awk 'NR == 1 { exit !($1 > 1 - 1e-9 && $1 < 1 + 1e-9 && $2 == 0) }' "$tmp/edge"; then ok; else
    bad "the chi_1 = 1 line starts at $(head -n 1 "$tmp/edge"), expected 1 0"
fi
if awk 'NR > 1 && !($1 > w && $2 > b) { exit 1 } { w = $1; b = $2 }
        END { exit !(b > 0.3 - 1e-9 && w > 2.4 && w < 2.6) }' "$tmp/edge"; then ok; else
    bad "the chi_1 = 1 line does not rise in sigma_w^2 and sigma_b^2 to sigma_b^2 = 0.3 (last: $(tail -n 1 "$tmp/edge"))"
fi
# not a sweep over both keys: skipped, saying why
rc=0
"$chart" "$pd" "$tmp/skip.png" --where bias_init=0 >"$tmp/skip.out" 2>"$tmp/skip.err" || rc=$?
if [ "$rc" -eq 3 ] && grep -q '^phase-diagram: skipped: not a sweep over init_gain and bias_init' "$tmp/skip.out" &&
   [ ! -s "$tmp/skip.err" ] && [ ! -e "$tmp/skip.png" ]; then ok; else
    bad "phase-diagram.sh --where bias_init=0: exit $rc, '$(cat "$tmp/skip.out" "$tmp/skip.err")'"
fi
# --out: the script's own earlier output is replaced (a file left in it
# goes); a directory it did not write is refused (exit 2, one line) and left
# as it was.
echo stale >"$pd/stale.txt"
if "$root/scripts/phase-diagram.sh" --quick --out "$pd" >"$tmp/pd2.out" 2>&1 && [ ! -e "$pd/stale.txt" ] &&
   [ -s "$pd/phase-diagram.png" ]; then ok; else
    bad "phase-diagram.sh over its own output: $(head -n 3 "$tmp/pd2.out"); stale.txt $(ls "$pd/stale.txt" 2>&1)"
fi
mkdir "$tmp/mine"
echo keep >"$tmp/mine/notes.txt"
rc=0
"$root/scripts/phase-diagram.sh" --quick --out "$tmp/mine" >"$tmp/mine.out" 2>"$tmp/mine.err" || rc=$?
if [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/mine.err")" -eq 1 ] && [ ! -s "$tmp/mine.out" ] &&
   grep -q "^phase-diagram.sh: error: '$tmp/mine' holds files phase-diagram.sh did not write; allowed: a new or empty directory" "$tmp/mine.err" &&
   [ "$(ls -A "$tmp/mine")" = notes.txt ] && [ "$(cat "$tmp/mine/notes.txt")" = keep ]; then ok; else
    bad "phase-diagram.sh --out over a directory of other files: exit $rc, '$(cat "$tmp/mine.err")', it holds: $(ls -A "$tmp/mine" | tr '\n' ' ')"
fi
rc=0
"$root/scripts/jacobian-spectra.sh" --quick --out "$tmp/mine/notes.txt" >"$tmp/mine.out" 2>"$tmp/mine.err" || rc=$?
if [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/mine.err")" -eq 1 ] &&
   grep -q "^jacobian-spectra.sh: error: '$tmp/mine/notes.txt' is not a directory; allowed: " "$tmp/mine.err" &&
   [ "$(cat "$tmp/mine/notes.txt")" = keep ]; then ok; else
    bad "jacobian-spectra.sh --out FILE: exit $rc, '$(cat "$tmp/mine.err")'"
fi

# --- the Jacobian spectra -------------------------------------------------------------
js="$tmp/jacobian"
if "$root/scripts/jacobian-spectra.sh" --quick --out "$js" >"$tmp/js.out" 2>"$tmp/js.err"; then ok; else
    bad "jacobian-spectra.sh --quick exited $?: $(head -n 3 "$tmp/js.err")"
fi
if [ ! -s "$tmp/js.err" ]; then ok; else bad "jacobian-spectra.sh wrote on stderr: $(head -n 3 "$tmp/js.err")"; fi
if grep -q "^jacobian: wrote $js/jacobian-spectra.png$" "$tmp/js.out"; then ok; else bad "jacobian-spectra.sh output: $(cat "$tmp/js.out")"; fi
check_png "$js/jacobian-spectra.png"
csv="$js/spectra.csv"
if [ "$(head -n 1 "$csv")" = "activation,init,depth,width,sigma_w2,sigma_b2,seed,example,index,singular_value" ]; then ok; else
    bad "spectra.csv header: $(head -n 1 "$csv")"
fi
# 2 activations x 2 inits x 2 depths x 2 inputs x 50 singular values
rows=$(($(wc -l <"$csv") - 1))
if [ "$rows" -eq 800 ]; then ok; else bad "spectra.csv: $rows rows, expected 800"; fi
# spectrum ACTIVATION INIT DEPTH: the singular values of those networks, one
# a line (spectra.csv's columns found by name, by scripts/charts/csv.awk)
spectrum() {
    gawk -f "$root/scripts/charts/csv.awk" -v file="$csv" -v act="$1" -v init="$2" -v depth="$3" -e 'BEGIN {
        csv_open(file)
        while (csv_next(file))
            if (col(file, "activation") == act && col(file, "init") == init && (depth == "" || col(file, "depth") == depth))
                print col(file, "singular_value")
    }'
}
worst=$(spectrum linear orthogonal "" | awk '{ n++; e = $1 - 1; if (e < 0) e = -e; if (e > m) m = e }
                                            END { printf "%d %.3g", n, m }')
if [ "${worst% *}" -eq 200 ] && holds "${worst#* }" "v <= 1e-10"; then ok; else
    bad "linear orthogonal: $worst (count, largest |sigma - 1|; expected 200 values within 1e-10)"
fi
# spread of the deepest tanh networks: 90th / 10th percentile, and max / min
spread() {
    spectrum tanh "$1" 30 | sort -g |
        awk '{ v[NR] = $1 } END { printf "%.6g %.6g", v[int(0.9 * NR)] / v[int(0.1 * NR) + 1], v[NR] / v[1] }'
}
gauss=$(spread lecun_normal)
orth=$(spread orthogonal)
if holds "${gauss% *} ${orth% *} ${orth#* }" 'split(v, s, " ") && s[1] > 100 * s[2] && s[3] < 20'; then ok; else
    bad "tanh depth 30: Gaussian spread (p90/p10, max/min) $gauss, orthogonal $orth (expected Gaussian p90/p10 > 100 x orthogonal, orthogonal max/min < 20)"
fi
# bad input: one line, exit 2
mkdir "$tmp/none"
: >"$tmp/none/runs.csv"
rc=0
"$root/scripts/charts/jacobian.sh" "$tmp/none" "$tmp/none.png" >"$tmp/none.out" 2>"$tmp/none.err" || rc=$?
if [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/none.err")" -eq 1 ] &&
   grep -q "^plot: error: $tmp/none/spectra.csv: missing" "$tmp/none.err"; then ok; else
    bad "jacobian.sh without spectra.csv: exit $rc, '$(cat "$tmp/none.err")'"
fi

# --- time -------------------------------------------------------------------------
seconds=$(($(date +%s) - started))
echo "test_theory_charts: ${seconds} s (limit 60 s)" >&2
if [ "$seconds" -lt 60 ]; then ok; else bad "took ${seconds}s (limit 60)"; fi
finish
