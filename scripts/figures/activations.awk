# activations.awk: the derivative peaks from activations.csv (exact: x = 0
# is a grid point of range -6:6 with 1201 points), and the per-layer factor
# ||delta_l|| / ||delta_{l+1}|| of a 20-layer sigmoid net, the median over
# its hidden layers 2..19 (layer 1 sees the raw inputs, layer 20 the output
# layer's softmax).  The factor must be below the 0.25 bound and within 5%
# of the mean-field value 0.236 (width 500: finite-width error about 1/500
# per layer).
FILENAME ~ /activations.csv$/ {
    a = row["activation"]; x = row["x"] + 0; d = row["df"] + 0
    if (!(a in peak) || d > peak[a]) peak[a] = d
    if (a == "relu" && x <= 0 && d != 0) relu_bad++
    next
}
FILENAME ~ /layers.csv$/ {
    id = row["run_id"]; l = row["layer"] + 0
    delta[id, l] = row["delta_norm"] + 0
    if (l == 20) {
        for (k = 2; k <= 19; k++) f[k] = delta[id, k] / delta[id, k + 1]
        # median over layers of this run
        m = 0; for (k = 2; k <= 19; k++) v[++m] = f[k]
        for (i = 2; i <= m; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
        put("factor", (v[9] + v[10]) / 2)
    }
}
END {
    fig = "activations"
    put("sigmoid", peak["sigmoid"]); put("tanh", peak["tanh"]); put("relu_neg", relu_bad + 0)
    claim(fig, "sigmoid' peaks at 0.25", 0.25, "sigmoid", "abs", 1e-15)
    claim(fig, "tanh' peaks at 1", 1, "tanh", "abs", 1e-15)
    claim(fig, "ReLU' is 0 for x <= 0 (count of grid points where it is not)", 0, "relu_neg", "abs", 0)
    claim(fig, "deep sigmoid net: per-layer norm factor below the 0.25 bound", 0.25, "factor", "below", 0)
    claim(fig, "deep sigmoid net: per-layer norm factor vs mean-field sqrt(chi_1) = 0.236", 0.236, "factor", "rel", 0.05)
}
