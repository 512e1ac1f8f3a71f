#!/bin/sh
# fresh-machine-test.sh: runs the README's two commands, scripts/demo.sh and
# scripts/test.sh, on a fresh Debian 12 (bookworm) machine: a root file
# system made by debootstrap (default variant, nothing else installed), with
# the current commit cloned into /root/vgrad and ../shared copied beside it
# as /root/shared, both commands run as root from /root/vgrad in a clean
# environment.  Not part of CI: it takes 15-25 minutes.
#   sudo scripts/fresh-machine-test.sh [COMMAND...]
# COMMANDs (shell command lines, run in turn from /root/vgrad) replace the
# two README commands, e.g. to check one step on a fresh machine:
#   scripts/fresh-machine-test.sh 'scripts/setup.sh build-asan Asan clang'
# Needs root (debootstrap, chroot, mounts), about 8 GB free, and the Debian
# mirror the host's apt uses.  It tests HEAD: uncommitted changes are not
# in it (it warns).  Environment:
#   VGRAD_FRESH_CACHE  the cache directory (default /var/cache/vgrad-fresh):
#                      bookworm.tar, the pristine root file system made by
#                      debootstrap on the first run and reused after it
#                      (delete it to make a new one); root/, this run's copy
#                      of it (kept until the next run, for a look inside);
#                      logs/STAMP/, the logs of each run.
#   VGRAD_FRESH_TIMEOUT  seconds each command may take (default 5400).
# Prints one line per step and, for each command, its exit status and wall
# time, and ends with PASS (exit 0, every command exited 0) or FAIL (exit 1).
# Mounts inside the root (proc; sysfs with the host's cgroup tree, so that
# Slurm's daemons start; /dev, /dev/pts, /dev/shm; resolv.conf and
# /etc/hosts) are removed on every exit, in reverse order, lazily if busy,
# after ending the processes left running inside the root; mounts left by a
# crashed run are removed the same way before anything else.
set -eu
die() { echo "fresh: error: $*" >&2; exit 2; }
say() { echo "fresh: $*"; }

