#!/bin/sh
# test_chart_lists.sh: the chart scripts ask the binary (`vgrad list --csv`)
# for what it knows instead of keeping copies:
#   - no script line (comments aside) holds an activation's default parameter
#     as NAME:DEFAULT, a list of three or more activations other than
#     style.gp's colour table (NAME #RRGGBB DASH), output keys (save_* and
#     another), or
#     the list of histogram quantities; style.gp's colour table has an entry
#     for every activation of the binary and none for a name it lacks;
#   - a sweep over activation (leaky_relu, leaky_relu:0.2, tanh) draws
#     leaky_relu's default parameter as the plain name; with a binary whose
#     list says leaky_relu's default is 0.2, the other variant is the plain
#     one; with a binary whose histogram quantities are delta then act,
#     plot.sh draws those two histogram charts in that order;
#   - two runs that differ in activation and save_predictions (an output
#     key) have a legend of the activation alone.
#   tests/test_chart_lists.sh PATH_TO_VGRAD
set -u
test_name=chart_lists
. "$(dirname "$0")/lib.sh"
[ $# -ge 1 ] || { echo "usage: tests/test_chart_lists.sh PATH_TO_VGRAD" >&2; exit 2; }
vgrad=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
need_tools gawk:gawk gnuplot:gnuplot-nox || true
csv_awk="$root/scripts/charts/csv.awk"
list_awk="$root/scripts/charts/vgrad-list.awk"
"$vgrad" list --csv >"$tmp/list.csv" 2>"$tmp/err" || bad "vgrad list --csv: $(cat "$tmp/err")"
names() { gawk -f "$csv_awk" -f "$list_awk" -v list="$tmp/list.csv" -v print_names="$1"; }
activations=$(names activation)
quantities=$(names hist_quantity)
n_act=$(echo "$activations" | wc -w)
n_q=$(echo "$quantities" | wc -w)
if [ "$n_act" -ge 10 ] && [ "$n_q" -ge 3 ] && [ "$(names output_key | grep -c '^save_')" -ge 2 ]; then ok; else
    bad "vgrad list --csv: $n_act activations, $n_q histogram quantities, output keys $(names output_key | paste -sd ' ' -)"
fi
defaults=$(gawk -f "$csv_awk" -v file="$tmp/list.csv" -e 'BEGIN { csv_open(file)
    while (csv_next(file)) if (col(file, "list") == "activation" && col(file, "default") != "") print col(file, "name") ":" col(file, "default") }')
[ -n "$defaults" ] && ok || bad "no activation with a default parameter in vgrad list --csv"

# --- nothing copied ----------------------------------------------------------------
scripts=$(cd "$root" && ls scripts/plot.sh scripts/report.sh scripts/report.awk scripts/prediction-difference.sh \
    scripts/prediction-difference.awk scripts/charts/*.sh scripts/charts/*.awk scripts/charts/style.gp \
    scripts/reproduce.sh scripts/figures/lib.awk)
# copies FILE...: "FILE:LINE: what" for each line that copies a list of the binary
(cd "$root" && gawk -v acts="$activations" -v quantities="$quantities" -v defaults="$defaults" \
    -v outputs="$(names output_key)" '
    BEGIN {
        na = split(acts, a); for (k = 1; k <= na; k++) act[a[k]] = 1
        nq = split(quantities, q)
        nd = split(defaults, d)
        no = split(outputs, o); for (k = 1; k <= no; k++) outkey[o[k]] = 1
    }
    /^[ \t]*#/ { next }
    {
        line = $0
        sub(/[ \t]+#[^"]*$/, "", line)       # a comment after the code
        for (k = 1; k <= nd; k++) if (index(line, d[k])) print FILENAME ":" FNR ": default parameter " d[k]
        words = line; gsub(/[^a-z0-9_]+/, " ", words)
        nw = split(words, w, " ")
        # output keys: save_* with another output key (name, out, ...)
        delete seen; found = 0
        for (k = 1; k <= nw; k++) if ((w[k] in outkey) && !(w[k] in seen)) { seen[w[k]] = 1; found++ }
        if (found >= 2 && line ~ /save_/) print FILENAME ":" FNR ": " found " output keys"
        delete seen; found = 0
        for (k = 1; k <= nw; k++) if ((w[k] in act) && !(w[k] in seen)) { seen[w[k]] = 1; found++ }
        # style.gp colour table: each name followed by its colour and dash
        styled = 0
        for (name in seen) if (line ~ ("(^|[ \"])" name " +#[0-9A-Fa-f]{6} +[0-9]+")) styled++
        if (found >= 3 && styled < found) print FILENAME ":" FNR ": " found " activation names"
        allq = nq > 0
        for (k = 1; k <= nq; k++) if (!(" " words " " ~ (" " q[k] " "))) allq = 0
        if (allq) print FILENAME ":" FNR ": the histogram quantities"
    }' $scripts) >"$tmp/copies"
if [ ! -s "$tmp/copies" ]; then ok; else bad "lists copied from vgrad:"; cat "$tmp/copies" >&2; fi
# the colour table (style.gp): exactly the binary's activations
table=$(gawk '/^ACT_STYLE *=/ { on = 1 } on { s = s $0; if ($0 !~ /\\$/) on = 0 }
    END { gsub(/"|ACT_STYLE *=|\.|\\/, " ", s); n = split(s, w, " "); for (k = 1; k <= n; k += 3) print w[k] }' \
    "$root/scripts/charts/style.gp" | sort)
if [ -n "$table" ] && [ "$table" = "$(echo "$activations" | tr ' ' '\n' | sort)" ]; then ok; else
    bad "style.gp's colour table names '$(echo $table)'; vgrad's activations are '$(echo $activations)'"
fi

# --- the charts follow the binary ----------------------------------------------------------
cat >"$tmp/lists.ini" <<'EOT'
[experiment]
name = lists
[run]
dataset = spiral
n_samples = 60
depth = 3
width = 6
steps = 4
hist_every = 2
test_frac = 0.2
[sweep]
activation = leaky_relu, leaky_relu:0.2, tanh
EOT
"$vgrad" sweep "$tmp/lists.ini" "out=$tmp/sweep" -q >"$tmp/out" 2>&1 || bad "sweep: $(cat "$tmp/out")"
# chart VGRAD NAME: grad-by-layer with that binary, its gnuplot script in NAME.gp
chart() {
    if VGRAD="$1" "$root/scripts/charts/grad-by-layer.sh" "$tmp/sweep" "$tmp/$2.svg" --gp "$tmp/$2.gp" >"$tmp/out" 2>&1 &&
       grep -q '</svg>' "$tmp/$2.svg"; then ok; else bad "grad-by-layer.sh ($2): $(cat "$tmp/out")"; fi
}
chart "$vgrad" real
dashes() { grep -o 'act_dash("leaky_relu[^"]*", [0-9]*)' "$tmp/$1.gp" | sort -u | paste -sd ' ' -; }
expected='act_dash("leaky_relu:0.01", 0) act_dash("leaky_relu:0.2", 1)'
if [ "$(dashes real)" = "$expected" ]; then ok; else bad "dashes: '$(dashes real)', expected '$expected'"; fi
# a binary whose leaky_relu defaults to 0.2, and whose histogram quantities are delta, act
cat >"$tmp/vgrad-other" <<EOT
#!/bin/sh
if [ "\$*" = "list --csv" ]; then
    "$vgrad" list --csv | sed -e 's/^activation,leaky_relu,slope,0.01,/activation,leaky_relu,slope,0.2,/' -e '/^hist_quantity,/d'
    echo "hist_quantity,delta,,,deltas"
    echo "hist_quantity,act,,,activations"
    exit 0
fi
exec "$vgrad" "\$@"
EOT
chmod +x "$tmp/vgrad-other"
chart "$tmp/vgrad-other" other
expected='act_dash("leaky_relu:0.01", 1) act_dash("leaky_relu:0.2", 0)'
if [ "$(dashes other)" = "$expected" ]; then ok; else bad "dashes with leaky_relu's default 0.2: '$(dashes other)', expected '$expected'"; fi
VGRAD="$tmp/vgrad-other" "$root/scripts/plot.sh" "$tmp/sweep" --format svg --out "$tmp/plots" >"$tmp/out" 2>&1 ||
    bad "plot.sh: $(cat "$tmp/out")"
drawn=$(sed -n 's/^\(histograms[^:]*\): wrote .*/\1/p' "$tmp/out" | paste -sd ' ' -)
if [ "$drawn" = "histograms-delta histograms-act" ]; then ok; else bad "histogram charts: '$drawn', expected 'histograms-delta histograms-act'"; fi
# two runs that differ in activation and in save_predictions, an output key
# (not in the run id): the legend names the activation alone
"$vgrad" run activation=tanh save_predictions=1 steps=2 depth=2 width=4 "out=$tmp/a" >/dev/null 2>&1 || bad "run a failed"
"$vgrad" run activation=relu save_predictions=0 steps=2 depth=2 width=4 "out=$tmp/b" >/dev/null 2>&1 || bad "run b failed"
mkdir "$tmp/ab"
for f in runs layers; do cat "$tmp/a/$f.csv" >"$tmp/ab/$f.csv"; tail -n +2 "$tmp/b/$f.csv" >>"$tmp/ab/$f.csv"; done
if VGRAD="$vgrad" "$root/scripts/charts/grad-by-layer.sh" "$tmp/ab" "$tmp/ab.svg" --gp "$tmp/ab.gp" >"$tmp/out" 2>&1 &&
   grep -q 'set key .* title "activation"$' "$tmp/ab.gp" && grep -q '^set label 902 "2 runs;' "$tmp/ab.gp"; then ok; else
    bad "two runs: $(cat "$tmp/out"); legend $(grep -o 'set key .* title .*' "$tmp/ab.gp") (expected title \"activation\": save_predictions is an output key)"
fi
finish
