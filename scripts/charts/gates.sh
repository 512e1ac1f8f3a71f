#!/bin/sh
# gates.sh: the mean of each gate of a gated recurrent network over the
# time steps t (time.csv), for the top recurrent layer, at one training
# step (each run's last logged step unless --step): the LSTM's input (i),
# forget (f) and output (o) gates, the GRU's reset (r) and update (z)
# gates, one panel per gate.  One line per configuration, median over seeds
# with a min-max band.  A forget gate near 1 (or an update gate near 1)
# carries the cell state, and its gradient, through time; near 0 it forgets
# within a few steps.
#   scripts/charts/gates.sh RESULTS_DIR OUT_FILE [--step N] [--where KEY=VALUE]...
#       [--format png|svg|pdf] [--gp FILE] [--check]
set -eu
. "$(dirname "$0")/lib.sh"
chart_args gates "$@"
need_csv "$dir/runs.csv" run_id
need_time_csv gate_i_mean gate_f_mean gate_o_mean gate_r_mean gate_z_mean
[ "$check" -eq 0 ] || exit 0

draw "$charts_dir/gates.awk"
