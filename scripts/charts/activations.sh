#!/bin/sh
# activations.sh: f (solid) and f' (dashed) of every activation of vgrad, one
# small panel each, with the largest f' marked (sigmoid 0.25, tanh 1: the
# factor each layer can at most pass back).  The curves come from
# `vgrad activations range=-6:6 points=1201`, run here: $VGRAD, else
# build/vgrad of this checkout, else RESULTS_DIR/activations.csv.
#   scripts/charts/activations.sh RESULTS_DIR OUT_FILE [--format png|svg|pdf] [--gp FILE] [--check]
set -eu
. "$(dirname "$0")/lib.sh"
chart_args activations "$@"
[ "$check" -eq 0 ] || exit 0

make_work
vgrad=${VGRAD:-$charts_dir/../../build/vgrad}
if [ -x "$vgrad" ]; then
    "$vgrad" activations range=-6:6 points=1201 >"$work/activations.csv" ||
        { echo "plot: $chart: '$vgrad activations' failed" >&2; exit 1; }
elif [ -s "$dir/activations.csv" ]; then
    cp "$dir/activations.csv" "$work/activations.csv"
else
    echo "$chart: skipped: no vgrad binary ($vgrad; set VGRAD) and no $dir/activations.csv"
    exit 3
fi
need_csv "$work/activations.csv" activation x f df

draw "$charts_dir/activations.awk"
