# lib.sh: what the chart scripts share (sourced, POSIX sh).
#   chart_args NAME "$@"      options common to every chart
#   need_csv FILE COLUMN...   the file exists, has those columns and a row
#   need_time_csv COLUMN...   time.csv likewise, the chart skipped without it
#   theory_runs FILE          `vgrad theory` per configuration: theory_map
#   draw PROGRAM [FILE...]    gawk runs the chart's PROGRAM (NAME.awk) after the
#                             library (csv.awk, vgrad-list.awk, runs.awk, series.awk,
#                             medians.awk, gnuplot.awk) to print a gnuplot script;
#                             gnuplot draws it
#   list_names KIND           the activations, output keys, histogram quantities...
#                             of `vgrad list --csv`
# A chart script prints one line, "NAME: wrote FILE" (with notes) or
# "NAME: skipped: REASON", and exits 0 (written), 3 (skipped), 2 (bad input:
# one line "plot: error: FILE: ..." on stderr) or 1 (gnuplot failed or warned).

charts_dir=$(cd "$(dirname "$0")" && pwd)

die() {
    echo "plot: error: $*" >&2
    exit 2
}

# chart_args NAME RESULTS_DIR OUT_FILE [options]: sets chart, dir, out,
# format, step, metric, where (KEY=VALUE lines), quantity, gp, check, theory.
chart_args() {
    chart=$1
    shift
    [ $# -ge 2 ] || die "$chart: usage: scripts/charts/$chart.sh RESULTS_DIR OUT_FILE [--format png|svg|pdf]" \
        "[--step N] [--metric grad_w_norm|delta_norm|grad_b_norm] [--where KEY=VALUE] [--gp FILE] [--theory] [--check]"
    dir=${1%/}
    out=$2
    shift 2
    format=""
    step=""
    metric=grad_w_norm
    where=""
    quantity=""
    gp=""
    check=0
    theory=0
    while [ $# -gt 0 ]; do
        case "$1" in
            --format | --step | --metric | --where | --quantity | --gp)
                [ $# -ge 2 ] || die "$1: needs a value"
                case "$1" in
                    --format) format=$2 ;;
                    --step) step=$2 ;;
                    --metric) metric=$2 ;;
                    --where) where="$where$2
" ;;
                    --quantity) quantity=$2 ;;
                    --gp) gp=$2 ;;
                esac
                shift 2
                ;;
            --check) check=1; shift ;;
            --theory) theory=1; shift ;;
            *) die "$chart: unknown option '$1'; allowed: --format, --step, --metric, --where, --quantity, --gp, --theory, --check" ;;
        esac
    done
    if [ -z "$format" ]; then
        case "$out" in
            *.png) format=png ;;
            *.svg) format=svg ;;
            *.pdf) format=pdf ;;
            *) format=png ;;
        esac
    fi
    case "$format" in
        png | svg | pdf) ;;
        *) die "--format: '$format' is not one of png, svg, pdf" ;;
    esac
    case "$step" in
        "" | *[!0-9]*) [ -z "$step" ] || die "--step: '$step' is not a step number (0, 1, 2, ...)" ;;
    esac
    case "$metric" in
        grad_w_norm | delta_norm | grad_b_norm) ;;
        *) die "--metric: '$metric' is not one of grad_w_norm, delta_norm, grad_b_norm" ;;
    esac
    case "$where" in
        "" | *=*) ;;
        *) die "--where: '$where' is not KEY=VALUE" ;;
    esac
    [ -e "$dir" ] || die "$dir: no such directory"
    [ -d "$dir" ] || die "$dir: not a directory"
    if [ -z "$(ls -A "$dir")" ]; then die "$dir: empty directory (no runs.csv, layers.csv, train.csv)"; fi
    if [ -n "$where" ] && [ -s "$dir/runs.csv" ]; then
        keys=$(head -n 1 "$dir/runs.csv" | tr -d '\r')
        printf '%s' "$where" | while IFS= read -r condition; do
            case ",$keys," in
                *",${condition%%=*},"*) ;;
                *) die "--where $condition: '${condition%%=*}' is not a column of $dir/runs.csv" ;;
            esac
        done || exit 2
    fi
}

# skip_chart REASON: the chart has nothing to show (exit 3).
skip_chart() {
    echo "$chart: skipped: $*"
    exit 3
}

# need_csv FILE COLUMN...: exits 2 naming the file and what it lacks.
need_csv() {
    file=$1
    shift
    [ -e "$file" ] || die "$file: missing (not a vgrad results directory?)"
    [ -s "$file" ] || die "$file: empty (no header)"
    header=$(head -n 1 "$file" | tr -d '\r')
    for column in "$@"; do
        case ",$header," in
            *",$column,"*) ;;
            *) die "$file: no column '$column' (needed by $chart)" ;;
        esac
    done
    [ "$(head -n 2 "$file" | wc -l)" -ge 2 ] || die "$file: no rows (header only)"
}

