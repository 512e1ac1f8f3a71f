/* fuzz_config.c: key=value arguments, as `vgrad run KEY=VALUE...` takes
 * them: config_set_arg for each line of the input, then config_resolve.
 * A resolved configuration must format every key within VG_VALUE_MAX, and
 * its given keys, formatted and read back into a fresh configuration, must
 * be accepted and give the same run_id and the same text for every key
 * (the canonical text is what runs.csv records and what --resume and merge
 * compare). */
#include "fuzz.h"

#include "config.h"
#include "vg.h"

enum { MAX_ARGS = 64 };

static vg_config cfg, again;
static char text[VG_VALUE_MAX], text_again[VG_VALUE_MAX];

static int set_lines(vg_config *c, char *input, vg_error *err)
{
    int rc = VG_OK, n = 0;
    for (char *line = input; line && rc == VG_OK && n < MAX_ARGS; n++) {
        char *nl = strchr(line, '\n');
        if (nl) *nl = '\0';
        rc = config_set_arg(c, line, err);
        line = nl ? nl + 1 : NULL;
    }
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *input = malloc(size + 1);
    if (!input) return 0;
    memcpy(input, data, size);
    input[size] = '\0';
    vg_error err = {0, ""};
    config_defaults(&cfg);
    int rc = set_lines(&cfg, input, &err);
    free(input);
    if (rc == VG_OK) rc = config_resolve(&cfg, &err);
    if (rc != VG_OK) {
        if (rc != VG_EUSAGE || !err.msg[0])
            fuzz_fail("refused with status %d and message '%s'", rc, err.msg);
        return 0;
    }
    char id[17], id_again[17];
    config_run_id(&cfg, id);

    config_defaults(&again);
    for (int k = 0; k < VG_KEY_COUNT; k++) {
        if (config_format(&cfg, k, text, sizeof text) >= sizeof text)
            fuzz_fail("key %s: its value does not fit VG_VALUE_MAX", key_table[k].name);
        if (cfg.given[k] && config_set(&again, key_table[k].name, text, &err) != VG_OK)
            fuzz_fail("key %s: its own text '%.200s' is refused: %s", key_table[k].name, text,
                      err.msg);
    }
    if (config_resolve(&again, &err) != VG_OK)
        fuzz_fail("the configuration read back is refused: %s", err.msg);
    config_run_id(&again, id_again);
    if (strcmp(id, id_again) != 0) fuzz_fail("run_id %s read back as %s", id, id_again);
    for (int k = 0; k < VG_KEY_COUNT; k++) {
        config_format(&cfg, k, text, sizeof text);
        config_format(&again, k, text_again, sizeof text_again);
        if (strcmp(text, text_again) != 0)
            fuzz_fail("key %s: '%.200s' read back as '%.200s'", key_table[k].name, text,
                      text_again);
    }
    return 0;
}
