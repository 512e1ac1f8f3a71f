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
refused "norm=batch applies to model=mlp only" model=rnn norm=batch
refused "residual=2 applies to model=mlp only" model=lstm residual=2
refused "seq=pixels applies to the image datasets" model=rnn seq=pixels dataset=spiral
refused "seq_len=30 disagrees with seq=rows" model=rnn seq_len=30 dataset=fashion_mnist
refused "seq_output=all needs a target at every step" model=rnn seq_output=all seq_len=1
refused "needs seq_len=T" model=gru dataset=spiral
# the defaults written out are no error for an MLP
"$vgrad" run seq_len=0 recurrent_gain=1 forget_bias=0 seq_output=last steps=0 \
    "out=$tmp/mlp" >/dev/null 2>"$tmp/err" && ok || bad "defaults refused: $(cat "$tmp/err")"

finish
