#!/bin/sh
# sweep-parallel.sh: one sweep split into N shards that GNU parallel runs,
# here or over SSH hosts, then merged into one directory.
#   scripts/sweep-parallel.sh FILE [-j N] [--hosts h1,h2,...] [--out DIR] [--resume]
#                             [-- key=value ...]
#
# Shard K of N runs `vgrad sweep FILE --shard K/N -j 1 --quiet out=DIR/shards/K
# key=value ...`, then `vgrad merge DIR DIR/shards/1 ... DIR/shards/N` writes
# layers.csv, train.csv, runs.csv, experiment.ini and .runs/ into DIR, the
# same bytes as one plain `vgrad sweep` (manifest and timing.csv hold times).
#   -j N        the number of shards, all started at once; default: the
#               number of cores here, or with --hosts the number of hosts
#   --hosts L   run the shards over SSH on the hosts of L (GNU parallel's -S
#               syntax: host, user@host, ':' for this machine), at most
#               ceil(N / hosts) at a time on each
#   --out DIR   default results/NAME (NAME from [experiment] name = in FILE,
#               else FILE's base name), relative to the current directory,
#               as for `vgrad sweep`; without --resume DIR must be new or empty
#   --resume    continue an interrupted batch in DIR: GNU parallel reads
#               DIR/parallel.joblog and runs the shards that did not finish
#               or failed (--resume-failed), each shard skips its finished
#               runs (vgrad's --resume), and the merge is done anew.  N is
#               taken from DIR when -j is not given.
#   -- k=v ...  overrides for every run, as for `vgrad sweep`
# Remote hosts (--hosts): every host needs vgrad and FILE at the same
# absolute paths as here, and DIR on a file system they all share (NFS or
# similar), since the merge reads every shard here.  Each host also needs
# SSH login without a password (ports and keys in ~/.ssh/config, or an ssh
# command in PARALLEL_SSH) and perl (GNU parallel wraps remote commands in
# it); the shards run in the same working directory as here, given as its
# absolute path (GNU parallel's --workdir . would turn a directory under
# $HOME into a path relative to the remote home).
# vgrad is $VGRAD if set, else build/vgrad of this checkout.
# Exit status: 0 all runs merged; 1 some runs failed (merged, as with
# `vgrad sweep`, see DIR/runs.csv) or shards did not finish (not merged:
# rerun with --resume); 2 bad usage, nothing run.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
vgrad=${VGRAD:-$root/build/vgrad}
usage="usage: sweep-parallel.sh FILE [-j N] [--hosts h1,h2,...] [--out DIR] [--resume] [-- key=value ...]"
die() { echo "sweep-parallel: error: $*" >&2; exit 2; }
fail() { echo "sweep-parallel: error: $*" >&2; exit 1; }
. "$root/scripts/sweep-lib.sh"

case "${1:-}" in
    -h | --help) echo "$usage"; exit 0 ;;
    "" | -*) die "$usage" ;;
esac
file=$1
shift
[ -f "$file" ] && [ -r "$file" ] || die "cannot read experiment file '$file'"
shards=""
hosts=""
out=""
resume=""
while [ $# -gt 0 ]; do
    case "$1" in
        -j | --hosts | --out) [ $# -ge 2 ] || die "$1 needs a value"; opt=$1; value=$2; shift 2 ;;
        -j*) opt=-j; value=${1#-j}; shift ;;
        --resume) resume=1; shift; continue ;;
        --) shift; break ;;
        *) die "unknown option '$1'; allowed: -j N, --hosts h1,h2,..., --out DIR, --resume, -- key=value ..." ;;
    esac
    case "$opt" in
        -j) shards=$value ;;
        --hosts) hosts=$value ;;
        --out) out=$value ;;
    esac
done
check_overrides "$@"
case "$shards" in
    "") ;;
    *[!0-9]* | 0*) die "-j '$shards': allowed: a number of shards from 1" ;;
esac
n_hosts=0
if [ -n "$hosts" ]; then
    case "$hosts" in
        *[[:space:]]*) die "--hosts '$hosts': no spaces; give ssh options in ~/.ssh/config or PARALLEL_SSH" ;;
    esac
    n_hosts=$(printf '%s\n' "$hosts" | tr ',' '\n' | grep -c .)
    [ "$n_hosts" -gt 0 ] || die "--hosts '$hosts': allowed: a comma-separated list of hosts"
fi
find_vgrad

# The whole grid is checked before anything runs: a bad file or override
# stops here with vgrad's own message.
plan_sweep "$@"

