# theory-check-measured.awk: per run of runs.csv, its configuration (the
# -v keys, "key=value" separated by spaces) and the mean log10 slope of its
# delta_norm over hidden layers 2..depth-1, from layers.csv; one line
# "CONFIG<tab>SLOPE" per run.  Columns by name (csv.awk).
#   gawk -f scripts/charts/csv.awk -f scripts/theory-check-measured.awk -v keys="..." -v runs=RUNS_CSV -v layers=LAYERS_CSV
BEGIN {
    error_prefix = "theory-check"
    nk = split(keys, key, " ")
    csv_open(runs)
    while (csv_next(runs)) {
        id = col(runs, "run_id")
        c = ""
        for (k = 1; k <= nk; k++) c = c (k > 1 ? " " : "") key[k] "=" col(runs, key[k])
        config[id] = c
        depth[id] = col(runs, "depth")
    }
    csv_open(layers)
    while (csv_next(layers)) {
        id = col(layers, "run_id"); l = col(layers, "layer"); d[id, l] = col(layers, "delta_norm")
        if (l == depth[id] + 1) {
            s = 0
            for (k = 2; k < depth[id]; k++) s += log(d[id, k] / d[id, k + 1]) / log(10)
            print config[id] "\t" s / (depth[id] - 2)
        }
    }
}
