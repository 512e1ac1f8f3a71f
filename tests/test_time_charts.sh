#!/bin/sh
# test_time_charts.sh: the charts of time.csv (grad-by-time, its --theory
# and --quantity grad_c_norm variants, time-heatmap, gates), their wiring into
# scripts/plot.sh and the gallery.
#   - on a synthetic results directory of known values
#     (tests/synthetic-time.awk): each chart writes a valid, non-blank PNG
#     (tests/lib.sh check_png), and its data (the --gp script's datablocks)
#     are the medians and min-max over seeds of the values written: the
#     RNN's rho^(T - t) line per layer, the LSTM's cell-state line alone
#     under --quantity grad_c_norm, the heatmap's cells (3 logged steps x 8
#     time steps of the top layer), the gates at each run's last step with
#     the RNN runs (no gates) left out of the legend;
#   - a directory without time.csv, or with a header only, is skipped
#     (exit 3, one line); a time.csv without a column the chart needs, or a
#     --quantity that is not a norm of time.csv, is bad input (exit 2, one
#     line "plot: error: ...");
#   - plot.sh on an MLP run lists no time chart; with a time.csv beside it,
#     plot.sh draws them and report.sh's gallery has their headings;
#   - factor-by-radius: the measured per-step factor of each run is its
#     rho (the synthetic norms are rho^(T - t)), with the bound rho gamma of
#     tanh; one radius is skipped;
#   - on a real sweep (a tanh RNN, orthogonal W_hh of radius 0.9, two seeds,
#     and an LSTM): plot.sh draws all six time charts, and the dashed
#     mean-field line of grad-by-time --theory is anchored at the measured
#     last step and falls by a per-step factor within 5% of the measured
#     one; the LSTM gets no line and a note.
#   tests/test_time_charts.sh PATH_TO_VGRAD
set -u
test_name=time_charts
. "$(dirname "$0")/lib.sh"
[ $# -ge 1 ] || { echo "usage: tests/test_time_charts.sh PATH_TO_VGRAD" >&2; exit 2; }
VGRAD=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
export VGRAD
root=$(cd "$(dirname "$0")/.." && pwd)
charts="$root/scripts/charts"
need_tools gnuplot:gnuplot-nox gawk:gawk pngtopnm:netpbm ppmhist:netpbm || true

# block GP NAME: the rows of datablock $NAME of a gnuplot script
block() { awk -v name="\$$2" '$1 == name && $2 == "<<" { on = 1; next } /^EOD/ { on = 0 } on' "$1"; }
# near ACTUAL EXPECTED: within 1e-9 relative
near() { awk -v a="$1" -v e="$2" 'BEGIN { d = a - e; if (d < 0) d = -d; exit !(a != "" && d <= 1e-9 * (e < 0 ? -e : e)) }'; }
# at GP BLOCK X COLUMN: column COLUMN of the row of BLOCK whose first field is X
at() { block "$1" "$2" | awk -v x="$3" -v c="$4" '$1 == x { print $c }'; }

syn="$tmp/syn"
mkdir "$syn"
gawk -v dir="$syn" -f "$root/tests/synthetic-time.awk"

# --- grad-by-time ------------------------------------------------------------------
out=$("$charts/grad-by-time.sh" "$syn" "$tmp/g.png" --gp "$tmp/g.gp" 2>"$tmp/err"); rc=$?
if [ "$rc" -eq 0 ] && [ "$out" = "grad-by-time: wrote $tmp/g.png" ] && [ ! -s "$tmp/err" ]; then ok; else
    bad "grad-by-time: exit $rc, '$out', stderr '$(cat "$tmp/err")'"
fi
check_png "$tmp/g.png"
# panel 2 = layer 2, series 1 = rho 0.8: median of seeds 1.01, 1.02 -> 1.015
for t in 1 4 8; do
    expected=$(awk -v t="$t" 'BEGIN { printf "%.17g", 1.015 * 0.8 ^ (8 - t) }')
    v=$(at "$tmp/g.gp" d_2_1 "$t" 2)
    if near "$v" "$expected"; then ok; else bad "grad-by-time: rho 0.8, layer 2, t=$t: median '$v', expected $expected"; fi
    lo=$(at "$tmp/g.gp" d_2_1 "$t" 3); hi=$(at "$tmp/g.gp" d_2_1 "$t" 4)
    if near "$lo" "$(awk -v t="$t" 'BEGIN { printf "%.17g", 1.01 * 0.8 ^ (8 - t) }')" &&
       near "$hi" "$(awk -v t="$t" 'BEGIN { printf "%.17g", 1.02 * 0.8 ^ (8 - t) }')"; then ok; else
        bad "grad-by-time: rho 0.8, layer 2, t=$t: band '$lo'..'$hi'"
    fi
done
v=$(at "$tmp/g.gp" d_1_2 1 2)   # layer 1 (half), rho 1.2
if near "$v" "$(awk 'BEGIN { printf "%.17g", 0.5 * 1.015 * 1.2 ^ 7 }')"; then ok; else bad "grad-by-time: rho 1.2, layer 1, t=1: '$v'"; fi
if grep -q 'title "model, depth, recurrent\\\\_radius, forget\\\\_bias"' "$tmp/g.gp"; then ok; else
    bad "grad-by-time: the legend does not name the keys that differ"
fi
# --step: the values of step 20 are 1.2 times step 0's
"$charts/grad-by-time.sh" "$syn" "$tmp/g20.png" --step 20 --gp "$tmp/g20.gp" >/dev/null 2>&1
v=$(at "$tmp/g20.gp" d_2_1 8 2)
if near "$v" 1.218; then ok; else bad "grad-by-time --step 20: t=8 '$v', expected 1.218"; fi

# the LSTM's cell state alone
out=$("$charts/grad-by-time.sh" "$syn" "$tmp/c.png" --quantity grad_c_norm --gp "$tmp/c.gp" 2>&1); rc=$?
case "$out" in
    "grad-by-time: wrote $tmp/c.png (5 runs not drawn: no grad_c_norm (it is the LSTM's only))") ok ;;
    *) bad "grad-by-time --quantity grad_c_norm: exit $rc, '$out'" ;;
