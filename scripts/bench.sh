#!/bin/sh
# bench.sh: training-step throughput next to raw cblas_dgemm on the same
# shapes, single-threaded (see bench/bench.c).  Prints CSV tables.
#   scripts/bench.sh [activation ...]    (default: relu tanh)
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh
[ $# -gt 0 ] || set -- relu tanh
for act in "$@"; do
    build/vgrad-bench "$act" 1.0
done
