#!/bin/sh
# test.sh: sets up (vgrad's packages and the tools the tests drive), builds
# and runs the whole test suite with ctest, twice: a Release build with gcc,
# and an AddressSanitizer + UndefinedBehaviorSanitizer build with clang.
# The clang round also builds and runs the libFuzzer harnesses of
# tests/fuzz (tests fuzz_NAME, label fuzz: each replays its corpus, then
# fuzzes for a few seconds; skipped, saying why, without the runtime).
# Both rounds run even when the first fails.  A test that this machine
# cannot run (it needs root, a daemon, a download) is skipped, not passed:
# after each round, each skipped test's reason, then one line per round
# with the counts of passed, failed and skipped tests.  Exit 0 when no test
# failed in either round.
set -eu
cd "$(dirname "$0")/.."
summary=""
status=0
# round NAME DIR [VAR=VALUE...]: ctest in DIR with the environment given.
round() {
    name=$1
    dir=$2
    shift 2
    out="$dir/Testing/test-sh.out"
    mkdir -p "$dir/Testing"
    rm -f "$dir/Testing/skipped.log"
    { (cd "$dir" && env "$@" ctest --output-on-failure -j 2) || echo $? >"$out.rc"; } | tee "$out"
    # ctest names the skipped tests but shows none of their output; each
    # test's skip (tests/lib.sh) also writes its reason to Testing/skipped.log.
    for t in $(sed -n 's/^[[:space:]]*[0-9]* - \(.*\) (Skipped)$/\1/p' "$out"); do
        grep -h -m 1 "^$t: skipped: " "$dir/Testing/skipped.log" 2>/dev/null ||
            echo "$t: skipped (it gave no reason: a test that skips must say why)"
    done
    skipped=$(grep -c ' (Skipped)$' "$out" || true)
    # "96% tests passed, 1 tests failed out of 26" (skipped ones among the passed)
    # shellcheck disable=SC2046  # two numbers, split on purpose
    set -- $(sed -n 's/^[0-9]*% tests passed, \([0-9]*\) tests\{0,1\} failed out of \([0-9]*\)$/\1 \2/p' "$out")
    if [ $# -eq 2 ]; then
        summary="$summary
test: $name: $(($2 - $1 - skipped)) passed, $1 failed, $skipped skipped, of $2 tests"
    else
        summary="$summary
test: $name: ctest printed no summary"
        status=1
    fi
    [ ! -s "$out.rc" ] || status=1
    rm -f "$out.rc"
}
# built NAME DIR TYPE COMPILER: sets up and builds DIR; when that fails, the
# round is recorded as not run (the other round still runs).
built() {
    scripts/setup.sh "$2" "$3" "$4" && return 0
    summary="$summary
test: $1: not run: set-up or build failed (see $2/setup.log)"
    status=1
    return 1
}
if built "Release (gcc)" build Release gcc; then
    # A tool that cannot be installed here (no network, no package) is no
    # reason to stop: each test installs what it misses or is skipped, saying why.
    scripts/setup.sh --test-tools || echo "test: not every test tool could be installed; the tests that need one say so" >&2
    round "Release (gcc)" build
fi
if built "Asan (clang)" build-asan Asan clang; then
    round "Asan (clang)" build-asan ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
echo "$summary" | sed 1d
exit $status
