#!/bin/sh
# loss.sh: training loss and accuracy against the step (and the test split's
# when train.csv has them), one line per configuration, median over seeds
# with a min-max band.  A network whose gradients vanish stays at the loss of
# chance (ln K for K classes) and at accuracy 1/K.
#   scripts/charts/loss.sh RESULTS_DIR OUT_FILE [--where KEY=VALUE]...
#       [--format png|svg|pdf] [--gp FILE] [--check]
set -eu
. "$(dirname "$0")/lib.sh"
chart_args loss "$@"
need_csv "$dir/runs.csv" run_id
need_csv "$dir/train.csv" run_id step loss accuracy
[ "$check" -eq 0 ] || exit 0

draw "$charts_dir/loss.awk"
