#!/bin/sh
# setup.sh: installs the Debian packages vgrad needs (only the missing ones,
# with sudo when not root) and builds build/vgrad.
#   scripts/setup.sh [BUILD_DIR] [BUILD_TYPE] [C_COMPILER]
#   scripts/setup.sh --test-tools
# --test-tools installs, and builds nothing, what the test suite drives
# besides vgrad (GNU parallel, Slurm and munge, the checkers of chart files,
# Chromium, jq), so that tests running side by side under ctest -j never
# wait on each other's apt-get.  Each test still installs what it misses
# when run alone.
set -eu
cd "$(dirname "$0")/.."

packages="build-essential cmake pkg-config clang libopenblas-dev liblapacke-dev libcsv-dev
libinih-dev zlib1g-dev libgsl-dev gnuplot-nox dataset-fashion-mnist gawk"
test_tools="parallel slurmctld slurmd slurm-client munge libxml2-utils poppler-utils netpbm
chromium jq"

# install PACKAGE...: apt-get the ones not installed yet.
install() {
    missing=""
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
            missing="$missing $p"
    done
    [ -n "$missing" ] || return 0
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    echo "setup: installing$missing" >&2
    $sudo apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        -o DPkg::Lock::Timeout=300 $missing >&2
}

if [ "${1:-}" = --test-tools ]; then
    # shellcheck disable=SC2086
    install $test_tools
    exit 0
fi

build_dir=${1:-build}
build_type=${2:-Release}
compiler=${3:-gcc}
# shellcheck disable=SC2086
install $packages
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="$build_type" -DCMAKE_C_COMPILER="$compiler" >/dev/null
cmake --build "$build_dir" -j "$(nproc)" >/dev/null
echo "setup: built $build_dir ($build_type, $compiler)" >&2
