# cs231n-tanh.awk: claims of CS231n lecture 6 (layers.csv at step 0).
# Tolerances: the std of 500 x 1000 activations has a sampling error far
# below 1%, and the published values are given to 3 digits; 3% covers the
# rounding of "0.213" and seed variation.  The "about" values (0.63, 0.23,
# 0.56, 0.83) are read off plots: 10%.
FILENAME ~ /layers.csv$/ {
    id = row["run_id"]; l = row["layer"] + 0
    if (l > 10) next                                  # the output layer
    act = cfg[id, "activation"]; init = cfg[id, "init"]; std = cfg[id, "init_std"]
    g = act == "relu" ? "relu_he" : init == "lecun_normal" ? "xavier" : std == "1" ? "large" : "small"
    put(g ":std" l, row["act_std"] + 0)
    put(g ":mean" l, row["act_mean"] + 0)
    s_[id, l] = row["act_std"] + 0
    if (l == 2) put(g ":shrink", s_[id, 1] / s_[id, 2])
    # "stable, mean about 0.56 and std about 0.83 per layer": the average
    # over the 10 layers of each run.
    layer_mean[id] += row["act_mean"] / 10
    layer_std[id] += row["act_std"] / 10
    if (l == 10) { put(g ":avgmean", layer_mean[id]); put(g ":avgstd", layer_std[id]) }
}
END {
    f = "cs231n-tanh"
    claim(f, "std 0.01: layer 1 activation std", 0.213, "small:std1", "rel", 0.03)
    claim(f, "std 0.01: layer 2 activation std", 0.0476, "small:std2", "rel", 0.03)
    claim(f, "std 0.01: layer 3 activation std", 0.0106, "small:std3", "rel", 0.03)
    claim(f, "std 0.01: shrink factor from layer 1 to 2 (about 4.5)", 4.5, "small:shrink", "rel", 0.05)
    claim(f, "std 1: layers saturate at +-1 (activation std near 1; min over layers > 0.95)", 0.95, "large:std1", "above", 0)
    claim(f, "std 1: layer 10 activation std near 1", 0.95, "large:std10", "above", 0)
    claim(f, "Xavier: layer 1 activation std (about 0.63)", 0.63, "xavier:std1", "rel", 0.10)
    claim(f, "Xavier: layer 10 activation std (about 0.23)", 0.23, "xavier:std10", "rel", 0.10)
    claim(f, "ReLU + He: activation mean, average over layers (about 0.56)", 0.56, "relu_he:avgmean", "rel", 0.10)
    claim(f, "ReLU + He: activation std, average over layers (about 0.83)", 0.83, "relu_he:avgstd", "rel", 0.10)
    # The mean and std of every layer (median over seeds), the lecture's
    # printout, as a table that reproduce.sh puts under the claims.
    table = out "/table.md"
    split("small large xavier relu_he", gs, " ")
    split("std 0.01|std 1|Xavier|ReLU + He", names, "|")
    printf "Activation mean and std per layer (median over seeds):\n\n| layer |" > table
    for (k = 1; k <= 4; k++) printf " %s: mean | std |", names[k] > table
    printf "\n|---|" > table
    for (k = 1; k <= 4; k++) printf "---|---|" > table
    printf "\n" > table
    for (l = 1; l <= 10; l++) {
        printf "| %d |", l > table
        for (k = 1; k <= 4; k++) {
            if ((gs[k] ":mean" l) in n) printf " %.3g | %.3g |", median(gs[k] ":mean" l), median(gs[k] ":std" l) > table
            else printf " | |" > table
        }
        printf "\n" > table
    }
    close(table)
}