esac
v=$(at "$tmp/c.gp" d_1_1 1 2)
if near "$v" "$(awk 'BEGIN { printf "%.17g", 0.731 ^ 7 }')"; then ok; else bad "grad_c_norm at t=1: '$v'"; fi
if [ -z "$(block "$tmp/c.gp" d_1_2)" ]; then ok; else bad "grad_c_norm: a second series drawn"; fi

# --- time-heatmap ------------------------------------------------------------------
out=$("$charts/time-heatmap.sh" "$syn" "$tmp/h.png" --gp "$tmp/h.gp" 2>&1); rc=$?
if [ "$rc" -eq 0 ] && [ "$out" = "time-heatmap: wrote $tmp/h.png" ]; then ok; else bad "time-heatmap: exit $rc, '$out'"; fi
check_png "$tmp/h.png"
n=$(block "$tmp/h.gp" cells_1 | wc -l)
if [ "$n" -eq 24 ]; then ok; else bad "time-heatmap: $n cells in panel 1, expected 3 steps x 8 time steps"; fi
# panel 1: rho 0.8, top layer 2, step 10, t = 1
v=$(block "$tmp/h.gp" cells_1 | awk '$1 == 10 && $2 == 1 { print $7 }')
if near "$v" "$(awk 'BEGIN { printf "%.17g", 1.015 * 0.8 ^ 7 * 1.1 }')"; then ok; else bad "time-heatmap: step 10, t=1: '$v'"; fi
n=$(grep -c '^\$cells_[0-9]* <<' "$tmp/h.gp")
if [ "$n" -eq 4 ]; then ok; else bad "time-heatmap: $n panels, expected 4 configurations"; fi

# --- gates -------------------------------------------------------------------------
out=$("$charts/gates.sh" "$syn" "$tmp/gates.png" --gp "$tmp/gates.gp" 2>&1); rc=$?
case "$out" in
    "gates: wrote $tmp/gates.png (4 runs without gates (model=rnn, or not in time.csv) not drawn)") ok ;;
    *) bad "gates: exit $rc, '$out'" ;;
esac
check_png "$tmp/gates.png"
# columns i f o r z; series 1 lstm, 2 gru; each run's last step (20)
v=$(at "$tmp/gates.gp" d_2_1 3 2)
if near "$v" 0.75; then ok; else bad "gates: LSTM forget gate at step 20: '$v', expected 0.75"; fi
v=$(at "$tmp/gates.gp" d_5_2 6 2)
if near "$v" 0.46; then ok; else bad "gates: GRU update gate at t=6: '$v', expected 0.46"; fi
if grep -q '"rnn' "$tmp/gates.gp"; then bad "gates: the RNN runs are in the legend"; else ok; fi
"$charts/gates.sh" "$syn" "$tmp/gates0.png" --step 0 --gp "$tmp/gates0.gp" >/dev/null 2>&1
v=$(at "$tmp/gates0.gp" d_2_1 3 2)
if near "$v" 0.73; then ok; else bad "gates --step 0: forget gate '$v', expected 0.73"; fi

