#!/bin/sh
# test_slurm.sh: scripts/sweep-slurm.sh on a real Slurm.  Installs
# slurmctld, slurmd, slurm-client and munge from Debian when missing, starts
# a one-node cluster on 127.0.0.1 in a temporary directory (its own munge key
# and socket, state, spool and logs there; the node line from `slurmd -C`;
# proctrack/linuxproc, task/none), submits a small sweep as a job array of
# 3 shards and a merge job, waits for both, checks the merged directory is
# byte-identical to a local `vgrad sweep` of the same file, and stops every
# daemon it started (also when a check fails).
#   tests/test_slurm.sh PATH_TO_VGRAD
set -u
test_name=slurm
. "$(dirname "$0")/lib.sh"
vgrad=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
script="$(cd "$(dirname "$0")/.." && pwd)/scripts/sweep-slurm.sh"

stop_daemons() {
    for p in slurmd slurmctld munged; do
        [ -s "$tmp/$p.pid" ] && kill "$(cat "$tmp/$p.pid")" 2>/dev/null
    done
    sleep 1
    for p in slurmd slurmctld munged; do
        [ -s "$tmp/$p.pid" ] && kill -9 "$(cat "$tmp/$p.pid")" 2>/dev/null
    done
    rm -rf "$tmp"
}
trap stop_daemons EXIT

if ! command -v slurmctld >/dev/null 2>&1 || ! command -v slurmd >/dev/null 2>&1 ||
    ! command -v sbatch >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        slurmctld slurmd slurm-client munge >/dev/null
fi

# munge: a key and a socket of our own.
mkdir -p "$tmp/state" "$tmp/spool" "$tmp/log" "$tmp/out"
dd if=/dev/urandom of="$tmp/munge.key" bs=1024 count=1 2>/dev/null
chmod 0400 "$tmp/munge.key"
munged --socket="$tmp/munge.sock" --key-file="$tmp/munge.key" --pid-file="$tmp/munged.pid" \
    --log-file="$tmp/log/munged.log" --seed-file="$tmp/munge.seed" --force || bad "munged did not start"

# Ports from this process's id, in a range Slurm does not use by default.
port=$((40000 + ($$ % 10000) * 2))
node=$(slurmd -C | head -1)
cat >"$tmp/slurm.conf" <<CONF
ClusterName=vgradtest
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=$(id -un)
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$tmp/munge.sock
CredType=cred/munge
SlurmctldPort=$port
SlurmdPort=$((port + 1))
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
ReturnToService=2
MpiDefault=none
SwitchType=switch/none
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$tmp/slurm.conf"
slurmctld -f "$SLURM_CONF" || bad "slurmctld did not start"
slurmd -f "$SLURM_CONF" || bad "slurmd did not start"
i=0
until sinfo -h -o %t 2>/dev/null | grep -q idle; do
    i=$((i + 1))
    if [ $i -gt 120 ]; then
        bad "the node never became idle: $(sinfo 2>&1) $(tail -3 "$tmp/log/slurmctld.log")"
        finish
        exit 1
    fi
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
"$vgrad" sweep "$tmp/grid.ini" -j 2 -q "out=$tmp/local" >/dev/null || bad "local sweep"
VGRAD="$vgrad" sh "$script" "$tmp/grid.ini" 3 --out "$tmp/out/sgrid" --sbatch "--time=00:05:00" \
    >"$tmp/ids" 2>&1 || bad "sweep-slurm: $(cat "$tmp/ids")"
array=$(sed -n 's/^array job //p' "$tmp/ids")
merge=$(sed -n 's/^merge job //p' "$tmp/ids")
if [ -n "$array" ] && [ -n "$merge" ]; then ok; else bad "job ids: $(cat "$tmp/ids")"; fi
i=0
while [ -n "$(squeue -h -j "$array,$merge" 2>/dev/null)" ] && [ $i -lt 240 ]; do
    sleep 0.5
    i=$((i + 1))
done
for f in layers.csv train.csv hist.csv runs.csv experiment.ini; do
    if [ -s "$tmp/out/sgrid/$f" ] && cmp -s "$tmp/local/$f" "$tmp/out/sgrid/$f"; then ok; else
        bad "$f differs or is missing; $(cat "$tmp"/out/sgrid/slurm-*.out 2>/dev/null | tail -5)"
    fi
done
for k in 1 2 3; do
    if [ -s "$tmp/out/sgrid/slurm-${array}_$k.out" ] || [ -f "$tmp/out/sgrid/slurm-${array}_$k.out" ]; then ok; else
        bad "no Slurm output for task $k"
    fi
done
finish