# need_time_csv COLUMN...: time.csv (one row per logged step, recurrent
# layer and time step t) with run_id, step, layer, t and the COLUMNs; the
# chart is skipped (exit 3) when there is none or it has no rows, for only
# recurrent models (model=rnn, lstm, gru) write it.
need_time_csv() {
    [ -s "$dir/time.csv" ] || skip_chart "no time.csv (written by recurrent models: model=rnn, lstm or gru)"
    [ "$(head -n 2 "$dir/time.csv" | wc -l)" -ge 2 ] || skip_chart "time.csv has no rows (no recurrent run)"
    need_csv "$dir/time.csv" run_id step layer t "$@"
}

# The PNG terminal: pngcairo when this gnuplot has it, else libgd's png.
png_terminal() {
    if [ -z "${VGRAD_PNG_TERM:-}" ]; then
        if gnuplot -e 'set terminal pngcairo' >/dev/null 2>&1; then VGRAD_PNG_TERM=pngcairo; else VGRAD_PNG_TERM=png; fi
        export VGRAD_PNG_TERM
    fi
    echo "$VGRAD_PNG_TERM"
}

# draw PROGRAM [FILE...]: runs the awk file PROGRAM (after the library; FILEs as
# ARGV for reference) to write the gnuplot script, then gnuplot.  Anything
# gnuplot prints on stderr (a warning too) is a failure.
# make_work: $work, a temporary directory removed on exit.
make_work() {
    if [ -z "${work:-}" ]; then
        work=$(mktemp -d "${TMPDIR:-/tmp}/vgrad_chart.XXXXXX")
        trap 'rm -rf "$work"' EXIT
    fi
}

# theory_runs FILE: sets theory_map, a file of one line per run of
# runs.csv, "RUN_ID<tab>PATH" (the FILE that `vgrad theory` wrote for its
# configuration: theory.csv by layer, theory_time.csv through time) or
# "RUN_ID<tab>!REASON".  `vgrad theory` runs once per configuration but for
# the weight seeds (the data seed sets the inputs' mean square, so it stays:
# seed itself where data_seed is 0).  Skips the chart without a binary.
theory_runs() {
    theory_file=$1
    vgrad=${VGRAD:-$charts_dir/../../build/vgrad}
    [ -x "$vgrad" ] || skip_chart "no vgrad binary for the prediction ($vgrad; set VGRAD)"
    make_work
    mkdir "$work/theory"
    theory_map=$work/theory.map
    : >"$work/theory.results"
    # theory.runs: "N<tab>RUN_ID" for each run of configuration N, whose
    # arguments are the lines of theory/N.args (KEY=VALUE)
    vgrad_list
    gawk -f "$charts_dir/csv.awk" -f "$charts_dir/vgrad-list.awk" -f "$charts_dir/runs.awk" \
        -v list="$work/list.csv" -v runs="$dir/runs.csv" -v args_dir="$work/theory" \
        -f "$charts_dir/theory-args.awk" >"$work/theory.runs"
    n_configs=$(awk -F '\t' '$1 > n { n = $1 } END { print n + 0 }' "$work/theory.runs")
    k=1
    while [ "$k" -le "$n_configs" ]; do
        set --
        while IFS= read -r value; do set -- "$@" "$value"; done <"$work/theory/$k.args"
        case " $* " in
            *" load_weights="*) result="!loaded weights (load_weights)" ;;
            *) if "$vgrad" theory "$@" "out=$work/theory/$k" >/dev/null 2>"$work/theory/$k.err"; then
                   result=$work/theory/$k/$theory_file
                   # vgrad theory predicts a feed-forward net by layer, a recurrent one through time
                   [ -s "$result" ] || result="!vgrad theory has no $theory_file for this model"
               else
                   result="!$(sed -n '1s/^vgrad: error: //; 1p' "$work/theory/$k.err")"
               fi ;;
        esac
        printf '%s\t%s\n' "$k" "$result" >>"$work/theory.results"
        k=$((k + 1))
    done
    awk -F '\t' 'NR == FNR { result[$1] = $2; next } { print $2 "\t" result[$1] }' \
        "$work/theory.results" "$work/theory.runs" >"$theory_map"
}

