#!/bin/sh
# demo.sh: sets up, builds, and runs the default experiment end to end: a
# 10-hidden-layer sigmoid network on the spiral data, whose first-layer
# gradients are orders of magnitude smaller than its last layer's; then its
# charts (results/default/plots/) and gallery (results/default/index.html).
# Extra key=value arguments are passed to vgrad run.
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh
build/vgrad run name=default "$@"
out=results/default
# layers.csv's fields are numbers and the hex run_id (never quoted): its
# columns are found by name in the header.
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
         $col["step"] == 0 { printf "step 0, layer %2d: grad_w_norm %.3e\n", $col["layer"], $col["grad_w_norm"] }' \
    "$out/layers.csv"
scripts/plot.sh "$out" >/dev/null
scripts/report.sh "$out" >/dev/null
echo "charts: $out/plots/*.png; gallery: $out/index.html (opens from disk)"
