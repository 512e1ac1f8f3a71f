# demo.awk: the step-0 weight-gradient norm of each layer of a run's
# layers.csv (-v file), its columns found by name by scripts/charts/csv.awk
# (gawk -f scripts/charts/csv.awk -f scripts/demo.awk -v file=...).
BEGIN {
    error_prefix = "demo"
    if (!csv_open(file)) error(file, "missing or empty")
    while (csv_next(file))
        if (col(file, "step") == 0)
            printf "step 0, layer %2d: grad_w_norm %.3e\n", col(file, "layer"), col(file, "grad_w_norm")
}
