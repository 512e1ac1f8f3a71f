#!/bin/sh
# bench.sh: the performance figures of the README.
#  1. The training step, recording (the whole layers.csv and train.csv rows
#     written at every step, and as a second row every 10 steps), next to raw
#     cblas_dgemm on the same products measured in the same run, single-
#     threaded (bench/bench.c), for each activation given (default: relu
#     tanh lstm): three plain networks, and at (16, 512, 256) one with norm=batch
#     and one with residual=2; `lstm` (in the default list) gives the LSTM
#     rows instead (width 256, batch 128, 100 time steps, time.csv recorded
#     too; no PyTorch peer yet).  When PyTorch is installed (/usr/bin/python3
#     with torch, Debian's python3-torch), bench/torch_step.py makes the same
#     plain steps in float64 on one thread, reading every layer's weight- and
#     bias-gradient norms at each logged step, and each row gets PyTorch's
#     seconds per step and vgrad_vs_torch (above 1: vgrad is faster).
#  2. The sweep: a grid of 40 small runs (sigmoid, tanh, relu, gelu x 10
#     seeds; depth 10, width 64, 100 full-batch steps on 300 spiral points,
#     logged every 10 steps) at -j 1 and -j 2, and, with PyTorch,
#     bench/torch_sweep.py making the same 40 runs in one process; the
#     per-run overhead is the time per run beyond the training time the runs
#     record in timing.csv.
# BENCH_CLOCK=cpu measures by CPU time (vgrad-bench and torch_step.py the
# thread's, the sweeps their processes' user + sys) instead of the wall
# clock, for a machine shared with other jobs; -j 2's speedup over -j 1 is
# always by the wall clock.  BENCH_SECONDS (default 2) is the length of one
# measurement of a step.
#   scripts/bench.sh [--peer torch] [activation ...]
# --peer torch installs python3-torch (apt-get) first.
set -eu
cd "$(dirname "$0")/.."
clock=${BENCH_CLOCK:-wall}
case $clock in
wall | cpu) ;;
*)
    echo "vgrad: error: BENCH_CLOCK=$clock; allowed: wall or cpu" >&2
    exit 2
    ;;
esac
if [ "${1:-}" = --peer ]; then
    if [ "${2:-}" != torch ]; then
        echo "vgrad: error: --peer '${2:-}'; allowed: --peer torch" >&2
        exit 2
    fi
    shift 2
    if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
        sudo=""
        [ "$(id -u)" -eq 0 ] || sudo=sudo
        echo "bench: installing python3-torch" >&2
        $sudo apt-get update >/dev/null
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends \
            -o DPkg::Lock::Timeout=300 python3-torch >/dev/null
    fi
fi
scripts/setup.sh >/dev/null 2>&1 || scripts/setup.sh
[ $# -gt 0 ] || set -- relu tanh lstm
torch=0
/usr/bin/python3 -c "import torch" 2>/dev/null && torch=1

tmp=$(mktemp -d /tmp/vgrad_bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
for act in "$@"; do
    build/vgrad-bench "$act" "${BENCH_SECONDS:-2}" "$clock" "$tmp" >"$tmp/vgrad.out"
    grep '^#' "$tmp/vgrad.out"
    grep -v '^#' "$tmp/vgrad.out" >"$tmp/vgrad.csv"
    peer=""
    if [ $torch = 1 ] && [ "$act" != lstm ]; then
        /usr/bin/python3 bench/torch_step.py "$act" "${BENCH_SECONDS:-2}" "$clock" >"$tmp/torch.csv"
        peer="$tmp/torch.csv"
    fi
    gawk -f scripts/charts/csv.awk -f scripts/bench-peer.awk -v vgrad="$tmp/vgrad.csv" \
        -v torch="$peer"
done

cat >"$tmp/grid.ini" <<'INI'
[run]
depth = 10
width = 64
steps = 100
log_every = 10
[sweep]
activation = sigmoid, tanh, relu, gelu
seed = 1..10
INI
# timed FILE COMMAND...: runs COMMAND, its stdout to /dev/null, and writes
# "wall cpu" seconds (cpu: user + sys of the command and its children) to FILE.
timed() {
    file=$1
    shift
    /usr/bin/time -f "%e %U %S" -o "$file.raw" "$@" >/dev/null
    awk '{ print $1, $2 + $3 }' "$file.raw" >"$file"
}
echo "# sweep: 40 runs of depth 10, width 64, 100 steps; $clock clock"
echo "jobs,seconds,runs_per_second,train_seconds_per_run,overhead_per_run,speedup_wall,vs_torch"
if [ $torch = 1 ]; then
    timed "$tmp/torch.time" /usr/bin/python3 bench/torch_sweep.py "$tmp/torch-sweep.csv"
fi
base=""
for j in 1 2; do
    timed "$tmp/j$j.time" build/vgrad sweep "$tmp/grid.ini" -j $j -q "out=$tmp/j$j"
    gawk -f scripts/charts/csv.awk -f scripts/bench.awk -v file="$tmp/j$j/timing.csv" \
        -v times="$(cat "$tmp/j$j.time")" -v clock="$clock" -v j="$j" -v base="$base" \
        -v torch="$([ $torch = 0 ] || cat "$tmp/torch.time")"
    [ -n "$base" ] || base=$(cut -d' ' -f1 "$tmp/j$j.time")
done
if [ $torch = 1 ]; then
    echo "torch,$(awk -v c="$clock" '{ print c == "cpu" ? $2 : $1 }' "$tmp/torch.time"),,,,,"
fi
