# bench-peer.awk: vgrad-bench's rows (-v vgrad, a CSV file) with, beside
# each, PyTorch's seconds per step for the same shape, activation and
# log_every from bench/torch_step.py (-v torch; "" or a file without that
# row: the two columns are empty) and vgrad's speed relative to it
# (vs_torch = torch seconds / vgrad seconds: above 1, vgrad is faster).
# Columns are found by name (scripts/charts/csv.awk).
#   gawk -f scripts/charts/csv.awk -f scripts/bench-peer.awk -v vgrad=FILE -v torch=FILE
function key(file) {
    return col(file, "depth") "," col(file, "width") "," col(file, "batch") "," \
           col(file, "activation") "," col(file, "network") "," col(file, "log_every")
}
BEGIN {
    error_prefix = "bench"
    if (torch != "" && csv_open(torch))
        while (csv_next(torch)) peer[key(torch)] = col(torch, "torch_seconds_per_step")
    if (!csv_open(vgrad)) error(vgrad, "missing or empty")
    print "depth,width,batch,activation,network,log_every,dgemm_gflops,vgrad_gflops," \
          "vgrad_vs_dgemm,vgrad_seconds_per_step,torch_seconds_per_step,vgrad_vs_torch"
    while (csv_next(vgrad)) {
        row_key = key(vgrad)
        seconds = col(vgrad, "vgrad_seconds_per_step")
        printf "%s,%s,%s,%s,%s", row_key, col(vgrad, "dgemm_gflops"), col(vgrad, "vgrad_gflops"),
               col(vgrad, "ratio"), seconds
        if (row_key in peer) printf ",%s,%.2f\n", peer[row_key], peer[row_key] / seconds
        else printf ",,\n"
    }
}
