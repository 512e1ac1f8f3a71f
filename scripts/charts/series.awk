# series.awk: the lines of a chart and where they go (gawk; after runs.awk):
# which differing keys name the series and which become rows of panels,
# each series' colour and dash (style.gp), the panel grid, and the legend.

BEGIN {
    MAXSERIES = 8         # more lines than this in one panel: facet the rest into rows
    MAXPANELS = 36
}

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
# is_default_param(v): v is NAME:PARAM with NAME's default PARAM (vgrad
# list: runs.csv writes leaky_relu as leaky_relu:0.01, drawn as the plain name).
function is_default_param(v,   base) {
    base = substr(v, 1, index(v, ":") - 1)
    return act_default(base) != "" && same_value(substr(v, index(v, ":") + 1), act_default(base))
}
# band_alpha(): the opacity of a min-max band: fainter when many overlap.
function band_alpha() { return NSER <= 2 ? 0.22 : NSER <= 4 ? 0.15 : 0.09 }
