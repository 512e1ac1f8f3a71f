#!/bin/sh
# phase-diagram.sh: the sweep of experiments/phase-diagram.ini (a depth-50
# tanh network at initialisation over sigma_w^2 x sigma_b^2, 3 seeds) into
# results/phase-diagram, then its charts: phase-diagram.png, coloured by the
# measured weight-gradient ratio of the first to the output layer, and
# phase-diagram-delta.png, by the back-propagated delta ratio (the quantity
# chi_1 governs), both with the mean-field line chi_1 = 1.
#   scripts/phase-diagram.sh [--quick] [--format png|svg|pdf] [--out DIR]
# --quick: 4 x 3 cells, 1 seed.  DIR (default results/phase-diagram, or
# $VGRAD_PHASE_OUT) is replaced, when it is empty or this script wrote it
# (scripts/out-lib.sh).  $VGRAD: the vgrad binary (build/vgrad).
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
VGRAD=${VGRAD:-$root/build/vgrad}
export VGRAD
out=${VGRAD_PHASE_OUT:-$root/results/phase-diagram}
quick=""
format=png
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=--quick; shift ;;
        --format | --out)
            [ $# -ge 2 ] || { echo "phase-diagram.sh: error: $1 needs a value" >&2; exit 2; }
            if [ "$1" = --format ]; then format=$2; else out=$2; fi
            shift 2
            ;;
        *) echo "phase-diagram.sh: error: unknown option '$1'; allowed: --quick, --format png|svg|pdf, --out DIR" >&2; exit 2 ;;
    esac
done
. "$root/scripts/out-lib.sh"
fresh_out "$out" phase-diagram.sh
"$VGRAD" sweep "$root/experiments/phase-diagram.ini" $quick -q -j "${JOBS:-2}" "out=$out"
"$root/scripts/charts/phase-diagram.sh" "$out" "$out/phase-diagram.$format"
"$root/scripts/charts/phase-diagram.sh" "$out" "$out/phase-diagram-delta.$format" --metric delta_norm
