#!/bin/sh
# test_interrupt.sh: a sweep stopped by SIGINT (Ctrl-C: the whole process
# group) or SIGTERM (kill, a batch system: the sweep's own process) exits
# 130 or 143 with one line saying what happened, leaves no temporary file,
# no worker and no half-written run, and --resume finishes it to the bytes
# of a sweep never interrupted.  Concurrent use: two sweeps started at once
# into one new directory, one of them refused; two sweeps of one experiment
# file into two directories at once, neither disturbed.
#   tests/test_interrupt.sh PATH_TO_VGRAD
set -u
vgrad=$1
test_name=interrupt
. "$(dirname "$0")/lib.sh"

# The result files and run directories without manifest and timing.csv
# (they record times), with their sha256.
result_sums() {
    (cd "$1" && find . -type f ! -name manifest ! -name timing.csv ! -name .lock \
        -exec sha256sum {} + | LC_ALL=C sort)
}
temporaries() { find "$1" \( -name '.*.tmp.*' -o -name '.tmp.*' \) -print; }
# finished DIR: the number of finished runs in DIR/.runs.
finished() { find "$1/.runs" -mindepth 1 -maxdepth 1 -type d ! -name '.tmp.*' | wc -l; }
# wait_runs DIR N: until N runs of DIR have finished (60 s at most).
wait_runs() {
    i=0
    while [ "$(finished "$1" 2>/dev/null || echo 0)" -lt "$2" ] && [ $i -lt 1200 ]; do
        sleep 0.05
        i=$((i + 1))
    done
}
# alive PID: running or sleeping, not a zombie.
alive() { [ -r "/proc/$1/stat" ] && awk '{ exit $3 == "Z" }' "/proc/$1/stat" 2>/dev/null; }

cat >"$tmp/slow.ini" <<'INI'
[experiment]
name = slow
[run]
steps = 300
width = 32
depth = 6
log_every = 50
[sweep]
activation = sigmoid, relu, leaky_relu:0.2
seed = 1..4
INI
"$vgrad" sweep "$tmp/slow.ini" -j 2 -q "out=$tmp/reference" >/dev/null || bad "reference sweep"
result_sums "$tmp/reference" >"$tmp/reference.sums"
[ "$(wc -l <"$tmp/reference.sums")" -ge 60 ] || bad "reference: $(wc -l <"$tmp/reference.sums") files"

