# gnuplot.awk: the gnuplot text of a chart (gawk): strings, the terminal and
# canvas, panel margins and titles, axes, and the plot command of a panel.

BEGIN {
    GMT0 = 30             # pixels above each panel (its title)
}

# layer_axis(maxlayer): an x axis over layers 1..maxlayer, a tic per layer
# up to 12 of them.
function layer_axis(maxlayer) {
    printf "set xrange [1:%d]\n", (maxlayer > 1 ? maxlayer : 2)
    if (maxlayer <= 12) print "set xtics 1; set mxtics 1"
    else print "set xtics autofreq; set mxtics default"
}
# q(s): s as a gnuplot string literal for enhanced text (_ ^ { } @ & ~ literal).
function q(s) { return "\"" esc(s) "\"" }
function esc(s) {
    gsub(/\\/, "/", s)
    gsub(/[_^{}@&~]/, "\\\\\\\\&", s)
    gsub(/"/, "\\\"", s)
    return s
}
function fmt(v,   a) {
    if (v == 0) return "0"
    a = v < 0 ? -v : v
    if (a >= 9.9995e-4 && a < 1e5) return sprintf("%.3g", v)
    return sprintf("%.2e", v)
}
# terminal(wpx, hpx): the terminal for FORMAT (-v format, -v term, -v output)
# at a canvas of wpx x hpx pixels; PDF at a point a pixel, so that text and
# lines keep the proportions of the PNG.
function terminal(wpx, hpx) {
    CW = wpx; CH = hpx
    if (format == "pdf")
        printf "set terminal pdfcairo enhanced color size %.2fin,%.2fin font \"DejaVu Sans,%d\" linewidth 2 fontscale 1\n", wpx / 72, hpx / 72, 11
    else if (format == "svg")
        printf "set terminal svg enhanced size %d,%d dynamic font \"DejaVu Sans,%d\" background rgb \"white\"\n", wpx, hpx, 11
    else if (term == "png")
        printf "set terminal png enhanced size %d,%d font \"DejaVuSans,%d\" background rgb \"white\"\n", wpx, hpx, 10
    else
        printf "set terminal pngcairo enhanced color size %d,%d font \"DejaVu Sans,%d\" background rgb \"white\"\n", wpx, hpx, 11
    printf "set output %s\n", q_path(output)
    printf "load %s\n", q_path(style)
}
function q_path(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
# grid(ncol, nrow, pw, ph, legend_w, title_h): the canvas of a grid of panels
# pw x ph pixels, a legend column on the right and a title band on top.
function grid(ncol, nrow, pw, ph, legend_w, title_h,   w, h) {
    # the legend column lists NSER lines (and the band): panels tall enough for it
    if (legend_w > 20 && nrow * ph < GMT0 + (NSER + 3) * 24) ph = int((GMT0 + (NSER + 3) * 24) / nrow)
    GCOL = ncol; GPW = pw; GPH = ph; GTH = title_h
    GML = 74; GMR = 16; GMT = 30; GMB = 54
    w = ncol * pw + legend_w
    h = title_h + nrow * ph
    if (w < 7.4 * length(FST) + 40) w = int(7.4 * length(FST) + 40)
    if (w < 8.5 * length(FT) + 40) w = int(8.5 * length(FT) + 40)
    terminal(w, h)
    print "set multiplot"
    if (FT != "") emit_title()
}
# panel(r, c, title): margins of panel (r, c) (1-based) and its title.
function panel(r, c, title,   x0, y0) {
    x0 = (c - 1) * GPW
    y0 = GTH + (r - 1) * GPH
    printf "set lmargin at screen %.5f; set rmargin at screen %.5f\n", (x0 + GML) / CW, (x0 + GPW - GMR) / CW
    printf "set tmargin at screen %.5f; set bmargin at screen %.5f\n", 1 - (y0 + GMT + GMT_EXTRA) / CH, 1 - (y0 + GPH - GMB) / CH
    printf "set title %s\n", q(title)
}
# figure_title(text, subtitle): the title band, drawn with the first plot;
# call it before grid(), which makes the canvas wide enough for it.
# text may hold enhanced-text markup, subtitle is plain.
function figure_title(text, subtitle) {
    FT = text
    FST = (where != "" ? "runs with " spec_text(where) "; " : "") subtitle
}
function emit_title(   text, subtitle) {
    text = FT; subtitle = FST
    printf "set label 901 \"%s\" at screen 0.5, screen %.5f center font \",13\"\n", text, 1 - 16 / CH
    if (subtitle != "") printf "set label 902 %s at screen 0.5, screen %.5f center textcolor rgb \"#444444\"\n", q(subtitle), 1 - 36 / CH
}
function clear_title() { print "unset label 901; unset label 902" }
# log_axis(axis, lo, hi): a log axis over whole decades with 10^k labels at
# most ~7 of them, and minor tics at the other decades (or at 2..9 x 10^k
# over a few decades).  The tics are listed explicitly: gnuplot's own minor
# tics on a log axis spanning dozens of decades take seconds to draw.
function log_axis(axis, lo, hi,   a, b, step, k, m, tics, minor) {
    a = floor(log(lo) / log(10) + 1e-9)
    b = ceil(log(hi) / log(10) - 1e-9)
    if (b <= a) b = a + 1
    step = 1
    while ((b - a) / step > 7) step = (step ~ /^1/) ? step * 2 : (step ~ /^2/) ? step * 5 / 2 : step * 2
    # the range stays on whole decades; the labelled tics are the multiples of step in it
    if (ceil(a / step) * step > floor(b / step) * step - step) { a = floor(a / step) * step; b = ceil(b / step) * step }
    tics = ""
    for (k = ceil(a / step) * step; k <= b; k += step) tics = tics sprintf("%s\"10^{%d}\" 1e%d", tics == "" ? "" : ", ", k, k)
    minor = ""
    for (k = a; k < b; k++) {
        if (step > 1 && k % step != 0) minor = minor sprintf(", \"\" 1e%d 1", k)
        if (step == 1 && b - a <= 4)
            for (m = 2; m <= 9; m++)
                # over one or two decades 2 and 5 x 10^k are labelled too
                if (b - a <= 2 && (m == 2 || m == 5)) minor = minor sprintf(", \"%d·10^{%d}\" %de%d", m, k, m, k)
                else minor = minor sprintf(", \"\" %de%d 1", m, k)
    }
    printf "set logscale %s 10\n", axis
    # (a hair wider, so that rounding does not drop the tics at the ends)
    printf "set %srange [0.9999e%d:1.0001e%d]\n", axis, a, b
    printf "set %stics (%s%s)\n", axis, tics, minor
}
function lin_axis(axis, lo, hi) {
    printf "unset logscale %s\n", axis
    printf "set %srange [%s:%s]\n", axis, lo, hi
    printf "set format %s \"%%g\"\n", axis
    printf "set %stics autofreq; set m%stics default\n", axis, axis
}
# plot_panel(p): the bands, then the median lines, of every series in panel p.
function plot_panel(p,   s, name, cmd, bands, pi) {
    cmd = ""; bands = ""
    for (s = 1; s <= NSER; s++) {
        if (!((p SUBSEP s) in PANELSER)) continue
        name = block(p, s)
        if (BANDS)
            bands = bands sprintf("%s using 1:3:4 with filledcurves %s fs transparent solid %.2f noborder notitle, ", \
                                  name, SERFILL[s], band_alpha())
        pi = (SERWITH[s] == "linespoints") ? sprintf(" pi %d", BLOCKN > 12 ? int(BLOCKN / 8) : 1) : ""
        cmd = cmd sprintf("%s%s using 1:2 with %s %s lw LW%s notitle", cmd == "" ? "" : ", ", name, SERWITH[s], SERSTYLE[s], pi)
    }
    # predicted lines (series s + PREDICTED, see grad-by-layer.sh --theory)
    for (s = 1; PREDICTED && s <= NSER; s++) {
        if (!((p SUBSEP (s + PREDICTED)) in PANELSER)) continue
        name = block(p, s + PREDICTED)
        cmd = cmd sprintf("%s%s using 1:2 with lines %s dt PREDICTED_DASH lw PREDICTED_LW notitle", \
                          cmd == "" ? "" : ", ", name, SERLC[s])
    }
    if (cmd == "") {
        print "set label 903 \"no data\" at graph 0.5, 0.5 center"
        print "plot NaN notitle"
        print "unset label 903"
        return
    }
    print "plot " bands cmd
}
# Axis labels on the outer panels only.
function outer_labels(p, xl, yl) {
    printf "set xlabel %s\n", (PR[p] == GRIDR || pid_below(p) < 0) ? xl : "\"\""
    printf "set ylabel %s\n", PC[p] == 1 ? yl : "\"\""
}
# pid_below(p): the panel under p in the grid, -1 for none.
function pid_below(p,   q) {
    for (q in PR) if (PC[q] == PC[p] && PR[q] == PR[p] + 1) return q
    return -1
}
# metric_symbol(m), metric_words(m): the symbol of a layers.csv norm (enhanced text) and its words.
function metric_symbol(m) {
    if (m == "grad_b_norm") return "‖∂L/∂b_{l}‖"
    if (m == "delta_norm") return "‖∂L/∂z_{l}‖"
    return "‖∂L/∂W_{l}‖"
}
function metric_words(m) {
    if (m == "grad_b_norm") return "Bias-gradient norm"
    if (m == "delta_norm") return "Back-propagated delta norm"
    return "Weight-gradient norm"
}
function floor(x,   i) { i = int(x); return (i > x) ? i - 1 : i }
function ceil(x) { return -floor(-x) }
# time_symbol(q), time_words(q): a norm of time.csv at time step t (enhanced text) and its words.
function time_symbol(q) {
    if (q == "grad_c_norm") return "‖∂L/∂c_{t}‖"
    if (q == "grad_whh_norm") return "‖∂L/∂W_{hh}‖ of step t"
    return "‖∂L/∂h_{t}‖"
}
function time_words(q) {
    if (q == "grad_c_norm") return "Cell-state gradient norm"
    if (q == "grad_whh_norm") return "Recurrent weight-gradient norm"
    return "Hidden-state gradient norm"
}

# heat_panel(k, nrows): panel k of a heatmap chart (heatmap.awk,
# time-heatmap.awk): the logged steps of configuration k (the keys k SUBSEP
# step of the array steps) across, rows 1..nrows up, one cell per (row,
# step) coloured by the median over seeds (stats(key) -> MED; keys k SUBSEP
# row SUBSEP step of NV), zero medians and non-finite values (bad) in their
# own colours.  Each logged step spans half the way to its neighbours.
# Returns the number of coloured cells, or -1 (a "no data" panel drawn)
# when k has no logged step.
function heat_panel(k, nrows,   n, sl, key, part, j, left, right, r, cell, zl, bl, ncells, cmd) {
    n = 0
    for (key in steps) { split(key, part, SUBSEP); if (part[1] == k) sl[++n] = part[2] + 0 }
    if (n == 0) { print "set label 903 \"no data\" at graph 0.5, 0.5 center"; print "plot NaN notitle"; print "unset label 903"; return -1 }
    asort(sl)
    for (j = 1; j <= n; j++) {
        left[j] = j == 1 ? sl[1] - (n > 1 ? (sl[2] - sl[1]) / 2 : 0.5) : (sl[j - 1] + sl[j]) / 2
        right[j] = j == n ? sl[n] + (n > 1 ? (sl[n] - sl[n - 1]) / 2 : 0.5) : (sl[j] + sl[j + 1]) / 2
    }
    if (n > 1) printf "set xrange [%.17g:%.17g]\n", sl[1], sl[n]
    else printf "set xrange [%.17g:%.17g]\n", left[1], right[n]
    printf "set yrange [0.5:%g]\n", nrows + 0.5
    if (nrows <= 12) print "set ytics 1; set mytics 1"
    else print "set ytics autofreq; set mytics default"
    print "set xtics autofreq; set mxtics default"
    print "$cells_" k " << EOD"
    zl = ""; bl = ""; ncells = 0
    for (r = 1; r <= nrows; r++)
        for (j = 1; j <= n; j++) {
            key = k SUBSEP r SUBSEP sprintf("%.17g", sl[j])
            cell = sprintf("%.17g %d %.17g %.17g %g %g", sl[j], r, left[j], right[j], r - 0.5, r + 0.5)
            if ((k SUBSEP r SUBSEP sl[j]) in bad) { bl = bl cell "\n"; continue }
            if (!(key in NV)) continue
            stats(key)
            if (MED <= 0) zl = zl cell "\n"
            else { printf "%s %.17g\n", cell, MED; ncells++ }
        }
    print "EOD"
    printf "$zero_%d << EOD\n%sEOD\n$bad_%d << EOD\n%sEOD\n", k, zl, k, bl
    cmd = ncells ? sprintf("$cells_%d using 1:2:3:4:5:6:7 with boxxyerror lw 1 lc palette notitle", k) : ""
    if (zl != "") cmd = cmd (cmd == "" ? "" : ", ") sprintf("$zero_%d using 1:2:3:4:5:6 with boxxyerror lc rgb ZERO_COLOR notitle", k)
    if (bl != "") cmd = cmd (cmd == "" ? "" : ", ") sprintf("$bad_%d using 1:2:3:4:5:6 with boxxyerror lc rgb NONFINITE_COLOR notitle", k)
    if (cmd == "") cmd = "NaN notitle"
    print "plot " cmd
    return ncells
}

# heat_add(k, row, step, v): one value of a heatmap's cell (panel k): a
# non-finite v marks the cell (bad, counted in nonfinite), else it joins
# the cell's values (addv), and counts in zero or widens lo..hi.
function heat_add(k, r, s, v) {
    if (!finite(v)) { bad[k, r, s] = 1; nonfinite++; return }
    addv(k, r, s, v)
    if (v + 0 <= 0) zero++
    else {
        if (lo == "" || v + 0 < lo) lo = v + 0
        if (hi == "" || v + 0 > hi) hi = v + 0
    }
}

# heat_several(): 1 when a drawn panel has more than one logged step.
function heat_several(   key, part, n, k) {
    for (key in steps) { split(key, part, SUBSEP); n[part[1]]++ }
    for (k = 1; k <= NPICKED; k++) if (n[k] > 1) return 1
    return 0
}
