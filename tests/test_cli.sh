#!/bin/sh
# test_cli.sh: the vgrad command line: every bad input the README promises to
# reject (one line on stderr naming the problem, exit 2, nothing written),
# determinism of whole runs, gradcheck, activations, list and help.
#   tests/test_cli.sh PATH_TO_VGRAD
set -u
vgrad=$1
test_name=cli
. "$(dirname "$0")/lib.sh"

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
# Columns are read by name with a CSV reader (Miller), never by position.
need_tools mlr:miller || true
# csv_column FILE NAME: the values of column NAME, one a line
csv_column() { mlr --icsv --onidx --ofs tab cut -f "$2" "$1"; }

# expect_usage NEEDLE ARGS...: exit 2, exactly one stderr line containing
# NEEDLE, nothing on stdout, and no output directory created.
expect_usage() {
    needle=$1
    shift
    out="$tmp/never"
    rm -rf "$out"
    "$vgrad" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    rc=$?
    lines=$(wc -l <"$tmp/stderr")
    if [ "$rc" -ne 2 ]; then bad "$* exited $rc, expected 2"; return; fi
    if [ "$lines" -ne 1 ]; then bad "$* printed $lines stderr lines: $(cat "$tmp/stderr")"; return; fi
    if ! grep -qF -- "$needle" "$tmp/stderr"; then
        bad "$*: stderr '$(cat "$tmp/stderr")' lacks '$needle'"; return
    fi
    if ! grep -q '^vgrad: error: ' "$tmp/stderr"; then bad "$*: no 'vgrad: error:' prefix"; return; fi
    if [ -s "$tmp/stdout" ]; then bad "$*: wrote to stdout"; return; fi
    if [ -e "$out" ]; then bad "$*: created the output directory"; return; fi
    ok
}

o="out=$tmp/never"
expect_usage "unknown key 'widht' (did you mean 'width'?)" run widht=3 "$o"
expect_usage "key 'depth': '0' is out of range; allowed: an integer from 1 to 4096" run depth=0 "$o"
expect_usage "key 'width': '-4' is out of range" run width=-4 "$o"
expect_usage "key 'lr': 'fast' is not a finite number" run lr=fast "$o"
expect_usage "'relu7' is not an activation; allowed: one of linear" run activation=relu7 "$o"
expect_usage "more than the machine's" run width=1000000 depth=4096 "$o"
expect_usage "batch_size=5000 is larger than the 300 training examples" run batch_size=5000 "$o"
expect_usage "unknown command 'fly'" fly
expect_usage "is not of the form key=value" run depth "$o"

# Bad data files: file, line and column named.
printf 'a,b,label\n1,2,0\n3,4\n' >"$tmp/ragged.csv"
expect_usage "ragged.csv: line 3 has 2 fields, expected 3" run "dataset=csv:$tmp/ragged.csv" "$o"
printf '1,2,0\n3,x,1\n' >"$tmp/text.csv"
expect_usage "text.csv: line 2, column 2: 'x' is not a number" run "dataset=csv:$tmp/text.csv" "$o"
printf '1,2,0\n3,4,1\n5,6,7\n' >"$tmp/range.csv"
expect_usage "out of range" run "dataset=csv:$tmp/range.csv" n_classes=3 "$o"
: >"$tmp/empty.csv"
expect_usage "empty.csv: empty file" run "dataset=csv:$tmp/empty.csv" "$o"
expect_usage "missing.csv: cannot open" run "dataset=csv:$tmp/missing.csv" "$o"

# An output directory that cannot be created: its parent is a file.
: >"$tmp/afile"
"$vgrad" run depth=2 steps=2 "out=$tmp/afile/sub" >/dev/null 2>"$tmp/stderr"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "cannot create output directory" "$tmp/stderr" &&
    [ "$(wc -l <"$tmp/stderr")" -eq 1 ]; then ok; else bad "unwritable out: rc $rc $(cat "$tmp/stderr")"; fi