# vgrad_list: $work/list.csv, what the binary knows (`vgrad list --csv`:
# the activations and their default parameters, the output keys, the
# histogram quantities), read by vgrad-list.awk; the scripts keep no copy.
# The binary is $VGRAD, else build/vgrad of this checkout.
vgrad_list() {
    make_work
    [ ! -s "$work/list.csv" ] || return 0
    vgrad_bin=${VGRAD:-$charts_dir/../../build/vgrad}
    [ -x "$vgrad_bin" ] || die "$vgrad_bin: no vgrad binary, which the charts ask for its lists (build it with scripts/setup.sh, or set VGRAD)"
    "$vgrad_bin" list --csv >"$work/list.csv" 2>"$work/list.err" ||
        die "$vgrad_bin list --csv failed: $(head -n 1 "$work/list.err")"
}
# list_names KIND: the names of that kind in `vgrad list --csv`, one a line.
list_names() {
    vgrad_list
    gawk -f "$charts_dir/csv.awk" -f "$charts_dir/vgrad-list.awk" -v list="$work/list.csv" -v print_names="$1"
}

# complete_output FORMAT FILE: FILE ends as a whole PNG (its IEND chunk),
# SVG (</svg>) or PDF (%%EOF) does.
complete_output() {
    case $1 in
    png) [ "$(tail -c 8 "$2" | od -An -tx1 | tr -d ' \n')" = 49454e44ae426082 ] ;;
    svg) tail -c 64 "$2" | grep -q '</svg>' ;;
    pdf) tail -c 64 "$2" | grep -q '%%EOF' ;;
    *) return 1 ;;
    esac
}

# die_write CHART OUT REASON: one line, no partial file, exit 1 (a failure
# of the machine, as a full disk, not of the input).
die_write() {
    rm -f "$partial"
    echo "plot: $1: writing $2 failed: $3 (is the disk full?)" >&2
    exit 1
}

draw() {
    program=$1
    shift
    vgrad_list
    outdir=$(dirname "$out")
    mkdir -p "$outdir" || die "$outdir: cannot create the output directory"
    base=$(basename "$out")
    # gnuplot writes a temporary file beside OUT_FILE, renamed when complete;
    # any other exit removes it
    partial=$(mktemp "$outdir/.$base.XXXXXX") || die "$outdir: cannot write there"
    trap 'rm -rf "$work"; rm -f "$partial"' EXIT
    rc=0
    gawk -f "$charts_dir/csv.awk" -f "$charts_dir/vgrad-list.awk" -f "$charts_dir/runs.awk" \
        -f "$charts_dir/series.awk" -f "$charts_dir/medians.awk" -f "$charts_dir/gnuplot.awk" \
        -v list="$work/list.csv" \
        -v status="$work/status" -v format="$format" -v term="$(png_terminal)" \
        -v output="$partial" -v style="$charts_dir/style.gp" -v dir="$dir" \
        -v step="$step" -v metric="$metric" -v where="$where" -v quantity="$quantity" \
        -v vgrad="${VGRAD:-}" -v work="$work" -v theory_map="${theory_map:-}" \
        -f "$program" "$@" >"$work/chart.gp" || rc=$?
    [ "$rc" -eq 0 ] || exit "$rc"
    touch "$work/status"
    reason=$(sed -n 's/^skip //p' "$work/status" | head -n 1)
    if [ -n "$reason" ]; then
        echo "$chart: skipped: $reason"
        exit 3
    fi
    notes=$(sed -n 's/^note //p' "$work/status" | awk '{ printf "%s%s", (NR > 1 ? "; " : ""), $0 }')
    if [ -n "$gp" ]; then sed "s|$partial|$out|" "$work/chart.gp" >"$gp"; fi
    # style.gp sets encoding utf8, which gnuplot can only honour in a UTF-8
    # locale (in the C locale it warns that iconv cannot convert the degree
    # sign); C.UTF-8 also keeps the decimal point a point.
    if ! LC_ALL=C.UTF-8 gnuplot "$work/chart.gp" >"$work/gnuplot.out" 2>"$work/gnuplot.err" || [ -s "$work/gnuplot.err" ]; then
        rm -f "$partial"
        echo "plot: $chart: gnuplot failed: $(grep -v '^ *$' "$work/gnuplot.err" | head -n 3 | paste -sd ' ' -)" >&2
        exit 1
    fi
    # gnuplot exits 0 when its output could not be written (a full disk): a
    # file cut short is never renamed to OUT
    complete_output "$format" "$partial" ||
        die_write "$chart" "$out" "the file gnuplot wrote is incomplete"
    if [ "$format" = svg ]; then
        # a font list every browser can resolve, in place of gnuplot's one name
        sed -i 's/font-family="[^"]*"/font-family="DejaVu Sans, Verdana, Arial, sans-serif"/g' "$partial" 2>"$work/sed.err" ||
            die_write "$chart" "$out" "$(sed 's/^sed: //' "$work/sed.err" | head -n 1)"
    fi
    chmod 644 "$partial"
    mv "$partial" "$out" 2>"$work/mv.err" || die_write "$chart" "$out" "$(head -n 1 "$work/mv.err")"
    echo "$chart: wrote $out${notes:+ ($notes)}"
}
