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
# layers.csv read by the one CSV reader, its columns found by name
gawk -f scripts/charts/csv.awk -f scripts/demo.awk -v file="$out/layers.csv"
scripts/plot.sh "$out" >/dev/null
scripts/report.sh "$out" >/dev/null
echo "charts: $out/plots/*.png; gallery: $out/index.html (opens from disk)"
