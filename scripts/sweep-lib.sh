# sweep-lib.sh: what sweep-parallel.sh and sweep-slurm.sh share, sourced
# after each has defined die (one error line, exit 2).
#   check_overrides ARG...   the arguments after --: key=value only, no out=
#   find_vgrad               $vgrad as an absolute path to an executable
#   plan_sweep ARG...        the whole grid of $file with the overrides ARG
#                            checked by `vgrad sweep --dry-run` (a bad file or
#                            value stops here with vgrad's own message, exit
#                            2); sets name, and out (default results/NAME)
#                            and file as absolute paths

check_overrides() {
    for override in "$@"; do
        case "$override" in
            out=*) die "'$override': give the directory with --out DIR" ;;
            -*) die "'$override' after --: allowed: key=value overrides only" ;;
        esac
    done
}

find_vgrad() {
    case "$vgrad" in
        /*) ;;
        */*) vgrad=$(pwd)/$vgrad ;;
        *) vgrad=$(command -v "$vgrad") || die "no '$VGRAD' on PATH (VGRAD)" ;;
    esac
    [ -f "$vgrad" ] && [ -x "$vgrad" ] || die "no vgrad at '$vgrad' (build it with scripts/setup.sh, or set VGRAD)"
}

plan_sweep() {
    plan=$("$vgrad" sweep "$file" --dry-run "$@") || exit 2
    name=$(printf '%s\n' "$plan" | sed -n '1s/^experiment \(.*\): [0-9][0-9]* runs.*/\1/p')
    [ -n "$name" ] || die "cannot read the experiment name from '$vgrad sweep $file --dry-run'"
    [ -n "$out" ] || out="results/$name"
    case "$out" in /*) ;; *) out=$(pwd)/$out ;; esac
    case "$file" in /*) ;; *) file=$(pwd)/$file ;; esac
}
