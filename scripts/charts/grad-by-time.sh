#!/bin/sh
# grad-by-time.sh: a recurrent network's gradient norm at every time step t
# (time.csv) at one training step (step 0, the network at initialisation,
# unless --step), log y: a line falling from the last step t = T towards
# t = 1 is a gradient that vanishes back through time, a rising one a
# gradient that explodes.  One line per configuration (the keys that differ
# between runs: model, recurrent_radius, ...), median over seeds with a
# min-max band; one panel per recurrent layer.  --quantity picks the norm:
# grad_h_norm (||dL/dh_t||, the default), grad_c_norm (the LSTM's cell,
# ||dL/dc_t||) or grad_whh_norm (step t's part of dL/dW_hh).
# --theory adds, dashed in the same colour, the mean-field prediction of
# `vgrad theory` (theory_time.csv) for the vanilla RNN: anchored at the top
# layer's measured ||dL/dh_T||, step t - 1 is step t's value times the
# predicted sqrt(chi_t).  It applies at step 0, to grad_h_norm, to the top
# layer of model=rnn with seq_output=last (a loss at every step adds its own
# gradient at every t); other runs get no line and a note.
#   scripts/charts/grad-by-time.sh RESULTS_DIR OUT_FILE [--step N]
#       [--quantity grad_h_norm|grad_c_norm|grad_whh_norm] [--where KEY=VALUE]...
#       [--format png|svg|pdf] [--gp FILE (keep the gnuplot script)] [--theory] [--check]
set -eu
. "$(dirname "$0")/lib.sh"
chart_args grad-by-time "$@"
[ "$theory" -eq 0 ] || chart=grad-by-time-theory   # the name its lines go by
case "$quantity" in
    "" | grad_h_norm | grad_c_norm | grad_whh_norm) quantity=${quantity:-grad_h_norm} ;;
    *) die "--quantity: '$quantity' is not grad_h_norm, grad_c_norm or grad_whh_norm (for grad-by-time)" ;;
esac
need_csv "$dir/runs.csv" run_id
need_time_csv "$quantity"
if [ "$theory" -eq 1 ]; then
    [ -z "$step" ] || [ "$step" -eq 0 ] ||
        skip_chart "the mean-field prediction is for step 0 (the network at initialisation), not step $step"
    [ "$quantity" = grad_h_norm ] ||
        skip_chart "no mean-field prediction for $quantity (there is one for grad_h_norm of the vanilla RNN)"
fi
[ "$check" -eq 0 ] || exit 0

theory_map=""
[ "$theory" -eq 0 ] || theory_runs theory_time.csv

draw "$charts_dir/grad-by-time.awk"
