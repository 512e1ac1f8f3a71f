# lib.awk: what the reproduction checks share (gawk, after
# scripts/charts/csv.awk, the CSV reader, and scripts/charts/vgrad-list.awk,
# what the binary knows: -v list=the output of vgrad list --csv).  Reads runs.csv first
# (cfg[run_id, key] for every configuration key, by header name), then
# layers.csv or train.csv (row[column] for the current row, by header
# name).  A figure's own awk file adds per-run values with put(group,
# value) and ends with claim(...) lines that write claims.csv rows.

BEGIN { OFS = "," }

{ csv_main_record() }

# a file's header: HEAD[file, i] its column names; runs.csv's configuration
# keys RUNKEY[1..NRUNKEY] are its columns between run_id and status
FILENAME != csv_file {
    csv_file = FILENAME
    file++
    for (i = 1; i <= CSVN; i++) HEAD[file, i] = CSVF[i]
    NHEAD[file] = CSVN
    if (file == 1) {
        for (i = 1; i <= CSVN && CSVF[i] != "run_id"; i++) ;
        if (i > CSVN) error(FILENAME, "no column 'run_id'")
        RUNIDCOL = i
        for (i++; i <= CSVN && CSVF[i] != "status"; i++) RUNKEY[++NRUNKEY] = CSVF[i]
    }
    next
}

file == 1 { for (k = 1; k <= NHEAD[1]; k++) cfg[CSVF[RUNIDCOL], HEAD[1, k]] = CSVF[k]; next }

{ delete row; for (k = 1; k <= NHEAD[file]; k++) row[HEAD[file, k]] = CSVF[k] }

# theory_csv(id): runs `vgrad theory` (-v vgrad) on run id's configuration
# and returns the path of its theory.csv (under -v out), "" when it fails.
function theory_csv(id,    cmd, k, key, v, dir) {
    dir = out "/theory-" id
    cmd = "\"" vgrad "\" theory"
    for (k = 1; k <= NRUNKEY; k++) {
        key = RUNKEY[k]
        v = cfg[id, key]
        # as scripts/charts/grad-by-layer.sh --theory passes them
        if (key == "data_seed" && v + 0 == 0) v = cfg[id, "seed"]
        if (v == "" || in_list("output_key", key) || key ~ /^(seed|shuffle_seed|depth|width)$/) continue
        if (key ~ /^(n_features|n_classes)$/ && v + 0 == 0) continue
        gsub(/'/, "'\\''", v)
        cmd = cmd " '" key "=" v "'"
    }
    cmd = cmd " 'out=" dir "' >/dev/null"
    return system(cmd) == 0 ? dir "/theory.csv" : ""
}
# theory_column(file, column, layer): that column of theory.csv at a layer.
function theory_column(file, column, layer,    value) {
    value = ""
    if (csv_open(file))
        while (csv_next(file)) if (col(file, "layer") + 0 == layer) value = col(file, column)
    return value
}

# Values of one group (one configuration, several seeds).
function put(group, v) { n[group]++; val[group, n[group]] = v }

function sort_group(group,    i, j, t) {
    for (i = 1; i <= n[group]; i++) s[i] = val[group, i]
    for (i = 2; i <= n[group]; i++) {
        t = s[i]
        for (j = i - 1; j >= 1 && s[j] > t; j--) s[j + 1] = s[j]
        s[j + 1] = t
    }
}

function median(group,    m) {
    sort_group(group)
    m = n[group]
    return m % 2 ? s[(m + 1) / 2] : (s[m / 2] + s[m / 2 + 1]) / 2
}
function minimum(group) { sort_group(group); return s[1] }
function maximum(group) { sort_group(group); return s[n[group]] }

# claim(figure, text, published, group, rule, tolerance): rule "rel" (the
# median within tolerance x |published|), "abs" (within tolerance),
# "spread" (published inside min..max widened by tolerance x its width),
# "above"/"below" (the median beyond published).  A rule prefixed "info-"
# reports a comparison the source made in another setting: its verdict is
# written "yes" or "no" (lower case), and reproduce.sh fails only on "NO".
function claim(figure, text, published, group, rule, tolerance,    med, lo, hi, ok, w, info) {
    if (!(group in n)) { print figure, "\"" text "\"", published, "", "", "", rule, tolerance, "no data"; return }
    med = median(group); lo = minimum(group); hi = maximum(group)
    info = sub(/^info-/, "", rule)
    if (rule == "rel") ok = (med - published) <= tolerance * (published < 0 ? -published : published) && (published - med) <= tolerance * (published < 0 ? -published : published)
    else if (rule == "abs") ok = med - published <= tolerance && published - med <= tolerance
    else if (rule == "spread") { w = hi - lo; ok = published >= lo - tolerance * w && published <= hi + tolerance * w }
    else if (rule == "above") ok = med > published
    else if (rule == "below") ok = med < published
    printf "%s,\"%s\",%.6g,%.6g,%.6g,%.6g,%s%s,%g,%s\n", figure, text, published, med, lo, hi,
           info ? "info-" : "", rule, tolerance, ok ? "yes" : info ? "no" : "NO"
}
