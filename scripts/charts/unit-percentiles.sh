#!/bin/sh
# unit-percentiles.sh: the input of one unit over training, as the 15th,
# 50th and 85th percentiles over each logged step's batch (layers.csv:
# preact_p15, preact_p50, preact_p85, the first unit of a layer, after
# normalisation where there is one), one panel per configuration (at most 6;
# the run of the first seed, as a single network is what the percentiles
# describe).  The layer is the last hidden layer.  This is the picture of
# Ioffe & Szegedy 2015, fig. 1(b, c): with batch normalisation the band stays
# where it started, without it the unit's input drifts and widens.
#   scripts/charts/unit-percentiles.sh RESULTS_DIR OUT_FILE [--where KEY=VALUE]...
#       [--format png|svg|pdf] [--gp FILE] [--check]
set -eu
. "$(dirname "$0")/lib.sh"
chart_args unit-percentiles "$@"
need_csv "$dir/runs.csv" run_id
need_csv "$dir/layers.csv" run_id step layer preact_p15 preact_p50 preact_p85
[ "$check" -eq 0 ] || exit 0

draw "$charts_dir/unit-percentiles.awk"
