#!/bin/sh
# jacobian.sh: the distribution of the singular values of the input-output
# Jacobian at initialisation (dynamical isometry, Pennington, Schoenholz &
# Ganguli 2017): one panel per activation (rows) and depth (columns), one
# line per init, the empirical distribution function of the singular values
# (fraction <= sigma, over every seed and input) on a log axis.  A line that
# rises steeply at sigma = 1 (the grey line) is a network that passes every
# direction of the input through with its length kept; a line spread over
# decades is one that squashes some directions and stretches others.  The
# shaded band, below 1e-15 x the largest singular value of the panel, is
# round-off of double precision: values there are not resolved.
# Reads DIR/spectra.csv, the tidy table of scripts/jacobian-spectra.sh
# (activation,init,depth,...,singular_value).
#   scripts/charts/jacobian.sh DIR OUT_FILE [--format png|svg|pdf] [--gp FILE] [--check]
# The gnuplot script (--gp) holds the data: $cdf_P_S (sigma, fraction) for
# panel P and init S, at most 400 points each (quantiles: the first and
# last values are kept).
set -eu
. "$(dirname "$0")/lib.sh"
chart_args jacobian "$@"
need_csv "$dir/spectra.csv" activation init depth width singular_value
[ "$check" -eq 0 ] || exit 0

draw "$charts_dir/jacobian.awk"
