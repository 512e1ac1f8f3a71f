# lib.awk: what the chart scripts share.  Each chart script runs
#   gawk -f scripts/charts/lib.awk -v ... -e 'BEGIN { ... }'
# and its BEGIN block reads the CSV files with csv_open/csv_next, picks runs
# and series with the functions below, and prints a gnuplot script (data
# inline as datablocks) to stdout.  What it has to tell the user goes to the
# status file STATUS (-v status=FILE): "skip REASON" or "note TEXT" lines.
#
# Vocabulary:
#   run     one row of runs.csv (RUNID[i], CFG[i, key]), i = 1..NRUN
#   differ  a configuration key whose value is not the same in every run
#   group   the runs that differ only in their seeds (seed, data_seed,
#           shuffle_seed): one line, drawn as the median over the group with a
#           min-max band
#   series  one line style and legend entry: the values of the differing keys
#           that are neither panel columns nor panel rows
#   panel   a (row, column) cell of the multiplot grid: the column is the
#           chart's own choice (depth, a quantity), the row the values of the
#           keys moved out of the legend when there would be too many lines

BEGIN {
    MAXSERIES = 8         # more lines than this in one panel: facet the rest into rows
    MAXPANELS = 36
    GMT0 = 30             # pixels above each panel (its title)
    SEEDKEYS = " seed data_seed shuffle_seed "
    NOTLABEL = " name out save_weights "   # keys that never tell runs apart
    NNOTE = 0
}

# --- messages -------------------------------------------------------------

function skip(reason) {
    print "skip " reason > status
    close(status)
    exit 0
}
function note(text) { NOTES[++NNOTE] = text }
function flush_notes(   k) {
    for (k = 1; k <= NNOTE; k++) print "note " NOTES[k] > status
    close(status)
}

# --- CSV: csv.awk (csv_open, csv_next, col, has_col, error) ----------------

# A value that is a finite number (vgrad writes nan, inf, -inf for the others).
function finite(v) {
    return v ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/
}
function isnum(v) { return finite(v) }

# --- runs.csv ---------------------------------------------------------------

# load_runs(file): every run's configuration.  The configuration keys are the
# columns between run_id and status, found by name, so keys added to vgrad
# later are picked up.  Fills NRUN, RUNID[i], RUNIX[id], NKEY, KEY[k], CFG[i, key],
# RES[i, column] for the columns from status on, INCL[i] = 1.
function load_runs(file,   i, k, name, inkeys, id, n) {
    n = csv_open(file)
    if (n == 0) error(file, "empty")
    if (!has_col(file, "run_id")) error(file, "no column 'run_id'")
    NKEY = 0
    NRES = 0
    inkeys = 0
    for (i = 1; i <= n; i++) {
        name = HEADER[file, i]
        if (name == "status") inkeys = -1
        if (inkeys == 1) KEY[++NKEY] = name
        else if (inkeys == -1) RESCOL[++NRES] = name
        if (name == "run_id") inkeys = 1
    }
    NRUN = 0
    while (csv_next(file)) {
        id = col(file, "run_id")
        if (id == "" || id in RUNIX) continue
        RUNID[++NRUN] = id
        RUNIX[id] = NRUN
        INCL[NRUN] = 1
        for (k = 1; k <= NKEY; k++) CFG[NRUN, KEY[k]] = col(file, KEY[k])
        for (k = 1; k <= NRES; k++) RES[NRUN, RESCOL[k]] = col(file, RESCOL[k])
    }
    if (NRUN == 0) error(file, "no runs (header only)")
    ISKEY[""] = 0
    for (k = 1; k <= NKEY; k++) ISKEY[KEY[k]] = 1
}

function same_value(a, b) { return (isnum(a) && isnum(b)) ? (a + 0 == b + 0) : (a == b) }

