#!/bin/sh
# factor-by-radius.sh: for a sweep over recurrent_radius (rho, the spectral
# radius W_hh is rescaled to), the measured per-step factor of a recurrent
# network's gradient back through time, (||dL/dh_1|| / ||dL/dh_T||)^(1/(T-1))
# of the top layer at step 0 (or --step), against rho: one line per
# configuration (activation, model, ...), median over seeds with a min-max
# band.  Dotted in each line's colour: Pascanu, Mikolov & Bengio's bound
# rho gamma (gamma = max f' of the activation, from `vgrad activations`;
# the per-step Jacobian W_hh^T diag(f') has norm at most sigma_max gamma,
# and sigma_max = rho for an orthogonal W_hh); dashed: the mean-field factor
# of `vgrad theory` (model=rnn, seq_output=last, step 0), the geometric
# mean of sqrt(chi_t) over t = 2..T.  Above 1 the gradient explodes back
# through time, below it vanishes.  Skipped when rho does not differ.
#   scripts/charts/factor-by-radius.sh RESULTS_DIR OUT_FILE [--step N]
#       [--quantity grad_h_norm|grad_c_norm] [--where KEY=VALUE]...
#       [--format png|svg|pdf] [--gp FILE] [--check]
set -eu
. "$(dirname "$0")/lib.sh"
chart_args factor-by-radius "$@"
case "$quantity" in
    "" | grad_h_norm | grad_c_norm) quantity=${quantity:-grad_h_norm} ;;
    *) die "--quantity: '$quantity' is not grad_h_norm or grad_c_norm (for factor-by-radius)" ;;
esac
need_csv "$dir/runs.csv" run_id
need_time_csv "$quantity"
[ "$check" -eq 0 ] || exit 0

theory_map=""
if [ -z "$step" ] || [ "$step" -eq 0 ]; then
    [ "$quantity" != grad_h_norm ] || theory_runs theory_time.csv
fi
# the activations' largest f' (gamma), for the bound
vgrad=${VGRAD:-$charts_dir/../../build/vgrad}
make_work
"$vgrad" activations range=-6:6 points=1201 "out=$work/activations.csv" >/dev/null 2>"$work/act.err" ||
    die "$vgrad activations failed: $(head -n 1 "$work/act.err")"
draw "$charts_dir/factor-by-radius.awk" "$work/activations.csv"
