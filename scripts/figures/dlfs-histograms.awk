# dlfs-histograms.awk: the book's qualitative histograms as fractions of
# the 100 x 1000 activations of a layer in bins of (0,1) (30 bins of 1/30;
# values beyond 1 from ReLU counted in the last).  Thresholds: "pile up at 0
# and 1" = more than half in the two edge bins; "all near 0.5" = more than
# 95% in the two bins around 0.5 (z = W a has std about 0.05 there, so a
# few percent of units lie beyond +-0.033 of 0.5); "spread" = no bin above 20% and under 5% in
# the edge bins; "near 0" = more than 99% in the first bin; "shrinking with
# depth" = a larger first-bin share at layer 5 than at layer 1; "the same in
# every layer" = the first-bin shares of layers 5 and 1 within 15%.
FILENAME ~ /hist.csv$/ {
    id = row["run_id"]; l = row["layer"] + 0
    if (l > 5) next
    c = row["count"] + 0; b = int((row["bin_lo"] + 0) * 30 + 0.5)
    total[id, l] += c
    if (b == 0) first[id, l] += c
    if (b == 0 || b == 29) edge[id, l] += c
    if (b == 14 || b == 15) mid[id, l] += c
    if (c > top[id, l]) top[id, l] = c
    if (l == 5 && b == 29) {
        a = cfg[id, "activation"]; i = cfg[id, "init"]
        g = a ":" (i == "normal" ? cfg[id, "init_std"] : i)
        put(g ":edge5", edge[id, 5] / total[id, 5])
        put(g ":mid5", mid[id, 5] / total[id, 5])
        put(g ":first5", first[id, 5] / total[id, 5])
        put(g ":top5", top[id, 5] / total[id, 5])
        if (first[id, 1] > 0) put(g ":grow", (first[id, 5] / total[id, 5]) / (first[id, 1] / total[id, 1]))
    }
}
END {
    f = "dlfs-histograms"
    claim(f, "sigmoid, std 1: layer 5 share in the edge bins (pile up at 0 and 1)", 0.5, "sigmoid:1:edge5", "above", 0)
    claim(f, "sigmoid, std 0.01: layer 5 share in the two bins around 0.5", 0.95, "sigmoid:0.01:mid5", "above", 0)
    claim(f, "sigmoid, Xavier: layer 5 largest bin share (spread)", 0.2, "sigmoid:lecun_normal:top5", "below", 0)
    claim(f, "sigmoid, Xavier: layer 5 share in the edge bins", 0.05, "sigmoid:lecun_normal:edge5", "below", 0)
    claim(f, "ReLU, std 0.01: layer 5 share in the first bin (all near 0)", 0.99, "relu:0.01:first5", "above", 0)
    claim(f, "ReLU, Xavier: first-bin share grows from layer 1 to 5", 1, "relu:lecun_normal:grow", "above", 0)
    claim(f, "ReLU, He: first-bin share of layer 5 / layer 1 (the same spread)", 1, "relu:he_normal:grow", "rel", 0.15)
}