# --- factor-by-radius ---------------------------------------------------------------
out=$("$charts/factor-by-radius.sh" "$syn" "$tmp/f.png" --gp "$tmp/f.gp" 2>&1); rc=$?
case "$out" in
    "factor-by-radius: wrote $tmp/f.png ("*"2 runs without recurrent_radius > 0 or rows at step 0 not drawn)") ok ;;
    *) bad "factor-by-radius: exit $rc, '$out'" ;;
esac
check_png "$tmp/f.png"
# the top layer's (g_1 / g_8)^(1/7) = rho exactly, for both seeds
for rho in 0.8 1.2; do
    v=$(at "$tmp/f.gp" d_1_1 "$rho" 2); lo=$(at "$tmp/f.gp" d_1_1 "$rho" 3); hi=$(at "$tmp/f.gp" d_1_1 "$rho" 4)
    if near "$v" "$rho" && near "$lo" "$rho" && near "$hi" "$rho"; then ok; else bad "factor-by-radius: rho $rho: '$v' ('$lo'..'$hi')"; fi
done
# the bound rho gamma of tanh (gamma = 1, from vgrad activations)
if grep -q 'x \* 1 with lines' "$tmp/f.gp"; then ok; else bad "factor-by-radius: no bound line rho x 1 for tanh"; fi
expect_skip=$("$charts/factor-by-radius.sh" "$syn" "$tmp/x.png" --where recurrent_radius=0.8 2>&1); rc=$?
if [ "$rc" -eq 3 ] && [ "$expect_skip" = "factor-by-radius: skipped: not a sweep over recurrent_radius (experiments/figures/pascanu.ini is one)" ]; then ok; else
    bad "factor-by-radius on one radius: exit $rc, '$expect_skip'"
fi

# --- skips and bad input -----------------------------------------------------------
expect() {   # expect CODE PATTERN COMMAND...: exit code and its one line
    code=$1 pattern=$2
    shift 2
    "$@" >"$tmp/x.out" 2>"$tmp/x.err"
    rc=$?
    lines=$(cat "$tmp/x.out" "$tmp/x.err" | wc -l)
    if [ "$rc" -eq "$code" ] && [ "$lines" -eq 1 ] && grep -q "$pattern" "$tmp/x.out" "$tmp/x.err"; then ok; else
        bad "$*: exit $rc (expected $code), output '$(cat "$tmp/x.out" "$tmp/x.err")' (expected one line with '$pattern')"
    fi
}
nt="$tmp/no-time"
mkdir "$nt"
cp "$syn/runs.csv" "$nt/"
for c in grad-by-time time-heatmap gates; do
    expect 3 "^$c: skipped: no time.csv" "$charts/$c.sh" "$nt" "$tmp/x.png"
done
head -n 1 "$syn/time.csv" >"$nt/time.csv"
expect 3 "^grad-by-time: skipped: time.csv has no rows" "$charts/grad-by-time.sh" "$nt" "$tmp/x.png"
cut -d, -f1-10 "$syn/time.csv" >"$nt/time.csv"   # no gate columns
expect 2 "^plot: error: $nt/time.csv: no column 'gate_i_mean'" "$charts/gates.sh" "$nt" "$tmp/x.png"
expect 2 "^plot: error: --quantity: 'h_mean' is not" "$charts/grad-by-time.sh" "$syn" "$tmp/x.png" --quantity h_mean
expect 3 "^grad-by-time-theory: skipped: the mean-field prediction is for step 0" \
    "$charts/grad-by-time.sh" "$syn" "$tmp/x.png" --theory --step 10
expect 3 "^grad-by-time-theory: skipped: no mean-field prediction for grad_c_norm" \
    "$charts/grad-by-time.sh" "$syn" "$tmp/x.png" --theory --quantity grad_c_norm
if [ ! -e "$tmp/x.png" ]; then ok; else bad "a skipped or refused chart left $tmp/x.png"; fi

# --- plot.sh and the gallery -------------------------------------------------------
run="$tmp/run"
"$VGRAD" run depth=1 width=8 steps=20 log_every=10 "out=$run" >/dev/null 2>&1 || bad "vgrad run failed"
"$root/scripts/plot.sh" "$run" >"$tmp/plot.out" 2>&1 || bad "plot.sh on an MLP run: $(cat "$tmp/plot.out")"
if grep -Eq '^(grad-by-time|time-heatmap|gates)' "$tmp/plot.out"; then bad "plot.sh lists time charts without time.csv"; else ok; fi
# a time.csv for the MLP's run id (the charts read any run's rows)
id=$(awk -F, 'NR == 2 { print $1 }' "$run/runs.csv")
awk -F, -v OFS=, -v id="$id" 'NR == 1 || $1 == "lstm-1"' "$syn/time.csv" |
    awk -F, -v OFS=, -v id="$id" 'NR > 1 { $1 = id } 1' >"$run/time.csv"
