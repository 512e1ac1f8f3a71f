# report.awk: the gallery page of report.sh (gawk, after the chart
# library: csv.awk and runs.awk), printed to stdout.
function html(s) {
    gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); gsub(/"/, "\\&quot;", s)
    return s
}
function heading(name) {
    if (name == "activations") return "The activation functions and their derivatives"
    if (name == "grad-by-layer") return "Gradient norm by layer"
    if (name == "grad-by-layer-theory") return "Gradient norm by layer against the mean-field prediction"
    if (name == "grad-by-time") return "Gradient norm through time"
    if (name == "grad-by-time-theory") return "Gradient norm through time against the mean-field prediction"
    if (name == "grad-by-time-c") return "Cell-state gradient norm through time"
    if (name == "time-heatmap") return "Gradient norm over time steps and training steps"
    if (name == "gates") return "Gate means through time"
    if (name == "factor-by-radius") return "Per-step gradient factor against the spectral radius"
    if (name == "depth-sweep") return "First-layer gradient against depth"
    if (name == "heatmap") return "Gradient norm over layers and steps"
    if (name == "learning-speed") return "Learning speed of each layer"
    if (name == "activation-stats") return "Activations of each layer during training"
    if (name == "loss") return "Loss and accuracy"
    if (name == "dead-saturated") return "Dead and saturated units"
    if (name == "phase-diagram") return "Order to chaos: the phase diagram"
    if (name ~ /^histograms/) return "Histograms of " hist_words(substr(name, 12))
    return name
}
function hist_words(q) {
    if (q == "act") return "activations"
    if (q == "preact") return "pre-activations"
    if (q == "delta") return "back-propagated deltas"
    if (q == "grad_w") return "weight gradients"
    return q
}
# What to look for, one line per chart.
function caption(name) {
    if (name == "activations") return "The dot marks the largest f′: below 1 (sigmoid 0.25), every layer can only shrink the gradient; flat f′ = 0 regions are where units die or saturate."
    if (name == "grad-by-layer") return "Log scale: a line falling towards layer 1 is a vanishing gradient, a rising one an exploding gradient; a flat line passes the gradient through."
    if (name == "grad-by-layer-theory") return "The dashed line is what mean-field theory (vgrad theory) predicts from the output layer down for a wide network at initialisation: where the solid line leaves it, finite width, the data or the output layer are showing."
    if (name == "grad-by-time") return "Log scale: a line falling from the last step towards t = 1 is a gradient that vanishes back through time (the early inputs cannot be learnt from), a rising one a gradient that explodes."
    if (name == "grad-by-time-theory") return "The dashed line is what mean-field theory (vgrad theory, Chen, Pennington & Schoenholz 2018) predicts for a wide vanilla RNN at initialisation, from the last step back: a factor sqrt(chi_t) per step, chi_t = sigma_w^2 E[phi'(sqrt(q_t) z)^2]."
    if (name == "grad-by-time-c") return "The LSTM's cell state carries the gradient through the forget gate: at initialisation with small weights it shrinks by about sigmoid(forget_bias) per step back (0.5 for a bias of 0, 0.73 for 1)."
    if (name == "time-heatmap") return "Where in the sequence learning happens: dark rows at early t that stay dark are inputs the network receives no gradient from; a band that brightens during training is the network learning to carry the gradient back."
    if (name == "factor-by-radius") return "Pascanu, Mikolov & Bengio’s picture: below the dotted bound ρ·γ everywhere, so every ρ < 1/γ (1 for tanh, 4 for sigmoid) vanishes; above 1 the gradient explodes back through time, which needs ρ > 1/γ but does not follow from it. Dashed: the mean-field factor."
    if (name == "gates") return "A forget gate (LSTM) or update gate (GRU) near 1 carries the state, and its gradient, across many steps; near 0.5 (a zero bias) the memory halves every step."
    if (name == "depth-sweep") return "A straight falling line on the log axis is a gradient that vanishes exponentially with depth; a ratio near 1 at every depth is a network that trains."
    if (name == "heatmap") return "Dark rows at the bottom that stay dark are first layers that receive no gradient during training; grey cells are exact zeros (dead units)."
    if (name == "learning-speed") return "Nielsen’s figure: the distance between the dark (first) and light (last) lines is how many times slower the first layer learns."
    if (name == "activation-stats") return "Glorot and Bengio’s figure 2: a layer whose mean runs to a limit of the activation (0 or 1 for sigmoid, ±1 for tanh) with a narrow band is saturating and passes little gradient back."
    if (name == "loss") return "A loss flat at ln K and accuracy at 1/K (K classes) is a network whose early layers do not learn; bands wider than the gap between lines mean the difference is seed noise."
    if (name == "dead-saturated") return "Units that pass no gradient back: dead ReLUs (f′ = 0 on every example) and saturated sigmoids or tanhs (|f′| < 1% of its peak)."
    if (name == "phase-diagram") return "Cells left of the orange line (chi_1 < 1, the ordered phase) lose gradient towards the input, cells right of it (chaotic) gain it; the dots are where the measured ratio crosses 1, next to the mean-field edge of chaos."
    if (name == "histograms-act") return "Sigmoid or tanh activations piling up at their limits are saturated; a spike at 0 in a ReLU layer is dead units; a distribution shrinking layer by layer is a vanishing signal."
    if (name == "histograms-preact") return "Pre-activations far outside the activation’s active range (|z| > 4 for sigmoid, tanh) mean saturation; a width that shrinks or grows with depth is a badly scaled initialisation."
    if (name == "histograms-delta") return "The spread of ∂L/∂z per layer: narrowing towards layer 1 is a vanishing gradient, widening an exploding one (compare the x-axis ranges)."
    if (name == "histograms-grad_w") return "The spread of the weight gradients per layer: the x-axis range of layer 1 against the output layer is the vanishing factor."
    return ""
}
function prefix_svg(line, k) {
    gsub(/id="/, "id=\"c" k "_", line)
    gsub(/id=\x27/, "id=\x27c" k "_", line)
    gsub(/href="#/, "href=\"#c" k "_", line)
    gsub(/href=\x27#/, "href=\x27#c" k "_", line)
    gsub(/url\(#/, "url(#c" k "_", line)
    return line
}
function inline_svg(file, k,   line, started) {
    started = 0
    while ((getline line < file) > 0) {
        if (!started) { if (line !~ /<svg/) continue; started = 1 }
        print prefix_svg(line, k)
    }
    close(file)
}
function data_uri(file,   cmd, s) {
    cmd = "base64 -w0 \"" file "\""
    cmd | getline s
    close(cmd)
    return "data:image/png;base64," s
}
BEGIN {
    load_runs(dir "/runs.csv")
    differing()
    name = CFG[1, "name"]
    ini = dir "/experiment.ini"
    while ((getline line < ini) > 0) {
        INI = INI line "\n"
        if (description == "" && line ~ /^[ \t]*description[ \t]*=/) { description = line; sub(/^[^=]*=[ \t]*/, "", description) }
    }
    close(ini)
    # the charts, in the order plot.sh wrote them
    log_file = plots "/plot.log"
    while ((getline line < log_file) > 0) {
        if (match(line, /^([^:]+): wrote (.*)$/, m)) {
            file = m[2]; notes = ""
            if (match(file, /^(.*\.(svg|png|pdf)) \((.*)\)$/, mm)) { file = mm[1]; notes = mm[3] }
            n = split(file, parts, "/"); base = parts[n]
            chart = base; sub(/\.[a-z]+$/, "", chart)
            CH[++NCH] = chart; CHFILE[NCH] = plots "/" base; CHNOTE[NCH] = notes
        } else if (match(line, /^([^:]+): skipped: (.*)$/, m)) {
            SK[++NSK] = m[1] ": " m[2]
        } else if (match(line, /^([^:]+): failed/, m)) {
            SK[++NSK] = m[1] ": failed (see plot.log)"
        }
    }
    close(log_file)

    print "<!DOCTYPE html>"
    print "<html lang=\"en\"><head><meta charset=\"utf-8\">"
    print "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    printf "<title>vgrad: %s</title>\n", html(name)
    print "<style>"
    print "body { font-family: \"DejaVu Sans\", Verdana, Arial, sans-serif; margin: 0 auto; max-width: 1500px; padding: 1em 2em; color: #222; background: #fff; }"
    print "h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.2em; margin: 0 0 0.4em; }"
    print "nav a { margin-right: 1em; } .meta { color: #555; }"
    print "figure { margin: 2em 0; padding: 1em; border: 1px solid #ddd; border-radius: 4px; }"
    print "figure svg, figure img { display: block; max-width: 100%; height: auto; margin: 0 auto; }"
    print "figcaption { margin-top: 0.6em; } .note { color: #666; font-size: 0.9em; }"
    print "table { border-collapse: collapse; font-size: 0.85em; } th, td { border: 1px solid #ddd; padding: 0.2em 0.6em; text-align: left; }"
    print "th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }"
    print "pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; } .bad { color: #b00; }"
    print "</style></head><body>"
    printf "<header><h1>%s</h1>\n", html(name)
    if (description != "") printf "<p>%s</p>\n", html(description)
    printf "<p class=\"meta\">%d runs &middot; %s &middot; generated %s by scripts/report.sh</p>\n", NRUN, html(dir), html(generated)
    print "<p id=\"image-check\" class=\"meta\">charts: not checked (JavaScript is off)</p></header>"
    print "<nav>"
    for (k = 1; k <= NCH; k++) printf "<a href=\"#%s\">%s</a>\n", CH[k], html(heading(CH[k]))
    print "<a href=\"#runs\">runs</a>"
    if (INI != "") print "<a href=\"#experiment\">experiment.ini</a>"
    print "</nav>"

    for (k = 1; k <= NCH; k++) {
        printf "<figure id=\"%s\">\n<h2>%s</h2>\n", CH[k], html(heading(CH[k]))
        if (CHFILE[k] ~ /\.svg$/) inline_svg(CHFILE[k], k)
        else if (CHFILE[k] ~ /\.png$/) printf "<img alt=\"%s\" src=\"%s\">\n", html(heading(CH[k])), data_uri(CHFILE[k])
        else printf "<p><a href=\"%s\">%s</a></p>\n", html(substr(CHFILE[k], length(dir) + 2)), html(CHFILE[k])
        printf "<figcaption>%s", html(caption(CH[k]))
        if (CHNOTE[k] != "") printf " <span class=\"note\">(%s)</span>", html(CHNOTE[k])
        printf "<br><span class=\"note\">scripts/charts/%s</span></figcaption>\n</figure>\n", \
               CH[k] ~ /^histograms/ ? "histograms.sh" : CH[k] == "grad-by-layer-theory" ? "grad-by-layer.sh --theory" : \
               CH[k] == "grad-by-time-theory" ? "grad-by-time.sh --theory" : CH[k] == "grad-by-time-c" ? "grad-by-time.sh --quantity grad_c_norm" : CH[k] ".sh"
    }
    if (NSK) {
        print "<h2>Charts not drawn</h2><ul>"
        for (k = 1; k <= NSK; k++) printf "<li>%s</li>\n", html(SK[k])
        print "</ul>"
    }

    # the runs: run_id, the keys that differ, the outcome
    test = 0
    for (i = 1; i <= NRUN; i++) if (RES[i, "final_test_loss"] != "") test = 1
    printf "<h2 id=\"runs\">Runs</h2>\n<details%s><summary>%d runs</summary>\n<table>\n<tr><th>run_id</th>", NRUN <= 60 ? " open" : "", NRUN
    for (k = 1; k <= NDIFF; k++) printf "<th>%s</th>", html(DIFF[k])
    printf "<th>status</th><th>final loss</th><th>final accuracy</th>%s</tr>\n", test ? "<th>test loss</th><th>test accuracy</th>" : ""
    for (i = 1; i <= NRUN; i++) {
        printf "<tr><td><code>%s</code></td>", RUNID[i]
        for (k = 1; k <= NDIFF; k++) printf "<td>%s</td>", html(CFG[i, DIFF[k]])
        st = RES[i, "status"]
        printf "<td%s>%s</td>", st == "ok" ? "" : " class=\"bad\" title=\"" html(RES[i, "message"]) "\"", html(st)
        printf "<td class=\"num\">%s</td><td class=\"num\">%s</td>", num(RES[i, "final_loss"]), num(RES[i, "final_accuracy"])
        if (test) printf "<td class=\"num\">%s</td><td class=\"num\">%s</td>", num(RES[i, "final_test_loss"]), num(RES[i, "final_test_accuracy"])
        print "</tr>"
    }
    print "</table></details>"
    if (INI != "") printf "<h2 id=\"experiment\">experiment.ini</h2>\n<pre>%s</pre>\n", html(INI)

    # Records in the page whether every chart loaded (a headless browser reads it back).
    print "<script>"
    print "window.addEventListener(\"load\", function () {"
    print "  var failed = 0, charts = 0, i;"
    print "  var images = document.querySelectorAll(\"figure img\");"
    print "  for (i = 0; i < images.length; i++) { charts++; if (!images[i].complete || images[i].naturalWidth === 0) failed++; }"
    print "  var svgs = document.querySelectorAll(\"figure > svg\");"
    print "  for (i = 0; i < svgs.length; i++) { charts++; var box = svgs[i].getBoundingClientRect(); if (box.width < 50 || box.height < 50) failed++; }"
    print "  var check = document.getElementById(\"image-check\");"
    print "  check.textContent = \"charts: \" + charts + \" shown, \" + failed + \" failed to load\";"
    print "  check.setAttribute(\"data-charts\", charts);"
    print "  check.setAttribute(\"data-failed\", failed);"
    print "  if (failed) check.className = \"bad\";"
    print "});"
    print "</script>"
    print "</body></html>"
}
function num(v) { return v == "" ? "" : (finite(v) ? sprintf("%.4g", v) : html(v)) }
