#!/bin/sh
# sweep-parallel.sh: a sweep split into N shards run by GNU parallel,
# locally or over SSH hosts, then merged.
#   scripts/sweep-parallel.sh FILE [-j N] [--hosts h1,h2,...] [--out DIR] [--resume]
#                             [-- key=value ...]
# Each shard is `vgrad sweep FILE --shard K/N -j 1 out=DIR/shards/K`; GNU
# parallel runs N of them at a time (-j, default the number of cores here,
# or one per host with --hosts) and keeps DIR/parallel.joblog, so --resume
# reruns only the shards that did not finish (each shard resumes its own
# finished runs too).  Then `vgrad merge DIR DIR/shards/1 .. N` writes the
# sweep's files into DIR, byte-identical to one `vgrad sweep` (manifest and
# timing.csv aside).
# With --hosts, parallel runs the shards over SSH (-S): every host needs
# vgrad and the experiment file at the same absolute paths, and DIR on a
# shared file system.  VGRAD names the vgrad binary (default build/vgrad).
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
vgrad=${VGRAD:-$root/build/vgrad}
die() { echo "sweep-parallel: error: $*" >&2; exit 2; }

[ $# -ge 1 ] || die "usage: sweep-parallel.sh FILE [-j N] [--hosts h1,h2] [--out DIR] [--resume] [-- key=value ...]"
file=$1
shift
[ -r "$file" ] || die "cannot read experiment file '$file'"
jobs=""
hosts=""
out=""
resume=""
while [ $# -gt 0 ]; do
    case "$1" in
        -j) [ $# -ge 2 ] || die "-j needs a number"; jobs=$2; shift 2 ;;
        --hosts) [ $# -ge 2 ] || die "--hosts needs a list"; hosts=$2; shift 2 ;;
        --out) [ $# -ge 2 ] || die "--out needs a directory"; out=$2; shift 2 ;;
        --resume) resume=--resume; shift ;;
        --) shift; break ;;
        *) die "unknown option '$1'; allowed: -j N, --hosts h1,h2, --out DIR, --resume, -- key=value ..." ;;
    esac
done
case "$jobs" in
    "") if [ -n "$hosts" ]; then jobs=$(echo "$hosts" | tr ',' '\n' | grep -c .); else jobs=$(nproc); fi ;;
    *[!0-9]* | 0) die "-j '$jobs': allowed: a number of shards from 1" ;;
esac
command -v parallel >/dev/null 2>&1 || {
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq parallel >&2
}

# Validate the whole grid first: a bad value stops everything here.
first=$("$vgrad" sweep "$file" "$@" --dry-run | head -1) || exit 2
name=$(echo "$first" | sed -n 's/^experiment \(.*\): [0-9]* runs.*/\1/p')
[ -n "$out" ] || out="$root/results/$name"
case "$out" in /*) ;; *) out="$(pwd)/$out" ;; esac
case "$file" in /*) ;; *) file="$(pwd)/$file" ;; esac
mkdir -p "$out/shards"

remote=""
[ -z "$hosts" ] || remote="-S $hosts --workdir ."
# shellcheck disable=SC2086
parallel --will-cite --halt soon,fail=1 -j "$jobs" $remote --joblog "$out/parallel.joblog" \
    ${resume:+--resume-failed} \
    "$vgrad" sweep "$file" --shard {}/"$jobs" -j 1 --quiet $resume "$@" "out=$out/shards/{}" \
    ::: $(seq 1 "$jobs") >/dev/null
shards=""
for k in $(seq 1 "$jobs"); do shards="$shards $out/shards/$k"; done
# The merged files are written anew from the shards on every call.
rm -rf "$out/.runs" "$out/experiment.ini" "$out/manifest"
for f in layers train hist predictions runs timing; do rm -f "$out/$f.csv"; done
# shellcheck disable=SC2086
"$vgrad" merge "$out" $shards
