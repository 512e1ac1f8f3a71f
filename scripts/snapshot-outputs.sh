#!/bin/sh
# snapshot-outputs.sh: runs a fixed set of runs, sweeps, charts and quick
# figures with one vgrad binary and records a SHA-256 line for every file
# they write, so that a restructuring can be checked to change no output:
#   scripts/snapshot-outputs.sh VGRAD DIR          # writes DIR/ and DIR/SHA256SUMS
#   diff BEFORE/SHA256SUMS AFTER/SHA256SUMS         # empty when nothing changed
# Files that hold the time, the host or the build are left out of the sums:
# timing.csv, a sweep's manifest and logs, plot.log, index.html and the
# figures' seconds.  Everything else (every CSV, weights file, chart script
# and SVG chart, claims.csv) must come out byte for byte the same.
# --no-figures skips the reproduce.sh --quick figures (the slowest part).
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -ge 2 ] || { echo "usage: scripts/snapshot-outputs.sh VGRAD DIR [--no-figures]" >&2; exit 2; }
vgrad=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
out=$2
figures=1
[ "${3:-}" = --no-figures ] && figures=0
[ ! -e "$out" ] || { echo "snapshot-outputs: error: '$out' exists; give a new directory" >&2; exit 2; }
mkdir -p "$out"
cd "$out"
# Every path given to vgrad is relative to DIR, so that runs.csv (which
# records out= and dataset=) is the same whatever DIR is.
out=.
export OPENBLAS_NUM_THREADS=1 LC_ALL=C

# runs: one per feature that writes its own columns or files
run() { name=$1; shift; "$vgrad" run "name=$name" "out=$out/runs/$name" "$@" >/dev/null; }
run default
run relu activation=relu init=he_normal depth=6 width=24 steps=50 log_every=5
run tanh-deep activation=tanh init=xavier_normal depth=20 width=16 steps=20 log_every=2
run adam-test optimizer=adam lr=1e-3 test_frac=0.2 batch_size=32 steps=40 save_predictions=1
run clip activation=selu init=lecun_normal clip_norm=0.5 steps=30 weight_decay=1e-3
run widths widths=20,10,5 activation=gelu steps=20 hist_every=10
run mse loss=mse dataset=teacher steps=20 activation=smelu
run fashion dataset=fashion_mnist n_samples=300 depth=3 width=32 steps=10 activation=leaky_relu
printf 'x1,x2,label\n0.1,0.2,0\n0.3,-0.1,1\n-0.5,0.4,0\n0.9,0.9,1\n0.2,-0.7,1\n-0.3,-0.3,0\n' >"$out/data.csv"
run csv "dataset=csv:$out/data.csv" standardize=1 steps=10 depth=2 width=4 save_weights=weights

# theory, jacobian, gradcheck, activations
"$vgrad" theory activation=tanh init=xavier_normal depth=10 "out=$out/theory" --edge-of-chaos 0.1 >/dev/null
"$vgrad" jacobian activation=relu init=he_normal depth=5 width=16 "out=$out/jacobian" >/dev/null
"$vgrad" gradcheck depth=3 width=6 activation=gelu >"$out/gradcheck.txt"
"$vgrad" activations range=-3:3 points=61 "out=$out/activations.csv"
"$vgrad" list >"$out/list.txt"
"$vgrad" help run >"$out/help-run.txt"

# sweeps: every shipped experiment's [quick] version, one resumed, one sharded and merged
for ini in "$root"/experiments/*.ini; do
    e=$(basename "$ini" .ini)
    "$vgrad" sweep "$ini" --quick -q -j 2 "out=$out/sweeps/$e" >/dev/null
done
"$vgrad" sweep "$root/experiments/activations.ini" --quick -q --shard 1/2 "out=$out/shards/s1" >/dev/null
"$vgrad" sweep "$root/experiments/activations.ini" --quick -q --shard 2/2 "out=$out/shards/s2" >/dev/null
"$vgrad" merge "$out/shards/merged" "$out/shards/s1" "$out/shards/s2" >/dev/null
"$vgrad" sweep "$root/experiments/depth-sweep.ini" --quick --dry-run >"$out/dry-run.txt"

# charts, as SVG (text, deterministic), of a run and of two sweeps
VGRAD="$vgrad" "$root/scripts/plot.sh" "$out/runs/default" --format svg >/dev/null
VGRAD="$vgrad" "$root/scripts/plot.sh" "$out/sweeps/depth-sweep" --format svg >/dev/null
VGRAD="$vgrad" "$root/scripts/plot.sh" "$out/sweeps/activations" --format svg >/dev/null

if [ "$figures" = 1 ]; then
    VGRAD="$vgrad" VGRAD_FIGURES="$(pwd)/figures" "$root/scripts/reproduce.sh" all --quick >/dev/null 2>&1 ||
        echo "snapshot-outputs: reproduce.sh all --quick failed (its files are still summed)" >&2
fi

find . -type f ! -name SHA256SUMS ! -name timing.csv ! -name manifest \
    ! -name sweep.log ! -name plot.log ! -name index.html ! -name '*.log' ! -name seconds |
    LC_ALL=C sort | xargs sha256sum >SHA256SUMS
echo "snapshot-outputs: $(wc -l <SHA256SUMS) files summed in $out/SHA256SUMS"
