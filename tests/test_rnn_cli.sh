#!/bin/sh
# test_rnn_cli.sh: the recurrent models through the real binary: the keys
# that mean something only for another model, or that disagree, are refused
# with one line and exit 2, nothing written.
#   tests/test_rnn_cli.sh PATH_TO_VGRAD
set -u
vgrad=$1
test_name=rnn_cli
. "$(dirname "$0")/lib.sh"

# refused NEEDLE ARGS...: vgrad run ARGS exits 2 with one line holding
# NEEDLE on stderr and writes nothing.
refused() {
    needle=$1
    shift
    rm -rf "$tmp/never"
    timeout 60 "$vgrad" run "$@" "out=$tmp/never" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ $rc -eq 2 ] && grep -qF -- "$needle" "$tmp/err" && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
        [ ! -e "$tmp/never" ]; then
        ok
    else
        bad "$*: rc $rc: $(head -c 600 "$tmp/err") (wanted '$needle')"
    fi
}

# a csv of 5 rows of 10 features (5 steps of 2) and a label
awk 'BEGIN { for (i = 0; i < 5; i++) { for (f = 0; f < 10; f++) printf "%g,", (i * 10 + f) / 50; print i % 2 } }' \
    >"$tmp/seq.csv"
"$vgrad" run model=lstm dataset=adding loss=mse seq_len=6 width=3 steps=0 "save_weights=$tmp/w3" \
    "out=$tmp/w3run" >/dev/null || bad "save_weights of an lstm"

refused "key 'model': 'lstn' is not known; allowed: one of mlp, rnn, lstm, gru" model=lstn
refused "key 'seq_len=5' applies to the recurrent models only" seq_len=5
refused "key 'recurrent_init=identity' applies to the recurrent models only" recurrent_init=identity
refused "key 'recurrent_gain=2' applies to the recurrent models only" recurrent_gain=2
refused "key 'recurrent_radius=0.5' applies to the recurrent models only" recurrent_radius=0.5
refused "key 'seq_output=all' applies to the recurrent models only" seq_output=all
refused "key 'seq=pixels' applies to the recurrent models only" seq=pixels
refused "key 'forget_bias=1' applies to model=lstm only" forget_bias=1
refused "key 'forget_bias=1' applies to model=lstm only" model=gru forget_bias=1
refused "forget_bias=1 needs the biases" model=lstm forget_bias=1 bias=0
refused "key 'activation=relu' applies to model=mlp and rnn only" model=gru activation=relu
refused "norm=batch applies to model=mlp only" model=rnn norm=batch
refused "residual=2 applies to model=mlp only" model=lstm residual=2
refused "seq=pixels applies to the image datasets" model=rnn seq=pixels dataset=spiral
refused "seq_len=30 disagrees with seq=rows" model=rnn seq_len=30 dataset=fashion_mnist
refused "seq_output=all needs a target at every step" model=rnn seq_output=all seq_len=1
refused "needs seq_len=T" model=gru dataset=spiral
refused "has 10 features per example, not a multiple of seq_len=3" model=rnn \
    "dataset=csv:$tmp/seq.csv" seq_len=3
refused "needs loss=mse" model=lstm dataset=adding
# (jacobian takes the same keys; run's refused() passes "run" first)
rm -rf "$tmp/never"
"$vgrad" jacobian model=rnn dataset=adding loss=mse "out=$tmp/never" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "allowed: norm=none and residual=0, with model=mlp" "$tmp/err" && [ ! -e "$tmp/never" ] &&
    ok || bad "jacobian of an rnn: $(cat "$tmp/err")"
refused "dataset copy has a target at every step; it needs seq_output=all" model=gru dataset=copy
refused "dataset copy has a target at every step; it needs a recurrent model" dataset=copy
refused "dataset copy needs seq_len >= 21" model=gru dataset=copy seq_output=all seq_len=20
refused "save_predictions=1 writes class outputs" model=rnn dataset=adding loss=mse save_predictions=1
refused "is a regression; n_classes does not apply" model=rnn dataset=adding loss=mse n_classes=3
refused "the network needs 16 x 2" model=lstm dataset=adding loss=mse seq_len=6 width=4 \
    "load_weights=$tmp/w3"

# an MLP on the adding problem reads the whole sequence: seq_len applies
"$vgrad" run dataset=adding loss=mse seq_len=9 depth=1 width=3 steps=0 "out=$tmp/mlpadd" >/dev/null 2>"$tmp/err" &&
    [ "$(awk -F, 'NR == 2 { print $4 }' "$tmp/mlpadd/layers.csv")" = 18 ] && ok ||
    bad "an MLP on adding with seq_len=9: $(cat "$tmp/err")"
# the defaults written out are no error for an MLP
"$vgrad" run seq_len=0 recurrent_gain=1 forget_bias=0 seq_output=last steps=0 \
    "out=$tmp/mlp" >/dev/null 2>"$tmp/err" && ok || bad "defaults refused: $(cat "$tmp/err")"