# apply_where(spec): keeps the runs that match every KEY=VALUE line of spec.
function apply_where(spec,   lines, n, j, eq, key, val, i, left) {
    if (spec == "") return
    n = split(spec, lines, "\n")
    for (j = 1; j <= n; j++) {
        if (lines[j] == "") continue
        eq = index(lines[j], "=")
        key = substr(lines[j], 1, eq - 1)
        val = substr(lines[j], eq + 1)
        if (eq == 0 || !(key in ISKEY) || !ISKEY[key])
            error("--where " lines[j], "not KEY=VALUE with a configuration key of runs.csv")
        for (i = 1; i <= NRUN; i++)
            if (!same_value(CFG[i, key], val)) INCL[i] = 0
    }
    left = 0
    for (i = 1; i <= NRUN; i++) left += INCL[i]
    if (left == 0) skip("no run matches --where " spec_text(spec))
}
function spec_text(spec,   s) { s = spec; sub(/\n+$/, "", s); gsub(/\n/, ", ", s); return s }

function nincluded(   i, n) { n = 0; for (i = 1; i <= NRUN; i++) n += INCL[i]; return n }

# differing(): DIFF[1..NDIFF], the keys whose values differ among the included
# runs, in runs.csv order.  `widths` repeats depth x width when the layers
# are uniform: then depth and width name the runs; otherwise widths does.
function differing(   k, i, first, have, key, uniform, w, j, parts) {
    NDIFF = 0
    delete ISDIFF
    for (k = 1; k <= NKEY; k++) {
        key = KEY[k]
        if (index(NOTLABEL, " " key " ")) continue
        have = 0
        for (i = 1; i <= NRUN; i++) {
            if (!INCL[i]) continue
            if (!have++) first = CFG[i, key]
            else if (!same_value(CFG[i, key], first)) { ISDIFF[key] = 1; break }
        }
    }
    if (ISDIFF["widths"] && ("depth" in ISKEY) && ("width" in ISKEY)) {
        uniform = 1
        for (i = 1; i <= NRUN && uniform; i++) {
            if (!INCL[i]) continue
            w = split(CFG[i, "widths"], parts, ",")
            if (w != CFG[i, "depth"] + 0) uniform = 0
            for (j = 1; j <= w; j++) if (parts[j] + 0 != CFG[i, "width"] + 0) uniform = 0
        }
        if (uniform) delete ISDIFF["widths"]
        else { delete ISDIFF["depth"]; delete ISDIFF["width"] }
    }
    for (k = 1; k <= NKEY; k++) if (ISDIFF[KEY[k]]) DIFF[++NDIFF] = KEY[k]
}
function is_seed_key(key) { return index(SEEDKEYS, " " key " ") > 0 }

# groups(): GROUP[i] = g for the included runs that differ only in seeds;
# NGROUP groups in plan order, GREP[g] its first run, GSIZE[g] its runs.
function groups(   i, k, sig) {
    NGROUP = 0
    delete GIX
    for (i = 1; i <= NRUN; i++) {
        if (!INCL[i]) continue
        sig = ""
        for (k = 1; k <= NDIFF; k++)
            if (!is_seed_key(DIFF[k])) sig = sig SUBSEP CFG[i, DIFF[k]]
        if (!(sig in GIX)) { GIX[sig] = ++NGROUP; GREP[NGROUP] = i; GSIZE[NGROUP] = 0 }
        GROUP[i] = GIX[sig]
        GSIZE[GIX[sig]]++
    }
    MAXGSIZE = 0
    for (k = 1; k <= NGROUP; k++) if (GSIZE[k] > MAXGSIZE) MAXGSIZE = GSIZE[k]
}

