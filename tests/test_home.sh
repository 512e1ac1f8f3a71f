#!/bin/sh
# test_home.sh: the test suite keeps out of the user's home, and tests/lib.sh
# keeps its promises.
#   - lib.sh: a test gets a home and XDG directories of its own, removed
#     when it ends; the download cache defaults to `cache` beside the vgrad
#     under test; finish fails when no check ran; skip prints the reason and
#     exits 77 (but a failure already counted stays a failure).
#   - tests/test_parallel.sh (GNU parallel writes ~/.parallel) run with HOME
#     an empty directory and no XDG variables passes and leaves it empty.
#   - every ctest test of this build has a home, XDG directories and
#     VGRAD_CACHE of its own in the build directory.
#   tests/test_home.sh PATH_TO_VGRAD
set -u
test_name=home
. "$(dirname "$0")/lib.sh"
[ $# -eq 1 ] || { echo "usage: tests/test_$test_name.sh PATH_TO_VGRAD" >&2; exit 2; }
vgrad=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
build=$(dirname "$vgrad")
tests=$(cd "$(dirname "$0")" && pwd)

# lib_case NAME BODY: a test script sourcing lib.sh, run with HOME set to
# an empty "$tmp/user" and no XDG variables or VGRAD_CACHE; its stdout and
# stderr in $tmp/NAME.out, .err, its exit status in rc.
lib_case() {
    mkdir -p "$tmp/user" "$tmp/cases"
    printf 'test_name=%s\n. "%s/lib.sh"\n%s\n' "$1" "$tests" "$2" >"$tmp/cases/$1.sh"
    rc=0
    env -u XDG_CONFIG_HOME -u XDG_CACHE_HOME -u XDG_DATA_HOME -u XDG_STATE_HOME -u XDG_RUNTIME_DIR \
        -u VGRAD_CACHE HOME="$tmp/user" VGRAD_SKIP_LOG="$tmp/skip.log" sh "$tmp/cases/$1.sh" "$vgrad" >"$tmp/$1.out" 2>"$tmp/$1.err" || rc=$?
}
lib_case nothing 'finish'
if [ $rc -eq 1 ] && grep -q '^nothing: 0 passed, 0 failed$' "$tmp/nothing.out" &&
   grep -q '^FAIL: nothing: no check ran$' "$tmp/nothing.err"; then ok; else
    bad "finish with no check: exit $rc (expected 1), '$(cat "$tmp/nothing.out" "$tmp/nothing.err")'"
fi
lib_case one 'ok; finish'
if [ $rc -eq 0 ] && [ "$(cat "$tmp/one.out")" = "one: 1 passed, 0 failed" ]; then ok; else
    bad "finish after one check: exit $rc, '$(cat "$tmp/one.out" "$tmp/one.err")'"
fi
lib_case skipped 'ok; skip "no daemon here"; bad "ran on after skip"'
if [ $rc -eq 77 ] && [ "$(cat "$tmp/skipped.out")" = "skipped: skipped: no daemon here" ] && [ ! -s "$tmp/skipped.err" ]; then
    ok
else
    bad "skip: exit $rc (expected 77), '$(cat "$tmp/skipped.out" "$tmp/skipped.err")'"
fi
lib_case failskip 'bad "broken"; skip "no daemon here"'
if [ $rc -eq 1 ] && grep -q '^failskip: 0 passed, 1 failed$' "$tmp/failskip.out"; then ok; else
    bad "skip after a failure: exit $rc (expected 1), '$(cat "$tmp/failskip.out" "$tmp/failskip.err")'"
fi
# The skip's reason also goes to $VGRAD_SKIP_LOG (scripts/test.sh prints
# it), once: a skip after a failure is a failure and writes nothing there.
if [ "$(cat "$tmp/skip.log" 2>/dev/null)" = "skipped: skipped: no daemon here" ]; then ok; else
    bad "VGRAD_SKIP_LOG: '$(cat "$tmp/skip.log" 2>/dev/null)', expected 'skipped: skipped: no daemon here'"
fi
# The environment a test sees, printed one variable a line, then removed.
lib_case env 'for v in HOME XDG_CONFIG_HOME XDG_CACHE_HOME XDG_DATA_HOME XDG_STATE_HOME XDG_RUNTIME_DIR; do
    eval "d=\$$v"; [ -d "$d" ] && [ -w "$d" ] && echo "$v=$d"; done
echo "tmp=$tmp"; echo "cache=$VGRAD_CACHE"; stat -c "runtime=%a" "$XDG_RUNTIME_DIR"; ok; finish'
case_tmp=$(sed -n 's/^tmp=//p' "$tmp/env.out")
n=0
for v in HOME XDG_CONFIG_HOME XDG_CACHE_HOME XDG_DATA_HOME XDG_STATE_HOME XDG_RUNTIME_DIR; do
    case "$(sed -n "s/^$v=//p" "$tmp/env.out")" in
        "$case_tmp"/?*) n=$((n + 1)) ;;
    esac