# col FILE NAME: the 1-based column called NAME in FILE's header.
col() { head -1 "$1" | tr ',' '\n' | grep -n -x "$2" | cut -d: -f1; }

# model=rnn's φ is tanh unless given (runs.csv records it); given, any activation.
"$vgrad" run model=rnn dataset=adding loss=mse seq_len=4 depth=1 width=2 steps=0 "out=$tmp/phi" >/dev/null
a=$(col "$tmp/phi/runs.csv" activation)
[ "$(awk -F, -v a="$a" 'NR == 2 { print $a }' "$tmp/phi/runs.csv")" = tanh ] && ok || bad "rnn's default activation"
"$vgrad" run model=rnn activation=softplus dataset=adding loss=mse seq_len=4 depth=1 width=2 steps=0 \
    "out=$tmp/phi" >/dev/null
[ "$(awk -F, -v a="$a" 'NR == 2 { print $a }' "$tmp/phi/runs.csv")" = softplus ] && ok || bad "rnn's activation given"

# An MLP writes time.csv's header only; each model writes seq_len rows per
# layer and logged step.
"$vgrad" run steps=0 "out=$tmp/mlp0" >/dev/null
[ "$(wc -l <"$tmp/mlp0/time.csv")" -eq 1 ] && ok || bad "an MLP's time.csv has rows"
for m in rnn lstm gru; do
    "$vgrad" run model=$m dataset=adding loss=mse seq_len=7 depth=2 width=3 n_samples=20 \
        steps=4 log_every=2 "out=$tmp/$m" >/dev/null 2>"$tmp/err" || bad "run $m: $(cat "$tmp/err")"
    # 3 logged steps x 2 layers x 7 steps, and the gate columns of its kind
    [ "$(wc -l <"$tmp/$m/time.csv")" -eq 43 ] && ok || bad "$m: $(wc -l <"$tmp/$m/time.csv") lines in time.csv"
    f=$(col "$tmp/$m/time.csv" gate_f_mean) z=$(col "$tmp/$m/time.csv" gate_z_mean)
    filled=$(awk -F, -v f="$f" -v z="$z" 'NR > 1 { a += $f != ""; b += $z != "" } END { print a "," b }' "$tmp/$m/time.csv")
    case $m:$filled in rnn:0,0 | lstm:42,0 | gru:0,42) ok ;; *) bad "$m: gate columns filled $filled" ;; esac
    # the weights files are PyTorch's names
    "$vgrad" run model=$m dataset=adding loss=mse seq_len=7 depth=2 width=3 steps=0 \
        "save_weights=$tmp/w_$m" "out=$tmp/ws_$m" >/dev/null
    [ -f "$tmp/w_$m/weight_ih_l0.csv" ] && [ -f "$tmp/w_$m/bias_hh_l1.csv" ] && [ -f "$tmp/w_$m/W3.csv" ] &&
        [ ! -e "$tmp/w_$m/weight_ih_l2.csv" ] && ok || bad "$m: weights files $(ls "$tmp/w_$m")"
    # vgrad gradcheck through time
    "$vgrad" gradcheck model=$m dataset=adding loss=mse seq_len=6 depth=2 width=3 n_samples=4 \
        bias_init=0.1 >"$tmp/gc" 2>&1 && ok || bad "gradcheck $m: $(cat "$tmp/gc")"
done
"$vgrad" gradcheck model=lstm dataset=copy seq_output=all seq_len=22 width=4 n_samples=3 \
    forget_bias=1 >"$tmp/gc" 2>&1 && ok || bad "gradcheck copy: $(cat "$tmp/gc")"

# The linear RNN with orthogonal W_hh of spectral radius 0.8 and the loss at
# the last step: dL/dh_t shrinks by 0.8 per step back, to 1e-10.
"$vgrad" run model=rnn activation=linear recurrent_init=orthogonal recurrent_radius=0.8 \
    dataset=adding loss=mse seq_len=30 depth=1 width=16 n_samples=10 steps=0 "out=$tmp/lin" >/dev/null
g=$(col "$tmp/lin/time.csv" grad_h_norm)
worst=$(awk -F, -v g="$g" 'NR > 1 { n[NR] = $g } END {
    w = 0; k = 0
    for (r = 2; r < NR; r++) { d = n[r] / n[r + 1] - 0.8; if (d < 0) d = -d; if (d > w) w = d; k++ }
    printf "%d %.3g\n", k, w }' "$tmp/lin/time.csv")
case $worst in 29\ *) awk -v w="${worst#* }" 'BEGIN { exit !(w != "" && w + 0 <= 1e-10) }' && ok || bad "linear rnn: factor off by ${worst#* }" ;;
    *) bad "linear rnn: $worst" ;; esac