# select_runs(runs): the runs of runs.csv that --where keeps (INCL[i]), and
# the keys that differ between them (DIFF).
function select_runs(runs) {
    load_runs(runs)
    apply_where(where)
    differing()
}
# layer_axis(maxlayer): an x axis over layers 1..maxlayer, a tic per layer
# up to 12 of them.
function layer_axis(maxlayer) {
    printf "set xrange [1:%d]\n", (maxlayer > 1 ? maxlayer : 2)
    if (maxlayer <= 12) print "set xtics 1; set mxtics 1"
    else print "set xtics autofreq; set mxtics default"
}
# pick_panels(runs, limit): the runs of runs.csv that --where keeps, in
# groups, at most `limit` of them picked (pick_groups) for a panel each:
# PANEL_OF[g] = k for the k-th picked group.
function pick_panels(runs, limit,   k) {
    select_runs(runs)
    groups()
    pick_groups(limit)
    delete PANEL_OF
    for (k = 1; k <= NPICKED; k++) PANEL_OF[PICKED[k]] = k
}
# row_panel(file): the panel of the run of file's current row (its run_id
# column), 0 when that run is not drawn; ROWRUN is the run's index.
function row_panel(file) {
    ROWRUN = RUNIX[col(file, "run_id")]
    return ROWRUN && INCL[ROWRUN] && (GROUP[ROWRUN] in PANEL_OF) ? PANEL_OF[GROUP[ROWRUN]] : 0
}
# panel_layers(file, steps): the largest layer in the rows of file
# (layers.csv) of the runs drawn, and steps[s] = 1 for each step they
# logged; skips the chart when they logged a single step, for a chart over
# training has nothing to show then.
function panel_layers(file, steps,   L, l) {
    csv_open(file)
    while (csv_next(file)) {
        if (!row_panel(file)) continue
        l = col(file, "layer") + 0
        if (l > L) L = l
        steps[col(file, "step") + 0] = 1
    }
    if (length(steps) < 2) skip("a single logged step per run (steps=0): nothing to show over training")
    return L
}
# first_last(file, at, first, last, last_layer): for each included run i,
# the metric of its first layer (first[i]) and of its last, the output layer
# (last[i], last_layer[i] its number), in the rows of file (layers.csv) at
# step `at`.
function first_last(file, at, first, last, last_layer,   i, l, v) {
    csv_open(file)
    while (csv_next(file)) {
        i = RUNIX[col(file, "run_id")]
        if (!i || !INCL[i] || col(file, "step") + 0 != at) continue
        l = col(file, "layer") + 0
        v = col(file, metric)
        if (l == 1) first[i] = v
        if (!(i in last_layer) || l > last_layer[i]) { last_layer[i] = l; last[i] = v }
    }
}

# pick_groups(limit): at most `limit` groups worth showing one panel each:
# the deepest networks first (where vanishing shows most), then one per
# activation before a second of the same; PICKED[1..NPICKED].
function pick_groups(limit,   g, maxd, d, act, seen, n, pass) {
    maxd = -1
    for (g = 1; g <= NGROUP; g++) {
        d = ("depth" in ISKEY) ? CFG[GREP[g], "depth"] + 0 : 0
        if (d > maxd) maxd = d
    }
    NPICKED = 0
    NCAND = 0
    for (g = 1; g <= NGROUP; g++)
        if (!("depth" in ISKEY) || CFG[GREP[g], "depth"] + 0 == maxd) NCAND++
    for (pass = 1; pass <= 2; pass++)
        for (g = 1; g <= NGROUP && NPICKED < limit; g++) {
            if (("depth" in ISKEY) && CFG[GREP[g], "depth"] + 0 != maxd) continue
            if (g in PICKEDG) continue
            act = ("activation" in ISKEY) ? CFG[GREP[g], "activation"] : ""
            if (pass == 1 && (act in seen)) continue
            seen[act] = 1
            PICKEDG[g] = 1
            PICKED[++NPICKED] = g
        }
    # back to plan order
    n = 0
    for (g = 1; g <= NGROUP; g++) if (g in PICKEDG) PICKED[++n] = g
    if (NCAND < NGROUP && ISDIFF["depth"])
        note("the deepest networks only: depth " maxd)
    if (NPICKED < NCAND)
        note(NPICKED " of " NCAND " configurations shown (choose with --where KEY=VALUE)")
}

# --- series and panels -------------------------------------------------------

