# bench.awk: one row of scripts/bench.sh's sweep table from the sweep's
# timing.csv (-v file; its train_seconds column found by name by
# scripts/charts/csv.awk), the sweep's "wall cpu" seconds (-v times), the
# clock the table is in (-v clock: wall or cpu), its number of jobs (-v j),
# the wall seconds at -j 1 (-v base, "" for that run) and PyTorch's "wall
# cpu" seconds for the same runs (-v torch, "" without PyTorch).
# The per-run overhead is the wall time per run (wall x jobs / runs) beyond
# the training time the runs record (train_seconds, a wall time too); by the
# CPU clock it is left empty, having no CPU time of the training alone to
# set beside the sweep's.
#   gawk -f scripts/charts/csv.awk -f scripts/bench.awk -v file=... -v times=... -v clock=... -v j=... -v base=... -v torch=...
BEGIN {
    error_prefix = "bench"
    if (!csv_open(file)) error(file, "missing or empty")
    while (csv_next(file)) { train += col(file, "train_seconds"); n++ }
    if (n == 0) error(file, "no rows")
    split(times, t, " ")
    wall = t[1]
    seconds = clock == "cpu" ? t[2] : t[1]
    per_run_train = train / n
    overhead = clock == "cpu" ? "" : sprintf("%.1f%%", 100 * (wall * j / n - per_run_train) / per_run_train)
    speedup = base == "" ? 1 : base / wall
    vs_torch = ""
    if (torch != "") {
        split(torch, p, " ")
        vs_torch = sprintf("%.2f", (clock == "cpu" ? p[2] : p[1]) / seconds)
    }
    printf "%d,%.3f,%.2f,%.4f,%s,%.2f,%s\n", j, seconds, n / seconds, per_run_train, overhead,
           speedup, vs_torch
}
