#!/bin/sh
# update-readme-keys.sh: regenerates README.md's tables that the code
# defines: the key table (vgrad help keys, between <!-- keys:begin --> and
# <!-- keys:end -->) and the column tables of layers.csv, train.csv and
# runs.csv (vgrad help columns, each between <!-- columns:FILE:begin --> and
# <!-- columns:FILE:end -->).  tests/test_cli.sh fails until they agree.
set -eu
cd "$(dirname "$0")/.."
vgrad=${VGRAD:-build/vgrad}
keys=$(mktemp)
columns=$(mktemp)
trap 'rm -f "$keys" "$columns" README.md.new' EXIT
"$vgrad" help keys >"$keys"
"$vgrad" help columns >"$columns"
awk -v keys="$keys" -v columns="$columns" '
    BEGIN {
        # the block of each columns:FILE marker, its marker lines included
        while ((getline line < columns) > 0) {
            if (match(line, /^<!-- columns:[^ ]*:begin -->$/)) name = substr(line, 14, length(line) - 13 - 10)
            block[name] = block[name] line "\n"
        }
    }
    /<!-- keys:begin -->/ { print; while ((getline line < keys) > 0) print line; skip = 1; next }
    /<!-- keys:end -->/ { skip = 0 }
    /^<!-- columns:[^ ]*:begin -->$/ {
        name = substr($0, 14, length($0) - 13 - 10)
        if (!(name in block)) { print "update-readme-keys: vgrad help columns has no " name > "/dev/stderr"; exit 1 }
        printf "%s", block[name]; skip = 1; next
    }
    /^<!-- columns:[^ ]*:end -->$/ { skip = 0; next }
    !skip' README.md >README.md.new
mv README.md.new README.md
