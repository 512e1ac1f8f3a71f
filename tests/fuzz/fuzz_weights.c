/* fuzz_weights.c: weights directories, as load_weights=DIR reads them
 * (trainer_setup then weights_load: W<l>.csv, b<l>.csv and the files of
 * the normalisation layers, for l = 1..L).
 *
 * Input: a byte choosing the network, then the directory's files in
 * fuzz.h's archive format ("@@ W1.csv\n...").
 *   bits 0-1  widths: 2 | 3,2 | 2,2,2 | 4 (on xor: 2 inputs, 2 classes)
 *   bit 2     norm=batch    bit 3  norm=layer (bit 2 wins)
 *   bit 4     bias=0
 * A network that loads is set up; nothing else is promised of the values
 * (a weight may be any finite number). */
#include "fuzz.h"

#include "config.h"
#include "train.h"
#include "vg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    static const char *const widths[4] = {"2", "3,2", "2,2,2", "4"};
    uint8_t form = data[0];
    char dir[128];
    fuzz_fresh_dir("weights", dir, sizeof dir);
    fuzz_unpack(dir, data + 1, size - 1);

    static vg_config cfg;
    vg_error err = {0, ""};
    config_defaults(&cfg);
    char arg[256];
    const char *args[] = {"dataset=xor", "n_samples=4", "steps=0", arg, NULL, NULL, NULL};
    snprintf(arg, sizeof arg, "widths=%s", widths[form & 3]);
    int n = 4;
    if (form & 4) args[n++] = "norm=batch";
    else if (form & 8) args[n++] = "norm=layer";
    if (form & 16) args[n++] = "bias=0";
    for (int i = 0; i < n; i++)
        if (config_set_arg(&cfg, args[i], &err) != VG_OK) fuzz_fail("%s: %s", args[i], err.msg);
    if (config_set(&cfg, "load_weights", dir, &err) != VG_OK ||
        config_resolve(&cfg, &err) != VG_OK)
        fuzz_fail("configuration: %s", err.msg);

    trainer t;
    int rc = trainer_setup(&t, &cfg, &err);
    if (rc == VG_OK)
        trainer_free(&t);
    else if ((rc != VG_EUSAGE && rc != VG_EFAIL) || !err.msg[0])
        fuzz_fail("trainer_setup returned %d with message '%s'", rc, err.msg);
    return 0;
}