# assign(colkey): splits the differing non-seed keys (minus colkey, which the
# chart uses for panel columns, or "" for none) into series keys SK[1..NSK] and
# row keys RK[1..NRK].  All go into the legend unless that makes more than
# MAXSERIES lines; then the legend keeps activation (or the key with the most
# values) and the other keys become rows of panels.  Fills RSER[i], RROW[i]
# (1-based), NSER, SERLABEL[s], SERACT[s], NROW, ROWLABEL[r], LEGTITLE.
function assign(colkey,   k, key, i, sig, nser, nval, best, bestn, vals, rsig, j) {
    NSK = 0; NRK = 0
    for (k = 1; k <= NDIFF; k++) {
        key = DIFF[k]
        if (is_seed_key(key) || key == colkey) continue
        SK[++NSK] = key
    }
    nser = count_combos(SK, NSK)
    if (nser > MAXSERIES && NSK > 1) {
        best = 0; bestn = 0
        for (k = 1; k <= NSK; k++) {
            if (SK[k] == "activation") { best = k; break }
            delete vals
            nval = 0
            for (i = 1; i <= NRUN; i++) if (INCL[i] && !((CFG[i, SK[k]]) in vals)) { vals[CFG[i, SK[k]]]; nval++ }
            if (nval > bestn) { bestn = nval; best = k }
        }
        key = SK[best]
        for (k = 1; k <= NSK; k++) if (k != best) RK[++NRK] = SK[k]
        NSK = 1
        SK[1] = key
    }
    NSER = 0; NROW = 0
    delete SERIX; delete ROWIX
    for (i = 1; i <= NRUN; i++) {
        if (!INCL[i]) continue
        sig = combo_sig(i, SK, NSK)
        if (!(sig in SERIX)) {
            SERIX[sig] = ++NSER
            SERLABEL[NSER] = combo_label(i, SK, NSK, 0)
            SERACT[NSER] = has_key(SK, NSK, "activation") ? CFG[i, "activation"] : ""
        }
        RSER[i] = SERIX[sig]
        rsig = combo_sig(i, RK, NRK)
        if (!(rsig in ROWIX)) {
            ROWIX[rsig] = ++NROW
            ROWLABEL[NROW] = combo_label(i, RK, NRK, 1)
        }
        RROW[i] = ROWIX[rsig]
    }
    LEGTITLE = ""
    for (k = 1; k <= NSK; k++) LEGTITLE = LEGTITLE (k > 1 ? ", " : "") SK[k]
    series_styles()
}
function count_combos(keys, n,   i, seen, c, sig) {
    c = 0
    for (i = 1; i <= NRUN; i++) {
        if (!INCL[i]) continue
        sig = combo_sig(i, keys, n)
        if (!(sig in seen)) { seen[sig] = 1; c++ }
    }
    return c
}
function combo_sig(i, keys, n,   k, s) {
    s = ""
    for (k = 1; k <= n; k++) s = s SUBSEP CFG[i, keys[k]]
    return s
}
function combo_label(i, keys, n, named,   k, s) {
    s = ""
    for (k = 1; k <= n; k++)
        s = s (k > 1 ? ", " : "") (named ? keys[k] " = " : "") CFG[i, keys[k]]
    return s
}
function has_key(keys, n, key,   k) {
    for (k = 1; k <= n; k++) if (keys[k] == key) return 1
    return 0
}

# series_styles(): SERSTYLE[s] (line colour and dash as gnuplot expressions of
# style.gp), SERFILL[s] (band colour), SERWITH[s] (lines or linespoints).
# Series named by activation take its fixed colour; NAME:PARAM takes a
# variant dash (the rank of PARAM among the values of NAME in runs.csv); two
# series with the same activation (other keys differ) get point markers.
function series_styles(   s, a, base, p, rank, i, v, vals, nv, k, mult, r, act) {
    # variants: every NAME:PARAM value of every run, ranked by PARAM per NAME
    default_params()
    delete VARRANK
    for (i = 1; i <= NRUN; i++) {
        v = CFG[i, "activation"]
        if (index(v, ":") == 0 || (v in VARRANK)) continue
        VARRANK[v] = 0
    }
    for (v in VARRANK) {
        if (is_default_param(v)) continue
        base = substr(v, 1, index(v, ":") - 1)
        p = substr(v, index(v, ":") + 1)
        rank = 1
        for (a in VARRANK) {
            if (substr(a, 1, index(a, ":") - 1) != base || a == v || is_default_param(a)) continue
            if (substr(a, index(a, ":") + 1) + 0 < p + 0) rank++
        }
        VARRANK[v] = rank
    }
    delete mult
    for (s = 1; s <= NSER; s++) if (SERACT[s] != "") mult[SERACT[s]]++
    delete r
    for (s = 1; s <= NSER; s++) {
        act = SERACT[s]
        if (act != "") {
            SERLC[s] = sprintf("lc rgb act_color(\"%s\")", act)
            SERSTYLE[s] = sprintf("%s dt act_dash(\"%s\", %d)", SERLC[s], act, VARRANK[act] + 0)
            SERFILL[s] = sprintf("fc rgb act_color(\"%s\")", act)
            SERWITH[s] = "lines"
            if (mult[act] > 1) {
                SERSTYLE[s] = SERSTYLE[s] sprintf(" pt series_point(%d) ps 0.9", ++r[act])
                SERWITH[s] = "linespoints"
            }
        } else {
            SERLC[s] = sprintf("lc rgb series_color(%d)", s)
            SERSTYLE[s] = sprintf("%s dt series_dash(%d)", SERLC[s], s)
            SERFILL[s] = sprintf("fc rgb series_color(%d)", s)
            SERWITH[s] = "lines"
        }
        if (POINTS && SERWITH[s] == "lines") {
            SERSTYLE[s] = SERSTYLE[s] " pt 7 ps 0.7"
            SERWITH[s] = "linespoints"
        }
    }
}

