# he-relu.awk: claims of He et al. 2015 (layers.csv and, for training,
# train.csv of the same directory).  The log2 ratio of the first to the last
# hidden layer's delta_norm at step 0 over 29 layer transitions: Xavier
# halves the variance per layer, so log2 = 29 x (-1/2) = -14.5 (the paper's
# "about 2^-15" at 30 layers); He keeps 0; leaky ReLU with slope 0.5 and
# Xavier shrinks the variance by (1 + 0.25)/2 a layer: 29 x log2(0.625)/2.
# Finite width (100 units) adds O(1/width) per layer: 15% tolerance.
FILENAME ~ /layers.csv$/ {
    id = row["run_id"]
    if (cfg[id, "steps"] != "0") next
    l = row["layer"] + 0
    if (l == 1) first[id] = row["delta_norm"] + 0
    if (l == 30) last[id] = row["delta_norm"] + 0
    if (l == 30) {
        g = cfg[id, "activation"] ":" cfg[id, "init"]
        put(g, log(first[id] / last[id]) / log(2))
    }
}
FILENAME ~ /train.csv$/ {
    id = row["run_id"]
    if (cfg[id, "steps"] == "0") next
    if (row["step"] == "0") start[id] = row["loss"] + 0
    if (row["step"] == cfg[id, "steps"]) {
        g = "train" cfg[id, "depth"] ":" cfg[id, "init"]
        put(g, (row["loss"] + 0) / start[id])
    }
}
END {
    f = "he-relu"
    claim(f, "ReLU, Xavier, 30 layers: log2(first/last hidden delta_norm)", -14.5, "relu:lecun_normal", "rel", 0.15)
    claim(f, "ReLU, He, 30 layers: log2(first/last hidden delta_norm)", 0, "relu:he_normal", "abs", 2.2)
    claim(f, "leaky ReLU 0.5, Xavier: log2 ratio = 29 log2((1+a^2)/2)/2", 29 * log(0.625) / log(2) / 2, "leaky_relu:0.5:lecun_normal", "rel", 0.15)
    claim(f, "30 layers, Xavier: training stalls (final/initial loss above 0.95)", 0.95, "train30:lecun_normal", "above", 0)
    claim(f, "30 layers, He: training proceeds (final/initial loss below 0.95)", 0.95, "train30:he_normal", "below", 0)
    claim(f, "22 layers, He: training proceeds (final/initial loss below 0.95)", 0.95, "train22:he_normal", "below", 0)
}