# interrupt SIGNAL CODE TARGET: a sweep -j 2 stopped by SIGNAL after two
# runs finished, sent to its process group (TARGET group) or its process.
interrupt() {
    sig=$1 code=$2 target=$3
    dir="$tmp/stopped-$sig"
    # (a job started with & ignores SIGINT, as POSIX has it, unless reset)
    setsid env --default-signal=INT "$vgrad" sweep "$tmp/slow.ini" -j 2 "out=$dir" >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    wait_runs "$dir" 2
    workers=$(pgrep -P "$pid" | tr '\n' ' ')
    if [ "$target" = group ]; then kill -"$sig" -"$pid"; else kill -"$sig" "$pid"; fi
    wait "$pid"
    rc=$?
    done_before=$(finished "$dir")
    if [ $rc -eq "$code" ]; then ok; else bad "SIG$sig to the $target: exit $rc, expected $code: $(cat "$tmp/err")"; fi
    # The last line of stderr (after the progress lines) says what happened.
    last=$(tail -n 1 "$tmp/err")
    case "$last" in
        "vgrad: error: interrupted by SIG$sig: "*" of 12 runs done, the runs in progress abandoned"*"--resume finishes it") ok ;;
        *) bad "SIG$sig: last line of stderr: '$last'" ;;
    esac
    if [ "$(grep -c '^vgrad: error:' "$tmp/err")" -eq 1 ] && ! grep -q "^sweep slow:" "$tmp/out"; then ok; else
        bad "SIG$sig: stdout '$(cat "$tmp/out")', stderr '$(cat "$tmp/err")'"
    fi
    left=$(temporaries "$dir")
    if [ -z "$left" ]; then ok; else bad "SIG$sig: left $left"; fi
    if [ -n "$workers" ]; then ok; else bad "SIG$sig: the sweep had no workers"; fi
    for w in $workers; do
        if alive "$w"; then bad "SIG$sig: worker $w outlived the sweep"; kill -KILL "$w"; else ok; fi
    done
    # Stopped before the end (12 runs): it did not finish the plan anyway.
    if [ "$done_before" -ge 2 ] && [ "$done_before" -lt 12 ] && [ ! -e "$dir/layers.csv" ]; then ok; else
        bad "SIG$sig: $done_before runs finished, layers.csv $(ls "$dir/layers.csv" 2>&1)"
    fi
    # Every finished run is whole: its five files, the same as the reference's.
    for run in "$dir"/.runs/*/; do
        id=$(basename "$run")
        for f in layers.csv train.csv hist.csv predictions.csv runs.csv; do
            cmp -s "$run/$f" "$tmp/reference/.runs/$id/$f" || bad "SIG$sig: run $id: $f differs from the reference"
        done
    done
    "$vgrad" sweep "$tmp/slow.ini" -j 2 -q --resume "out=$dir" >"$tmp/resumed" 2>&1 || bad "SIG$sig: --resume: $(cat "$tmp/resumed")"
    if grep -q "already done" "$tmp/resumed" && result_sums "$dir" | cmp -s - "$tmp/reference.sums"; then ok; else
        bad "SIG$sig: after --resume: $(cat "$tmp/resumed") $(result_sums "$dir" | diff "$tmp/reference.sums" - | head -5)"
    fi
}
interrupt INT 130 group
interrupt TERM 143 process

# A sweep that ignores SIGINT on entry (started with & by a script) goes on.
setsid "$vgrad" sweep "$tmp/slow.ini" -j 2 -q "out=$tmp/ignored" >"$tmp/out" 2>"$tmp/err" &
pid=$!
wait_runs "$tmp/ignored" 2
kill -INT -"$pid"
wait "$pid"
rc=$?
if [ $rc -eq 0 ] && result_sums "$tmp/ignored" | cmp -s - "$tmp/reference.sums"; then ok; else
    bad "a sweep ignoring SIGINT: exit $rc: $(cat "$tmp/err")"
fi

# Two sweeps started at once into one new directory: one runs, the other
# is refused (exit 2, one line) and writes nothing.
"$vgrad" sweep "$tmp/slow.ini" -j 1 -q "out=$tmp/both" >"$tmp/out1" 2>"$tmp/err1" &
pid1=$!
"$vgrad" sweep "$tmp/slow.ini" -j 1 -q "out=$tmp/both" >"$tmp/out2" 2>"$tmp/err2" &
pid2=$!
wait "$pid1"
rc1=$?
wait "$pid2"
rc2=$?
case "$rc1 $rc2" in
    "0 2") refused=2 ;;
    "2 0") refused=1 ;;
    *) refused=0 ;;
esac
if [ $refused -gt 0 ] && [ "$(wc -l <"$tmp/err$refused")" -eq 1 ] &&
    grep -q "being written by another vgrad sweep\|holds a sweep already" "$tmp/err$refused"; then ok; else
    bad "two sweeps into one directory: exits $rc1 and $rc2: $(cat "$tmp/err1" "$tmp/err2")"
fi
if result_sums "$tmp/both" | cmp -s - "$tmp/reference.sums" && [ -z "$(temporaries "$tmp/both")" ]; then ok; else
    bad "two sweeps into one directory: the result differs from the reference"
fi

# Two sweeps of the same experiment file into two directories at once:
# both finish, each the reference's bytes.
"$vgrad" sweep "$tmp/slow.ini" -j 1 -q "out=$tmp/left" >/dev/null 2>"$tmp/err1" &
pid1=$!
"$vgrad" sweep "$tmp/slow.ini" -j 1 -q "out=$tmp/right" >/dev/null 2>"$tmp/err2" &
pid2=$!
wait "$pid1"
rc1=$?
wait "$pid2"
rc2=$?
if [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ]; then ok; else bad "two sweeps into two directories: exits $rc1, $rc2: $(cat "$tmp/err1" "$tmp/err2")"; fi
for d in left right; do
    if result_sums "$tmp/$d" | cmp -s - "$tmp/reference.sums"; then ok; else bad "$d: differs from the reference"; fi
done

finish
