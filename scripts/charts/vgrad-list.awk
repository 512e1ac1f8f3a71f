# vgrad-list.awk: what the vgrad binary knows, read from the output of
# `vgrad list --csv` (-v list=FILE; gawk, after csv.awk), so that no script
# keeps a copy: the activations and their default parameters, the output
# keys (which never tell runs apart) and the histogram quantities.
#   list_count(kind)        the number of names of a kind (activation,
#                           output_key, hist_quantity, ...)
#   list_name(kind, k)      its k-th name, in vgrad's order
#   in_list(kind, name)
#   act_default(name)       the default parameter of an activation, "" for none
# Run alone with -v print_names=KIND, it prints that kind's names, one a line.

function read_vgrad_list(   kind, name) {
    if (VGRAD_LIST_READ++) return
    if (list == "" || !csv_open(list))
        error(list == "" ? "-v list" : list, "no output of vgrad list --csv (the activations, output keys and histogram quantities)")
    while (csv_next(list)) {
        kind = col(list, "list")
        name = col(list, "name")
        LISTNAME[kind, ++LISTN[kind]] = name
        INLIST[kind, name] = 1
        if (kind == "activation") ACT_DEFAULT[name] = col(list, "default")
    }
}
function list_count(kind) { read_vgrad_list(); return LISTN[kind] + 0 }
function list_name(kind, k) { read_vgrad_list(); return LISTNAME[kind, k] }
function in_list(kind, name) { read_vgrad_list(); return (kind SUBSEP name) in INLIST }
function act_default(name) { read_vgrad_list(); return (name in ACT_DEFAULT) ? ACT_DEFAULT[name] : "" }

BEGIN {
    if (print_names != "") {
        for (k = 1; k <= list_count(print_names); k++) print list_name(print_names, k)
        exit
    }
}
