#!/bin/sh
# test_slurm.sh: scripts/sweep-slurm.sh on a real Slurm.  Installs slurmctld,
# slurmd, slurm-client and munge from Debian when missing; starts a one-node
# cluster on 127.0.0.1 inside the temporary directory (its own munge key and
# socket; state, spool, logs and pid files there; free ports; the node line
# from `slurmd -C`; proctrack/linuxproc and task/none, so no cgroups);
# submits a small sweep as a job array of 3 shards plus the merge job; waits
# for both; checks the merged directory is byte-identical to a local
# `vgrad sweep` of the same file (timing aside); and stops every daemon it
# started, also when a check fails or the test is interrupted.
#   tests/test_slurm.sh PATH_TO_VGRAD
# Needs root (slurmd starts jobs as their user); about 10 s once installed.
# Skipped (exit 77, saying why, with the daemons' logs) when this machine
# cannot provide the cluster: not root, the packages cannot be installed,
# or a daemon does not start; a failure after the cluster is up is a failure.
set -u
test_name=slurm
. "$(dirname "$0")/lib.sh"
[ $# -eq 1 ] || { echo "usage: tests/test_$test_name.sh PATH_TO_VGRAD" >&2; exit 2; }
vgrad=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
script="$(cd "$(dirname "$0")/.." && pwd)/scripts/sweep-slurm.sh"
daemons="slurmd slurmctld munged" # in the order they are stopped

# stop_cluster: cancel the jobs still queued, stop each daemon this test
# started (by its pid file, and only if that process names our directory),
# then remove the directory.
stop_cluster() {
    if [ -s "$tmp/slurmctld.pid" ] && [ -n "${SLURM_CONF:-}" ]; then
        scancel --user="$(id -un)" 2>/dev/null
        i=0
        while [ -n "$(squeue -h 2>/dev/null)" ] && [ $i -lt 20 ]; do sleep 0.5; i=$((i + 1)); done
    fi
    pids=""
    for daemon in $daemons; do
        pid=$(cat "$tmp/$daemon.pid" 2>/dev/null) || continue
        case "$pid" in "" | *[!0-9]*) continue ;; esac
        if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$tmp/"; then
            kill "$pid" 2>/dev/null && pids="$pids $pid"
        fi
    done
    for pid in $pids; do
        i=0
        while kill -0 "$pid" 2>/dev/null && [ $i -lt 20 ]; do sleep 0.25; i=$((i + 1)); done
        kill -9 "$pid" 2>/dev/null
    done
    rm -rf "$tmp"
}
trap stop_cluster EXIT
trap 'exit 130' INT TERM HUP

