#!/bin/sh
# sweep-slurm.sh: one sweep as a Slurm job array of N shards, and a merge
# job that runs once every shard has succeeded.
#   scripts/sweep-slurm.sh FILE N [--out DIR] [--sbatch "OPTIONS"] [-- key=value ...]
#
# Array task K runs `vgrad sweep FILE --shard K/N -j 1 --quiet --resume
# out=DIR/shards/K key=value ...` (--resume: a requeued or resubmitted task
# keeps the runs it finished).  A task stopped by SIGTERM (its time limit,
# or scancel --signal=TERM --full) that finished a run requeues itself and
# goes on where it stopped; the merge job waits for it.  The merge job, submitted with
# --dependency=afterok:ARRAY, runs `vgrad merge DIR DIR/shards/1 ... N`,
# which writes the sweep's files into DIR, the same bytes as one plain
# `vgrad sweep` (manifest and timing.csv hold times).  Prints two lines,
#   array job ID
#   merge job ID
# and writes the two batch scripts it submits, DIR/shard.sh and
# DIR/merge.sh.  Slurm's output goes to DIR/slurm-ARRAY_K.out (one a task)
# and DIR/slurm-merge-ID.out.  DIR defaults to results/NAME (NAME from
# [experiment] name = in FILE, else FILE's base name) under the current
# directory, as for `vgrad sweep`.  Submitting again into the same DIR
# continues the batch (same FILE, N and overrides) and merges anew: do that
# after a shard failed or hit its time limit.  Such a merge job never runs;
# it stays pending (DependencyNeverSatisfied) unless the cluster sets
# DependencyParameters=kill_invalid_depend, so scancel it.
#
# --sbatch "OPTIONS" go to both sbatch calls (split at spaces), for example
#   --sbatch "--time=02:00:00 --mem=2G --partition=short --account=myproj"
# The common ones:
#   --time=HH:MM:SS   wall-clock limit of one shard (and of the merge): about
#                     (runs / N) times the longest run
#   --mem=SIZE        memory of one shard, which runs one run at a time: the
#                     "at most X MiB per run" of `vgrad sweep FILE --dry-run`
#                     plus a few MiB for the program (a small sweep's shard
#                     peaks near 7 MiB)
#   --partition=P     the partition (queue) to run in; --account=A, --qos=Q
#                     where the cluster charges or limits by them
#   --mail-type=END,FAIL --mail-user=ADDR   mail when jobs end or fail
# Each shard uses one core (-j 1), so --cpus-per-task is not needed.
# vgrad, FILE and DIR must be on a file system every node sees (all paths
# written into the jobs are absolute); vgrad is $VGRAD if set, else
# build/vgrad of this checkout.
# Exit status: 0 submitted; 1 sbatch failed (a submitted array is
# cancelled again); 2 bad usage, nothing submitted.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
vgrad=${VGRAD:-$root/build/vgrad}
usage="usage: sweep-slurm.sh FILE N [--out DIR] [--sbatch \"OPTIONS\"] [-- key=value ...]"
die() { echo "sweep-slurm: error: $*" >&2; exit 2; }
fail() { echo "sweep-slurm: error: $*" >&2; exit 1; }
. "$root/scripts/sweep-lib.sh"

case "${1:-}" in
    -h | --help) echo "$usage"; exit 0 ;;
esac
[ $# -ge 2 ] || die "$usage"
file=$1
shards=$2
shift 2
[ -f "$file" ] && [ -r "$file" ] || die "cannot read experiment file '$file'"
case "$shards" in
    "" | *[!0-9]* | 0*) die "N '$shards': allowed: a number of shards from 1" ;;
esac
out=""
options=""
while [ $# -gt 0 ]; do
    case "$1" in
        --out | --sbatch) [ $# -ge 2 ] || die "$1 needs a value" ;;
    esac
    case "$1" in
        --out) out=$2; shift 2 ;;
        --sbatch) options=$2; shift 2 ;;
        --) shift; break ;;
        *) die "unknown option '$1'; allowed: --out DIR, --sbatch \"OPTIONS\", -- key=value ..." ;;
    esac
done
check_overrides "$@"
find_vgrad
command -v sbatch >/dev/null 2>&1 || die "no sbatch here: this needs a Slurm cluster (Debian package slurm-client)"

# The whole grid is checked before anything is submitted: a bad file or
# override stops here with vgrad's own message.
plan_sweep "$@"

