#!/bin/sh
# test_parallel.sh: scripts/sweep-parallel.sh runs the shards of a sweep
# with GNU parallel (installed when missing) and merges them: the result is
# byte-identical to a plain local `vgrad sweep` of the same file (timing
# aside); --resume on the finished batch succeeds and touches no shard file;
# --hosts goes through ssh (a stand-in that runs here); bad usage stops
# before anything runs.  Paths hold spaces on purpose.
#   tests/test_parallel.sh PATH_TO_VGRAD
set -u
test_name=parallel
. "$(dirname "$0")/lib.sh"
trap 'exit 130' INT TERM HUP # run lib.sh's EXIT trap on a signal too
[ $# -eq 1 ] || { echo "usage: tests/test_$test_name.sh PATH_TO_VGRAD" >&2; exit 2; }
vgrad=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
script="$(cd "$(dirname "$0")/.." && pwd)/scripts/sweep-parallel.sh"
# Every call of the script is bounded in time, so a hang fails the test.
sweep_parallel() { VGRAD="$vgrad" timeout 60 sh "$script" "$@"; }

need_tools parallel:parallel || true
command -v parallel >/dev/null 2>&1 || skip "GNU parallel (Debian package parallel) is not installed and could not be"

mkdir -p "$tmp/in put"
grid="$tmp/in put/grid.ini"
cat >"$grid" <<'INI'
[experiment]
name = pgrid
[run]
steps = 10
width = 8
log_every = 5
hist_every = 5
[sweep]
depth = 2, 3
activation = tanh, relu
seed = 1..3
INI
local_dir="$tmp/local"
par="$tmp/out dir/par"

# same_as_local DIR WHEN: the merged files of DIR equal the local sweep's,
# and so does .runs/ but for the times in each run's timing.csv.
same_as_local() {
    for f in layers.csv train.csv hist.csv predictions.csv runs.csv experiment.ini; do
        if [ -s "$1/$f" ] && cmp -s "$local_dir/$f" "$1/$f"; then ok; else bad "$2: $f differs or is missing"; fi
    done
    if diff -r -x timing.csv "$local_dir/.runs" "$1/.runs" >"$tmp/diff" 2>&1; then ok; else
        bad "$2: .runs differs: $(head -5 "$tmp/diff")"
    fi
}

"$vgrad" sweep "$grid" -j 2 --quiet "out=$local_dir" >/dev/null || bad "local sweep failed"

# Three shards of 4 runs each, one joblog line per shard, each exit 0.
sweep_parallel "$grid" -j 3 --out "$par" >"$tmp/log" 2>&1 || bad "sweep-parallel exited $?: $(cat "$tmp/log")"
same_as_local "$par" "-j 3"
if [ "$(awk -F '\t' 'NR > 1 && $7 == 0' "$par/parallel.joblog" | wc -l)" -eq 3 ]; then ok; else
    bad "joblog: expected 3 shards with exit 0: $(cat "$par/parallel.joblog")"
fi
for k in 1 2 3; do
    if [ "$(cat "$par/shards/$k/.runs/shard" 2>/dev/null)" = "$k/3" ]; then ok; else bad "shard $k is not $k/3"; fi
done

# --resume on the finished batch (N read from DIR): it succeeds, the merge
# is the same, and no file under shards/ nor the joblog was written again.
snapshot() { find "$par/shards" "$par/parallel.joblog" -printf '%p %s %T@\n' | sort; }
snapshot >"$tmp/before"
sleep 1 # a rewrite would then show in the modification times
sweep_parallel "$grid" --out "$par" --resume >"$tmp/log" 2>&1 || bad "--resume exited $?: $(cat "$tmp/log")"
snapshot >"$tmp/after"
if cmp -s "$tmp/before" "$tmp/after"; then ok; else
    bad "--resume rewrote shard files: $(diff "$tmp/before" "$tmp/after" | head -6)"
fi
if grep -q "done now" "$tmp/log"; then bad "--resume ran shards again: $(cat "$tmp/log")"; else ok; fi
same_as_local "$par" "--resume"

# --hosts: GNU parallel wraps each shard for ssh (quoting, the working
# directory).  A stand-in ssh (PARALLEL_SSH) records the host and runs the
# command here, starting like sshd in the remote user's home (with SHELL
# set: GNU parallel's remote wrapper runs the job with $SHELL, and CI may
# start the tests with no SHELL at all).  That home is not ours: the shards
# must run in the directory sweep-parallel.sh was started in (an absolute
# path on the shared file system), also when it lies under our $HOME, where
# `--workdir .` made it a path relative to the remote home.
remote_home="$tmp/remote home"
mkdir -p "$remote_home" "$tmp/bin"
cat >"$tmp/bin/ssh" <<SSH
#!/bin/sh
# ssh [options] HOST [--] COMMAND...: note HOST, run COMMAND on this machine
# in the remote home.
HOME='$remote_home'
SHELL=/bin/sh
export HOME SHELL
cd "\$HOME" || exit 255
SSH
cat >>"$tmp/bin/ssh" <<'SSH'
while [ $# -gt 0 ]; do
    case "$1" in
        -[lpoiF]) shift 2 ;;
        -*) shift ;;
        *) break ;;
    esac
