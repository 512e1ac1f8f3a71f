#!/bin/sh
# dead-saturated.sh: dead_frac (units whose f' is 0 on every example) and
# saturated_frac (unit-examples with |f'| below 1% of its largest) of every
# layer, at the last logged step of each run or at --step.  Dead ReLUs after a
# large learning rate, saturated sigmoid layers near the output: the units
# that pass no gradient back.  One line per configuration, median over seeds
# with a min-max band; one row of panels per depth.
#   scripts/charts/dead-saturated.sh RESULTS_DIR OUT_FILE [--step N]
#       [--where KEY=VALUE]... [--format png|svg|pdf] [--gp FILE] [--check]
set -eu
. "$(dirname "$0")/lib.sh"
chart_args dead-saturated "$@"
need_csv "$dir/runs.csv" run_id
need_csv "$dir/layers.csv" run_id step layer dead_frac saturated_frac
[ "$check" -eq 0 ] || exit 0

draw "$charts_dir/dead-saturated.awk"
