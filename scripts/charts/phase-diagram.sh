#!/bin/sh
# phase-diagram.sh: the order-to-chaos phase diagram of one activation at
# initialisation, measured.  x: sigma_w^2 = fan_in Var(W) (init_gain^2 with
# lecun_normal, 2 init_gain^2 with he_normal), y: sigma_b^2 = Var(b)
# (bias_init=normal:STD is STD^2, bias_init=0 or bias=0 is 0).  Each cell is
# coloured (viridis) by the measured log10(||dL/dW_1|| / ||dL/dW_out||), the
# first layer's weight-gradient norm over the output layer's at step 0 (or
# --step), median over seeds: negative where gradients vanish towards the
# input, positive where they explode.  Over it: the mean-field line chi_1 = 1
# (`vgrad theory --edge-of-chaos`, run here: $VGRAD, else build/vgrad of this
# checkout) and, per sigma_b^2, the sigma_w^2 where the measured ratio
# crosses 1 (linear interpolation of the log between neighbouring cells).
# Skipped unless the runs (after --where) differ in init_gain and bias_init
# (and seeds) only, with one activation.  experiments/phase-diagram.ini is
# such a sweep.
#   scripts/charts/phase-diagram.sh RESULTS_DIR OUT_FILE [--step N] [--where KEY=VALUE]...
#       [--format png|svg|pdf] [--gp FILE (keep the gnuplot script)] [--check]
# The gnuplot script (--gp) holds the data: $cells (sigma_w^2, sigma_b^2,
# cell edges x2, y2, median log10 ratio, runs), $edge (sigma_w^2, sigma_b^2
# of chi_1 = 1) and $crossing (sigma_w^2, sigma_b^2 of a measured ratio 1).
set -eu
. "$(dirname "$0")/lib.sh"
chart_args phase-diagram "$@"
need_csv "$dir/runs.csv" run_id activation init init_gain bias bias_init
need_csv "$dir/layers.csv" run_id step layer "$metric"
[ "$check" -eq 0 ] || exit 0
VGRAD=${VGRAD:-$charts_dir/../../build/vgrad}
export VGRAD

draw "$charts_dir/phase-diagram.awk"