done
if [ $rc -eq 0 ] && [ -n "$case_tmp" ] && [ $n -eq 6 ] && grep -q '^runtime=700$' "$tmp/env.out" &&
   [ ! -e "$case_tmp" ]; then ok; else
    bad "lib.sh's home and XDG directories: exit $rc, $n of 6 under the test's directory, '$(cat "$tmp/env.out" "$tmp/env.err")'"
fi
if grep -qx "cache=$build/cache" "$tmp/env.out"; then ok; else
    bad "VGRAD_CACHE without ctest: '$(sed -n 's/^cache=//p' "$tmp/env.out")', expected '$build/cache'"
fi
if [ -z "$(ls -A "$tmp/user")" ]; then ok; else bad "lib.sh's cases wrote into HOME: $(ls -A "$tmp/user")"; fi

# A whole test whose tools write into the home: GNU parallel makes
# ~/.parallel (checked here first, so the check below is not vacuous).
need_tools parallel:parallel || true
command -v parallel >/dev/null 2>&1 || skip "GNU parallel (Debian package parallel) is not installed and could not be"
mkdir -p "$tmp/probe"
(cd "$tmp" && HOME="$tmp/probe" parallel --will-cite true ::: 1 >/dev/null 2>&1)
if [ -n "$(ls -A "$tmp/probe")" ]; then ok; else bad "GNU parallel wrote nothing into its home: the check below proves nothing"; fi
rc=0
(cd "$tmp" && env -u XDG_CONFIG_HOME -u XDG_CACHE_HOME -u XDG_DATA_HOME -u XDG_STATE_HOME -u XDG_RUNTIME_DIR \
    HOME="$tmp/user" sh "$tests/test_parallel.sh" "$vgrad") >"$tmp/parallel.log" 2>&1 || rc=$?
if [ $rc -eq 0 ]; then ok; else bad "tests/test_parallel.sh exited $rc: $(tail -n 5 "$tmp/parallel.log")"; fi
if [ -z "$(ls -A "$tmp/user")" ]; then ok; else
    bad "tests/test_parallel.sh wrote into HOME: $(find "$tmp/user" -mindepth 1 | head -n 5 | tr '\n' ' ')"
fi

# The ctest tests of this build (the C tests get no lib.sh): each has its
# own home and XDG directories under build/test-home/NAME, and the cache
# build/cache.
need_tools jq:jq || true
command -v jq >/dev/null 2>&1 || skip "jq (Debian package jq) is not installed and could not be"
# ctest is run on a copy of the build's test list: run in the build
# directory, it would rewrite Testing/Temporary/LastTest.log under the
# ctest that is running this test.
mkdir -p "$tmp/ctest" && cp "$build/CTestTestfile.cmake" "$tmp/ctest/"
if (cd "$tmp/ctest" && ctest --show-only=json-v1) >"$tmp/ctest.json" 2>"$tmp/ctest.err"; then
    jq -r --arg b "$build" '.tests[] | .name as $n
        | ([.properties[]? | select(.name == "ENVIRONMENT") | .value[]] ) as $env
        | ["HOME=\($b)/test-home/\($n)", "XDG_CONFIG_HOME=\($b)/test-home/\($n)/.config",
           "XDG_CACHE_HOME=\($b)/test-home/\($n)/.cache", "XDG_DATA_HOME=\($b)/test-home/\($n)/.local/share",
           "XDG_STATE_HOME=\($b)/test-home/\($n)/.local/state", "XDG_RUNTIME_DIR=\($b)/test-home/\($n)/.runtime",
           "VGRAD_CACHE=\($b)/cache"]
        | map(select(. as $want | $env | index($want) | not))
        | select(length > 0) | "\($n): missing \(join(" "))"' "$tmp/ctest.json" >"$tmp/missing"
    count=$(jq '.tests | length' "$tmp/ctest.json")
    if [ "$count" -ge 20 ] && [ ! -s "$tmp/missing" ]; then ok; else
        bad "ctest environments ($count tests): $(head -n 3 "$tmp/missing")"
    fi
else
    bad "ctest --show-only=json-v1 in $build: $(cat "$tmp/ctest.err")"
fi
finish
