# pascanu.awk: claims of Pascanu, Mikolov & Bengio 2013 (time.csv of the
# same directory, step 0, the one recurrent layer).  Per run, the measured
# per-step factor f = (||dL/dh_1|| / ||dL/dh_T||)^(1/(T-1)); per
# activation (gamma = 1 for tanh, 1/4 for sigmoid):
#   - Pascanu's bound f <= rho gamma holds at every rho (the largest
#     f / (rho gamma) over the sweep is below 1): a norm inequality, no
#     tolerance;
#   - below the threshold 1/gamma every rho vanishes (the largest f over
#     rho < 1/gamma is below 1);
#   - the measured threshold, the rho where f crosses 1 (interpolated
#     linearly in log f between the two swept rho around it), lies at or
#     above 1/gamma: explosion only above it;
#   - the largest rho swept explodes (f > 1): the bound is not vacuous;
#   - the mean-field factor sqrt(chi_t) of `vgrad theory` (its geometric
#     mean over t = 2..T) within 5% of the measured one (the median ratio
#     over the sweep; finite width 256 and the gradient-independence
#     assumption leave a few percent, measured 0.5-3% at width 256), and
#     its threshold within 10% of the measured one.
# table.md: f against rho for both activations.
FILENAME ~ /time.csv$/ {
    id = row["run_id"]
    if (row["step"] != "0") next
    t = row["t"] + 0
    g[id, t] = row["grad_h_norm"] + 0
    if (t > T[id]) T[id] = t
}
END {
    f = "pascanu"
    gamma["tanh"] = 1; gamma["sigmoid"] = 0.25
    for (id in T) {
        a = cfg[id, "activation"]; rho = cfg[id, "recurrent_radius"] + 0
        factor = (g[id, 1] / g[id, T[id]]) ^ (1 / (T[id] - 1))
        put(a ":" rho, factor)
        RHOS[a, rho] = 1
        # the mean-field factor over the same steps
        file = theory_csv(id)
        if (file == "") continue
        sub(/theory\.csv$/, "theory_time.csv", file)
        sum_log = 0; n_t = 0
        if (csv_open(file))
            while (csv_next(file)) if (col(file, "t") + 0 >= 2) { sum_log += col(file, "log10_grad_h_ratio"); n_t++ }
        if (n_t) { put(a ":mf:" rho, 10 ^ (sum_log / n_t)); put(a ":mf", factor / 10 ^ (sum_log / n_t)) }
    }
    table = out "/table.md"
    printf "Per-step factor of ‖dL/dh_t‖ at initialisation against rho (median, min, max over seeds; the bound rho gamma; the mean-field sqrt(chi)):\n\n" > table
    printf "| activation | rho | measured factor | min | max | bound rho gamma | mean-field |\n|---|---|---|---|---|---|---|\n" > table
    split("tanh sigmoid", acts, " ")
    for (j = 1; j <= 2; j++) {
        a = acts[j]
        # the swept rho in order
        nr = 0
        delete rl
        for (key in RHOS) { split(key, kp, SUBSEP); if (kp[1] == a) rl[++nr] = kp[2] + 0 }
        asort(rl)
        worst = ""; below = ""; cross = ""; mf_cross = ""
        for (k = 1; k <= nr; k++) {
            rho = rl[k]; m = median(a ":" rho)
            r = maximum(a ":" rho) / (rho * gamma[a])
            if (worst == "" || r > worst) worst = r
            if (rho < 1 / gamma[a] && (below == "" || maximum(a ":" rho) > below)) below = maximum(a ":" rho)
            mf = (a ":mf:" rho) in n ? median(a ":mf:" rho) : ""
            if (k > 1 && cross == "" && prev < 1 && m >= 1)
                cross = rl[k - 1] + (rho - rl[k - 1]) * (0 - log(prev)) / (log(m) - log(prev))
            if (k > 1 && mf_cross == "" && mf != "" && mf_prev != "" && mf_prev < 1 && mf >= 1)
                mf_cross = rl[k - 1] + (rho - rl[k - 1]) * (0 - log(mf_prev)) / (log(mf) - log(mf_prev))
            prev = m; mf_prev = mf
            printf "| %s | %g | %.4f | %.4f | %.4f | %g | %s |\n", a, rho, m, minimum(a ":" rho), maximum(a ":" rho),
                   rho * gamma[a], mf == "" ? "" : sprintf("%.4f", mf) > table
        }
        if (worst != "") put(a ":bound", worst)
        if (below != "") put(a ":below", below)
        if (cross != "") put(a ":cross", cross)
        if (mf_cross != "") put(a ":mf_cross", mf_cross)
        if (nr) put(a ":top", median(a ":" rl[nr]))
        if (cross != "" && mf_cross != "") put(a ":cross_ratio", mf_cross / cross)
    }
    close(table)
    for (j = 1; j <= 2; j++) {
        a = acts[j]; gm = gamma[a]
        claim(f, a ": largest measured factor / (rho gamma) over the sweep (the bound: at most 1)", 1, a ":bound", "below", 0)
        claim(f, a ": largest factor with rho < 1/gamma = " 1 / gm " (vanishes: below 1)", 1, a ":below", "below", 0)
        claim(f, a ": measured threshold rho where the factor crosses 1 (at or above 1/gamma = " 1 / gm ")", 1 / gm, a ":cross", "above", 0)
        claim(f, a ": factor at the largest rho swept (explodes: above 1)", 1, a ":top", "above", 0)
        claim(f, a ": measured / mean-field factor, median over the sweep", 1, a ":mf", "rel", 0.05)
        claim(f, a ": mean-field threshold / measured threshold", 1, a ":cross_ratio", "rel", 0.1)
    }
}
