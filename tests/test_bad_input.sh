#!/bin/sh
# test_bad_input.sh: the input parsers' findings of issue 15, through the
# real binary: each bad file or value is refused with one line, exit 2,
# nothing written, in bounded time and memory (an IDX header that claims
# 8.8 GB, ranges at the ends of 64 bits, 120 lines of a million-value range,
# --quick without [quick], csv first rows of nan or 1e400, NUL bytes, a
# label far beyond the others, bytes after IDX data, a gzip file without
# its trailer or with a wrong CRC, a shard file claiming 2000000000 shards).
#   tests/test_bad_input.sh PATH_TO_VGRAD
set -u
vgrad=$1
test_name=bad_input
. "$(dirname "$0")/lib.sh"

# The memory limits below need a binary that starts under an address-space
# limit; a sanitizer build reserves terabytes of shadow memory and cannot.
limits=1
sh -c 'ulimit -v 1000000 && "$1" list && :' sh "$vgrad" >/dev/null 2>&1 || limits=0

# refused NEEDLE LIMIT_KB ARGS...: vgrad ARGS exits 2 within 60 s with one
# line on stderr holding NEEDLE, and writes nothing ($tmp/never); with
# LIMIT_KB > 0 (and a binary that allows it) under ulimit -v LIMIT_KB.
refused() {
    needle=$1 limit=$2
    shift 2
    rm -rf "$tmp/never"
    if [ "$limit" -gt 0 ] && [ "$limits" = 1 ]; then
        (ulimit -v "$limit" && exec timeout 60 "$vgrad" "$@" >"$tmp/out" 2>"$tmp/err")
    else
        timeout 60 "$vgrad" "$@" >"$tmp/out" 2>"$tmp/err"
    fi
    rc=$?
    if [ $rc -eq 2 ] && grep -qF -- "$needle" "$tmp/err" && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
        [ ! -e "$tmp/never" ]; then
        ok
    else
        bad "$*: rc $rc (124 is a timeout): $(head -c 600 "$tmp/err") (wanted '$needle')"
    fi
}

# bytes FILE OCTAL...: writes the bytes given as octal escapes.
bytes() { f=$1; shift; printf "$(printf '\\%s' "$@")" >"$f"; }

# 1. An IDX header alone, claiming 11265 x 1024 x 768 images: refused as
# truncated under a 4 GB address space (it was "out of memory", exit 1).
bytes "$tmp/lie" 000 000 010 003 000 000 054 001 000 000 004 000 000 000 003 000
refused "lie: truncated: 0 of 8859156480 data bytes" 4000000 run "dataset=idx:$tmp/lie" \
    steps=1 "out=$tmp/never"

# 2. Ranges at the ends of 64 bits, in a file and on the command line: no
# endless loop, no unbounded memory (the binary once grew to 3.6 GB in 20 s).
printf '[run]\nsteps = 1\n[sweep]\nseed = 9223372036854775807..9223372036854775807\n' >"$tmp/max.ini"
refused "max.ini:4: key 'seed': '9223372036854775807' is out of range" 1000000 \
    sweep "$tmp/max.ini" --dry-run "out=$tmp/never"
printf '[run]\nsteps = 1\n[sweep]\nseed = -9223372036854775808..9223372036854775807\n' >"$tmp/all.ini"
refused "all.ini:4: key 'seed': range '-9223372036854775808..9223372036854775807' has more than 1000000 values" \
    1000000 sweep "$tmp/all.ini" --dry-run "out=$tmp/never"
printf '[run]\nsteps = 1\n[sweep]\nseed = 1, 2\n' >"$tmp/two.ini"
refused "command line: key 'seed': range '-9223372036854775808..9223372036854775807' has more than" \
    1000000 sweep "$tmp/two.ini" --dry-run "seed=-9223372036854775808..9223372036854775807" "out=$tmp/never"
refused "command line: key 'seed': '9223372036854775806' is out of range" 1000000 \
    sweep "$tmp/two.ini" --dry-run "seed=9223372036854775806..9223372036854775807" "out=$tmp/never"

# 4. 120 lines of seed=1..1000000: refused at the second, from its size,
# within 1 GB (it reached 4.6 GB); --quick without [quick] before expanding.
{ printf '[run]\nsteps = 1\n[sweep]\n'; i=0; while [ $i -lt 120 ]; do echo 'seed = 1..1000000'; i=$((i + 1)); done; } >"$tmp/lines.ini"
refused "lines.ini:5: key 'seed': range '1..1000000' makes the list 2000000 values long; allowed: at most 1000000 values per key" \
    1000000 sweep "$tmp/lines.ini" --dry-run "out=$tmp/never"
refused "lines.ini has no [quick] section for --quick" 200000 \
    sweep "$tmp/lines.ini" --quick --dry-run "out=$tmp/never"

