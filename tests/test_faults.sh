#!/bin/sh
# test_faults.sh: injected faults, as SQLite tests them.  Out of memory:
# each main command (run, sweep, merge, gradcheck, theory, jacobian,
# activations, at small sizes) runs with its 1st, 2nd, 3rd ... allocation
# failing (VGRAD_TEST_FAIL_ALLOC=N, vg.h) until it passes, and each time must
# exit 1 with one line "vgrad: error: ... out of memory" on stderr, leave no
# temporary file and every earlier result as it was, and (for a sweep)
# finish with --resume to the bytes of a sweep that never failed.  The ASan
# round of scripts/test.sh runs it too, so a leak or a bad access on any of
# these paths aborts the command (exit 134), which fails the test.
# Writes that fail: the same for each command that writes files, with the
# N-th write, fsync or close of a result file failing with ENOSPC or EIO
# (VGRAD_TEST_FAIL_WRITE=N or N:EIO, file.h).
# A real full disk (part disk): a small tmpfs, mounted in a mount namespace
# of the test's own (as root: unshare -m; otherwise in a user namespace:
# unshare -rm; the test is skipped when neither works), filled to leave
# 0 to 512 KiB free, under run, sweep and merge; the same checks, and
# --resume or the merge done again after the space is freed; and a chart
# (scripts/charts/grad-by-layer.sh, PNG, SVG and PDF) on the same disk.
#   tests/test_faults.sh PATH_TO_VGRAD alloc|write|disk
set -u
vgrad=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
part=$2
# The disk part runs itself again in a mount namespace of its own.
cannot_mount=""
if [ "$part" = disk ] && [ -z "${VGRAD_FAULTS_NAMESPACE:-}" ]; then
    if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
        VGRAD_FAULTS_NAMESPACE=1 exec unshare -m sh "$0" "$@"
    elif unshare -rm true 2>/dev/null; then
        VGRAD_FAULTS_NAMESPACE=1 exec unshare -rm sh "$0" "$@"
    fi
    cannot_mount="cannot make a mount namespace to mount a small tmpfs in (unshare -m as root, unshare -rm without)"
fi
test_name=faults_$part
. "$(dirname "$0")/lib.sh"
[ -z "$cannot_mount" ] || skip "$cannot_mount"

# Every file under DIR with its sha256, sorted, for "intact" checks.
sums() { (cd "$1" && find . -type f ! -name .lock -exec sha256sum {} + | LC_ALL=C sort); }
# The temporary files and run directories the library writes (file.h,
# sweepdir.h): none may outlive a command.
temporaries() { find "$1" \( -name '.*.tmp.*' -o -name '.tmp.*' \) -print; }
# The result files of a sweep directory, and its run directories' files,
# without manifest and timing.csv (they record times).
result_sums() {
    (cd "$1" && find . -type f ! -name manifest ! -name timing.csv ! -name .lock \
        -exec sha256sum {} + | LC_ALL=C sort -k 2)
}

cat >"$tmp/grid.ini" <<'INI'
[experiment]
name = faults
[run]
steps = 3
depth = 2
width = 4
n_samples = 20
log_every = 1
hist_every = 1
save_predictions = 1
test_frac = 0.25
[sweep]
activation = tanh, relu
INI
small="depth=2 width=4 steps=2 n_samples=20"
recurrent="model=lstm dataset=adding loss=mse seq_len=5 depth=1 width=4 steps=2 n_samples=20"
work=$tmp/work
mkdir -p "$work"
# Earlier results that every failing command must leave as they were: a
# run, a finished sweep (the reference for --resume) and its two shards.
# shellcheck disable=SC2086
"$vgrad" run $small "out=$work/kept-run" >/dev/null || bad "kept run"
"$vgrad" sweep "$tmp/grid.ini" -j 1 -q "out=$work/reference" >/dev/null || bad "reference sweep"
for k in 1 2; do
    "$vgrad" sweep "$tmp/grid.ini" -j 1 -q --shard $k/2 "out=$work/shard$k" >/dev/null || bad "shard $k"
done
result_sums "$work/reference" >"$tmp/reference.sums"
[ "$(wc -l <"$tmp/reference.sums")" -ge 15 ] || bad "reference sweep: $(wc -l <"$tmp/reference.sums") files"

