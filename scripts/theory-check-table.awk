# theory-check-table.awk: theory-check.csv as a Markdown table.  A relative
# error of a slope near 0 (the edge of chaos) says nothing: there the
# difference itself is shown.
#   gawk -f scripts/charts/csv.awk -f scripts/theory-check-table.awk -v file=theory-check.csv
BEGIN {
    error_prefix = "theory-check"
    print "| activation | init | sigma_w^2 | width | chi_1 | predicted slope | measured median (min..max) | error |"
    print "|---|---|---|---|---|---|---|---|"
    csv_open(file)
    while (csv_next(file)) {
        p = col(file, "predicted_slope"); m = col(file, "measured_median")
        err = (p > 0.005 || p < -0.005) ? sprintf("%+.1f%%", 100 * col(file, "relative_error")) : sprintf("%+.4f (absolute)", m - p)
        printf "| %s | %s | %s | %s | %s | %.4f | %.4f (%.4f..%.4f) | %s |\n", col(file, "activation"), col(file, "init"),
               col(file, "sigma_w2"), col(file, "width"), col(file, "chi_1"), p, m,
               col(file, "measured_min"), col(file, "measured_max"), err
    }
}
