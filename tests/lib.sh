# lib.sh: what the shell tests share: a temporary directory removed on exit,
# a home of the test's own, pass/fail counters, the closing line ctest and
# CI read, a skip, and the check of a chart's PNG file.  Set test_name and
# source it (before anything else runs):
#   test_name=cli
#   . "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d "/tmp/vgrad_$test_name.XXXXXX") ||
    { echo "$test_name: cannot make a temporary directory" >&2; exit 2; }
trap 'rm -rf "$tmp"' EXIT
# dash runs the EXIT trap when the script exits, not when a signal kills it:
# an interrupted test exits (128 + the signal's number) so $tmp goes too.
trap 'exit 130' INT
trap 'exit 143' TERM

# The test and every tool it starts (npm, GNU parallel, chromium, ...) write
# their dot files into a home of the test's own, removed with $tmp, never
# into the user's.  The download cache of scripts/fetch-mnist.sh is kept
# across tests and runs: $VGRAD_CACHE (ctest sets build/cache), else the
# directory `cache` beside the vgrad the test was given ($1).
if [ -z "${VGRAD_CACHE:-}" ] && [ -n "${1:-}" ]; then
    VGRAD_CACHE=$(cd "$(dirname "$1")" 2>/dev/null && pwd)/cache && export VGRAD_CACHE
fi
HOME="$tmp/.home"
XDG_CONFIG_HOME="$HOME/.config"
XDG_CACHE_HOME="$HOME/.cache"
XDG_DATA_HOME="$HOME/.local/share"
XDG_STATE_HOME="$HOME/.local/state"
XDG_RUNTIME_DIR="$tmp/.runtime"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_DATA_HOME" "$XDG_STATE_HOME"
mkdir -m 0700 "$XDG_RUNTIME_DIR"
export HOME XDG_CONFIG_HOME XDG_CACHE_HOME XDG_DATA_HOME XDG_STATE_HOME XDG_RUNTIME_DIR

passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
# The verdict: "NAME: N passed, M failed", and the exit status; a test that
# checked nothing fails (as test.h's test_report).
finish() {
    echo "$test_name: $passed passed, $failed failed"
    [ "$passed" -gt 0 ] || { echo "FAIL: $test_name: no check ran" >&2; return 1; }
    [ "$failed" -eq 0 ]
}
# skip REASON: this machine cannot provide what the test needs (root, a
# daemon, a download): "NAME: skipped: REASON", and ctest's skip code, 77
# (SKIP_RETURN_CODE in CMakeLists.txt).  Not after a failed check: a
# failure is reported as one.
skip_code=77
skip() {
    if [ "$failed" -gt 0 ]; then finish; exit 1; fi
    echo "$test_name: skipped: $*"
    # scripts/test.sh prints the reasons after its round (ctest shows none).
    [ -z "${VGRAD_SKIP_LOG:-}" ] || echo "$test_name: skipped: $*" >>"$VGRAD_SKIP_LOG"
    exit "$skip_code"
}

# need_tools COMMAND:PACKAGE...: installs (apt-get, with sudo when not
# root) the Debian packages of the commands that are missing; returns 1 when
# something was installed (so a test can restart its clock).  scripts/test.sh
# installs them all before ctest starts (scripts/setup.sh --test-tools).
need_tools() {
    missing=""
    for pair in "$@"; do
        command -v "${pair%%:*}" >/dev/null 2>&1 || case " $missing " in
            *" ${pair#*:} "*) ;;
            *) missing="$missing ${pair#*:}" ;;
        esac
    done
    [ -n "$missing" ] || return 0
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    echo "$test_name: installing$missing" >&2
    # apt's output goes to a log; when the install fails, its last lines say
    # why (as scripts/setup.sh's fail)
    apt_log="$tmp/need_tools.log"
    $sudo apt-get update -qq >"$apt_log" 2>&1
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        -o DPkg::Lock::Timeout=300 $missing >>"$apt_log" 2>&1 || {
        echo "$test_name: could not install$missing; the last lines of apt-get's output:" >&2
        tail -n 25 "$apt_log" >&2
    }
    return 1
}

# check_png FILE: a PNG (signature, IHDR first) of a plausible size with at
# least 10 distinct colours that are not greys (r, g, b not all equal, as
# netpbm decodes them): axes, grid and antialiased text are grey, so a chart
# drawn blank has none, while data drawn in the Okabe-Ito or viridis colours
# has dozens to thousands.
byte_at() { od -An -tu1 -j "$2" -N 1 "$1" | tr -d ' '; }
u32_at() { echo $(( $(byte_at "$1" "$2") * 16777216 + $(byte_at "$1" $(($2 + 1))) * 65536 + \
                     $(byte_at "$1" $(($2 + 2))) * 256 + $(byte_at "$1" $(($2 + 3))) )); }
colours() { pngtopnm "$1" 2>/dev/null | ppmhist -noheader 2>/dev/null | awk '!($1 == $2 && $2 == $3)' | wc -l; }
check_png() {
    [ -s "$1" ] || { bad "$1: not written"; return; }
    signature=$(od -An -tx1 -N 8 "$1" | tr -d ' \n')
    if [ "$signature" = 89504e470d0a1a0a ]; then ok; else bad "$1: PNG signature is '$signature'"; fi
    chunk=$(dd if="$1" bs=1 skip=12 count=4 2>/dev/null)
    width=$(u32_at "$1" 16)
    height=$(u32_at "$1" 20)
    if [ "$chunk" = IHDR ] && [ "$width" -ge 300 ] && [ "$width" -le 6000 ] &&
       [ "$height" -ge 200 ] && [ "$height" -le 6000 ]; then ok; else
        bad "$1: first chunk '$chunk', ${width}x$height (expected IHDR, 300..6000 x 200..6000)"
    fi
    n=$(colours "$1")
    if [ "$n" -ge 10 ]; then ok; else bad "$1: $n distinct non-grey colours (a blank chart has none)"; fi
}
