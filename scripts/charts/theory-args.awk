# theory-args.awk: the `vgrad theory` configurations of grad-by-layer.sh
# --theory (gawk, after csv.awk, vgrad-list.awk and runs.awk): the runs of runs.csv (-v runs)
# but for their weight seeds; writes ARGS_DIR/N.args (-v args_dir), one
# KEY=VALUE a line, for configuration N, and prints "N<tab>RUN_ID" per run.
BEGIN {
    load_runs(runs)
    for (i = 1; i <= NRUN; i++) {
        args = ""
        for (k = 1; k <= NKEY; k++) {
            key = KEY[k]; v = CFG[i, key]
            # output keys (vgrad list: name, out, save_*) and the weight
            # seeds are left out; widths carries depth and width (width is 0 for uneven
            # layers); 0 for n_features, n_classes means "the data's
            # own", which files refuse as a given value; the data
            # seed is seed where data_seed is 0
            if (key == "data_seed" && v + 0 == 0) v = CFG[i, "seed"]
            if (v == "" || in_list("output_key", key) || key ~ /^(seed|shuffle_seed|depth|width)$/) continue
            if (key ~ /^(n_features|n_classes)$/ && v + 0 == 0) continue
            args = args "\t" key "=" v
        }
        if (!(args in config)) {
            config[args] = ++n
            file = args_dir "/" n ".args"
            m = split(substr(args, 2), a, "\t")
            for (j = 1; j <= m; j++) print a[j] > file
            close(file)
        }
        printf "%d\t%s\n", config[args], RUNID[i]
    }
}
