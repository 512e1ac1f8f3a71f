# out-lib.sh: sourced by the scripts that write a results directory anew
# (phase-diagram.sh, jacobian-spectra.sh, theory-check.sh, reproduce.sh).
#   check_out DIR NAME   DIR may be missing, empty, or a directory NAME wrote
#                        before; anything else (a file, or a directory with
#                        files NAME did not write) is refused with one error
#                        line, exit 2, and left as it is
#   fresh_out DIR NAME   check_out, then DIR made an empty directory marked
#                        as NAME's (the file DIR/.vgrad-out holds NAME)
# So a mistyped --out never deletes what vgrad did not write.

check_out() {
    out_allowed="allowed: a new or empty directory, or one $2 wrote before"
    if [ -e "$1" ] || [ -L "$1" ]; then
        if [ ! -d "$1" ]; then
            echo "$2: error: '$1' is not a directory; $out_allowed" >&2
            exit 2
        fi
        if [ -n "$(ls -A "$1")" ] && [ "$(cat "$1/.vgrad-out" 2>/dev/null)" != "$2" ]; then
            echo "$2: error: '$1' holds files $2 did not write; $out_allowed (remove it or choose another)" >&2
            exit 2
        fi
    fi
}

fresh_out() {
    check_out "$1" "$2"
    rm -rf "$1"
    if ! mkdir -p "$1" 2>/dev/null || ! echo "$2" >"$1/.vgrad-out" 2>/dev/null; then
        echo "$2: error: cannot create '$1'; allowed: a directory in a writable place" >&2
        exit 2
    fi
}