# 5. Bad data accepted silently once.
printf 'nan,1,0\n1,2,1\n3,4,0\n5,6,1\n' >"$tmp/nan.csv"
refused "nan.csv: line 1, column 1: 'nan' is not a finite number" 0 run "dataset=csv:$tmp/nan.csv" steps=1 "out=$tmp/never"
printf '1e400,1,0\n1,2,1\n3,4,0\n5,6,1\n' >"$tmp/huge.csv"
refused "huge.csv: line 1, column 1: '1e400' is not a finite number" 0 run "dataset=csv:$tmp/huge.csv" steps=1 "out=$tmp/never"
printf 'x,1,0\n1,2,1\n3,4,0\n5,6,1\n' >"$tmp/mixed.csv"
refused "mixed.csv: line 1 mixes numbers and text" 0 run "dataset=csv:$tmp/mixed.csv" steps=1 "out=$tmp/never"
printf '1,2,0\n\0003,4,1\n1,2,1\n3,4,0\n' >"$tmp/nul_line.csv"
refused "nul_line.csv: line 2, column 1: the field holds a NUL byte" 0 run "dataset=csv:$tmp/nul_line.csv" steps=1 "out=$tmp/never"
printf '1,2,0\n3,2\000garbage,1\n1,2,1\n3,4,0\n' >"$tmp/nul_field.csv"
refused "nul_field.csv: line 2, column 2: the field holds a NUL byte" 0 run "dataset=csv:$tmp/nul_field.csv" steps=1 "out=$tmp/never"
printf '1,2,0\n3,4,1\n1,2,1000000\n3,4,0\n' >"$tmp/far.csv"
refused "far.csv: line 3, column 3: label 1000000 makes 1000001 classes, 999998 of them without an example" \
    0 run "dataset=csv:$tmp/far.csv" steps=1 "out=$tmp/never"

# IDX files of 4 images of 2 x 2 and their labels, then each corruption.
bytes "$tmp/img" 000 000 010 003 000 000 000 004 000 000 000 002 000 000 000 002 \
    000 377 063 146 001 002 003 004 005 006 007 377 010 011 012 013
bytes "$tmp/lab" 000 000 010 001 000 000 000 004 000 001 001 000
if "$vgrad" run "dataset=idx:$tmp/img,$tmp/lab" steps=1 "out=$tmp/good" >/dev/null 2>"$tmp/err"; then ok; else
    bad "good IDX files: $(cat "$tmp/err")"
fi
{ cat "$tmp/img"; printf 'x'; } >"$tmp/extra"
refused "extra: more data than its header describes (16 bytes)" 0 run "dataset=idx:$tmp/extra,$tmp/lab" steps=1 "out=$tmp/never"
gzip -c "$tmp/img" >"$tmp/img.gz"
size=$(wc -c <"$tmp/img.gz")
head -c $((size - 4)) "$tmp/img.gz" >"$tmp/notrailer.gz"
refused "notrailer.gz: truncated gzip file: it ends before its trailer" 0 run "dataset=idx:$tmp/notrailer.gz,$tmp/lab" steps=1 "out=$tmp/never"
cp "$tmp/img.gz" "$tmp/badcrc.gz"
printf '\377' | dd of="$tmp/badcrc.gz" bs=1 seek=$((size - 8)) conv=notrunc 2>/dev/null
refused "badcrc.gz: corrupt gzip data (incorrect data check)" 0 run "dataset=idx:$tmp/badcrc.gz,$tmp/lab" steps=1 "out=$tmp/never"
if "$vgrad" run "dataset=idx:$tmp/img.gz,$tmp/lab" steps=1 "out=$tmp/good.gz" >/dev/null 2>"$tmp/err"; then ok; else
    bad "good gzip IDX file: $(cat "$tmp/err")"
fi

# Found by fuzz_merge: a shard directory whose .runs/shard claims 2000000000
# shards made merge allocate 16 GB of bookkeeping before it compared the
# count with the directories given.
printf '[experiment]\nname = small\n[run]\nsteps = 1\nn_samples = 8\nwidths = 2\n[sweep]\nseed = 1, 2\n' >"$tmp/small.ini"
if "$vgrad" sweep "$tmp/small.ini" -j 1 -q "out=$tmp/whole" >/dev/null 2>"$tmp/err"; then
    ok
    echo 1/2000000000 >"$tmp/whole/.runs/shard"
    refused "missing shard 2/2000000000: merge needs all 2000000000 shard directories" 300000 \
        merge "$tmp/never" "$tmp/whole"
else
    bad "sweep of small.ini: $(cat "$tmp/err")"
fi

[ "$limits" = 1 ] || echo "$test_name: memory limits not applied: $vgrad does not start under ulimit -v"
finish