"$root/scripts/plot.sh" "$run" >"$tmp/plot.out" 2>&1 || bad "plot.sh with time.csv: $(cat "$tmp/plot.out")"
for c in grad-by-time grad-by-time-c time-heatmap gates; do
    if grep -q "^grad-by-time: wrote $run/plots/$c.png\|^$c: wrote $run/plots/$c.png" "$tmp/plot.out"; then ok; else
        bad "plot.sh did not draw $c: $(cat "$tmp/plot.out")"
    fi
done
if grep -q "^grad-by-time-theory: skipped: no run is inside the mean-field theory" "$tmp/plot.out"; then ok; else
    bad "plot.sh: grad-by-time-theory for an MLP: $(grep theory "$tmp/plot.out")"
fi
"$root/scripts/report.sh" "$run" >/dev/null 2>&1 || bad "report.sh failed"
for h in "Gradient norm through time" "Cell-state gradient norm through time" "Gate means through time"; do
    if grep -q "<h2>$h</h2>" "$run/index.html"; then ok; else bad "the gallery has no '$h'"; fi
done
if grep -q 'scripts/charts/grad-by-time.sh --quantity grad_c_norm<' "$run/index.html"; then ok; else
    bad "the gallery does not name grad-by-time.sh --quantity grad_c_norm"
fi

# --- real recurrent runs ----------------------------------------------------------
cat >"$tmp/rnn.ini" <<'INI'
[experiment]
name = time-charts-test
description = A tanh RNN (orthogonal W_hh, radius 0.9) and an LSTM, 10 training steps.
[run]
depth = 1
width = 128
dataset = adding
seq_len = 20
n_samples = 128
batch_size = 128
loss = mse
steps = 10
log_every = 5
lr = 0.01
[sweep.rnn]
model = rnn
activation = tanh
recurrent_init = orthogonal
recurrent_radius = 0.9
seed = 1, 2
[sweep.lstm]
model = lstm
forget_bias = 1
seed = 1
INI
real="$tmp/real"
"$VGRAD" sweep "$tmp/rnn.ini" -q "out=$real" >"$tmp/sweep.out" 2>&1 || bad "the recurrent sweep failed: $(cat "$tmp/sweep.out")"
"$root/scripts/plot.sh" "$real" >"$tmp/plot.out" 2>&1 || bad "plot.sh on recurrent runs: $(cat "$tmp/plot.out")"
for c in grad-by-time grad-by-time-theory grad-by-time-c time-heatmap gates factor-by-radius; do
    if grep -q ": wrote $real/plots/$c.png" "$tmp/plot.out"; then ok; else bad "plot.sh did not draw $c: $(grep "$c" "$tmp/plot.out")"; fi
done
check_png "$real/plots/grad-by-time-theory.png"
# the dashed line against the measured one: per-step factors over t = 1..20
# of the RNN (series 1; its prediction is series 1001) agree within 5%
# (finite width 128; measured about 1-2%), and the LSTM has no dashed line
"$charts/grad-by-time.sh" "$real" "$tmp/t.png" --theory --gp "$tmp/t.gp" >"$tmp/t.out" 2>&1 || bad "grad-by-time --theory: $(cat "$tmp/t.out")"
m1=$(at "$tmp/t.gp" d_1_1 1 2); m20=$(at "$tmp/t.gp" d_1_1 20 2)
p1=$(at "$tmp/t.gp" d_1_1001 1 2); p20=$(at "$tmp/t.gp" d_1_1001 20 2)
if awk -v m1="$m1" -v m20="$m20" -v p1="$p1" -v p20="$p20" 'BEGIN {
        if (m1 == "" || p1 == "" || p20 != m20) exit 1
        fm = (m1 / m20) ^ (1 / 19); fp = (p1 / p20) ^ (1 / 19)
        exit !(fp < 0.95 && fm / fp > 0.95 && fm / fp < 1.05) }'; then ok; else
    bad "grad-by-time --theory: measured $m1 .. $m20, predicted $p1 .. $p20 (per-step factors not within 5%, or not anchored at t = 20)"
fi
if [ -z "$(block "$tmp/t.gp" d_1_1002)" ] && grep -q "no prediction for 1 run: vgrad theory predicts the vanilla RNN" "$tmp/t.out"; then ok; else
    bad "grad-by-time --theory: the LSTM got a dashed line or no note: $(cat "$tmp/t.out")"
fi

finish
