# style.gp: the look of every vgrad chart, loaded by each chart after its
# terminal.  Change a colour or a font size here and every chart follows.
#
# Colours are the Okabe-Ito palette (Okabe & Ito 2008), distinguishable with
# every common colour-vision deficiency.  Eight colours and two dash types
# name the activations; an activation has the same colour and dash in every
# chart.  NAME:PARAM (leaky_relu:0.2, smelu:0.5) takes NAME's colour and a
# dash of its own (the rank of PARAM among the values in the results).

set encoding utf8
set termoption enhanced

# --- lines, grid, axes --------------------------------------------------------
LW = 2                                   # data lines
# predicted lines (mean-field theory, grad-by-layer --theory): the colour of
# the line they predict, thinner and dashed
PREDICTED_LW = 1.5
set dashtype 20 (8, 5)
PREDICTED_DASH = 20
set border 3 lw 1 lc rgb "#333333"       # left and bottom axes only
set tics nomirror out scale 0.6 textcolor rgb "#222222"
set grid xtics ytics mytics lw 0.7 lc rgb "#d4d4d4", lw 0.5 lc rgb "#ececec"
set key noautotitle
set style fill solid 1.0 noborder
set samples 400
set datafile missing "NaN"
set title offset 0, -0.3 textcolor rgb "#111111"
set xlabel offset 0, 0.4
set ylabel offset 1.2, 0

# --- the Okabe-Ito colours ----------------------------------------------------
OKABE_ITO = "#000000 #E69F00 #56B4E9 #009E73 #F0E442 #0072B2 #D55E00 #CC79A7"
#            black   orange  sky blue green  yellow  blue    vermil. purple

# Lines that are not activations (inits, learning rates...) take the colours
# in this order (yellow, the faintest on white, last), then dashed.
SERIES_COLORS = "#000000 #E69F00 #56B4E9 #009E73 #0072B2 #D55E00 #CC79A7 #F0E442"
series_color(i) = word(SERIES_COLORS, (i - 1) % 8 + 1)
series_dash(i) = ((i - 1) / 8) % 2 == 0 ? 1 : 2
series_point(i) = word("7 5 9 11 13 4 6 8", (i - 1) % 8 + 1) + 0

# --- activations: colour and dash ---------------------------------------------
# NAME COLOUR DASH for each activation of `vgrad list`, keyed by name (the
# names and their parameters come from the binary; this is only their look;
# tests/test_chart_lists.sh checks that every activation has an entry).
# Relatives share a colour, the smooth or common one solid, the other dashed.
# An activation not in the table is drawn grey.
ACT_STYLE = "sigmoid    #D55E00 1  hard_sigmoid #D55E00 2 " . \
            "tanh       #0072B2 1  hardtanh     #0072B2 2 " . \
            "relu       #009E73 1  softplus     #009E73 2 " . \
            "leaky_relu #E69F00 1  elu          #E69F00 2 " . \
            "selu       #CC79A7 1  softsign     #CC79A7 2 " . \
            "gelu       #56B4E9 1  silu         #56B4E9 2 " . \
            "smelu      #000000 1  linear       #000000 2 " . \
            "mish       #F0E442 1  step         #F0E442 2"
# dashes of NAME:PARAM variants, by rank 1, 2, ...
set dashtype 11 (10, 4, 2, 4)
set dashtype 12 (2, 3)
set dashtype 13 (14, 5)
set dashtype 14 (10, 3, 2, 3, 2, 3)
VARIANT_DASHES = "11 12 13 14 4 5"

act_base(a) = strstrt(a, ":") > 0 ? a[1:strstrt(a, ":") - 1] : a
act_index(a) = sum [i = 1:words(ACT_STYLE) / 3] (word(ACT_STYLE, 3 * i - 2) eq act_base(a) ? i : 0)
act_color(a) = act_index(a) > 0 ? word(ACT_STYLE, 3 * act_index(a) - 1) : "#888888"
act_dash(a, variant) = variant > 0 ? word(VARIANT_DASHES, (variant - 1) % 6 + 1) + 0 : \
                       (act_index(a) > 0 ? word(ACT_STYLE, 3 * act_index(a)) + 0 : 1)

# --- sequential palette: viridis (heatmaps, lines coloured by layer) ----------
set palette defined (0 "#440154", 1 "#472d7b", 2 "#3b528b", 3 "#2c728e", 4 "#21918c", \
                     5 "#28ae80", 6 "#5ec962", 7 "#addc30", 8 "#fde725")
set palette maxcolors 0
unset colorbox                           # heatmap.sh places its own
# layer_frac(l, L): where layer l of L sits on the palette (the yellow end is
# too faint for lines, so layers stop at 0.85)
layer_frac(l, L) = L > 1 ? 0.85 * (l - 1.0) / (L - 1.0) : 0.0

# colours of cells that have no logarithm in a heatmap
ZERO_COLOR = "#bbbbbb"
NONFINITE_COLOR = "#D55E00"