done
echo "$1" >>"$(dirname "$0")/hosts.log"
shift
[ "${1:-}" = "--" ] && shift
exec sh -c "$*"
SSH
# The vgrad the shards run notes its working directory.
cat >"$tmp/bin/vgrad" <<VGRAD
#!/bin/sh
pwd >>"$tmp/bin/cwd.log"
exec "$vgrad" "\$@"
VGRAD
chmod +x "$tmp/bin/ssh" "$tmp/bin/vgrad"
# on_hosts WHERE DIR: sweep-parallel.sh --hosts started in DIR.
on_hosts() {
    mkdir -p "$2"
    rm -f "$tmp/bin/hosts.log" "$tmp/bin/cwd.log"
    (cd "$2" && PARALLEL_SSH="$tmp/bin/ssh" VGRAD="$tmp/bin/vgrad" timeout 60 sh "$script" "$grid" \
        --hosts node-a,node-b --out "$tmp/out dir/hosts $1") >"$tmp/log" 2>&1 ||
        bad "--hosts from $1 exited $?: $(cat "$tmp/log")"
    same_as_local "$tmp/out dir/hosts $1" "--hosts from $1"
    if [ "$(sort -u "$tmp/bin/hosts.log" 2>/dev/null | tr '\n' ' ')" = "node-a node-b " ]; then ok; else
        bad "--hosts node-a,node-b from $1: the shards ran on '$(tr '\n' ' ' <"$tmp/bin/hosts.log" 2>&1)'"
    fi
    elsewhere=$(grep -v -x -F "$2" "$tmp/bin/cwd.log" | sort -u | tr '\n' ' ')
    if [ "$(grep -c -x -F "$2" "$tmp/bin/cwd.log")" -ge 4 ] && [ -z "$elsewhere" ]; then ok; else
        bad "--hosts from $1 ($2): vgrad ran in '$elsewhere'"
    fi
    if [ -z "$(ls -A "$remote_home")" ]; then ok; else
        bad "--hosts from $1: the remote home holds $(find "$remote_home" -mindepth 1 | tr '\n' ' ')"
        rm -rf "$remote_home" && mkdir "$remote_home"
    fi
}
on_hosts "under HOME" "$HOME/src/vgrad co/build"
on_hosts "outside HOME" "$tmp/src/vgrad co/build"

# expect_usage NEEDLE ARGS...: exit 2, one stderr line holding NEEDLE, and
# no shard directory made.
expect_usage() {
    needle=$1
    shift
    sweep_parallel "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    rc=$?
    if [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/stderr")" -eq 1 ] && grep -qF -- "$needle" "$tmp/stderr" &&
        [ ! -e "$tmp/never/shards/1" ]; then
        ok
    else
        bad "$*: rc $rc (expected 2), stderr '$(cat "$tmp/stderr")' (expected '$needle')"
    fi
}
expect_usage "key 'depth': '0' is out of range" "$grid" -j 2 --out "$tmp/never" -- depth=0
expect_usage "-j '0': allowed: a number of shards from 1" "$grid" -j 0 --out "$tmp/never"
expect_usage "unknown option '--jobs'" "$grid" --jobs 2 --out "$tmp/never"
expect_usage "cannot read experiment file" "$tmp/missing.ini" --out "$tmp/never"
expect_usage "give the directory with --out DIR" "$grid" -- "out=$tmp/never"
expect_usage "is not empty; add --resume" "$grid" -j 3 --out "$par"
expect_usage "holds a batch of 3 shards; resume it with -j 3" "$grid" -j 2 --out "$par" --resume

# GNU parallel missing and apt-get failing: one line that it installs, one
# error line and the end of apt-get's output (its last 25 lines, so not the
# first of 40 lines of noise), exit 1, nothing made.  A PATH of every
# command here but parallel, with an apt-get (and sudo) of the test's own.
fake="$tmp/nopar-bin"
mkdir "$fake"
for dir in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
    for cmd in "$dir"/*; do
        name=${cmd##*/}
        [ -x "$cmd" ] && [ "$name" != parallel ] && [ ! -e "$fake/$name" ] && ln -s "$cmd" "$fake/$name"
    done
done
rm -f "$fake/apt-get" "$fake/sudo"
printf '#!/bin/sh\n[ "$1" = update ] && { seq -f "update noise %%g" 40; exit 0; }\necho "E: Unable to locate package parallel"\nexit 100\n' >"$fake/apt-get"
printf '#!/bin/sh\nexec "$@"\n' >"$fake/sudo"
chmod +x "$fake/apt-get" "$fake/sudo"
rc=0
(PATH="$fake" && export PATH && sweep_parallel "$grid" -j 2 --out "$tmp/nopar") >"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
if [ "$rc" -eq 1 ] && [ "$(grep -c '^sweep-parallel: ' "$tmp/stderr")" -eq 2 ] &&
    grep -q "^sweep-parallel: error: could not install GNU parallel" "$tmp/stderr" &&
    [ "$(tail -n 1 "$tmp/stderr")" = "E: Unable to locate package parallel" ] &&
    ! grep -qx "update noise 1" "$tmp/stderr" && [ ! -e "$tmp/nopar" ]; then
    ok
else
    bad "sweep-parallel.sh with a failing apt-get: rc $rc (expected 1), stderr: $(cat "$tmp/stderr")"
fi
finish
