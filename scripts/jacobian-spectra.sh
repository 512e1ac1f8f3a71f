#!/bin/sh
# jacobian-spectra.sh: dynamical isometry (Pennington, Schoenholz & Ganguli
# 2017).  The singular values of the input-output Jacobian of square
# networks at initialisation (`vgrad jacobian`: the last hidden layer's
# activations with respect to the input), Gaussian (lecun_normal) against
# orthogonal weights, tanh and linear, at depths 10, 30 and 100; then the
# chart scripts/charts/jacobian.sh of their distribution.
#   tanh:   sigma_w^2 = 1.05 and the sigma_b^2 that puts it on the edge of
#           chaos (chi_1 = 1, from `vgrad theory --edge-of-chaos`: 2.0e-5,
#           Pennington et al.'s 2.01e-5), inputs N(0, q*) per feature with
#           q* the fixed point there (0.026), as in the paper: the network
#           starts at its fixed point instead of relaxing to it;
#   linear: sigma_w^2 = 1, no bias (chi_1 = sigma_w^2 = 1).
# The same inputs (inputs.csv, gawk's srand(1)) go to every network; each
# configuration runs for several weight seeds.
#   scripts/jacobian-spectra.sh [--quick] [--format png|svg|pdf] [--out DIR]
# --quick: width 50, depths 10 and 30, 1 seed, 2 inputs (a few seconds).
# DIR (default results/jacobian-spectra, or $VGRAD_JACOBIAN_OUT) is replaced,
# when it is empty or this script wrote it (scripts/out-lib.sh), and gets:
#   spectra.csv   one row per singular value, the tidy table the chart reads:
#                 activation,init,depth,width,sigma_w2,sigma_b2,seed,example,index,singular_value
#                 (init: lecun_normal or orthogonal; example: the input row;
#                 index: 0 for the largest singular value)
#   inputs.csv    the inputs (width features and a label per row)
#   runs/         vgrad jacobian's own output per network
#   jacobian-spectra.FORMAT   the chart
# $VGRAD: the vgrad binary (build/vgrad).
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
VGRAD=${VGRAD:-$root/build/vgrad}
export VGRAD
out=${VGRAD_JACOBIAN_OUT:-$root/results/jacobian-spectra}
format=png
width=200 depths="10 30 100" seeds="1 2 3" inputs=4
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) width=50 depths="10 30" seeds=1 inputs=2; shift ;;
        --format | --out)
            [ $# -ge 2 ] || { echo "jacobian-spectra.sh: error: $1 needs a value" >&2; exit 2; }
            if [ "$1" = --format ]; then format=$2; else out=$2; fi
            shift 2
            ;;
        *) echo "jacobian-spectra.sh: error: unknown option '$1'; allowed: --quick, --format png|svg|pdf, --out DIR" >&2; exit 2 ;;
    esac
done
case "$format" in
    png | svg | pdf) ;;
    *) echo "jacobian-spectra.sh: error: --format: '$format' is not one of png, svg, pdf" >&2; exit 2 ;;
esac
. "$root/scripts/out-lib.sh"
fresh_out "$out" jacobian-spectra.sh
mkdir -p "$out/runs"

# The point of tanh's edge of chaos at sigma_w^2 = 1.05: q* and sigma_b^2,
# interpolated between the 201 points of the line up to sigma_b^2 = 1e-4.
"$VGRAD" theory activation=tanh "out=$out/runs/edge" --edge-of-chaos 1e-4 >/dev/null
edge=$(gawk -f "$root/scripts/charts/csv.awk" -f "$root/scripts/jacobian-spectra.awk" -v target=1.05 \
        -v edge="$out/runs/edge/edge_of_chaos.csv") ||
    { echo "jacobian-spectra.sh: error: sigma_w^2 = 1.05 is not on the edge of chaos up to sigma_b^2 = 1e-4" >&2; exit 1; }
q_star=${edge% *}
tanh_sb2=${edge#* }

# inputs N(0, q*) per feature (Box-Muller), a label alternating 0, 1
gawk -v n="$inputs" -v d="$width" -v q="$q_star" 'BEGIN {
    srand(1)
    for (i = 0; i < n; i++) {
        for (k = 0; k < d; k++) {
            u = 1 - rand(); v = rand()
            printf "%.17g,", sqrt(q) * sqrt(-2 * log(u)) * cos(6.283185307179586 * v)
        }
        print i % 2
    }
}' >"$out/inputs.csv"

echo "activation,init,depth,width,sigma_w2,sigma_b2,seed,example,index,singular_value" >"$out/spectra.csv"
for activation in tanh linear; do
    if [ "$activation" = tanh ]; then
        sigma_w2=1.05 sigma_b2=$tanh_sb2
        bias="bias_init=normal:$(gawk -v v="$sigma_b2" 'BEGIN { printf "%.17g", sqrt(v) }')"
    else
        sigma_w2=1 sigma_b2=0 bias=bias=0
    fi
    gain=$(gawk -v v="$sigma_w2" 'BEGIN { printf "%.17g", sqrt(v) }')
    for init in lecun_normal orthogonal; do
        for depth in $depths; do
            for seed in $seeds; do
                run="$out/runs/$activation-$init-$depth-$seed"
                "$VGRAD" jacobian "activation=$activation" "init=$init" "init_gain=$gain" "$bias" \
                    "depth=$depth" "width=$width" "dataset=csv:$out/inputs.csv" "seed=$seed" \
                    "out=$run" --inputs "$inputs" >/dev/null
                gawk -f "$root/scripts/charts/csv.awk" -f "$root/scripts/jacobian-spectra.awk" \
                    -v prefix="$activation,$init,$depth,$width,$sigma_w2,$sigma_b2,$seed" \
                    -v jacobian="$run/jacobian.csv" >>"$out/spectra.csv"
            done
        done
    done
done
"$root/scripts/charts/jacobian.sh" "$out" "$out/jacobian-spectra.$format"
