#!/bin/sh
# test_csv_awk.sh: the one CSV reader of the chart and figure scripts
# (scripts/charts/csv.awk) on valid CSV that a split on commas or a pattern
# like "[^"]*" gets wrong:
#   - quoted fields holding commas, doubled quotes and line breaks, an empty
#     quoted field, a CRLF line end and an empty last field come out exactly,
#     read by file (csv_open/csv_next, col by name) and in awk's main loop
#     (csv_main_record);
#   - a quote inside an unquoted field, a quoted field never closed and a
#     column that is not there are errors (exit 2, one line), not blanks;
#   - runs.csv of two runs, one on dataset=idx:IMAGES,LABELS (a quoted value
#     with a comma), both with a name holding a quote, a comma and a line
#     break: the figures' reader (scripts/figures/lib.awk) finds each
#     configuration key by name, and grad-by-layer.sh draws two runs with a
#     legend of the two datasets.
#   tests/test_csv_awk.sh PATH_TO_VGRAD
set -u
test_name=csv_awk
. "$(dirname "$0")/lib.sh"
[ $# -ge 1 ] || { echo "usage: tests/test_csv_awk.sh PATH_TO_VGRAD" >&2; exit 2; }
vgrad=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
csv_awk="$root/scripts/charts/csv.awk"
need_tools gawk:gawk gnuplot:gnuplot-nox || true

# --- the reader on one file ------------------------------------------------------
printf '%s\n' 'id,"say ""x""",c' '1,"x,y",3' '2,"he said ""hi""","two' 'lines, a comma"' \
    '3,"","a""""b"' >"$tmp/t.csv"
printf '4,5,6\r\n7,8,\n' >>"$tmp/t.csv"
# every field as [value], "|" between fields, one record a line ("\n" inside a field shown as \n)
cat >"$tmp/expected" <<'EOT'
3 columns: [id]|[say "x"]|[c]
[1]|[x,y]|[3]
[2]|[he said "hi"]|[two\nlines, a comma]
[3]|[]|[a""b]
[4]|[5]|[6]
[7]|[8]|[]
EOT
cat >"$tmp/by-file.awk" <<'EOT'
function show(v) { gsub(/\n/, "\\n", v); return "[" v "]" }
BEGIN {
    n = csv_open(file)
    printf "%d columns: %s|%s|%s\n", n, show(HEADER[file, 1]), show(HEADER[file, 2]), show(HEADER[file, 3])
    while (csv_next(file)) {
        if (CSVN != 3) printf "%d fields: ", CSVN
        print show(col(file, "id")) "|" show(col(file, "say \"x\"")) "|" show(col(file, "c"))
    }
}
EOT
if gawk -f "$csv_awk" -f "$tmp/by-file.awk" -v file="$tmp/t.csv" >"$tmp/got" 2>&1 &&
   cmp -s "$tmp/expected" "$tmp/got"; then ok; else
    bad "csv_open/csv_next: expected"; cat "$tmp/expected" >&2; echo "got:" >&2; cat "$tmp/got" >&2
fi
cat >"$tmp/main-loop.awk" <<'EOT'
function show(v) { gsub(/\n/, "\\n", v); return "[" v "]" }
{ csv_main_record() }
FNR == 1 { printf "%d columns: ", CSVN }
{ s = ""; for (i = 1; i <= CSVN; i++) s = s (i > 1 ? "|" : "") show(CSVF[i]); print s }
EOT
if gawk -f "$csv_awk" -f "$tmp/main-loop.awk" "$tmp/t.csv" >"$tmp/got" 2>&1 &&
   cmp -s "$tmp/expected" "$tmp/got"; then ok; else
    bad "csv_main_record: expected"; cat "$tmp/expected" >&2; echo "got:" >&2; cat "$tmp/got" >&2
fi

# expect_error FILE_CONTENT MESSAGE [COLUMN]: reading the file exits 2 with that one line
expect_error() {
    printf '%s' "$1" >"$tmp/bad.csv"
    rc=0
    gawk -f "$csv_awk" -v file="$tmp/bad.csv" -v name="${3:-a}" \
        -e 'BEGIN { csv_open(file); while (csv_next(file)) x = x col(file, name) }' >"$tmp/out" 2>&1 || rc=$?
    if [ "$rc" -eq 2 ] && [ "$(cat "$tmp/out")" = "plot: error: $tmp/bad.csv: $2" ]; then ok; else
        bad "$(printf '%s' "$1" | head -n 2 | paste -sd ' ' -): exit $rc, '$(cat "$tmp/out")', expected exit 2, '$2'"
    fi
}
expect_error 'a,b
x"y"z,1
' 'line 2: not valid CSV (a quote inside an unquoted field, or text after a closing quote)'
expect_error 'a,b
"x"y,1
' 'line 2: not valid CSV (a quote inside an unquoted field, or text after a closing quote)'
expect_error 'a,b
1,"never closed
2,3
' 'line 2: a quoted field is not closed by the end of the file (or a quote stands inside an unquoted field)'
expect_error 'a,b
1,2
' "no column 'nope'" nope

# --- runs.csv with idx:IMAGES,LABELS and a name with a quote, comma and line break -----
mkdir "$tmp/idx"
printf '\000\000\010\003\000\000\000\004\000\000\000\001\000\000\000\002\001\002\003\004\005\006\007\010' >"$tmp/idx/img.idx"
printf '\000\000\010\001\000\000\000\004\000\001\000\001' >"$tmp/idx/lab.idx"
idx="idx:$tmp/idx/img.idx,$tmp/idx/lab.idx"
name='say "hi",
twice'
"$vgrad" run "dataset=$idx" "name=$name" steps=4 depth=3 width=4 "out=$tmp/r1" >/dev/null 2>&1 || bad "run 1 failed"
"$vgrad" run dataset=spiral n_samples=30 "name=$name" steps=4 depth=3 width=4 "out=$tmp/r2" >/dev/null 2>&1 || bad "run 2 failed"
mkdir "$tmp/both"
for f in runs layers; do
    cat "$tmp/r1/$f.csv" >"$tmp/both/$f.csv"
    tail -n +2 "$tmp/r2/$f.csv" >>"$tmp/both/$f.csv"
done
# the figures' reader: every configuration key by name, the run's layers rows by name
cat >"$tmp/probe.awk" <<'EOT'
FILENAME ~ /layers.csv$/ && row["layer"] == 3 { layer3[row["run_id"]]++ }
END {
    for (id in layer3) {
        v = cfg[id, "name"]; gsub(/\n/, "\\n", v)
        printf "%s|%s|%s|%s|%s\n", cfg[id, "dataset"], v, cfg[id, "widths"], cfg[id, "activation"], layer3[id]
    }
}
EOT
gawk -f "$root/scripts/charts/csv.awk" -f "$root/scripts/charts/vgrad-list.awk" -f "$root/scripts/figures/lib.awk" -f "$tmp/probe.awk" "$tmp/both/runs.csv" "$tmp/both/layers.csv" \
    2>&1 | sort >"$tmp/got"
printf '%s\n' "$idx|say \"hi\",\\ntwice|4,4,4|sigmoid|2" "spiral|say \"hi\",\\ntwice|4,4,4|sigmoid|2" | sort >"$tmp/expected"
if cmp -s "$tmp/expected" "$tmp/got"; then ok; else
    bad "figures/lib.awk: expected"; cat "$tmp/expected" >&2; echo "got:" >&2; cat "$tmp/got" >&2
fi
# a chart: two runs, a legend of the two datasets (and their sizes: the IDX
# run records 0, the data's own, for n_samples, n_features and n_classes)
if VGRAD="$vgrad" "$root/scripts/charts/grad-by-layer.sh" "$tmp/both" "$tmp/g.svg" --gp "$tmp/g.gp" >"$tmp/out" 2>&1; then
    ok
else
    bad "grad-by-layer.sh: $(cat "$tmp/out")"
fi
subtitle=$(grep -c '^set label 902 "2 runs; ' "$tmp/g.gp")
legend=$(grep -cF 'title "dataset, n\\_samples, n\\_features, n\\_classes"' "$tmp/g.gp")
entries=$(grep -o 'keyentry[^,]*title "[^"]*"' "$tmp/g.gp" | sed 's/.*title //')
expected_entries=$(printf '"%s, 0, 0, 0"\n"spiral, 30, 2, 3"' "$(printf '%s' "$idx" | sed 's/_/\\\\_/g')")
if [ "$subtitle" -eq 1 ] && [ "$legend" -eq 1 ] && [ "$entries" = "$expected_entries" ]; then ok; else
    bad "grad-by-layer legend: subtitle '2 runs' $subtitle, key title of the data keys $legend"
    printf 'entries:\n%s\nexpected:\n%s\n' "$entries" "$expected_entries" >&2
fi
finish