[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap, chroot and mount need it)"
repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${VGRAD_FRESH_CACHE:-/var/cache/vgrad-fresh}
case "$cache" in
    /*) ;;
    *) die "VGRAD_FRESH_CACHE '$cache' must be an absolute path" ;;
esac
cache=${cache%/}
[ -n "$cache" ] || die "VGRAD_FRESH_CACHE must not be /"
timeout_s=${VGRAD_FRESH_TIMEOUT:-5400}
case "$timeout_s" in
    ''|*[!0-9]*) die "VGRAD_FRESH_TIMEOUT '$timeout_s' must be a whole number of seconds" ;;
esac
case "${1:-}" in
    -h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option '$1' (usage: fresh-machine-test.sh [COMMAND...])" ;;
esac
[ $# -gt 0 ] || set -- scripts/demo.sh scripts/test.sh
child=""
root="$cache/root"
pristine="$cache/bookworm.tar"

# --- what is tested ----------------------------------------------------------------------------
command -v git >/dev/null 2>&1 || die "git is not installed (apt-get install git)"
commit=$(git -C "$repo" rev-parse HEAD 2>/dev/null) || die "$repo is not a git checkout"
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
    echo "fresh: warning: $repo has uncommitted changes; they are not tested (HEAD is)" >&2
fi
shared=""
[ -d "$repo/../shared" ] && shared=$(cd "$repo/../shared" && pwd)
[ -n "$shared" ] || echo "fresh: warning: no $repo/../shared to copy beside the checkout" >&2

mkdir -p "$cache"
# One run at a time per cache.
exec 9>"$cache/lock"
flock -n 9 || die "another fresh-machine-test.sh is running with $cache (lock $cache/lock)"

# --- mounts and processes inside the root -------------------------------------------------------
# mounts_under: the mount points at or below $root, most recent first.
mounts_under() {
    awk -v root="$root" '{
        m = $5; gsub(/\\040/, " ", m)
        if (m == root || index(m, root "/") == 1) print m
    }' /proc/self/mountinfo | awk '{ line[NR] = $0 } END { for (i = NR; i > 0; i--) print line[i] }'
}
# end_processes: the processes whose root is $root (what the run started
# inside it): TERM, then KILL after 5 s.
end_processes() {
    for signal in TERM KILL; do
        found=""
        for p in /proc/[0-9]*; do
            [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] || continue
            pid=${p#/proc/}
            kill -s "$signal" "$pid" 2>/dev/null && found="$found $pid"
        done
        [ -n "$found" ] || return 0
        [ "$signal" = KILL ] || say "ending the processes left inside the root:$found"
        i=0
        while [ $i -lt 50 ]; do
            left=""
            for pid in $found; do
                [ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$root" ] && left="$left $pid"
            done
            [ -n "$left" ] || return 0
            sleep 0.1
            i=$((i + 1))
        done
    done
}
# unmount_all: every mount under $root, most recent first, lazily if busy;
# returns 1 when one is left.
unmount_all() {
    mounts_under | while IFS= read -r m; do
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null ||
            echo "fresh: warning: could not unmount $m" >&2
    done
    [ -z "$(mounts_under)" ]
}
# shellcheck disable=SC2317 # (run by the trap)
cleanup() {
    rc=$?
    trap - EXIT INT TERM
    [ -z "$child" ] || kill "$child" 2>/dev/null || true
    end_processes
    if ! unmount_all; then
        echo "fresh: error: mounts are left under $root: $(mounts_under | tr '\n' ' ')" >&2
        rc=1
    fi
    exit "$rc"
}

if [ -n "$(mounts_under)" ]; then
    say "removing the mounts a crashed run left under $root"
    end_processes
    unmount_all || die "mounts are left under $root, unmount them first: $(mounts_under | tr '\n' ' ')"
fi
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- disk --------------------------------------------------------------------------------------
free_kb=$(df -Pk "$cache" | awk 'NR == 2 { print $4 }')
need_kb=$((8 * 1024 * 1024))
[ -f "$pristine" ] || need_kb=$((need_kb + 1024 * 1024))
[ "$free_kb" -ge "$need_kb" ] ||
    die "$cache has $((free_kb / 1024)) MB free; a run needs $((need_kb / 1024)) MB"

stamp=$(date -u +%Y%m%d-%H%M%S)
logs="$cache/logs/$stamp"
mkdir -p "$logs"
say "testing commit $commit of $repo; logs in $logs"

# --- the pristine root file system ---------------------------------------------------------------
# The mirror the host's apt uses (first Debian archive, not the security one).
mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
    awk '/^[[:space:]]*#/ { next }
         $1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; break } }
         $1 == "URIs:" { print $2 }' | grep -v security | head -n 1)
mirror=${mirror:-http://deb.debian.org/debian}
if [ ! -f "$pristine" ]; then
    if ! command -v debootstrap >/dev/null 2>&1; then
        say "installing debootstrap"
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends debootstrap \
            >"$logs/debootstrap.log" 2>&1 || { tail -n 20 "$logs/debootstrap.log" >&2; die "could not install debootstrap"; }
    fi
    say "making the pristine Debian 12 root file system with debootstrap from $mirror (a few minutes)"
    rm -rf --one-file-system "$cache/pristine.tmp" "$pristine.tmp"
    start=$(date +%s)
    if ! debootstrap bookworm "$cache/pristine.tmp" "$mirror" >>"$logs/debootstrap.log" 2>&1; then
        tail -n 20 "$logs/debootstrap.log" >&2
        die "debootstrap failed (log $logs/debootstrap.log)"
    fi
    # apt's sources as the Debian installer writes them.
    security=${VGRAD_FRESH_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
    printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb %s bookworm-security main\n' \
        "$mirror" "$mirror" "$security" >"$cache/pristine.tmp/etc/apt/sources.list"
    # No daemon started by a package's postinst: in a chroot they would run
    # outside the test's control (on a real machine systemd starts them).
    printf '#!/bin/sh\nexit 101\n' >"$cache/pristine.tmp/usr/sbin/policy-rc.d"
    chmod 755 "$cache/pristine.tmp/usr/sbin/policy-rc.d"
    tar -C "$cache/pristine.tmp" --numeric-owner --xattrs -cf "$pristine.tmp" . ||
        die "could not archive the root file system into $pristine.tmp"
    mv "$pristine.tmp" "$pristine"
    rm -rf --one-file-system "$cache/pristine.tmp"
    say "made $pristine in $(($(date +%s) - start)) s"
else
    say "reusing $pristine (delete it to make a new one)"
fi

# --- this run's root: a pristine copy, the checkout, ../shared ------------------------------------
rm -rf --one-file-system "$root"
mkdir -p "$root"
tar -C "$root" --numeric-owner --xattrs -xpf "$pristine" || die "could not unpack $pristine into $root"
git clone --quiet --no-hardlinks "$repo" "$root/root/vgrad" >>"$logs/clone.log" 2>&1 ||
    die "git clone of $repo failed (log $logs/clone.log)"
git -C "$root/root/vgrad" checkout --quiet --detach "$commit" >>"$logs/clone.log" 2>&1 ||
    die "could not check out $commit (log $logs/clone.log)"
[ -z "$shared" ] || cp -a "$shared" "$root/root/shared"
say "cloned $commit into $root/root/vgrad${shared:+, copied $shared to $root/root/shared}"

# The root is a private mount of its own, so that nothing mounted below it
# propagates to the host's mounts, nor their unmounting.
mount --bind "$root" "$root"
mount --make-private "$root"
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys" 2>/dev/null || { mount --bind /sys "$root/sys" && mount --make-slave "$root/sys"; }
if [ -d /sys/fs/cgroup ]; then
    mount --rbind /sys/fs/cgroup "$root/sys/fs/cgroup"
    mount --make-rslave "$root/sys/fs/cgroup"
fi
mount --bind /dev "$root/dev"
mount --make-slave "$root/dev"
mount -t devpts -o newinstance,ptmxmode=0666,mode=620,gid=5 devpts "$root/dev/pts" 2>/dev/null ||
    { mount --bind /dev/pts "$root/dev/pts" && mount --make-slave "$root/dev/pts"; }
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/dev/shm"
for f in /etc/resolv.conf /etc/hosts; do
    rm -f "$root$f"
    touch "$root$f"
    mount --bind "$(readlink -f "$f")" "$root$f"
    mount -o remount,bind,ro "$root$f"
done
say "mounted proc, sys (with /sys/fs/cgroup), dev, dev/pts, dev/shm, resolv.conf, hosts"

# --- the README's two commands --------------------------------------------------------------------
# run NAME COMMAND: runs COMMAND as root in /root/vgrad inside the root, with
# a clean environment, its output in $logs/NAME.log; prints status and time.
results=""
all_ok=1
run() {
    name=$1
    command=$2
    log="$logs/$name.log"
    say "running $command (log $log)"
    start=$(date +%s.%N)
    rc=0
    # In the background, so that INT and TERM reach the trap at once (a
    # foreground command would delay it until the command ends); without the
    # lock's descriptor, which what it leaves running must not hold.
    timeout --kill-after=30 "$timeout_s" chroot "$root" /usr/bin/env -i \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root USER=root \
        LOGNAME=root SHELL=/bin/bash /bin/sh -c "cd /root/vgrad && $command" </dev/null >"$log" 2>&1 9>&- &
    child=$!
    wait "$child" || rc=$?
    child=""
    seconds=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    end_processes
    line="$command: exit $rc in $seconds s"
    [ "$rc" -ne 124 ] || line="$line (timed out after $timeout_s s)"
    say "$line"
    results="$results
fresh: $line (log $log)"
    if [ "$rc" -ne 0 ]; then
        all_ok=0
        echo "fresh: the last lines of $log:"
        tail -n 30 "$log" | sed 's/^/    /'
    fi
}
n=0
for command in "$@"; do
    n=$((n + 1))
    case "$command" in
        scripts/demo.sh) run demo "$command" ;;
        scripts/test.sh) run test "$command" ;;
        *) run "command-$n" "$command" ;;
    esac
done

echo "fresh: summary for commit $commit on a fresh Debian 12 root:$results"
if [ "$all_ok" -eq 1 ]; then
    echo "fresh: PASS"
    exit 0
fi
echo "fresh: FAIL"
exit 1
