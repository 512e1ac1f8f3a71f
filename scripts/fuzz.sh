#!/bin/sh
# fuzz.sh: builds the libFuzzer harnesses (tests/fuzz/, with clang,
# AddressSanitizer and UBSan, in build-fuzz/) and runs each for SECONDS
# (default 600), one after another, from its corpus in the repository and
# what earlier runs added (build-fuzz/fuzz-corpus/NAME, kept between runs).
#   scripts/fuzz.sh [SECONDS] [NAME...]     NAME: csv idx experiment config weights merge
# Each input that crashes, leaks, trips a sanitizer or a harness's check,
# runs over 10 s or over 2 GB is kept in build-fuzz/fuzz-findings/NAME/
# (add it to tests/fuzz/corpus/NAME/ as a regression input once fixed).
# One line per harness: executions, coverage (cov: edges, ft: features),
# corpus size and findings; the whole log is build-fuzz/fuzz-logs/NAME.log.
# Exit 1 when any harness found something.
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-600}
case $seconds in
    '' | *[!0-9]*) echo "fuzz.sh: SECONDS must be a whole number, not '$seconds'" >&2; exit 2 ;;
esac
[ $# -eq 0 ] || shift
names=${*:-csv idx experiment config weights merge}
build="build-fuzz"
scripts/setup.sh "$build" Asan clang
status=0
for name in $names; do
    harness=$build/fuzz_$name
    [ -x "$harness" ] || { echo "fuzz.sh: no harness $harness (is clang's libFuzzer runtime installed?)" >&2; exit 1; }
    corpus=$build/fuzz-corpus/$name
    findings=$build/fuzz-findings/$name
    log=$build/fuzz-logs/$name.log
    mkdir -p "$corpus" "$findings" "$(dirname "$log")"
    before=$(find "$findings" -type f | wc -l)
    echo "fuzz.sh: $name for $seconds s (log: $log)" >&2
    "$harness" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -dict="tests/fuzz/$name.dict" -artifact_prefix="$findings/" -print_final_stats=1 \
        "$corpus" "tests/fuzz/corpus/$name" >"$log" 2>&1 || status=1
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1)
    found=$(($(find "$findings" -type f | wc -l) - before))
    [ "$found" -eq 0 ] || status=1
    echo "fuzz: $name: ${execs:-?} executions in $seconds s, ${cov:-no coverage line}," \
        "corpus $(ls "$corpus" | wc -l) + $(ls "tests/fuzz/corpus/$name" | wc -l), $found findings"
done
exit $status