# show_logs: the end of each daemon's log, for a failure message.
show_logs() {
    for log in "$tmp"/log/*.log; do
        [ -f "$log" ] || continue
        echo "--- $log" >&2
        tail -n 8 "$log" >&2
    done
}
# give_up MESSAGE: a failure after which nothing else can be checked.
give_up() {
    bad "$*"
    show_logs
    finish
    exit 1
}
# cannot MESSAGE: this machine cannot run the cluster: a skip, saying why.
cannot() {
    show_logs
    skip "$*"
}

[ "$(id -u)" -eq 0 ] || cannot "needs root: slurmd must run as root to start jobs (run as root or with sudo)"
need_tools slurmctld:slurmctld slurmd:slurmd sbatch:slurm-client munged:munge || true
for tool in slurmctld slurmd sbatch squeue sinfo scancel munged munge unmunge; do
    command -v "$tool" >/dev/null 2>&1 || cannot "'$tool' is missing after installing the Slurm packages"
done

# munge: its own key (readable by root only) and socket.  munged refuses a
# socket in a directory others cannot enter, and mktemp -d makes 0700.
chmod 0711 "$tmp"
mkdir -p "$tmp/state" "$tmp/spool" "$tmp/log" "$tmp/out"
mkdir -m 0755 "$tmp/munge"
dd if=/dev/urandom of="$tmp/munge.key" bs=1024 count=1 2>/dev/null
chmod 0400 "$tmp/munge.key"
socket="$tmp/munge/munge.socket"
munged --socket="$socket" --key-file="$tmp/munge.key" --pid-file="$tmp/munged.pid" \
    --log-file="$tmp/log/munged.log" --seed-file="$tmp/munge.seed" ||
    cannot "munged did not start"
if munge -n -S "$socket" | unmunge -S "$socket" >/dev/null 2>&1; then ok; else
    cannot "munge credentials do not round-trip through $socket"
fi

# Two free TCP ports below the ephemeral range (32768 up), one pair per
# test process so parallel runs of this test do not meet.
port_free() {
    hex=$(printf ':%04X ' "$1")
    ! cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | grep -qF "$hex"
}
port=$((20000 + ($$ % 6000) * 2))
tries=0
until port_free "$port" && port_free $((port + 1)); do
    port=$((port + 2))
    tries=$((tries + 1))
    [ $tries -lt 500 ] || cannot "no two free TCP ports from 20000 on"
done

# Beyond the minimum: kill_invalid_depend cancels the merge job when a shard
# fails (instead of leaving it pending for ever), batch_sched_delay=0 starts
# the next job at once (not up to 3 s later), and MailProg quiets the log.
node=$(slurmd -C | grep '^NodeName=') || cannot "slurmd -C printed no NodeName line"
cat >"$tmp/slurm.conf" <<CONF
ClusterName=vgradtest
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
DependencyParameters=kill_invalid_depend
SchedulerParameters=batch_sched_delay=0
MailProg=/bin/true
ReturnToService=2
MpiDefault=none
SwitchType=switch/none
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=vgrad Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$tmp/slurm.conf"
slurmctld -f "$SLURM_CONF" || cannot "slurmctld -f $SLURM_CONF exited $?"
slurmd -f "$SLURM_CONF" || cannot "slurmd -f $SLURM_CONF exited $?"
i=0
until [ "$(sinfo -h -o %t 2>/dev/null)" = idle ]; do
    i=$((i + 1))
    [ $i -le 120 ] || cannot "the node is not idle after 60 s: $(sinfo 2>&1 | tr '\n' ' ')"
    sleep 0.5
done
ok

cat >"$tmp/grid.ini" <<'INI'
[experiment]
name = sgrid
[run]
steps = 10
width = 8
log_every = 5
[sweep]
depth = 2, 3
activation = tanh, relu
seed = 1..3
INI
sweep_slurm() { VGRAD="$vgrad" timeout 30 sh "$script" "$@"; }
"$vgrad" sweep "$tmp/grid.ini" -j 2 --quiet "out=$tmp/local" >/dev/null || bad "local sweep failed"

# Bad usage: exit 2, one line, nothing submitted, no directory made.
for args in "3 --out $tmp/never -- depth=0" "0 --out $tmp/never" "3 --out $tmp/never --sbatch"; do
    # shellcheck disable=SC2086  # the cases are split at spaces on purpose
    sweep_slurm "$tmp/grid.ini" $args >/dev/null 2>"$tmp/err"
    rc=$?
    if [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && [ ! -e "$tmp/never" ] &&
        [ -z "$(squeue -h 2>&1)" ]; then ok; else
        bad "sweep-slurm.sh grid.ini $args: rc $rc (expected 2): $(cat "$tmp/err")"
    fi
done

# The sweep: 12 runs in 3 shards.  --hold (with the other options, for both
# jobs) keeps them queued until the merge job's dependency is checked.
dir="$tmp/out/sgrid"
sweep_slurm "$tmp/grid.ini" 3 --out "$dir" --sbatch "--hold --time=00:05:00 --mem=64M --partition=vgrad" \
    >"$tmp/ids" 2>&1 || bad "sweep-slurm.sh exited $?: $(cat "$tmp/ids")"
array=$(sed -n 's/^array job \([0-9][0-9]*\)$/\1/p' "$tmp/ids")
merge=$(sed -n 's/^merge job \([0-9][0-9]*\)$/\1/p' "$tmp/ids")
if [ -n "$array" ] && [ -n "$merge" ] && [ "$(wc -l <"$tmp/ids")" -eq 2 ]; then ok; else
    give_up "expected 'array job ID' and 'merge job ID', got: $(cat "$tmp/ids")"
fi
dependency=$(squeue -h -j "$merge" -o %E 2>&1)
case "$dependency" in
    "afterok:${array}_*"*) ok ;;
    *) bad "merge job $merge depends on '$dependency', expected afterok:${array}_*" ;;
esac
scontrol release "$array" "$merge" || bad "scontrol release $array $merge failed"

# Wait (at most 120 s) until no job of the two is pending or running.
states() { squeue -h -t all -j "$array,$merge" -o '%i %T' 2>/dev/null; }
i=0
while states | grep -qE ' (PENDING|CONFIGURING|RUNNING|COMPLETING|SUSPENDED|REQUEUE|RESIZING)'; do
    i=$((i + 1))
    [ $i -le 240 ] || give_up "jobs still queued after 120 s: $(states | tr '\n' ' ')"
    sleep 0.5
done
states >"$tmp/states"
if [ "$(grep -c ' COMPLETED$' "$tmp/states")" -eq 4 ] && [ "$(wc -l <"$tmp/states")" -eq 4 ]; then ok; else
    bad "expected 3 array tasks and the merge COMPLETED: $(tr '\n' ' ' <"$tmp/states")"
    for f in "$dir"/slurm-*.out; do [ -f "$f" ] && sed "s|^|$(basename "$f"): |" "$f" >&2; done
    show_logs
fi
# --sbatch reached both jobs.
for job in "${array}_1" "$merge"; do
    limits=$(squeue -h -t all -j "$job" -o '%l %P %m' 2>&1)
    if [ "$limits" = "5:00 vgrad 64M" ]; then ok; else bad "job $job: limits '$limits', expected '5:00 vgrad 64M'"; fi
done

for f in layers.csv train.csv hist.csv predictions.csv runs.csv experiment.ini; do
    if [ -s "$dir/$f" ] && cmp -s "$tmp/local/$f" "$dir/$f"; then ok; else bad "$f differs from the local sweep or is missing"; fi
done
if diff -r -x timing.csv "$tmp/local/.runs" "$dir/.runs" >"$tmp/diff" 2>&1; then ok; else
    bad ".runs differs from the local sweep: $(head -5 "$tmp/diff")"
fi
for k in 1 2 3; do
    if grep -q "4 runs, 4 done now.*wrote $dir/shards/$k/" "$dir/slurm-${array}_$k.out" 2>/dev/null; then ok; else
        bad "slurm-${array}_$k.out: $(cat "$dir/slurm-${array}_$k.out" 2>&1)"
    fi
done
if grep -q "merged 3 shard directories" "$dir/slurm-merge-$merge.out" 2>/dev/null; then ok; else
    bad "slurm-merge-$merge.out: $(cat "$dir/slurm-merge-$merge.out" 2>&1)"
fi

# A shard stopped by SIGTERM, as Slurm stops a task at its time limit
# (scancel --full: the batch shell and vgrad), requeues itself, finishes
# with --resume, and the merge job then runs: the same bytes as a local
# sweep.
cat >"$tmp/slow.ini" <<'INI'
[experiment]
name = slow
[run]
steps = 300
width = 32
depth = 6
log_every = 50
[sweep]
activation = sigmoid, relu
seed = 1..6
INI
"$vgrad" sweep "$tmp/slow.ini" -j 2 --quiet "out=$tmp/slow-local" >/dev/null || bad "local slow sweep failed"
dir="$tmp/out/slow"
sweep_slurm "$tmp/slow.ini" 2 --out "$dir" --sbatch "--time=00:05:00 --mem=64M --partition=vgrad" \
    >"$tmp/ids" 2>&1 || bad "sweep-slurm.sh exited $?: $(cat "$tmp/ids")"
array=$(sed -n 's/^array job \([0-9][0-9]*\)$/\1/p' "$tmp/ids")
merge=$(sed -n 's/^merge job \([0-9][0-9]*\)$/\1/p' "$tmp/ids")
[ -n "$array" ] && [ -n "$merge" ] || give_up "expected 'array job ID' and 'merge job ID', got: $(cat "$tmp/ids")"
finished() { find "$1/.runs" -mindepth 1 -maxdepth 1 -type d ! -name '.*' 2>/dev/null | wc -l; }
i=0
until [ "$(finished "$dir/shards/1")" -ge 1 ]; do
    i=$((i + 1))
    [ $i -le 240 ] || give_up "shard 1 finished no run in 120 s: $(states | tr '\n' ' ')"
    sleep 0.5
done
scancel --signal=TERM --full "${array}_1" || bad "scancel --signal=TERM --full ${array}_1 failed"
stopped_at=$(finished "$dir/shards/1")
i=0
while states | grep -qE ' (PENDING|CONFIGURING|RUNNING|COMPLETING|SUSPENDED|REQUEUE|REQUEUED|RESIZING)'; do
    i=$((i + 1))
    [ $i -le 480 ] || give_up "jobs still queued after 240 s: $(states | tr '\n' ' ')"
    sleep 0.5
done
states >"$tmp/states"
if [ "$(grep -c ' COMPLETED$' "$tmp/states")" -eq 3 ] && [ "$(wc -l <"$tmp/states")" -eq 3 ]; then ok; else
    bad "after SIGTERM: expected 2 array tasks and the merge COMPLETED: $(tr '\n' ' ' <"$tmp/states")"
    for f in "$dir"/slurm-*.out; do [ -f "$f" ] && sed "s|^|$(basename "$f"): |" "$f" >&2; done
    show_logs
fi
restarts=$(scontrol show job "${array}_1" 2>&1 | sed -n 's/.*Restarts=\([0-9]*\).*/\1/p')
if [ "${restarts:-0}" -ge 1 ] && [ "$stopped_at" -lt 6 ]; then ok; else
    bad "shard 1: stopped after $stopped_at of its 6 runs, restarts '${restarts:-}' (expected 1 or more)"
fi
if grep -q "already done" "$dir/slurm-${array}_1.out" 2>/dev/null; then ok; else
    bad "the requeued shard 1 did not resume: $(cat "$dir/slurm-${array}_1.out" 2>&1)"
fi
for f in layers.csv train.csv hist.csv predictions.csv runs.csv experiment.ini; do
    if [ -s "$dir/$f" ] && cmp -s "$tmp/slow-local/$f" "$dir/$f"; then ok; else bad "after SIGTERM and requeue: $f differs from the local sweep or is missing"; fi
done
finish
