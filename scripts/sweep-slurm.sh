#!/bin/sh
# sweep-slurm.sh: a sweep as a Slurm job array of N shards and a merge job
# that runs when all of them have succeeded.
#   scripts/sweep-slurm.sh FILE N [--out DIR] [--sbatch "OPTIONS"] [-- key=value ...]
# Array task K runs `vgrad sweep FILE --shard K/N -j 1 --resume
# out=DIR/shards/K` (a requeued task continues where it stopped); the merge
# job (--dependency=afterok:ARRAY) runs `vgrad merge DIR DIR/shards/1 .. N`.
# Prints "array job ID" and "merge job ID".  Slurm's output goes to
# DIR/slurm-ARRAY_K.out and DIR/slurm-merge-ID.out.
# --sbatch passes options to both sbatch calls, for example
#   --sbatch "--time=02:00:00 --mem=4G --partition=short --account=myproj"
# (--time: the wall-clock limit of one shard; --mem: memory per shard, see
# `vgrad sweep FILE --dry-run` for the largest run; --partition, --account,
# --qos as your cluster wants them).  vgrad, the experiment file and DIR
# must be on a file system every node sees; VGRAD names the binary
# (default build/vgrad of this checkout).
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
vgrad=${VGRAD:-$root/build/vgrad}
die() { echo "sweep-slurm: error: $*" >&2; exit 2; }

[ $# -ge 2 ] || die "usage: sweep-slurm.sh FILE N [--out DIR] [--sbatch \"OPTIONS\"] [-- key=value ...]"
file=$1
n=$2
shift 2
[ -r "$file" ] || die "cannot read experiment file '$file'"
case "$n" in *[!0-9]* | "" | 0) die "N '$n': allowed: a number of shards from 1" ;; esac
out=""
opts=""
while [ $# -gt 0 ]; do
    case "$1" in
        --out) [ $# -ge 2 ] || die "--out needs a directory"; out=$2; shift 2 ;;
        --sbatch) [ $# -ge 2 ] || die "--sbatch needs options"; opts=$2; shift 2 ;;
        --) shift; break ;;
        *) die "unknown option '$1'; allowed: --out DIR, --sbatch \"OPTIONS\", -- key=value ..." ;;
    esac
done
command -v sbatch >/dev/null 2>&1 || die "sbatch not found: this needs a Slurm cluster (slurm-client)"

# Validate the whole grid before submitting anything.
first=$("$vgrad" sweep "$file" "$@" --dry-run | head -1) || exit 2
name=$(echo "$first" | sed -n 's/^experiment \(.*\): [0-9]* runs.*/\1/p')
[ -n "$out" ] || out="$root/results/$name"
case "$out" in /*) ;; *) out="$(pwd)/$out" ;; esac
case "$file" in /*) ;; *) file="$(pwd)/$file" ;; esac
case "$vgrad" in /*) ;; *) vgrad="$(pwd)/$vgrad" ;; esac
mkdir -p "$out/shards"

# The two batch scripts, with every argument quoted for sh.
quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
overrides=""
for a in "$@"; do overrides="$overrides $(quote "$a")"; done
{
    echo "#!/bin/sh"
    echo "set -e"
    echo "$(quote "$vgrad") sweep $(quote "$file") --shard \"\$SLURM_ARRAY_TASK_ID\"/$n -j 1 --quiet --resume$overrides $(quote "out=$out/shards")/\"\$SLURM_ARRAY_TASK_ID\""
} >"$out/shard.sh"
shards=""
for k in $(seq 1 "$n"); do shards="$shards $(quote "$out/shards/$k")"; done
{
    echo "#!/bin/sh"
    echo "set -e"
    echo "$(quote "$vgrad") merge $(quote "$out")$shards"
} >"$out/merge.sh"

# shellcheck disable=SC2086
array=$(sbatch --parsable --array=1-"$n" --job-name=vgrad-sweep $opts \
    --output="$out/slurm-%A_%a.out" "$out/shard.sh")
array=${array%%;*}
# shellcheck disable=SC2086
merge=$(sbatch --parsable --dependency=afterok:"$array" --job-name=vgrad-merge $opts \
    --output="$out/slurm-merge-%j.out" "$out/merge.sh")
merge=${merge%%;*}
echo "array job $array"
echo "merge job $merge"
