# csv.awk: the one CSV reader of the chart and figure scripts (gawk).
# RFC 4180: fields separated by commas; a field in double quotes may hold
# commas, doubled quotes ("" for ") and line breaks.  A CR before a line
# break is dropped.  Columns are found by their header name, never by position.
#
# Reading a file by name (the charts):
#   csv_open(file)        reads the header: COL[file, name] = column number;
#                         returns the number of columns, 0 for an empty or
#                         missing file
#   csv_next(file)        the next record into CSVF[1..CSVN]; 0 at the end
#   col(file, name)       a field of the current record by column name (an
#                         error, exit 2, when file has no such column)
#   has_col(file, name)
# Reading the files given as arguments (the figures' main loop):
#   csv_main_record()     joins the lines of $0 while a quoted field is open
#                         and splits it into CSVF[1..CSVN]
# And underneath both:
#   csv_split(record, fields)  fields[1..n] of one record; returns n, or -1
#                         when the record is not valid CSV
# A field that has no quotes keeps awk's number-or-string value (as $1 does);
# a quoted field is a string.

# error(file, what): the one line a bad input gets; exit 2 (the shell passes
# it on).  Its prefix is "plot", or -v error_prefix for other scripts.
function error(file, what) {
    printf "%s: error: %s: %s\n", error_prefix == "" ? "plot" : error_prefix, file, what > "/dev/stderr"
    exit 2
}

BEGIN {
    CSV_NOT_CLOSED = "a quoted field is not closed by the end of the file (or a quote stands inside an unquoted field)"
    CSV_INVALID = "not valid CSV (a quote inside an unquoted field, or text after a closing quote)"
}

# csv_quote_open(s): s has an odd number of double quotes, so a quoted
# field in it continues on the next line.
function csv_quote_open(s) {
    return index(s, "\"") > 0 && gsub(/"/, "\"", s) % 2 == 1
}

function csv_split(record, fields,   pieces, m, k, n, v) {
    delete fields
    if (index(record, "\"") == 0) return split(record, fields, ",")
    m = split(record, pieces, ",")
    n = 0
    for (k = 1; k <= m; k++) {
        if (substr(pieces[k], 1, 1) != "\"") {
            if (index(pieces[k], "\"")) return -1    # a quote inside an unquoted field
            fields[++n] = pieces[k]
            continue
        }
        # a quoted field: its pieces up to the one that closes the quotes
        v = pieces[k]
        while (csv_quote_open(v) && k < m) v = v "," pieces[++k]
        if (v !~ /^"([^"]|"")*"$/) return -1         # not closed, or text after the closing quote
        v = substr(v, 2, length(v) - 2)
        gsub(/""/, "\"", v)
        fields[++n] = v
    }
    return n
}

# csv_record(file): the next record of file (its lines joined while a
# quoted field is open) in CSVREC; 0 at the end of the file.
function csv_record(file,   line, r, start) {
    r = (getline CSVREC < file)
    if (r <= 0) { close(file); CSVLINE[file] = 0; return 0 }
    CSVSTART = start = ++CSVLINE[file]
    sub(/\r$/, "", CSVREC)
    while (csv_quote_open(CSVREC)) {
        if ((getline line < file) <= 0)
            error(file, "line " start ": " CSV_NOT_CLOSED)
        CSVLINE[file]++
        sub(/\r$/, "", line)
        CSVREC = CSVREC "\n" line
    }
    return 1
}
function csv_fields(file) {
    CSVN = csv_split(CSVREC, CSVF)
    if (CSVN < 0) error(file, "line " CSVSTART ": " CSV_INVALID)
}

function csv_open(file,   i) {
    if (!csv_record(file)) return 0
    csv_fields(file)
    for (i = 1; i <= CSVN; i++) { COL[file, CSVF[i]] = i; HEADER[file, i] = CSVF[i] }
    NCOL[file] = CSVN
    return CSVN
}
function csv_next(file) {
    if (!csv_record(file)) return 0
    csv_fields(file)
    return 1
}
function has_col(file, name) { return (file SUBSEP name) in COL }
function col(file, name) {
    if (!((file SUBSEP name) in COL)) error(file, "no column '" name "'")
    return CSVF[COL[file, name]]
}

function csv_main_record(   line, start) {
    sub(/\r$/, "")
    start = FNR
    while (csv_quote_open($0)) {
        if ((getline line) <= 0) error(FILENAME, "line " start ": " CSV_NOT_CLOSED)
        sub(/\r$/, "", line)
        $0 = $0 "\n" line
    }
    CSVN = csv_split($0, CSVF)
    if (CSVN < 0) error(FILENAME, "line " start ": " CSV_INVALID)
}
