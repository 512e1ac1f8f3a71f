#!/bin/sh
# setup.sh: installs the Debian packages vgrad needs (only the missing ones,
# with sudo when not root) and builds build/vgrad.
#   scripts/setup.sh [BUILD_DIR] [BUILD_TYPE] [C_COMPILER]
set -eu
cd "$(dirname "$0")/.."
build_dir=${1:-build}
build_type=${2:-Release}
compiler=${3:-gcc}

packages="build-essential cmake pkg-config clang libopenblas-dev liblapacke-dev libcsv-dev
libinih-dev zlib1g-dev libgsl-dev gnuplot-nox dataset-fashion-mnist gawk"
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    echo "setup: installing$missing" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >&2
fi

cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="$build_type" -DCMAKE_C_COMPILER="$compiler" >/dev/null
cmake --build "$build_dir" -j "$(nproc)" >/dev/null
echo "setup: built $build_dir ($build_type, $compiler)" >&2