# DIR is new, or a batch of this script with the same N (vgrad writes K/N
# into each shard's .runs/shard).
if [ -d "$out" ] && [ -n "$(ls -A "$out")" ]; then
    [ -d "$out/shards" ] || die "'$out' is not empty and holds no sweep-slurm batch (no shards/); choose another --out"
    for record in "$out"/shards/*/.runs/shard; do
        [ -f "$record" ] || continue
        earlier=$(sed -n '1s|^[0-9]*/\([0-9]*\)$|\1|p' "$record")
        [ "$earlier" = "$shards" ] || die "'$out' holds a batch of $earlier shards; submit it again with N = $earlier"
        break
    done
fi
mkdir -p "$out/shards" || fail "cannot create '$out/shards'"

# The two batch scripts, every argument quoted for sh.
quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
overrides=""
for override in "$@"; do overrides="$overrides $(quote "$override")"; done
{
    echo "#!/bin/sh"
    echo "# Written by scripts/sweep-slurm.sh: array task K of 1-$shards runs shard K/$shards."
    echo "# SIGTERM (Slurm's at the time limit, or scancel --signal=TERM --full) makes vgrad"
    echo "# abandon the run in progress and exit 143.  When this attempt finished a run,"
    echo "# the task requeues itself and goes on with --resume; when it finished none (a run"
    echo "# longer than the time limit), it fails rather than requeue for ever."
    echo "dir=$(quote "$out/shards")/\"\$SLURM_ARRAY_TASK_ID\""
    echo "finished() { find \"\$dir/.runs\" -mindepth 1 -maxdepth 1 -type d ! -name '.*' 2>/dev/null | wc -l; }"
    echo "before=\$(finished)"
    echo "trap 'kill -TERM \"\$pid\" 2>/dev/null' TERM"
    echo "$(quote "$vgrad") sweep $(quote "$file") --shard \"\$SLURM_ARRAY_TASK_ID/$shards\" -j 1 --quiet --resume \\"
    echo "    \"out=\$dir\"$overrides &"
    echo "pid=\$!"
    echo "wait \"\$pid\""
    echo "status=\$?"
    echo "# a trapped signal ends wait early: wait until vgrad has ended"
    echo "while kill -0 \"\$pid\" 2>/dev/null; do wait \"\$pid\"; status=\$?; done"
    echo "if [ \"\$status\" -eq 143 ] && [ \"\$(finished)\" -gt \"\$before\" ]; then"
    echo "    echo \"sweep-slurm: shard \$SLURM_ARRAY_TASK_ID stopped by SIGTERM after \$((\$(finished) - before)) more runs; requeued\" >&2"
    echo "    scontrol requeue \"\${SLURM_ARRAY_JOB_ID}_\$SLURM_ARRAY_TASK_ID\" && exit 0"
    echo "fi"
    echo "exit \"\$status\""
} >"$out/shard.sh" || fail "cannot write '$out/shard.sh'"
{
    echo "#!/bin/sh"
    echo "# Written by scripts/sweep-slurm.sh: merges the $shards shards once all have succeeded."
    echo "# The merged files are derived from the shards, so a second merge replaces them"
    echo "# (the files of a sweep directory as src/sweep.c lists them; nothing else)."
    echo "cd $(quote "$out") || exit 1"
    echo "rm -rf .runs experiment.ini manifest layers.csv train.csv hist.csv predictions.csv runs.csv timing.csv"
    printf 'exec %s merge %s' "$(quote "$vgrad")" "$(quote "$out")"
    for k in $(seq 1 "$shards"); do printf ' %s' "$(quote "$out/shards/$k")"; done
    echo
} >"$out/merge.sh" || fail "cannot write '$out/merge.sh'"
chmod +x "$out/shard.sh" "$out/merge.sh"

# --chdir: the jobs need no particular directory, but one every node has.
# The user's options come after ours, so they may override --job-name or
# --chdir; --array, --output and --dependency are this script's.
# shellcheck disable=SC2086  # options are split into words on purpose
array=$(sbatch --parsable --job-name="vgrad-$name" --chdir="$out" --requeue $options \
    --array="1-$shards" --output="$out/slurm-%A_%a.out" "$out/shard.sh") ||
    fail "sbatch of the job array failed (options: ${options:-none})"
array=${array%%;*} # --parsable prints ID or ID;CLUSTER
# shellcheck disable=SC2086
if ! merge=$(sbatch --parsable --job-name="vgrad-$name-merge" --chdir="$out" $options \
    --dependency="afterok:$array" --output="$out/slurm-merge-%j.out" "$out/merge.sh"); then
    scancel "$array" 2>/dev/null
    fail "sbatch of the merge job failed; job array $array cancelled again"
fi
merge=${merge%%;*}
echo "array job $array"
echo "merge job $merge"