# Every command that writes refuses an output path under a regular file the
# same way: one line, exit 2, nothing written (the file left as it was).
# expect_unwritable NEEDLE ARGS...
expect_unwritable() {
    needle=$1
    shift
    "$vgrad" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    rc=$?
    if [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/stderr")" -eq 1 ] && grep -q "^vgrad: error: .*$needle" "$tmp/stderr" &&
       [ ! -s "$tmp/stdout" ] && [ -f "$tmp/afile" ] && [ ! -s "$tmp/afile" ]; then ok; else
        bad "$* under a file: rc $rc, stderr '$(cat "$tmp/stderr")', stdout '$(cat "$tmp/stdout")'"
    fi
}
expect_unwritable "cannot create output directory" theory depth=3 "out=$tmp/afile/sub"
expect_unwritable "cannot create output directory" theory depth=3 activation=tanh --edge-of-chaos 2 "out=$tmp/afile/sub"
expect_unwritable "cannot create output directory" jacobian depth=3 "out=$tmp/afile/sub"
expect_unwritable "cannot write to .*afile.: Not a directory" activations "out=$tmp/afile/act.csv"
printf '[experiment]\nname = tiny\n[run]\ndepth = 2\nsteps = 2\n[sweep]\nseed = 1, 2\n' >"$tmp/tiny.ini"
expect_unwritable "cannot create output directory" sweep "$tmp/tiny.ini" "out=$tmp/afile/sub" -j 1 -q
"$vgrad" sweep "$tmp/tiny.ini" "out=$tmp/shard1" -j 1 -q --shard 1/1 >/dev/null 2>&1 || bad "tiny sweep"
expect_unwritable "afile/sub" merge "$tmp/afile/sub" "$tmp/shard1"

# A good csv file trains; a header row is skipped.
printf 'x1,x2,label\n' >"$tmp/good.csv"
i=0
while [ $i -lt 40 ]; do
    printf '%s,%s,%s\n' "$i" "$((i % 7))" "$((i % 2))" >>"$tmp/good.csv"
    i=$((i + 1))
done
if "$vgrad" run "dataset=csv:$tmp/good.csv" standardize=1 depth=2 steps=5 "out=$tmp/csvrun" >/dev/null &&
    grep -q "csv:$tmp/good.csv" "$tmp/csvrun/runs.csv"; then ok; else bad "csv dataset run"; fi

# Determinism: the same configuration twice gives byte-identical files
# (timing.csv aside), and no temporary file is left behind.
for d in first one; do
    "$vgrad" run depth=5 width=12 steps=40 log_every=7 batch_size=32 optimizer=momentum \
        "out=$tmp/one" >/dev/null || bad "determinism run $d"
    [ "$d" = first ] && mv "$tmp/one" "$tmp/first"
done
for f in layers.csv train.csv runs.csv hist.csv; do
    if cmp -s "$tmp/one/$f" "$tmp/first/$f" && [ -s "$tmp/one/$f" ]; then ok; else bad "$f differs"; fi
done
if [ -z "$(ls -A "$tmp/one" | grep -v -e '^layers.csv$' -e '^train.csv$' -e '^runs.csv$' -e '^timing.csv$' -e '^hist.csv$' -e '^predictions.csv$' -e '^time.csv$')" ]; then
    ok
else
    bad "stray files in output: $(ls -A "$tmp/one")"
fi
# 7 logged steps (0,7,...,35 and the last, 40) x 6 weight layers + header
rows=$(wc -l <"$tmp/one/layers.csv")
if [ "$rows" -eq $((7 * 6 + 1)) ]; then ok; else bad "layers.csv has $rows lines"; fi
# timing.csv says where the run ran: this host, and the OpenBLAS kernel,
# here the one OPENBLAS_CORETYPE forces (Prescott: any x86-64 runs it).
if [ "$(uname -m)" = x86_64 ]; then
    OPENBLAS_CORETYPE=Prescott "$vgrad" run depth=2 steps=2 "out=$tmp/where" >/dev/null || bad "the Prescott run failed"
    header=$(sed -n 1p "$tmp/where/timing.csv")
    got=$(mlr --icsv --ocsv --headerless-csv-output cut -o -f run_id,host,blas_core "$tmp/where/timing.csv")
    want="$(csv_column "$tmp/where/runs.csv" run_id),$(uname -n),Prescott"
    if [ "$header" = run_id,setup_seconds,train_seconds,steps_per_second,host,blas_core ] &&
       [ "$got" = "$want" ]; then ok; else
        bad "timing.csv: '$(cat "$tmp/where/timing.csv")', expected host $(uname -n) and blas_core Prescott"
    fi
fi

# A diverging run is a result: exit 0, status diverged.
"$vgrad" run depth=3 activation=relu loss=mse lr=1e4 steps=300 init=he_normal "out=$tmp/div" >"$tmp/stdout" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && grep -q ",diverged," "$tmp/div/runs.csv" && grep -q "diverged" "$tmp/stdout"; then
    ok
else
    bad "divergence: rc $rc $(cat "$tmp/stdout")"
fi

# gradcheck passes on a smooth and on a kinked activation, and fails loudly
# on nothing: every zero gradient would be refused.
for act in tanh relu gelu smelu; do
    if "$vgrad" gradcheck depth=3 width=6 activation=$act --tol 1e-6 >"$tmp/gc" 2>&1; then ok; else
        bad "gradcheck $act: $(cat "$tmp/gc")"
    fi
