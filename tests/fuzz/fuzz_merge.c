/* fuzz_merge.c: shard directories, as `vgrad merge OUT DIR...` reads them
 * (each DIR's .runs/plan, .runs/shard, manifest, experiment.ini and the
 * files of its finished runs, the CSV files in .runs/RUN_ID).
 *
 * Input: a byte giving the number of shard directories (1 + byte % 3:
 * s1, s2, s3), then their files in fuzz.h's archive format ("@@
 * s1/.runs/plan\n...").  OUT is a fresh directory beside them.  A refusal
 * must be VG_EUSAGE or VG_EFAIL with a message; a merge that succeeds has
 * written OUT/runs.csv and OUT/manifest. */
#include "fuzz.h"

#include "sweepdir.h"
#include "vg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    char root[128], out[160], path[200];
    char shard[3][160];
    char *dirs[3];
    int n_dirs = 1 + data[0] % 3;
    fuzz_fresh_dir("merge", root, sizeof root);
    fuzz_unpack(root, data + 1, size - 1);
    snprintf(out, sizeof out, "%s/out", root);
    for (int d = 0; d < n_dirs; d++) {
        snprintf(shard[d], sizeof shard[d], "%s/s%d", root, d + 1);
        dirs[d] = shard[d];
    }
    vg_error err = {0, ""};
    int rc = sweepdir_merge(out, dirs, n_dirs, &err);
    if (rc == VG_OK) {
        static const char *const written[] = {"runs.csv", "manifest"};
        for (int f = 0; f < 2; f++) {
            snprintf(path, sizeof path, "%s/%s", out, written[f]);
            if (access(path, F_OK) != 0) fuzz_fail("merged, but %s is missing", path);
        }
    } else if ((rc != VG_EUSAGE && rc != VG_EFAIL) || !err.msg[0]) {
        fuzz_fail("sweepdir_merge returned %d with message '%s'", rc, err.msg);
    }
    return 0;
}
