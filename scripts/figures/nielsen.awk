# nielsen.awk: the published step-0 bias-gradient norms of the hidden
# layers against ours over the seeds, and the ratios between adjacent hidden
# layers.  The book's numbers come from one seed, so the test is whether
# each lies within the spread of ours (min..max over seeds, widened by 25%
# of its width since the book's seed is one more draw and its 1000 images
# are not ours).
FILENAME ~ /layers.csv$/ && row["step"] == "0" {
    id = row["run_id"]; l = row["layer"] + 0
    hidden = split(cfg[id, "widths"], w, ",")
    if (l > hidden) next
    g = hidden "h" l
    put(g, row["grad_b_norm"] + 0)
    b[id, l] = row["grad_b_norm"] + 0
    if (l > 1) put(hidden "r" l, b[id, l] / b[id, l - 1])
}
END {
    f = "nielsen"
    claim(f, "2 hidden: layer 1 grad_b_norm at step 0", 0.0657, "2h1", "spread", 0.25)
    claim(f, "2 hidden: layer 2", 0.309, "2h2", "spread", 0.25)
    claim(f, "3 hidden: layer 1", 0.0118, "3h1", "spread", 0.25)
    claim(f, "3 hidden: layer 2", 0.060, "3h2", "spread", 0.25)
    claim(f, "3 hidden: layer 3", 0.283, "3h3", "spread", 0.25)
    claim(f, "4 hidden: layer 1", 0.00298, "4h1", "spread", 0.25)
    claim(f, "4 hidden: layer 2", 0.0171, "4h2", "spread", 0.25)
    claim(f, "4 hidden: layer 3", 0.0695, "4h3", "spread", 0.25)
    claim(f, "4 hidden: layer 4", 0.285, "4h4", "spread", 0.25)
    claim(f, "2 hidden: ratio layer 2 / layer 1", 0.309 / 0.0657, "2r2", "spread", 0.25)
    claim(f, "3 hidden: ratio layer 2 / layer 1", 0.060 / 0.0118, "3r2", "spread", 0.25)
    claim(f, "3 hidden: ratio layer 3 / layer 2", 0.283 / 0.060, "3r3", "spread", 0.25)
    claim(f, "4 hidden: ratio layer 2 / layer 1", 0.0171 / 0.00298, "4r2", "spread", 0.25)
    claim(f, "4 hidden: ratio layer 3 / layer 2", 0.0695 / 0.0171, "4r3", "spread", 0.25)
    claim(f, "4 hidden: ratio layer 4 / layer 3", 0.285 / 0.0695, "4r4", "spread", 0.25)
}