done
if [ "$(grep -c '^[0-9]' "$tmp/gc")" -eq 4 ]; then ok; else bad "gradcheck rows: $(cat "$tmp/gc")"; fi
"$vgrad" gradcheck --tol 2 >/dev/null 2>&1
if [ $? -eq 2 ]; then ok; else bad "gradcheck --tol 2 accepted"; fi

# activations: one row per activation and point, sigmoid' peaks at 0.25.
"$vgrad" activations range=-2:2 points=5 >"$tmp/act.csv" || bad "activations"
n_act=$("$vgrad" list | awk '/^activations/ {on=1; next} /^$/ {on=0} on' | wc -l)
if [ "$(wc -l <"$tmp/act.csv")" -eq $((n_act * 5 + 1)) ] && [ "$n_act" -ge 16 ]; then ok; else
    bad "activations rows $(wc -l <"$tmp/act.csv") for $n_act activations"
fi
sigmoid0=$(mlr --icsv --onidx --ofs , filter '$activation == "sigmoid" && $x == 0' then cut -o -f f,df "$tmp/act.csv")
if [ "$sigmoid0" = "0.5,0.25" ]; then ok; else bad "sigmoid at 0: f,df '$sigmoid0', expected 0.5,0.25"; fi
expect_usage "allowed: range=LO:HI" activations range=3:1
# theory notes inputs whose mean square varies between examples (gauss
# with 2 features: ||x||^2/2 is exponential, std/mean about 1), not 500.
"$vgrad" theory dataset=gauss activation=tanh depth=3 "out=$tmp/th" >"$tmp/th.out" 2>&1
if [ "$(wc -l <"$tmp/th.out")" -eq 2 ] && grep -q "^note: the inputs' mean square varies by [89][0-9]%\|^note: the inputs' mean square varies by 1[0-2][0-9]%" "$tmp/th.out"; then ok; else
    bad "theory on 2 features: no note: $(cat "$tmp/th.out")"
fi
"$vgrad" theory dataset=gauss n_features=500 activation=tanh depth=3 "out=$tmp/th" >"$tmp/th.out" 2>&1
if [ "$(wc -l <"$tmp/th.out")" -eq 1 ] && grep -q "^tanh sigma_w^2=0.333333" "$tmp/th.out"; then ok; else
    bad "theory on 500 features: $(cat "$tmp/th.out")"
fi
# theory and jacobian take the keys of run, with the same refusals
expect_usage "unknown key 'widht' (did you mean 'width'?)" theory widht=3 "$o"
expect_usage "key 'depth': '0' is out of range" jacobian depth=0 "$o"
expect_usage "mean-field theory needs random or zero biases" theory bias_init=0.1 "$o"
expect_usage "--edge-of-chaos needs a number" theory activation=tanh --edge-of-chaos x "$o"

# help, list, version
"$vgrad" help run | grep -q "^  activation" && ok || bad "help run"
"$vgrad" --version | grep -q "^vgrad [0-9]" && ok || bad "--version"
"$vgrad" --help | grep -q "gradcheck" && ok || bad "--help"

# vgrad list --csv: the tables as CSV for the scripts, read here with a real
# CSV reader (Miller), row counts checked against the text of vgrad list.
"$vgrad" list --csv >"$tmp/list.csv" || bad "list --csv failed"
"$vgrad" list >"$tmp/list.txt"
# section HEADING: the rows of that section of vgrad list's text
section() { awk -v h="$1" 'index($0, h) == 1 {on=1; next} /^$/ {on=0} on' "$tmp/list.txt"; }
# field LIST NAME COLUMN: one field of the CSV row LIST,NAME
field() { mlr --icsv --ojson filter -s l="$1" -s n="$2" '$list == @l && $name == @n' then cut -f "$3" "$tmp/list.csv" |
          mlr --ijson --onidx --ofs tab cat; }
count() { mlr --icsv --onidx filter -s l="$1" '$list == @l' then count "$tmp/list.csv"; }
if [ "$(sed -n 1p "$tmp/list.csv")" = list,name,parameter,default,description ]; then ok; else
    bad "list --csv header: $(sed -n 1p "$tmp/list.csv")"
fi
for pair in activation:activations init:initialisers loss:losses optimizer:optimisers dataset:datasets; do
    want=$(section "${pair#*:} (" | wc -l)
    got=$(count "${pair%%:*}")
    if [ "$want" -ge 3 ] && [ "$got" = "$want" ]; then ok; else bad "list --csv ${pair%%:*}: $got rows, vgrad list $want"; fi
