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
lib="$root/scripts/charts/csv.awk"
# every file is written to a temporary name in $out and renamed when complete
tmp_file=""
trap 'rm -f "$tmp_file"' EXIT
# Per run: its configuration (the keys above) and its measured slope.
tmp_file=$(mktemp "$out/.measured.tsv.XXXXXX")
gawk -f "$lib" -f "$root/scripts/theory-check-measured.awk" -v keys="$keys" \
    -v runs="$out/runs.csv" -v layers="$out/layers.csv" | sort -V >"$tmp_file"
chmod 644 "$tmp_file"
mv "$tmp_file" "$out/measured.tsv"
tmp_file=$(mktemp "$out/.theory-check.csv.XXXXXX")
{
    echo "activation,init,init_gain,width,sigma_w2,chi_1,predicted_slope,measured_median,measured_min,measured_max,relative_error"
    cut -f1 "$out/measured.tsv" | uniq | while read -r config; do
        # shellcheck disable=SC2086
        summary=$("$vgrad" theory $config "out=$out/theory")
        summary=$(printf '%s\n' "$summary" | sed -n 1p)
        grep -F "$config	" "$out/measured.tsv" | cut -f2 | sort -g | gawk -f "$lib" \
            -f "$root/scripts/theory-check-row.awk" -v config="$config" \
            -v theory="$out/theory/theory.csv" -v summary="$summary"
    done
} >"$tmp_file"
chmod 644 "$tmp_file"
mv "$tmp_file" "$out/theory-check.csv"
gawk -f "$lib" -f "$root/scripts/theory-check-table.awk" -v file="$out/theory-check.csv"