# --- values: medians over seeds ------------------------------------------------

# addv(p, s, x, v): one value of series s at x in panel p (a seed of its group).
function addv(p, s, x, v,   key) {
    x = sprintf("%.17g", x + 0)
    key = p SUBSEP s SUBSEP x
    if (!(key in NV)) {
        NV[key] = 0
        NX[p, s]++
        XS[p, s, NX[p, s]] = x + 0
        HASDATA[p] = 1
        PANELSER[p, s] = 1
    }
    V[key, ++NV[key]] = v + 0
    if (NV[key] > 1) BANDS = 1
}
# stats(key): MED, LO, HI of the values at key; returns their number.
function stats(key,   n, j, a) {
    n = NV[key]
    for (j = 1; j <= n; j++) a[j] = V[key, j]
    asort(a)
    LO = a[1]; HI = a[n]
    MED = (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    return n
}
# block(p, s): prints the datablock $d_p_s (x, median, min, max, n) sorted by
# x and returns its name, or "" when series s has no value in panel p.
function block(p, s,   name, n, j, xs, key) {
    if (!((p SUBSEP s) in NX)) return ""
    name = "$d_" p "_" s
    n = NX[p, s]
    for (j = 1; j <= n; j++) xs[j] = XS[p, s, j]
    asort(xs)
    print name " << EOD"
    for (j = 1; j <= n; j++) {
        key = p SUBSEP s SUBSEP sprintf("%.17g", xs[j])
        stats(key)
        printf "%.17g %.17g %.17g %.17g %d\n", xs[j], MED, LO, HI, NV[key]
    }
    print "EOD"
    BLOCKN = n
    return name
}
# range_of(p): RMIN, RMAX over the minima and maxima of panel p ("" for all panels).
function range_of(p,   key, parts) {
    RMIN = ""; RMAX = ""
    for (key in NV) {
        if (p != "") { split(key, parts, SUBSEP); if (parts[1] != p) continue }
        stats(key)
        if (RMIN == "" || LO < RMIN) RMIN = LO
        if (RMAX == "" || HI > RMAX) RMAX = HI
    }
}

# --- gnuplot text -----------------------------------------------------------

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

# legend(): the legend column: every series of the chart, then the band.
function legend(   s, cmd, x, top) {
    if (NSER <= 1 && !BANDS && !PREDICTED) return
    x = (GCOL * GPW + 10) / CW
    top = 1 - (GTH + GMT) / CH
    print "unset title; unset label; unset logscale; unset grid; unset border; unset tics; unset xlabel; unset ylabel"
    printf "set lmargin at screen %.5f; set rmargin at screen %.5f\n", x, 0.999
    printf "set tmargin at screen %.5f; set bmargin at screen %.5f\n", top, 0.001
    print "set xrange [0:1]; set yrange [0:1]"
    printf "set key at screen %.5f, screen %.5f left top Left reverse samplen 3.5 spacing 1.25 noopaque nobox title %s\n", x, top, q(LEGTITLE)
    cmd = "NaN notitle"
    for (s = 1; s <= NSER; s++)
        cmd = cmd sprintf("%skeyentry with %s %s lw LW title %s", ", ", SERWITH[s], SERSTYLE[s], q(SERLABEL[s]))
    if (BANDS)
        cmd = cmd sprintf("%skeyentry with filledcurves fc rgb \"#888888\" fs transparent solid 0.3 noborder title %s", \
                          ", ", q("min-max over " MAXGSIZE " seeds"))
    if (PREDICTED)
        cmd = cmd sprintf("%skeyentry with lines lc rgb \"#555555\" dt PREDICTED_DASH lw PREDICTED_LW title %s", \
                          ", ", q(PREDICTED_TITLE))
    print "plot " cmd
}
# legend_width(): pixels the legend column needs.
function legend_width(   s, w) {
    w = length(LEGTITLE)
    for (s = 1; s <= NSER; s++) if (length(SERLABEL[s]) > w) w = length(SERLABEL[s])
    if (BANDS && w < 24) w = 24
    if (PREDICTED && w < length(PREDICTED_TITLE)) w = length(PREDICTED_TITLE)
    if (NSER <= 1 && !BANDS && !PREDICTED) return 20
    return 90 + 7.8 * w
}

# --- panel grids ---------------------------------------------------------------

# columns(colkey): the panel columns: the values of colkey among the included
# runs (numeric order when numeric), or one column for colkey "".
# Fills NCOLV, COLV[c], COLOF[value], COLTITLE[c] ("key = value").
function columns(colkey,   i, v, a, b, t, allnum) {
    NCOLV = 0
    delete COLOF
    allnum = 1
    for (i = 1; i <= NRUN; i++) {
        if (!INCL[i]) continue
        v = colkey == "" ? "" : CFG[i, colkey]
        if (v in COLOF) continue
        COLOF[v] = ++NCOLV
        COLV[NCOLV] = v
        if (!isnum(v)) allnum = 0
    }
    if (allnum)
        for (a = 2; a <= NCOLV; a++)
            for (b = a; b > 1 && COLV[b - 1] + 0 > COLV[b] + 0; b--) { t = COLV[b]; COLV[b] = COLV[b - 1]; COLV[b - 1] = t }
    for (a = 1; a <= NCOLV; a++) {
        COLOF[COLV[a]] = a
        COLTITLE[a] = colkey == "" ? "" : colkey " = " COLV[a]
    }
}
# set_columns(list): columns the chart defines itself (a quantity per column).
function set_columns(list, titles,   n, a, tt) {
    NCOLV = split(list, COLV, " ")
    split(titles, tt, "|")
    for (a = 1; a <= NCOLV; a++) { COLOF[COLV[a]] = a; COLTITLE[a] = tt[a] }
}
function pid(r, c) { return (r - 1) * NCOLV + c }
# panel_title(p): its column's title and its row's keys.
function panel_title(p,   r, c, t) {
    r = int((p - 1) / NCOLV) + 1
    c = (p - 1) % NCOLV + 1
    t = COLTITLE[c]
    if (ROWLABEL[r] != "") t = t (t == "" ? "" : "; ") ROWLABEL[r]
    return t
}
# layout(wrap): grid positions PR[p], PC[p] of the panels that have data:
# rows x columns, or, with a single row of more than `wrap` columns, wrapped
# into a near-square grid.  At most MAXPANELS (a note says how many were left out).
function layout(wrap,   p, r, c, k, n, gc, dropped, nb) {
    delete PR; delete PC
    NPANEL = 0; dropped = 0
    if (NROW == 1 && NCOLV > wrap) {
        gc = NCOLV <= 4 ? 2 : (NCOLV <= 9 ? 3 : 4)
        k = 0
        for (c = 1; c <= NCOLV; c++) {
            p = pid(1, c)
            if (!(p in HASDATA)) continue
            if (k >= MAXPANELS) { dropped++; continue }
            PR[p] = int(k / gc) + 1
            PC[p] = k % gc + 1
            PANELS[++NPANEL] = p
            k++
        }
        GRIDC = gc
        GRIDR = int((k + gc - 1) / gc)
    } else {
        GRIDC = NCOLV
        GRIDR = 0
        for (r = 1; r <= NROW; r++) {
            n = 0
            for (c = 1; c <= NCOLV; c++) if (pid(r, c) in HASDATA) n++
            if (n == 0) continue
            if ((GRIDR + 1) * NCOLV > MAXPANELS) { dropped += n; continue }
            GRIDR++
            for (c = 1; c <= NCOLV; c++) {
                p = pid(r, c)
                if (!(p in HASDATA)) continue
                PR[p] = GRIDR
                PC[p] = c
                PANELS[++NPANEL] = p
            }
        }
    }
    if (dropped) note(dropped " panels left out, at most " MAXPANELS " (choose with --where KEY=VALUE)")
    if (GRIDR < 1) GRIDR = 1
    # many rows of few columns: set blocks of rows side by side, near square
    nb = int(sqrt(GRIDR / NCOLV) + 0.5)
    if (GRIDR > 3 && nb > 1) {
        n = int((GRIDR + nb - 1) / nb)
        for (k = 1; k <= NPANEL; k++) {
            p = PANELS[k]
            PC[p] = int((PR[p] - 1) / n) * NCOLV + PC[p]
            PR[p] = (PR[p] - 1) % n + 1
        }
        GRIDC = nb * NCOLV
        GRIDR = n
    }
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
# seeds_text(): what the lines are, for the subtitle.
function seeds_text(nruns) {
    if (MAXGSIZE > 1) return sprintf("%d runs; lines: median over %d seeds, bands: min-max", nruns, MAXGSIZE)
    return sprintf("%d run%s", nruns, nruns == 1 ? "" : "s")
}
function floor(x,   i) { i = int(x); return (i > x) ? i - 1 : i }
function ceil(x) { return -floor(-x) }

# default_params(): DEFPARAM[name] = vgrad's default parameter of an
# activation, from the ACT_DEFAULT_PARAMS line of style.gp.
function default_params(   line, n, j, w, kv) {
    if (DEFPARAMS_READ++) return
    while ((getline line < style) > 0) {
        if (line !~ /^ACT_DEFAULT_PARAMS *=/) continue
        sub(/^[^"]*"/, "", line)
        sub(/".*/, "", line)
        n = split(line, w, " ")
        for (j = 1; j <= n; j++) { split(w[j], kv, ":"); DEFPARAM[kv[1]] = kv[2] }
    }
    close(style)
}
# is_default_param(v): v is NAME:PARAM with NAME's default PARAM.
function is_default_param(v,   base) {
    base = substr(v, 1, index(v, ":") - 1)
    return (base in DEFPARAM) && same_value(substr(v, index(v, ":") + 1), DEFPARAM[base])
}

# picked_labels(): PLABEL[k] for the picked groups, naming only the keys that
# differ among them; PCOMMON, the "key=value" of the others that differ in
# the results (the same in every panel).
function picked_labels(   k, j, key, g, first, varies) {
    PCOMMON = ""
    for (k = 1; k <= NPICKED; k++) PLABEL[k] = ""
    for (j = 1; j <= NDIFF; j++) {
        key = DIFF[j]
        if (is_seed_key(key)) continue
        varies = 0
        first = CFG[GREP[PICKED[1]], key]
        for (k = 2; k <= NPICKED; k++) if (!same_value(CFG[GREP[PICKED[k]], key], first)) varies = 1
        if (!varies) { PCOMMON = PCOMMON (PCOMMON == "" ? "" : ", ") key "=" first; continue }
        for (k = 1; k <= NPICKED; k++) {
            g = PICKED[k]
            PLABEL[k] = PLABEL[k] (PLABEL[k] == "" ? "" : ", ") key "=" CFG[GREP[g], key]
        }
    }
    for (k = 1; k <= NPICKED; k++) if (PLABEL[k] == "") PLABEL[k] = NPICKED > 1 ? "run " RUNID[GREP[PICKED[k]]] : ""
}
# band_alpha(): the opacity of a min-max band: fainter when many overlap.
function band_alpha() { return NSER <= 2 ? 0.22 : NSER <= 4 ? 0.15 : 0.09 }