# one_error_line FILE WORDS: FILE is exactly one line "vgrad: error: ..."
# holding WORDS.
one_error_line() {
    [ "$(wc -l <"$1")" -eq 1 ] && grep -q "^vgrad: error: .*$2" "$1"
}

# each_failing WHAT NAME SETUP CHECK COMMAND...: runs COMMAND (in $work)
# with the N-th allocation (WHAT = alloc) or the N-th write (WHAT = write,
# or write:EIO) failing, for N = 1, 2, ... until it succeeds.  SETUP (a
# shell function) runs before each try, CHECK after each failed one.
each_failing() {
    what=$1 name=$2 setup=$3 check=$4
    shift 4
    case $what in
        alloc) words="out of memory" ;;
        write) words="No space left on device" ;;
        write:EIO) words="Input/output error" ;;
    esac
    n=1
    failures=0
    while [ $n -le 5000 ]; do
        $setup
        sums "$work" >"$tmp/before"
        rc=0
        if [ "$what" = alloc ]; then
            (cd "$work" && VGRAD_TEST_FAIL_ALLOC=$n "$@") >"$tmp/out" 2>"$tmp/err" || rc=$?
        else
            (cd "$work" && VGRAD_TEST_FAIL_WRITE=$n${what#write} "$@") >"$tmp/out" 2>"$tmp/err" || rc=$?
        fi
        [ $rc -eq 0 ] && break
        # a command that cannot start, or crashes, ends the loop
        [ $rc -le 2 ] || { bad "$name, $what $n failing: exit $rc: $(head -c 600 "$tmp/err")"; break; }
        failures=$((failures + 1))
        if [ $rc -eq 1 ] && one_error_line "$tmp/err" "$words"; then ok; else
            bad "$name, $what $n failing: exit $rc (expected 1), stderr: $(head -c 600 "$tmp/err")"
        fi
        left=$(temporaries "$work")
        if [ -z "$left" ]; then ok; else bad "$name, $what $n failing: left $left"; fi
        # every file that was there before is there unchanged
        sums "$work" >"$tmp/after"
        lost=$(LC_ALL=C comm -23 "$tmp/before" "$tmp/after")
        if [ -z "$lost" ]; then ok; else bad "$name, $what $n failing: changed or removed: $lost"; fi
        $check
        n=$((n + 1))
    done
    # The command must fail at least once (it goes through the hook) and
    # then succeed.
    if [ $rc -eq 0 ] && [ $failures -ge 1 ]; then ok; else
        bad "$name: $failures ${what}s failed before it passed (exit $rc at $n: $(head -c 300 "$tmp/err"))"
    fi
    echo "$test_name: $name: $failures ${what}s, each made to fail"
}

none() { :; }
fresh() { rm -rf "$work/new" "$work/new.csv"; }
# After a failed sweep, --resume without a failure finishes it to the
# bytes of the reference.
resumed() {
    if "$vgrad" sweep "$tmp/grid.ini" -j 1 -q --resume "out=$work/new" >"$tmp/resume.out" 2>"$tmp/resume.err" &&
        result_sums "$work/new" | cmp -s - "$tmp/reference.sums"; then ok; else
        bad "sweep, $what $n failing, then --resume: $(cat "$tmp/resume.err")$(result_sums "$work/new" | diff "$tmp/reference.sums" - | head -5)"
    fi
}
# After a failed merge, the merge into the same directory succeeds.
merged_again() {
    if "$vgrad" merge "$work/new" "$work/shard1" "$work/shard2" >/dev/null 2>"$tmp/merge.err" &&
        result_sums "$work/new" | cmp -s - "$tmp/reference.sums"; then ok; else
        bad "merge, $what $n failing, then merge again: $(cat "$tmp/merge.err")$(result_sums "$work/new" | diff "$tmp/reference.sums" - | head -5)"
    fi
}

# fill FREE_KIB: leaves FREE_KIB of the tmpfs $disk free (a filler file).
fill() {
    rm -f "$disk/filler"
    avail=$(df -k --output=avail "$disk" | tail -n 1 | tr -d ' ')
    [ "$avail" -gt "$1" ] && dd if=/dev/zero of="$disk/filler" bs=1024 count=$((avail - $1)) 2>/dev/null
    avail=$(df -k --output=avail "$disk" | tail -n 1 | tr -d ' ')
}
# on_full_disk NAME COMMAND...: COMMAND (in $disk) with 0, 8, 32, 128 and
# 512 KiB free: it succeeds, or fails with one line naming the full disk,
# leaving no temporary file and every file that was there as it was.
on_full_disk() {
    name=$1
    shift
    fails=0
    for free in 0 8 32 128 512; do
        fill $free
        sums "$disk" | grep -v ' ./filler$' >"$tmp/before"
        rc=0
        (cd "$disk" && "$@") >"$tmp/out" 2>"$tmp/err" || rc=$?
        if [ $rc -eq 0 ] || { [ $rc -eq 1 ] && one_error_line "$tmp/err" "No space left on device"; }; then ok; else
            bad "$name with $avail KiB free: exit $rc, stderr: $(head -c 600 "$tmp/err")"
        fi
        [ $rc -eq 0 ] || fails=$((fails + 1))
        left=$(temporaries "$disk")
        if [ -z "$left" ]; then ok; else bad "$name with $avail KiB free: left $left"; fi
        # (a command that succeeded may rewrite what it wrote before)
        sums "$disk" | grep -v ' ./filler$' >"$tmp/after"
        lost=$(LC_ALL=C comm -23 "$tmp/before" "$tmp/after")
        if [ $rc -eq 0 ] || [ -z "$lost" ]; then ok; else bad "$name with $avail KiB free: changed or removed: $lost"; fi
    done
    rm -f "$disk/filler"
    # it met the full disk at least once
    if [ $fails -ge 1 ]; then ok; else bad "$name: never failed on a full disk"; fi
    echo "$test_name: $name: failed cleanly on $fails of 5 fillings"
}

# shellcheck disable=SC2086
if [ "$part" = disk ]; then
disk=$tmp/disk
mkdir "$disk"
mount -t tmpfs -o size=4m tmpfs "$disk" || skip "cannot mount a tmpfs on $disk"
"$vgrad" run $small out=$disk/earlier >/dev/null || bad "the earlier run"
on_full_disk run "$vgrad" run $small out=new
on_full_disk "run over an earlier run" "$vgrad" run $small seed=7 out=earlier
on_full_disk sweep "$vgrad" sweep "$tmp/grid.ini" -j 1 -q --resume out=sweep
# with the space back, --resume finishes it to the reference's bytes
if "$vgrad" sweep "$tmp/grid.ini" -j 1 -q --resume "out=$disk/sweep" >/dev/null 2>"$tmp/err" &&
    result_sums "$disk/sweep" | cmp -s - "$tmp/reference.sums"; then ok; else
    bad "sweep --resume after the disk was full: $(cat "$tmp/err") $(result_sums "$disk/sweep" | diff "$tmp/reference.sums" - | head -5)"
fi
on_full_disk merge "$vgrad" merge merged "$work/shard1" "$work/shard2"
rm -rf "$disk/merged"
if "$vgrad" merge "$disk/merged" "$work/shard1" "$work/shard2" >/dev/null 2>"$tmp/err" &&
    result_sums "$disk/merged" | cmp -s - "$tmp/reference.sums"; then ok; else
    bad "merge after the disk was full: $(cat "$tmp/err")"
fi
# The charts: gnuplot exits 0 when it cannot write its file, so a chart cut
# short by the full disk must be caught before it is renamed into place:
# one line, exit 1, no partial file, the earlier chart kept.
charts=$(cd "$(dirname "$0")/../scripts/charts" && pwd)
for format in png svg pdf; do
    "$charts/grad-by-layer.sh" "$work/reference" "$disk/kept.$format" --format $format >/dev/null ||
        bad "the earlier $format chart"
    fails=0
    for free in 0 8 32 128 512; do
        fill $free
        sums "$disk" | grep -v ' ./filler$' >"$tmp/before"
        rc=0
        "$charts/grad-by-layer.sh" "$work/reference" "$disk/new.$format" --format $format \
            >"$tmp/out" 2>"$tmp/err" || rc=$?
        if [ $rc -eq 0 ] || { [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
            grep -q "^plot: grad-by-layer: writing $disk/new.$format failed: " "$tmp/err"; }; then ok; else
            bad "$format chart with $avail KiB free: exit $rc, stderr: $(head -c 600 "$tmp/err")"
        fi
        if [ $rc -eq 0 ]; then
            if [ "$(wc -c <"$disk/new.$format")" -eq "$(wc -c <"$disk/kept.$format")" ]; then ok; else
                bad "$format chart with $avail KiB free: exit 0, but $(wc -c <"$disk/new.$format") bytes of $(wc -c <"$disk/kept.$format")"
            fi
        else
            fails=$((fails + 1))
            if [ ! -e "$disk/new.$format" ]; then ok; else bad "$format chart with $avail KiB free: a partial file"; fi
        fi
        left=$(find "$disk" -name '.new.*' -print)
        if [ -z "$left" ]; then ok; else bad "$format chart with $avail KiB free: left $left"; fi
        rm -f "$disk/new.$format"
        sums "$disk" | grep -v ' ./filler$' >"$tmp/after"
        if cmp -s "$tmp/before" "$tmp/after"; then ok; else bad "$format chart with $avail KiB free: changed earlier files"; fi
    done
    rm -f "$disk/filler" "$disk/kept.$format"
    if [ $fails -ge 1 ]; then ok; else bad "$format chart: never failed on a full disk"; fi
    echo "$test_name: $format chart: failed cleanly on $fails of 5 fillings"
done
umount "$disk"
# A file system out of inodes: the directories cannot be made (ENOSPC).
mount -t tmpfs -o size=4m,nr_inodes=4 tmpfs "$disk" || skip "cannot mount a tmpfs on $disk"
mkdir "$disk/one" 2>/dev/null
for cmd in "run $small out=$disk/one/run" "sweep $tmp/grid.ini -q out=$disk/one/sweep"; do
    rc=0
    # shellcheck disable=SC2086
    "$vgrad" $cmd >"$tmp/out" 2>"$tmp/err" || rc=$?
    if [ $rc -eq 1 ] && one_error_line "$tmp/err" "No space left on device"; then ok; else
        bad "$cmd out of inodes: exit $rc (expected 1), stderr: $(cat "$tmp/err")"
    fi
done
umount "$disk"
elif [ "$part" = alloc ]; then
each_failing alloc run fresh none "$vgrad" run $small out=new
each_failing alloc "run model=lstm" fresh none "$vgrad" run $recurrent out=new
each_failing alloc "run over an earlier run" none none "$vgrad" run $small seed=5 out=kept-run
each_failing alloc sweep fresh resumed "$vgrad" sweep "$tmp/grid.ini" -j 1 -q out=new
each_failing alloc "sweep -j 2" fresh resumed "$vgrad" sweep "$tmp/grid.ini" -j 2 -q out=new
each_failing alloc merge fresh merged_again "$vgrad" merge new shard1 shard2
each_failing alloc gradcheck none none "$vgrad" gradcheck $small
each_failing alloc theory fresh none "$vgrad" theory $small out=new
each_failing alloc jacobian fresh none "$vgrad" jacobian $small out=new
each_failing alloc activations fresh none "$vgrad" activations points=50 out=new.csv
else
# Writes that fail (ENOSPC, or EIO), for each command that writes files.
each_failing write run fresh none "$vgrad" run $small out=new
each_failing write "run model=lstm" fresh none "$vgrad" run $recurrent out=new
each_failing write:EIO "run over an earlier run" none none "$vgrad" run $small seed=6 out=kept-run
each_failing write sweep fresh resumed "$vgrad" sweep "$tmp/grid.ini" -j 1 -q out=new
each_failing write:EIO "sweep -j 2" fresh resumed "$vgrad" sweep "$tmp/grid.ini" -j 2 -q out=new
each_failing write merge fresh merged_again "$vgrad" merge new shard1 shard2
each_failing write theory fresh none "$vgrad" theory $small out=new --edge-of-chaos 1
each_failing write jacobian fresh none "$vgrad" jacobian $small out=new
each_failing write activations fresh none "$vgrad" activations points=50 out=new.csv
fi

finish
