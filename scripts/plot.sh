#!/bin/sh
# plot.sh: every chart the results support, drawn with gnuplot into
# RESULTS_DIR/plots/ (or --out DIR), one line per chart written or skipped.
#   scripts/plot.sh RESULTS_DIR [--format png|svg|pdf] [--step N]
#       [--metric grad_w_norm|delta_norm|grad_b_norm] [--where KEY=VALUE]... [--out DIR]
# Each chart is scripts/charts/NAME.sh RESULTS_DIR OUT_FILE [options], which
# draws it alone; scripts/charts/style.gp is the look they share.  The lines
# printed also go to OUT_DIR/plot.log (scripts/report.sh reads it).
# Exit 0: every chart drawn or skipped with its reason; 2: bad input (one line
# "plot: error: FILE: ..." on stderr, nothing drawn); 1: a chart failed
# (gnuplot reported an error or a warning).
set -eu
charts=$(cd "$(dirname "$0")/charts" && pwd)

die() {
    echo "plot: error: $*" >&2
    exit 2
}
[ $# -ge 1 ] || die "usage: scripts/plot.sh RESULTS_DIR [--format png|svg|pdf] [--step N]" \
    "[--metric grad_w_norm|delta_norm|grad_b_norm] [--where KEY=VALUE]... [--out DIR]"
dir=${1%/}
shift
format=png
out=""
# the options every chart takes, passed on as they are
set_options() { options="$options $1 $(quote "$2")"; }
quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
options=""
while [ $# -gt 0 ]; do
    case "$1" in
        --format | --step | --metric | --where | --out)
            [ $# -ge 2 ] || die "$1: needs a value"
            case "$1" in
                --format) format=$2 ;;
                --out) out=$2 ;;
                *) set_options "$1" "$2" ;;
            esac
            shift 2
            ;;
        *) die "unknown option '$1'; allowed: --format, --step, --metric, --where, --out" ;;
    esac
done
case "$format" in
    png | svg | pdf) ;;
    *) die "--format: '$format' is not one of png, svg, pdf" ;;
esac
[ -e "$dir" ] || die "$dir: no such directory"
[ -d "$dir" ] || die "$dir: not a directory"
[ -n "$(ls -A "$dir")" ] || die "$dir: empty directory (no runs.csv, layers.csv, train.csv)"
command -v gnuplot >/dev/null || die "gnuplot: not installed (apt-get install gnuplot-nox)"
command -v gawk >/dev/null || die "gawk: not installed (apt-get install gawk)"
out=${out:-$dir/plots}

work=$(mktemp -d "${TMPDIR:-/tmp}/vgrad_plot.XXXXXX") || die "cannot create a temporary directory"
trap 'rm -rf "$work"' EXIT

# What the binary knows (vgrad list --csv): the charts ask it, not a copy.
vgrad=${VGRAD:-$charts/../../build/vgrad}
[ -x "$vgrad" ] || die "$vgrad: no vgrad binary, which the charts ask for its lists (build it with scripts/setup.sh, or set VGRAD)"
export VGRAD="$vgrad"

# The quantities of hist.csv, in vgrad's order (none when it has no rows).
hist_quantities() {
    [ -s "$dir/hist.csv" ] || return 0
    "$vgrad" list --csv >"$work/list.csv" || die "$vgrad list --csv failed"
    gawk -f "$charts/csv.awk" -f "$charts/vgrad-list.awk" -f "$charts/hist-quantities.awk" \
        -v list="$work/list.csv" -v hist="$dir/hist.csv"
}

# The charts of time.csv (recurrent models), when it has rows: the cell
# state's gradient for an LSTM, the gates for an LSTM or a GRU.
time_charts() {
    [ "$(head -n 2 "$dir/time.csv" 2>/dev/null | wc -l)" -ge 2 ] || return 0
    present=$(gawk -f "$charts/csv.awk" -f "$charts/time-columns.awk" -v time="$dir/time.csv") || exit 2
    echo "grad-by-time grad-by-time"
    echo "grad-by-time grad-by-time-theory --theory"
    case " $(echo $present) " in *" grad_c_norm "*) echo "grad-by-time grad-by-time-c --quantity grad_c_norm" ;; esac
    echo "time-heatmap time-heatmap"
    echo "factor-by-radius factor-by-radius"
    case " $(echo $present) " in *" gate_"*) echo "gates gates" ;; esac
}

# NAME FILE [extra options]: every chart, in the order of the gallery.
chart_list() {
    echo "activations activations"
    echo "grad-by-layer grad-by-layer"
    echo "grad-by-layer grad-by-layer-theory --theory"
    echo "$time_list"
    echo "depth-sweep depth-sweep"
    echo "heatmap heatmap"
    echo "learning-speed learning-speed"
    echo "activation-stats activation-stats"
    echo "loss loss"
    echo "dead-saturated dead-saturated"
    echo "phase-diagram phase-diagram"
    if [ -z "$quantities" ]; then
        echo "histograms histograms"
    else
        for q in $quantities; do echo "histograms histograms-$q --quantity $q"; done
    fi
}

# First every chart checks its input, so that a bad directory gets one error
# line and no half-drawn plots.
quantities=$(hist_quantities) || exit 2
time_list=$(time_charts) || exit 2
list="$work/charts"
chart_list | grep -v '^$' >"$list"
while read -r name file extra; do
    eval "set -- $options"
    # shellcheck disable=SC2086
    rc=0
    "$charts/$name.sh" "$dir" "$out/$file.$format" --format "$format" "$@" $extra --check || rc=$?
    [ "$rc" -ne 2 ] || exit 2
done <"$list"

mkdir -p "$out" || die "$out: cannot create the output directory"
failed=0
log="$work/log"
: >"$log"
while read -r name file extra; do
    eval "set -- $options"
    rc=0
    # shellcheck disable=SC2086
    "$charts/$name.sh" "$dir" "$out/$file.$format" --format "$format" "$@" $extra >>"$log" || rc=$?
    case $rc in
        0 | 3) ;;
        2) exit 2 ;;
        *) failed=1; echo "$file: failed (see the message above)" >>"$log" ;;
    esac
    tail -n 1 "$log"
done <"$list"
cp "$log" "$out/plot.log"
exit $failed
