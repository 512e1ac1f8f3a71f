#!/bin/sh
# test_sweep.sh: vgrad sweep and merge: grid expansion and overrides,
# validation errors naming file, line and key, byte-identical output for
# -j 1 and -j 2, kill -9 mid-sweep and --resume, shards merged back into the
# unsharded result, and merge's refusals.
#   tests/test_sweep.sh PATH_TO_VGRAD
set -u
vgrad=$1
test_name=sweep
. "$(dirname "$0")/lib.sh"

# same DIR1 DIR2: the result files and run directories are byte-identical
# (manifest and timing.csv record times, so they are left out).
same() {
    for f in layers.csv train.csv hist.csv predictions.csv runs.csv experiment.ini; do
        cmp -s "$1/$f" "$2/$f" || { bad "$1/$f and $2/$f differ"; return; }
    done
    for d in "$1"/.runs/*/; do
        id=$(basename "$d")
        for f in layers.csv train.csv hist.csv predictions.csv runs.csv; do
            cmp -s "$d/$f" "$2/.runs/$id/$f" || { bad "run $id: $f differs"; return; }
        done
    done
    cmp -s "$1/.runs/plan" "$2/.runs/plan" || { bad "plans differ"; return; }
    ok
}

cat >"$tmp/grid.ini" <<'INI'
[experiment]
name = grid
description = a small test grid

[run]
steps = 15
width = 8
log_every = 5
batch_size = 50
hist_every = 5
save_predictions = 1
test_frac = 0.2

[sweep]
depth = 2, 3
activation = sigmoid, relu, leaky_relu:0.2
seed = 1..3
INI

# Expansion: 2 x 3 x 3 = 18 runs, last key fastest.
"$vgrad" sweep "$tmp/grid.ini" --dry-run >"$tmp/dry" || bad "dry run"
if head -1 "$tmp/dry" | grep -q "grid: 18 runs" && [ "$(wc -l <"$tmp/dry")" -eq 19 ]; then ok; else
    bad "dry run: $(head -3 "$tmp/dry")"
fi
if sed -n 2,4p "$tmp/dry" | awk '{print $4}' | tr '\n' ' ' | grep -q "seed=1 seed=2 seed=3"; then ok; else
    bad "order: $(sed -n 2,4p "$tmp/dry")"
fi
# Overrides: a list replaces the file's list, a single value removes the axis.
n=$("$vgrad" sweep "$tmp/grid.ini" seed=7 depth=2,3,4,5 --dry-run | head -1)
case "$n" in *"12 runs"*) ok ;; *) bad "overrides: $n" ;; esac
# Named grids are unioned and a configuration met twice runs once.
cat >"$tmp/union.ini" <<'INI'
[run]
steps = 1
[sweep]
depth = 2, 3
[sweep.relu]
activation = relu
[sweep.again]
activation = relu
seed = 1, 2
INI
n=$("$vgrad" sweep "$tmp/union.ini" --dry-run | head -1)
case "$n" in *"4 runs"*) ok ;; *) bad "union: $n" ;; esac
# widths alternatives are separated by '|'
printf '[sweep]\nwidths = 4,4 | 8,8,8\n' >"$tmp/widths.ini"
n=$("$vgrad" sweep "$tmp/widths.ini" --dry-run | head -1)
case "$n" in *"2 runs"*) ok ;; *) bad "widths: $n" ;; esac

# Validation: the bad value is named with file, line and key; exit 2;
# nothing written.
expect_usage() {
    needle=$1
    shift
    "$vgrad" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ $rc -eq 2 ] && grep -qF -- "$needle" "$tmp/err" && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
        [ ! -e "$tmp/never" ]; then
        ok
    else
        bad "$*: rc $rc: $(cat "$tmp/err") (wanted '$needle')"
    fi
}
printf '[run]\nsteps = 2\n[sweep]\ndepth = 2, 3, 0\n' >"$tmp/bad.ini"
expect_usage "bad.ini:4: key 'depth': '0' is out of range" sweep "$tmp/bad.ini" "out=$tmp/never"
printf '[run]\nwidht = 3\n' >"$tmp/typo.ini"
expect_usage "typo.ini:2: unknown key 'widht' (did you mean 'width'?)" sweep "$tmp/typo.ini" "out=$tmp/never"
printf '[runs]\nwidth = 3\n' >"$tmp/section.ini"
expect_usage "section.ini:2: unknown section [runs]" sweep "$tmp/section.ini" "out=$tmp/never"
printf '[sweep]\nseed = 5..1\n' >"$tmp/range.ini"
expect_usage "range needs lo <= hi" sweep "$tmp/range.ini" "out=$tmp/never"
expect_usage "command line: key 'lr': 'x' is not a finite number" sweep "$tmp/grid.ini" lr=0.1,x "out=$tmp/never"
expect_usage "cannot open" sweep "$tmp/missing.ini" "out=$tmp/never"
expect_usage "-j '0': allowed" sweep "$tmp/grid.ini" -j 0 "out=$tmp/never"
expect_usage "needs" sweep "$tmp/grid.ini" -j 4096 width=1000000 depth=4096 "out=$tmp/never"
# idx:IMAGES,LABELS keeps its comma; a list of datasets with one takes '|'.
printf '\000\000\010\003\000\000\000\004\000\000\000\001\000\000\000\002\001\002\003\004\005\006\007\010' >"$tmp/img.idx"
printf '\000\000\010\001\000\000\000\004\000\001\000\001' >"$tmp/lab.idx"
n=$("$vgrad" sweep "$tmp/widths.ini" "dataset=idx:$tmp/img.idx,$tmp/lab.idx" steps=1 --dry-run | head -1)
case "$n" in *"2 runs"*) ok ;; *) bad "idx:IMAGES,LABELS override: $n" ;; esac
n=$("$vgrad" sweep "$tmp/widths.ini" "dataset=idx:$tmp/img.idx,$tmp/lab.idx|spiral" steps=1 --dry-run | head -1)
case "$n" in *"4 runs"*) ok ;; *) bad "idx:IMAGES,LABELS|spiral override: $n" ;; esac

# Data files are read before any run, whatever their kind: a missing IDX
# file, a subset larger than the file.
printf '[run]\nsteps = 1\ndataset = idx:%s/none.idx\n[sweep]\nseed = 1, 2\n' "$tmp" >"$tmp/idx.ini"
expect_usage "idx.ini:3: key 'dataset': $tmp/none.idx: cannot open" sweep "$tmp/idx.ini" "out=$tmp/never"
awk 'BEGIN { for (i = 0; i < 40; i++) printf "%d,%d,%d\n", i, -i, i % 2 }' >"$tmp/small.csv"
printf '[run]\nsteps = 1\ndataset = csv:%s/small.csv\n[sweep]\nn_samples = 10, 50\n' "$tmp" >"$tmp/subset.ini"
expect_usage "subset.ini:3: key 'dataset': $tmp/small.csv has 40 data rows, fewer than n_samples=50" sweep "$tmp/subset.ini" "out=$tmp/never"
# The memory estimate counts the rows a data file really has: 4000 rows
# of 500 features need more than 40 rows of them.
awk 'BEGIN { for (i = 0; i < 4000; i++) { for (j = 0; j < 500; j++) printf "%d,", (i + j) % 7; print i % 3 } }' >"$tmp/wide.csv"
head -n 40 "$tmp/wide.csv" >"$tmp/narrow.csv"
mib() { printf '[run]\nsteps = 1\ndataset = csv:%s\n' "$1" >"$tmp/mem.ini"
        "$vgrad" sweep "$tmp/mem.ini" "out=$tmp/never" --dry-run | sed -n '1s/.*at most \([0-9.e+]*\) MiB per run.*/\1/p'; }
wide=$(mib "$tmp/wide.csv")
narrow=$(mib "$tmp/narrow.csv")
# the data alone: 2 copies x (4000 - 40) x 501 doubles = 30.3 MiB more
# (and the full batch of 4000 more than that)
if awk -v w="$wide" -v n="$narrow" 'BEGIN { exit !(w - n >= 30.3) }'; then ok; else
    bad "memory per run: $wide MiB for 4000 x 500, $narrow MiB for 40 x 500"
fi

# -j 1 and -j 2 write the same bytes.
"$vgrad" sweep "$tmp/grid.ini" -j 1 -q "out=$tmp/j1" >/dev/null || bad "j1"
"$vgrad" sweep "$tmp/grid.ini" -j 2 -q "out=$tmp/j2" >/dev/null || bad "j2"
same "$tmp/j1" "$tmp/j2"
rows=$(($(wc -l <"$tmp/j1/runs.csv") - 1))
if [ "$rows" -eq 18 ]; then ok; else bad "runs.csv has $rows runs"; fi
# A finished directory is refused without --resume; with it, nothing reruns.
expect_usage "holds a sweep already" sweep "$tmp/grid.ini" "out=$tmp/j1"
if "$vgrad" sweep "$tmp/grid.ini" --resume -q "out=$tmp/j1" | grep -q "0 done now, 18 already done"; then
    ok
else
    bad "resume of a finished sweep recomputed runs"
fi

# Shards merge back into the unsharded result; merge refuses bad sets.
for k in 1 2 3; do
    "$vgrad" sweep "$tmp/grid.ini" --shard $k/3 -q "out=$tmp/s$k" >/dev/null || bad "shard $k"
done
"$vgrad" merge "$tmp/merged" "$tmp/s1" "$tmp/s2" "$tmp/s3" >/dev/null || bad "merge"
same "$tmp/j1" "$tmp/merged"
expect_usage "missing shard 3/3" merge "$tmp/never" "$tmp/s1" "$tmp/s2"
expect_usage "overlapping shards" merge "$tmp/never" "$tmp/s1" "$tmp/s1" "$tmp/s2" "$tmp/s3"
"$vgrad" sweep "$tmp/grid.ini" seed=9 --shard 2/3 -q "out=$tmp/other" >/dev/null
expect_usage "different experiments" merge "$tmp/never" "$tmp/s1" "$tmp/other" "$tmp/s3"
expect_usage "is not a sweep directory" merge "$tmp/never" "$tmp/s1" "$tmp"

# A run that fails for another reason than divergence (here: weights saved
# for a depth-2 network loaded into a depth-3 one) is recorded with its
# error; the other runs finish and the sweep exits 1.
"$vgrad" run depth=2 width=8 steps=1 "save_weights=$tmp/w2" "out=$tmp/w2run" >/dev/null
printf '[run]\nwidth = 8\nsteps = 3\nload_weights = %s\n[sweep]\ndepth = 2, 3\n' "$tmp/w2" >"$tmp/fail.ini"
"$vgrad" sweep "$tmp/fail.ini" -q "out=$tmp/fail" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && grep -q "1 of 2 runs failed" "$tmp/err" && grep -q ',ok,' "$tmp/fail/runs.csv" &&
    grep -q ',failed,.*W3.csv is 3 x 8, the network needs 8 x 8' "$tmp/fail/runs.csv"; then
    ok
else
    bad "failed run: rc $rc $(cat "$tmp/err") $(cut -c1-80 "$tmp/fail/runs.csv" 2>/dev/null)"
fi

# Kill -9 the whole sweep mid-way, resume, and compare with j1.
cat >"$tmp/slow.ini" <<'INI'
[run]
steps = 400
width = 32
depth = 6
log_every = 50
[sweep]
activation = sigmoid, relu, leaky_relu:0.2
seed = 1..8
INI
# wait_runs DIR N: until DIR/.runs holds N entries (30 s at most).
wait_runs() {
    i=0
    while [ "$(ls "$1/.runs" 2>/dev/null | wc -l)" -lt "$2" ] && [ $i -lt 600 ]; do
        sleep 0.05
        i=$((i + 1))
    done
}
"$vgrad" sweep "$tmp/slow.ini" -j 1 -q "out=$tmp/whole" >/dev/null || bad "whole"
setsid "$vgrad" sweep "$tmp/slow.ini" -j 2 -q "out=$tmp/killed" >/dev/null 2>&1 &
pid=$!
wait_runs "$tmp/killed" 8
kill -KILL -"$pid"
wait "$pid" 2>/dev/null
# wait reaps the leader only: the killed workers may still hold the
# directory's lock for a moment, and a --resume then is rightly refused.
# Wait (10 s at most) until no process of its session (setsid) is left but
# zombies.
i=0
while [ -n "$(ps -o stat= -g "$pid" 2>/dev/null | grep -v '^Z')" ] && [ $i -lt 200 ]; do
    sleep 0.05
    i=$((i + 1))
done
finished=$(ls "$tmp/killed/.runs" | grep -c -v -e '^plan$' -e '^shard$')
if [ "$finished" -ge 5 ] && [ "$finished" -lt 24 ]; then ok; else bad "killed after $finished runs"; fi
"$vgrad" sweep "$tmp/slow.ini" -j 2 -q --resume "out=$tmp/killed" >"$tmp/resumed" || bad "resume"
# The runs finished before the kill are not computed again.
done_now=$(sed -n 's/.* \([0-9]*\) done now.*/\1/p' "$tmp/resumed")
already=$(sed -n 's/.*, \([0-9]*\) already done.*/\1/p' "$tmp/resumed")
if [ "$((done_now + already))" -eq 24 ] && [ "$already" -ge "$finished" ]; then ok; else
    bad "resume: $(cat "$tmp/resumed") after $finished finished"
fi
same "$tmp/whole" "$tmp/killed"

# Kill -9 the sweep's own process only: its workers end with it (they
# would otherwise finish the plan behind a --resume's back), and while a
# sweep writes a directory a second one into it is refused.
"$vgrad" sweep "$tmp/slow.ini" -j 2 -q "out=$tmp/orphans" >/dev/null 2>&1 &
pid=$!
wait_runs "$tmp/orphans" 6
"$vgrad" sweep "$tmp/slow.ini" -j 2 -q --resume "out=$tmp/orphans" >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "is being written by another vgrad sweep" "$tmp/err" && [ "$(wc -l <"$tmp/err")" -eq 1 ]; then ok; else
    bad "a second sweep into a busy directory: rc $rc $(cat "$tmp/err")"
fi
workers=$(pgrep -P "$pid" | tr '\n' ' ')
if [ -n "$workers" ]; then ok; else bad "no workers of sweep $pid to orphan"; fi
kill -KILL "$pid"
wait "$pid" 2>/dev/null
# alive PID: running or sleeping, not a zombie (a container's init may
# never reap the killed workers)
alive() { [ -r "/proc/$1/stat" ] && awk '{ exit $3 == "Z" }' "/proc/$1/stat" 2>/dev/null; }
# Wait (10 s at most) until no worker is alive: they end when they notice
# their parent died, which a loaded machine may delay.
i=0
while :; do
    left=""
    for w in $workers; do alive "$w" && left="$left $w"; done
    [ -n "$left" ] && [ $i -lt 200 ] || break
    sleep 0.05
    i=$((i + 1))
done
if [ -z "$left" ]; then ok; else bad "workers$left outlived the sweep killed with SIGKILL"; kill -KILL $left; fi
"$vgrad" sweep "$tmp/slow.ini" -j 2 -q --resume "out=$tmp/orphans" >"$tmp/resumed" || bad "resume after the orphans: $(cat "$tmp/resumed")"
same "$tmp/whole" "$tmp/orphans"

finish
