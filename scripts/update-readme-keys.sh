#!/bin/sh
# update-readme-keys.sh: regenerates README.md's key table from the key
# table in the code (vgrad help keys).  tests/test_cli.sh fails until the two
# agree.
set -eu
cd "$(dirname "$0")/.."
vgrad=${VGRAD:-build/vgrad}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$vgrad" help keys >"$tmp"
awk -v table="$tmp" '
    /<!-- keys:begin -->/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
    /<!-- keys:end -->/ { skip = 0 }
    !skip' README.md >README.md.new
mv README.md.new README.md