# The LSTM's forget gate: with W_ih and W_hh 0 (weights files of zeros) and
# the loss at the last step, dL/dc_t = f dL/dc_{t+1} with f = σ(forget_bias)
# exactly, as the gate's total bias is forget_bias (bias_hh's slice being 0).
for fb in 0 1 3; do
    set -- model=lstm forget_bias=$fb bias_init=0.5 dataset=adding loss=mse seq_len=12 depth=1 \
        width=4 n_samples=6 steps=0
    "$vgrad" run "$@" "save_weights=$tmp/fbw" "out=$tmp/fb0" >/dev/null
    for w in weight_ih_l0 weight_hh_l0; do
        awk -F, '{ for (i = 1; i <= NF; i++) $i = 0; print }' OFS=, "$tmp/fbw/$w.csv" >"$tmp/fbw/z.csv"
        mv "$tmp/fbw/z.csv" "$tmp/fbw/$w.csv"
    done
    "$vgrad" run "$@" "load_weights=$tmp/fbw" "out=$tmp/fb" >/dev/null
    c=$(col "$tmp/fb/time.csv" grad_c_norm) f=$(col "$tmp/fb/time.csv" gate_f_mean)
    worst=$(awk -F, -v c="$c" -v f="$f" -v fb=$fb 'NR > 1 { n[NR] = $c; g[NR] = $f } END {
        s = 1 / (1 + exp(-fb)); w = NR == 13 ? 0 : 1
        for (r = 2; r < NR; r++) {
            if (!(n[r + 1] > 1e-30)) { w = 1; continue }
            d = n[r] / n[r + 1] - s; if (d < 0) d = -d; if (d > w) w = d
            d = g[r] - s; if (d < 0) d = -d; if (d > w) w = d }
        printf "%.3g\n", w }' "$tmp/fb/time.csv")
    awk -v w="$worst" 'BEGIN { exit !(w != "" && w + 0 <= 1e-14) }' && ok ||
        bad "forget_bias=$fb: dc ratio off σ(fb) by '$worst'"
done

# A csv of sequences, and the image datasets as rows and as pixels.
"$vgrad" run model=gru "dataset=csv:$tmp/seq.csv" seq_len=5 depth=1 width=3 steps=2 "out=$tmp/csv" \
    >/dev/null 2>"$tmp/err" && [ "$(wc -l <"$tmp/csv/time.csv")" -eq 11 ] && ok ||
    bad "csv sequences: $(cat "$tmp/err")"
if [ -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
    for seq in rows pixels; do
        "$vgrad" run model=rnn activation=tanh dataset=fashion_mnist seq=$seq n_samples=8 width=4 \
            depth=1 steps=1 "out=$tmp/fm_$seq" >/dev/null 2>"$tmp/err" || bad "fashion_mnist seq=$seq: $(cat "$tmp/err")"
        rows=$(($(wc -l <"$tmp/fm_$seq/time.csv") - 1))
        fan_in=$(awk -F, 'NR == 2 { print $4 }' "$tmp/fm_$seq/layers.csv")
        case $seq:$rows:$fan_in in rows:56:28 | pixels:1568:1) ok ;; *) bad "seq=$seq: $rows rows, fan_in $fan_in" ;; esac
    done
fi

# Sweeps: -j 2, shards merged, and --resume give the same files.
cat >"$tmp/rnn.ini" <<'INI'
[experiment]
name = rnn-sweep
description = the three models on the adding problem

[run]
dataset = adding
loss = mse
seq_len = 8
depth = 1
width = 4
n_samples = 24
batch_size = 8
steps = 6
log_every = 3

[sweep]
model = rnn, lstm, gru
seed = 1, 2
INI
"$vgrad" sweep "$tmp/rnn.ini" -j 2 -q "out=$tmp/sw" >/dev/null 2>"$tmp/err" || bad "sweep: $(cat "$tmp/err")"
for k in 1 2; do
    "$vgrad" sweep "$tmp/rnn.ini" --shard $k/2 -q "out=$tmp/sh$k" >/dev/null 2>&1 || bad "shard $k"
done
"$vgrad" merge "$tmp/merged" "$tmp/sh1" "$tmp/sh2" >/dev/null 2>"$tmp/err" || bad "merge: $(cat "$tmp/err")"
for f in layers.csv train.csv time.csv runs.csv; do
    cmp -s "$tmp/sw/$f" "$tmp/merged/$f" && ok || bad "sweep and merged shards: $f differs"
done
# 3 models x 2 seeds x 3 logged steps x 8 steps
[ "$(wc -l <"$tmp/sw/time.csv")" -eq 145 ] && ok || bad "sweep time.csv: $(wc -l <"$tmp/sw/time.csv") lines"
"$vgrad" sweep "$tmp/rnn.ini" --resume -q "out=$tmp/sw" 2>&1 | grep -q "0 done now, 6 already done" &&
    ok || bad "resume recomputed runs"

finish
