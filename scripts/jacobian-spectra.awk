# jacobian-spectra.awk: the two CSV readings of jacobian-spectra.sh, by
# column name (gawk, after scripts/charts/csv.awk):
#   -v edge=EDGE_OF_CHAOS_CSV -v target=W   "Q_STAR SIGMA_B2" of the edge of
#       chaos at sigma_w^2 = W, interpolated between the two points of the
#       line around it; exit 1 when the line does not reach W
#   -v jacobian=JACOBIAN_CSV -v prefix=P    each singular value of
#       jacobian.csv as "P,example,index,singular_value"
BEGIN {
    error_prefix = "jacobian-spectra.sh"
    if (edge != "") {
        csv_open(edge)
        while (csv_next(edge)) {
            q = col(edge, "q_star"); w = col(edge, "sigma_w2"); b = col(edge, "sigma_b2")
            if (seen && pw <= target && w > target) {
                t = (target - pw) / (w - pw)
                printf "%.17g %.17g\n", pq + t * (q - pq), pb + t * (b - pb)
                exit 0
            }
            seen = 1; pq = q; pw = w; pb = b
        }
        exit 1
    }
    csv_open(jacobian)
    while (csv_next(jacobian))
        print prefix "," col(jacobian, "example") "," col(jacobian, "index") "," col(jacobian, "singular_value")
}
