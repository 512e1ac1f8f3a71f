#!/bin/sh
# test_parallel.sh: scripts/sweep-parallel.sh runs the shards of a sweep
# with GNU parallel (installed when missing) and merges them; the result is
# byte-identical to a plain local `vgrad sweep` of the same file; --resume
# after a finished batch recomputes nothing; a bad grid stops before
# anything runs.
#   tests/test_parallel.sh PATH_TO_VGRAD
set -u
test_name=parallel
. "$(dirname "$0")/lib.sh"
vgrad=$1
script="$(dirname "$0")/../scripts/sweep-parallel.sh"
cat >"$tmp/grid.ini" <<'INI'
[experiment]
name = pgrid
[run]
steps = 10
width = 8
log_every = 5
hist_every = 5
[sweep]
depth = 2, 3
activation = tanh, relu
seed = 1..3
INI
"$vgrad" sweep "$tmp/grid.ini" -j 2 -q "out=$tmp/local" >/dev/null || bad "local sweep"
VGRAD="$vgrad" sh "$script" "$tmp/grid.ini" -j 3 --out "$tmp/par" >"$tmp/log" 2>&1 || bad "sweep-parallel: $(cat "$tmp/log")"
for f in layers.csv train.csv hist.csv predictions.csv runs.csv experiment.ini; do
    if [ -s "$tmp/par/$f" ] && cmp -s "$tmp/local/$f" "$tmp/par/$f"; then ok; else bad "$f differs"; fi
done
if [ "$(wc -l <"$tmp/par/parallel.joblog")" -eq 4 ]; then ok; else bad "joblog: $(cat "$tmp/par/parallel.joblog")"; fi
# Resume of a finished batch: every shard reports its runs as done already.
VGRAD="$vgrad" sh "$script" "$tmp/grid.ini" -j 3 --out "$tmp/par" --resume >"$tmp/log" 2>&1 || bad "resume: $(cat "$tmp/log")"
for k in 1 2 3; do
    if [ -d "$tmp/par/shards/$k/.runs" ]; then ok; else bad "shard $k missing"; fi
done
if cmp -s "$tmp/local/runs.csv" "$tmp/par/runs.csv"; then ok; else bad "runs.csv after resume differs"; fi
# Overrides pass through; a bad value stops before any shard runs.
VGRAD="$vgrad" sh "$script" "$tmp/grid.ini" -j 2 --out "$tmp/bad" -- depth=0 >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "key 'depth'" "$tmp/err" && [ ! -d "$tmp/bad/shards/1" ]; then ok; else
    bad "bad override: rc $rc $(cat "$tmp/err")"
fi
finish
