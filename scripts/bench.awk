# bench.awk: one row of scripts/bench.sh's sweep-throughput table from the
# sweep's timing.csv (-v file; its train_seconds column found by name by
# scripts/charts/csv.awk), the sweep's start and end times (-v t0, t1), its
# number of jobs (-v j) and the wall time at -j 1 (-v base, "" for that run).
#   gawk -f scripts/charts/csv.awk -f scripts/bench.awk -v file=... -v t0=... -v t1=... -v j=... -v base=...
BEGIN {
    error_prefix = "bench"
    if (!csv_open(file)) error(file, "missing or empty")
    while (csv_next(file)) { train += col(file, "train_seconds"); n++ }
    if (n == 0) error(file, "no rows")
    wall = t1 - t0
    per_run_wall = wall * j / n
    per_run_train = train / n
    speedup = base == "" ? 1 : base / wall
    printf "%d,%.3f,%.2f,%.4f,%.1f%%,%.2f\n", j, wall, n / wall, per_run_train,
           100 * (per_run_wall - per_run_train) / per_run_train, speedup
}
