# time-columns.awk: which of time.csv's model-specific columns hold a value
# in some row (gawk, after csv.awk; -v time=FILE): grad_c_norm (the LSTM's)
# and the gate means (the LSTM's and the GRU's), one name a line, so that
# scripts/plot.sh lists only the charts the results have data for.
BEGIN {
    n = split("grad_c_norm gate_i_mean gate_f_mean gate_o_mean gate_r_mean gate_z_mean", name, " ")
    if (!csv_open(time)) exit
    left = 0
    for (k = 1; k <= n; k++) if (has_col(time, name[k])) { wanted[k] = 1; left++ }
    while (left > 0 && csv_next(time))
        for (k in wanted)
            if (col(time, name[k]) != "") { found[k] = 1; delete wanted[k]; left-- }
    close(time)
    for (k = 1; k <= n; k++) if (k in found) print name[k]
}
