# claims.awk: a figure's claims.csv (-v file), read by column name:
#   -v mode=table   its rows as a Markdown table (REPRODUCTIONS.md)
#   -v mode=count   "FAILED DIFFERENT": the claims that do not hold (agrees
#                   NO, or no data) and the info- comparisons that differ (no)
#   gawk -f scripts/charts/csv.awk -f scripts/figures/claims.awk -v mode=... -v file=CLAIMS_CSV
BEGIN {
    error_prefix = "reproduce"
    csv_open(file)
    while (csv_next(file)) {
        agrees = col(file, "agrees")
        if (mode == "table")
            printf "| %s | %s | %s | %s | %s | %s %s | %s |\n", col(file, "claim"), col(file, "published"),
                   col(file, "measured_median"), col(file, "measured_min"), col(file, "measured_max"),
                   col(file, "rule"), col(file, "tolerance"), agrees
        failed += (agrees == "NO" || agrees == "no data")
        differ += (agrees == "no")
    }
    if (mode == "count") print failed + 0, differ + 0
}
