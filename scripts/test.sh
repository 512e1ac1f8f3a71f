#!/bin/sh
# test.sh: sets up (vgrad's packages and the tools the tests drive), builds
# and runs the whole test suite with ctest, twice: a Release build with gcc,
# and an AddressSanitizer + UndefinedBehaviorSanitizer build with clang.
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh build Release gcc
scripts/setup.sh --test-tools
(cd build && ctest --output-on-failure -j 2)
scripts/setup.sh build-asan Asan clang
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j 2)
