#!/bin/sh
# run.sh: one fuzz harness in the test suite: every input of its corpus
# (tests/fuzz/corpus/NAME: the valid seeds and each finding's regression
# input) run once, then SECONDS of fuzzing from that corpus with its
# dictionary.  A crash, leak, sanitizer report, time-out (10 s an input)
# or out-of-memory (2 GB) fails the test and names the input, which is
# kept in FUZZ_ARTIFACTS (default: the build's Testing/fuzz-findings).
#   tests/fuzz/run.sh HARNESS NAME SECONDS
#   tests/fuzz/run.sh --missing NAME REASON     (skips, saying why)
set -u
harness=$1
name=$2
third=$3
test_name=fuzz_$name
here=$(cd "$(dirname "$0")" && pwd)
set --   # lib.sh reads a vgrad binary from $1; there is none here
. "$here/../lib.sh"
[ "$harness" != --missing ] || skip "$third"
seconds=$third
corpus=$here/corpus/$name
dict=$here/$name.dict
[ -d "$corpus" ] && [ -n "$(ls "$corpus")" ] && ok || bad "no corpus in $corpus"
[ -f "$dict" ] && ok || bad "no dictionary $dict"
findings=${FUZZ_ARTIFACTS:-$(cd "$(dirname "$harness")" && pwd)/Testing/fuzz-findings}/$name
mkdir -p "$findings"
options="-timeout=10 -rss_limit_mb=2048 -artifact_prefix=$findings/ -print_final_stats=1"

# summary LOG: the line of the final statistics, "N executions, cov C ft F".
summary() {
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$1" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$1" | tail -n 1)
    echo "$test_name: ${execs:-?} executions, ${cov:-no coverage line}"
}

# shellcheck disable=SC2086  # the options, split on purpose
if "$harness" $options -runs=0 "$corpus" >"$tmp/replay.log" 2>&1; then
    ok
    echo "$test_name: replayed $(ls "$corpus" | wc -l) corpus inputs"
else
    bad "replaying $corpus: $(grep -E 'ERROR|fuzz:|Test unit written' "$tmp/replay.log" | head -n 5)"
    tail -n 30 "$tmp/replay.log" >&2
fi
mkdir "$tmp/new"
# shellcheck disable=SC2086
if "$harness" $options -dict="$dict" -max_total_time="$seconds" "$tmp/new" "$corpus" \
    >"$tmp/fuzz.log" 2>&1; then
    ok
else
    bad "fuzzing for $seconds s: $(grep -E 'ERROR|fuzz:|Test unit written' "$tmp/fuzz.log" | head -n 5)"
    tail -n 30 "$tmp/fuzz.log" >&2
fi
summary "$tmp/fuzz.log"
finish
