# theory-check-row.awk: one row of theory-check.csv for a configuration:
# the measured slopes of its runs (one a line on stdin, sorted), the
# predicted slope (the mean of theory.csv's log10_delta_ratio over layers
# 2..depth-1, -v theory=FILE) and sigma_w^2, chi_1 from vgrad theory's
# summary line (-v summary).
#   gawk -f scripts/charts/csv.awk -f scripts/theory-check-row.awk -v config=... -v theory=... -v summary=...
BEGIN {
    error_prefix = "theory-check"
    n = split(config, kv, " ")
    for (i = 1; i <= n; i++) { split(kv[i], p, "="); c[p[1]] = p[2] }
    csv_open(theory)
    while (csv_next(theory)) {
        l = col(theory, "layer")
        if (l >= 2 && l < c["depth"] + 0) { sum += col(theory, "log10_delta_ratio"); m++ }
    }
    predicted = sprintf("%.6g", sum / m) + 0
}
{ v[NR] = $1 }
END {
    match(summary, /sigma_w\^2=[^ ]*/); sw = substr(summary, RSTART + 10, RLENGTH - 10)
    match(summary, /chi_1=[^ ]*/); chi = substr(summary, RSTART + 6, RLENGTH - 6)
    med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%s,%s,%s,%s,%s,%s,%.6g,%.6g,%.6g,%.6g,%.4f\n", c["activation"], c["init"],
           c["init_gain"], c["width"], sw, chi, predicted, med, v[1], v[NR],
           predicted != 0 ? (med - predicted) / predicted : 0
}
