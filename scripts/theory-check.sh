#!/bin/sh
# theory-check.sh: the measured mean log10 slope of delta_norm per layer
# (hidden layers 2..depth-1: the first sees the raw inputs, the last the
# output layer) against the slope `vgrad theory` predicts, for every
# configuration of experiments/theory-check.ini (or FILE), median over seeds.
#   scripts/theory-check.sh [FILE] [--quick]
# Prints a Markdown table and writes DIR/theory-check.csv, DIR being
# results/theory-check (or $VGRAD_THEORY_OUT), replaced when it is empty or
# this script wrote it (scripts/out-lib.sh).
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
vgrad=${VGRAD:-$root/build/vgrad}
file=$root/experiments/theory-check.ini
quick=""
for a in "$@"; do
    case "$a" in
        --quick) quick=--quick ;;
        *) file=$a ;;
    esac
done
out=${VGRAD_THEORY_OUT:-$root/results/theory-check}
. "$root/scripts/out-lib.sh"
fresh_out "$out" theory-check.sh
"$vgrad" sweep "$file" $quick -q "out=$out" >/dev/null
keys="activation init init_gain bias bias_init width depth dataset n_samples n_features n_classes"
# Per run: its configuration (the keys above) and its measured slope.
gawk -v keys="$keys" '
    BEGIN { FPAT = "([^,]*)|(\"[^\"]*\")"; nk = split(keys, key, " ") }
    FNR == 1 { file++; for (i = 1; i <= NF; i++) col[file, $i] = i; next }
    file == 1 {
        c = ""
        for (k = 1; k <= nk; k++) c = c (k > 1 ? " " : "") key[k] "=" $col[1, key[k]]
        config[$1] = c; depth[$1] = $col[1, "depth"]
        next
    }
    {
        id = $col[2, "run_id"]; l = $col[2, "layer"]; d[id, l] = $col[2, "delta_norm"]
        if (l == depth[id] + 1) {
            s = 0
            for (k = 2; k < depth[id]; k++) s += log(d[id, k] / d[id, k + 1]) / log(10)
            print config[id] "\t" s / (depth[id] - 2)
        }
    }' "$out/runs.csv" "$out/layers.csv" | sort -V >"$out/measured.tsv"
{
    echo "activation,init,init_gain,width,sigma_w2,chi_1,predicted_slope,measured_median,measured_min,measured_max,relative_error"
    cut -f1 "$out/measured.tsv" | uniq | while read -r config; do
        # shellcheck disable=SC2086
        summary=$("$vgrad" theory $config "out=$out/theory" | sed -n 1p)
        predicted=$(gawk -F, -v depth="$(echo "$config" | sed 's/.*depth=\([0-9]*\).*/\1/')" '
            NR > 1 && $1 >= 2 && $1 < depth { s += $4; n++ } END { printf "%.6g", s / n }' "$out/theory/theory.csv")
        grep -F "$config	" "$out/measured.tsv" | cut -f2 | sort -g | gawk -v config="$config" \
            -v predicted="$predicted" -v summary="$summary" '
            { v[NR] = $1 }
            END {
                n = split(config, kv, " ")
                for (i = 1; i <= n; i++) { split(kv[i], p, "="); c[p[1]] = p[2] }
                match(summary, /sigma_w\^2=[^ ]*/); sw = substr(summary, RSTART + 10, RLENGTH - 10)
                match(summary, /chi_1=[^ ]*/); chi = substr(summary, RSTART + 6, RLENGTH - 6)
                med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
                printf "%s,%s,%s,%s,%s,%s,%.6g,%.6g,%.6g,%.6g,%.4f\n", c["activation"], c["init"],
                       c["init_gain"], c["width"], sw, chi, predicted, med, v[1], v[NR],
                       predicted != 0 ? (med - predicted) / predicted : 0
            }'
    done
} >"$out/theory-check.csv"
# A relative error of a slope near 0 (the edge of chaos) says nothing: there
# the difference itself is shown.
echo "| activation | init | sigma_w^2 | width | chi_1 | predicted slope | measured median (min..max) | error |"
echo "|---|---|---|---|---|---|---|---|"
gawk -F, 'NR > 1 {
    err = ($7 > 0.005 || $7 < -0.005) ? sprintf("%+.1f%%", 100 * $11) : sprintf("%+.4f (absolute)", $8 - $7)
    printf "| %s | %s | %s | %s | %s | %.4f | %.4f (%.4f..%.4f) | %s |\n", $1, $2, $5, $4, $6, $7, $8, $9, $10, err
}' \
    "$out/theory-check.csv"
