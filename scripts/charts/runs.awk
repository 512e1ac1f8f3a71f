# runs.awk: which runs a chart draws, and how they group (gawk; after
# csv.awk).  A chart's program (NAME.awk beside NAME.sh) reads the CSV files
# with csv.awk, picks runs and groups with the functions here, puts values
# into series (series.awk) and medians (medians.awk) and prints a gnuplot
# script (gnuplot.awk) to stdout.  What it has to tell the user goes to the
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
    SEEDKEYS = " seed data_seed shuffle_seed "
    NNOTE = 0
}

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
# A value that is a finite number (vgrad writes nan, inf, -inf for the others).
function finite(v) {
    return v ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/
}
function isnum(v) { return finite(v) }
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
        if (in_list("output_key", key)) continue   # name, out, save_*: never tell runs apart
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
# seeds_text(): what the lines are, for the subtitle.
function seeds_text(nruns) {
    if (MAXGSIZE > 1) return sprintf("%d runs; lines: median over %d seeds, bands: min-max", nruns, MAXGSIZE)
    return sprintf("%d run%s", nruns, nruns == 1 ? "" : "s")
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
