#!/bin/sh
# bench.sh: the two performance figures of the README.
#  1. Training-step throughput next to raw cblas_dgemm on the same shapes,
#     single-threaded (bench/bench.c), for each activation given (default:
#     relu tanh): three plain networks, and at (16, 512, 256) one with
#     norm=batch and one with residual=2.  BENCH_CLOCK=cpu times both sides
#     by the thread's CPU time (for a machine shared with other jobs);
#     default wall.
#  2. Sweep throughput: a grid of 40 small runs (depth 10, width 64, 100
#     full-batch steps on 300 spiral points) at -j 1 and -j 2; the per-run
#     overhead is the wall time per run beyond the training time the runs
#     record in timing.csv.
#   scripts/bench.sh [activation ...]
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null 2>&1 || scripts/setup.sh
[ $# -gt 0 ] || set -- relu tanh
for act in "$@"; do
    build/vgrad-bench "$act" 2.0 "${BENCH_CLOCK:-wall}"
done

tmp=$(mktemp -d /tmp/vgrad_bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
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
now() { date +%s.%N; }
echo "# sweep throughput: 40 runs of depth 10, width 64, 100 steps"
echo "jobs,wall_seconds,runs_per_second,train_seconds_per_run,overhead_per_run,speedup"
base=""
for j in 1 2; do
    t0=$(now)
    build/vgrad sweep "$tmp/grid.ini" -j $j -q "out=$tmp/j$j" >/dev/null
    t1=$(now)
    gawk -f scripts/charts/csv.awk -f scripts/bench.awk -v file="$tmp/j$j/timing.csv" \
        -v t0="$t0" -v t1="$t1" -v j="$j" -v base="$base"
    [ -n "$base" ] || base=$(echo "$t1 $t0" | awk '{print $1 - $2}')
done