# DIR is new, or (with --resume) a batch of this script: its shard count
# comes from the shards themselves (vgrad writes K/N into .runs/shard).
if [ -d "$out" ] && [ -n "$(ls -A "$out")" ]; then
    [ -n "$resume" ] || die "'$out' is not empty; add --resume to continue the batch there, or choose another --out"
    [ -f "$out/parallel.joblog" ] || [ -d "$out/shards" ] ||
        die "'$out' holds no sweep-parallel batch (no parallel.joblog or shards/); choose another --out"
    earlier=""
    for record in "$out"/shards/*/.runs/shard; do
        [ -f "$record" ] && earlier=$(sed -n '1s|^[0-9]*/\([0-9]*\)$|\1|p' "$record") && break
    done
    if [ -n "$earlier" ]; then
        [ -z "$shards" ] || [ "$shards" -eq "$earlier" ] ||
            die "'$out' holds a batch of $earlier shards; resume it with -j $earlier"
        shards=$earlier
    fi
fi
if [ -z "$shards" ]; then
    if [ "$n_hosts" -gt 0 ]; then shards=$n_hosts; else shards=$(nproc); fi
fi

if ! command -v parallel >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    # apt-get's output goes to a log; only its end is shown, on failure
    apt_log=$(mktemp "${TMPDIR:-/tmp}/vgrad_sweep_parallel_apt.XXXXXX") || fail "cannot create a temporary file"
    echo "sweep-parallel: installing GNU parallel (Debian package parallel)" >&2
    if ! $sudo apt-get update -qq >"$apt_log" 2>&1 ||
        ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 parallel >>"$apt_log" 2>&1; then
        echo "sweep-parallel: error: could not install GNU parallel; install the Debian package 'parallel'; the last lines of apt-get's output:" >&2
        tail -n 25 "$apt_log" >&2
        rm -f "$apt_log"
        exit 1
    fi
    rm -f "$apt_log"
fi

# The result files of a sweep directory, as vgrad names them (`vgrad list
# --csv`), read before any shard runs so that a failure here costs nothing;
# the merge below removes and writes them anew.
charts="$(cd "$(dirname "$0")" && pwd)/charts"
list=$(mktemp "${TMPDIR:-/tmp}/vgrad_sweep_parallel_list.XXXXXX") || fail "cannot create a temporary file"
"$vgrad" list --csv >"$list" || { rm -f "$list"; fail "$vgrad list --csv failed"; }
result_files=$(gawk -f "$charts/csv.awk" -f "$charts/vgrad-list.awk" -v list="$list" \
    -v print_names=result_file) || result_files=""
rm -f "$list"
[ -n "$result_files" ] || fail "cannot read the result files from $vgrad list --csv"

mkdir -p "$out/shards" || fail "cannot create '$out/shards'"
workdir=""
# -q quotes every word, so paths and overrides reach vgrad unchanged, also
# through ssh.  Locally all N shards start at once; over SSH each host gets
# at most ceil(N / hosts) of them (parallel's -j counts per host).
if [ "$n_hosts" -gt 0 ]; then
    placement="-S $hosts -j $(((shards + n_hosts - 1) / n_hosts))"
    workdir=$(pwd)
else
    placement="-j $shards"
fi
# Like one `vgrad sweep`, a failed run does not stop the others: every shard
# runs to its end, and shards whose runs all finished (failed ones included)
# still merge.
# shellcheck disable=SC2086  # placement is split into words on purpose
parallel --will-cite -q $placement ${workdir:+--workdir} ${workdir:+"$workdir"} --joblog "$out/parallel.joblog" ${resume:+--resume-failed} \
    "$vgrad" sweep "$file" --shard "{}/$shards" -j 1 --quiet ${resume:+--resume} "out=$out/shards/{}" "$@" \
    ::: $(seq 1 "$shards")
failed_shards=$?

# The merged files are derived from the shards: after --resume they are
# written anew (the files of a sweep directory: .runs, experiment.ini,
# manifest and the result files vgrad names in `vgrad list --csv`; anything
# else in DIR, plots for example, stays).
rm -rf "$out/.runs" "$out/experiment.ini" "$out/manifest"
for f in $result_files; do rm -f "$out/$f"; done
set --
for k in $(seq 1 "$shards"); do set -- "$@" "$out/shards/$k"; done
if ! "$vgrad" merge "$out" "$@"; then
    fail "the shards did not all finish (see $out/parallel.joblog); rerun with --resume to continue"
fi
[ "$failed_shards" -eq 0 ] || fail "runs failed in $failed_shards of $shards shards (see $out/runs.csv)"
