#!/bin/sh
# test_experiments.sh: every shipped experiment file parses, expands to the
# number of runs its comment promises, and its [quick] variant runs to the
# end (diverged runs are results; failed runs are not).
#   tests/test_experiments.sh PATH_TO_VGRAD
set -u
vgrad=$1
dir="$(dirname "$0")/../experiments"
test_name=experiments
. "$(dirname "$0")/lib.sh"

count=0
for f in "$dir"/*.ini; do
    name=$(basename "$f" .ini)
    count=$((count + 1))
    promised=$(sed -n 's/^;.*vgrad sweep experiments\/'"$name"'.ini *(\([0-9]*\) runs).*/\1/p' "$f")
    got=$("$vgrad" sweep "$f" --dry-run | sed -n '1s/.*: \([0-9]*\) runs.*/\1/p')
    if [ -n "$promised" ] && [ "$promised" = "$got" ]; then ok; else
        bad "$name: comment promises '$promised' runs, the grid has '$got'"
    fi
    runs=$("$vgrad" sweep "$f" --quick --dry-run | sed -n '1s/.*: \([0-9]*\) runs.*/\1/p')
    if "$vgrad" sweep "$f" --quick -j 2 -q "out=$tmp/$name" >"$tmp/out" 2>&1; then ok; else
        bad "$name --quick: $(cat "$tmp/out")"
    fi
    rows=$(($(wc -l <"$tmp/$name/runs.csv") - 1))
    if [ "$rows" -eq "$runs" ] && [ "$rows" -ge 2 ] && ! grep -q ',failed,' "$tmp/$name/runs.csv"; then ok; else
        bad "$name --quick: $rows rows in runs.csv for $runs runs"
    fi
done
if [ "$count" -ge 6 ]; then ok; else bad "only $count experiment files"; fi
finish
