# hist-quantities.awk: the quantities of hist.csv (-v hist), one a line, in
# the order of vgrad's histogram quantities (vgrad list; -v list); nothing
# when it has no rows.  For plot.sh, which draws a histogram chart of each.
#   gawk -f csv.awk -f vgrad-list.awk -f hist-quantities.awk -v list=LIST_CSV -v hist=HIST_CSV
BEGIN {
    if (csv_open(hist))
        while (csv_next(hist)) present[col(hist, "quantity")] = 1
    for (k = 1; k <= list_count("hist_quantity"); k++)
        if (list_name("hist_quantity", k) in present) print list_name("hist_quantity", k)
}