done
# The normalisations and the layer kinds: the same names, in the same order,
# in the text and the CSV; every value norm= takes is listed, and each
# normalisation has its kind.
for pair in norm:normalisations "layer_kind:layer kinds"; do
    list=${pair%%:*}
    text_names=$(section "${pair#*:} (" | awk '{print $1}' | paste -sd, -)
    csv_names=$(mlr --icsv --onidx filter -s l="$list" '$list == @l' then cut -f name "$tmp/list.csv" | paste -sd, -)
    if [ "$(count "$list")" -ge 3 ] && [ "$text_names" = "$csv_names" ]; then ok; else
        bad "list $list: text '$text_names', csv '$csv_names'"
    fi
done
allowed=$("$vgrad" help run | awk '$1 == "norm" {getline; sub(/.*allowed: one of /, ""); gsub(/ /, ""); print}')
norms=$(mlr --icsv --onidx filter '$list == "norm"' then cut -f name "$tmp/list.csv" | paste -sd, -)
if [ -n "$allowed" ] && [ "$allowed" = "$norms" ]; then ok; else bad "norm= allows '$allowed', list has '$norms'"; fi
for n in batch layer; do
    if [ "$(field layer_kind "dense_${n}norm" list)" = layer_kind ] && [ "$(field norm $n list)" = norm ]; then ok; else
        bad "list --csv: no norm $n or layer_kind dense_${n}norm"
    fi
done
want=$(($("$vgrad" help keys | wc -l) - 2))
if [ "$want" -ge 40 ] && [ "$(count key)" = "$want" ]; then ok; else bad "list --csv keys: $(count key), expected $want"; fi
for a in leaky_relu:slope:0.01 elu:alpha:1 smelu:beta:1 tanh::; do
    IFS=: read -r name param def <<EOT
$a
EOT
    got="$(field activation "$name" parameter):$(field activation "$name" default)"
    if [ "$got" = "$param:$def" ]; then ok; else bad "list --csv $name: '$got', expected '$param:$def'"; fi
done
# A description holding commas survives the quoting: the same text as vgrad list.
desc=$(field activation step description)
case "$desc" in *,*) ok ;; *) bad "list --csv step: no comma in '$desc'" ;; esac
if section "activations (" | grep -qxF "  step                     $desc"; then ok; else bad "list --csv step: '$desc'"; fi
if [ "$(field key depth parameter):$(field key depth default)" = int:10 ]; then ok; else bad "list --csv key depth"; fi
if [ "$(field dataset 'idx:IMAGES[,LABELS]' list)" = dataset ]; then ok; else bad "list --csv idx: form"; fi
outs=$(mlr --icsv --onidx filter '$list == "output_key"' then cut -f name "$tmp/list.csv" | tr '\n' ' ')
if [ "$outs" = "name out save_weights save_predictions " ]; then ok; else bad "list --csv output keys: '$outs'"; fi
quantities=$(mlr --icsv --onidx filter '$list == "hist_quantity"' then cut -f name "$tmp/list.csv" | paste -sd, -)
if [ "$quantities" = "$(field key hist_quantities default)" ] && [ -n "$quantities" ]; then ok; else
    bad "list --csv quantities '$quantities'"
fi
expect_usage "allowed: vgrad list, vgrad list --csv" list --tsv

# The README's key table is the key table: generated, never typed twice.
readme="$(dirname "$0")/../README.md"
sed -n '/<!-- keys:begin -->/,/<!-- keys:end -->/p' "$readme" | sed '1d;$d' >"$tmp/readme_keys"
"$vgrad" help keys >"$tmp/keys"
if [ -s "$tmp/keys" ] && cmp -s "$tmp/keys" "$tmp/readme_keys"; then ok; else
    bad "README key table differs from 'vgrad help keys' (regenerate it)"
fi
# So are its column tables: every block between <!-- columns:FILE:begin -->
# and <!-- columns:FILE:end --> is the column list of FILE in the code.
sed -n '/^<!-- columns:.*:begin -->$/,/^<!-- columns:.*:end -->$/p' "$readme" >"$tmp/readme_columns"
"$vgrad" help columns >"$tmp/columns"
if [ "$(grep -c '^| `' "$tmp/columns")" -ge 30 ] && cmp -s "$tmp/columns" "$tmp/readme_columns"; then ok; else
    bad "README column tables differ from 'vgrad help columns' (run scripts/update-readme-keys.sh)"
fi
# The headers the runs wrote are the column lists of vgrad list --csv (runs.csv
# with each key in its place; train.csv here without a test split).
for f in layers train runs; do
    want=$(mlr --icsv --onidx filter -s l=${f}_column '$list == @l && $parameter != "test"' then cut -f name "$tmp/list.csv" | paste -sd, -)
    if [ -n "$want" ] && [ "$(sed -n 1p "$tmp/one/$f.csv")" = "$want" ]; then ok; else
        bad "$f.csv header '$(sed -n 1p "$tmp/one/$f.csv")', list --csv '$want'"
    fi
done

finish
