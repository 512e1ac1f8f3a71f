# smelu-reproducibility.awk: prediction difference (PD) of two runs = mean
# over held-out examples and outputs of |p_a - p_b|; per activation, every
# pair of its runs (they differ only in shuffle_seed).  The source's claim
# comes from large-scale training with nondeterministic hardware, not from
# this small substitute, so its comparisons are reported ("info" rules: a
# "no" is a finding, not a failed check).
# The pairs come from scripts/prediction-difference.sh --pairs, run on the
# figure's directory (-v out) into a file there that is removed after, read
# by the CSV reader (columns group and pd by name); the group is
# "activation=NAME".
END {
    pairs = out "/.pairs.csv"
    cmd = "scripts/prediction-difference.sh \"" out "\" --pairs >\"" pairs "\""
    if (system(cmd) != 0) print "smelu-reproducibility: " cmd " failed" > "/dev/stderr"
    else if (csv_open(pairs))
        while (csv_next(pairs)) {
            a = col(pairs, "group"); sub(/^activation=/, "", a)
            put(a, col(pairs, "pd") + 0)
        }
    system("rm -f \"" pairs "\"")
    f = "smelu-reproducibility"
    relu = ("relu" in n) ? median("relu") : 0
    claim(f, "ReLU: runs that differ only in data order disagree (PD above 0)", 0, "relu", "above", 0)
    claim(f, "SmeLU beta=1: prediction difference below ReLU's", relu, "smelu:1", "info-below", 0)
    claim(f, "SmeLU beta=2: prediction difference below ReLU's", relu, "smelu:2", "info-below", 0)
    claim(f, "SmeLU beta=0.5: prediction difference below ReLU's", relu, "smelu:0.5", "info-below", 0)
    claim(f, "GELU: prediction difference below ReLU's", relu, "gelu", "info-below", 0)
    claim(f, "SiLU: prediction difference below ReLU's", relu, "silu", "info-below", 0)
}
