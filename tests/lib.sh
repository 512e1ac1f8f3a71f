# lib.sh: what the shell tests share: a temporary directory removed on exit,
# pass/fail counters, and the closing line ctest and CI read.  Set test_name
# and source it:
#   test_name=cli
#   . "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d "/tmp/vgrad_$test_name.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
# The verdict: "NAME: N passed, M failed", and the exit status.
finish() {
    echo "$test_name: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
