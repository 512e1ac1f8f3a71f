#!/bin/sh
# test_reproduce.sh: the reduced ([quick]) version of every figure runs and
# every published claim it checks holds (scripts/reproduce.sh exits 1
# otherwise).  The tolerances are justified in scripts/figures/*.awk.
#   tests/test_reproduce.sh PATH_TO_VGRAD
set -u
root="$(cd "$(dirname "$0")/.." && pwd)"
test_name=reproduce
. "$(dirname "$0")/lib.sh"
for ini in "$root"/experiments/figures/*.ini; do
    fig=$(basename "$ini" .ini)
    if VGRAD="$1" VGRAD_FIGURES="$tmp" "$root/scripts/reproduce.sh" "$fig" --quick >"$tmp/log" 2>&1; then
        ok
    else
        bad "$fig: $(cat "$tmp/log")"
        grep ',NO$\|no data$' "$tmp/$fig/claims.csv" >&2
    fi
    n=$(($(wc -l <"$tmp/$fig/claims.csv") - 1))
    if [ "$n" -ge 3 ]; then ok; else bad "$fig: $n claims"; fi
done
finish
