#!/bin/sh
# test_run_identity.sh: what identifies and records a run is never cut
# (issue 15, finding 3).  Two 1,500-layer widths values that differ only in
# their last layer (about 6,000 characters each, beyond the 1,088 bytes
# config_format once wrote, and together beyond the 8,192 of the command
# line and the manifest) are two run ids and two runs of one sweep (a list
# on its command line); runs.csv holds every character of each, and the
# manifest the whole command line; so does `vgrad run`'s runs.csv.
#   tests/test_run_identity.sh PATH_TO_VGRAD
set -u
vgrad=$1
test_name=run_identity
. "$(dirname "$0")/lib.sh"

# widths LAST: 1,499 layers of width 100, then one of width LAST.
widths() {
    awk -v last="$1" 'BEGIN { for (i = 1; i < 1500; i++) printf "100,"; print last }'
}
wa=$(widths 101)
wb=$(widths 102)
[ ${#wa} -gt 5000 ] && [ "$wa" != "$wb" ] && ok || bad "the widths values are not long and distinct"

cat >"$tmp/long.ini" <<INI
[experiment]
name = long
[run]
steps = 0
n_samples = 8
INI
# Experiment files' lines are at most 200 characters: the list comes from
# the command line.
list="widths=$wa|$wb"

# The plan: two runs with two distinct ids.
if "$vgrad" sweep "$tmp/long.ini" "$list" --dry-run >"$tmp/plan" 2>"$tmp/err"; then
    ids=$(sed 1d "$tmp/plan" | cut -d' ' -f1 | sort -u | wc -l)
    [ "$ids" -eq 2 ] && ok || bad "dry run: $ids distinct run ids, expected 2: $(cut -c1-200 "$tmp/plan")"
    grep -q ": 2 runs" "$tmp/plan" && ok || bad "dry run: $(head -n 1 "$tmp/plan")"
    # each whole value is printed after its id
    grep -qF " widths=$wa" "$tmp/plan" && grep -qF " widths=$wb" "$tmp/plan" && ok ||
        bad "dry run does not print the whole widths values"
else
    bad "dry run failed: $(head -c 400 "$tmp/err")"
fi

# The sweep: two rows in runs.csv, each with its whole widths value (quoted,
# as it holds commas); the manifest's command line is whole too.
if "$vgrad" sweep "$tmp/long.ini" -j 1 -q out="$tmp/out" "$list" >"$tmp/sout" 2>"$tmp/err"; then
    rows=$(grep -c '^[0-9a-f]\{16\},' "$tmp/out/runs.csv")
    [ "$rows" -eq 2 ] && ok || bad "sweep: runs.csv has $rows rows, expected 2"
    grep -qF ",\"$wa\"," "$tmp/out/runs.csv" && grep -qF ",\"$wb\"," "$tmp/out/runs.csv" && ok ||
        bad "sweep: runs.csv does not hold both whole widths values"
    grep -qF "$list" "$tmp/out/manifest" && ok ||
        bad "sweep: the manifest's command line is cut: $(grep command_line "$tmp/out/manifest" | cut -c1-200)"
else
    bad "sweep failed: $(head -c 400 "$tmp/err")"
fi

# vgrad run: its runs.csv holds the whole value, and the id is the sweep's.
if "$vgrad" run steps=0 n_samples=8 widths="$wb" out="$tmp/one" >"$tmp/rout" 2>"$tmp/err"; then
    grep -qF ",\"$wb\"," "$tmp/one/runs.csv" && ok || bad "run: runs.csv does not hold the whole widths value"
    id=$(sed -n 's/^run \([0-9a-f]*\):.*/\1/p' "$tmp/rout")
    [ -n "$id" ] && grep -q "^$id " "$tmp/plan" && ok || bad "run: id '$id' is not one of the plan's"
else
    bad "run failed: $(head -c 400 "$tmp/err")"
fi
finish
