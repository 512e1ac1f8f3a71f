# smelu-reproducibility.awk: prediction difference (PD) of two runs = mean
# over held-out examples and outputs of |p_a - p_b|; per activation, every
# pair of its runs (they differ only in shuffle_seed).  The source's claim
# comes from large-scale training with nondeterministic hardware, not from
# this small substitute, so its comparisons are reported ("info" rules: a
# "no" is a finding, not a failed check).
FILENAME ~ /predictions.csv$/ {
    id = row["run_id"]; a = cfg[id, "activation"]
    if (!((a, id) in member)) { member[a, id] = 1; runs_of[a] = runs_of[a] " " id; acts[a] = 1 }
    k = row["example"] "," row["output"]
    value[id, k] = row["value"] + 0
    keys[k] = 1
}
END {
    for (a in acts) {
        m = split(runs_of[a], ids, " ")
        for (i = 1; i <= m; i++)
            for (j = i + 1; j <= m; j++) {
                sum = 0; cnt = 0
                for (k in keys) { d = value[ids[i], k] - value[ids[j], k]; sum += d < 0 ? -d : d; cnt++ }
                put(a, sum / cnt)
            }
    }
    f = "smelu-reproducibility"
    relu = ("relu" in n) ? median("relu") : 0
    claim(f, "ReLU: runs that differ only in data order disagree (PD above 0)", 0, "relu", "above", 0)
    claim(f, "SmeLU beta=1: prediction difference below ReLU's", relu, "smelu:1", "info-below", 0)
    claim(f, "SmeLU beta=2: prediction difference below ReLU's", relu, "smelu:2", "info-below", 0)
    claim(f, "SmeLU beta=0.5: prediction difference below ReLU's", relu, "smelu:0.5", "info-below", 0)
    claim(f, "GELU: prediction difference below ReLU's", relu, "gelu", "info-below", 0)
    claim(f, "SiLU: prediction difference below ReLU's", relu, "silu", "info-below", 0)
}
