/* list.c: the listing of `vgrad list` and `vgrad list --csv` (list.h). */
#include "list.h"

#include "act.h"
#include "config.h"
#include "data.h"
#include "init.h"
#include "loss.h"
#include "optim.h"

/* The file forms of dataset=, beside data_table's names. */
static const struct {
    const char *form, *desc;
} file_datasets[] = {
    {"csv:PATH", "numeric features and an integer class label per row"},
    {"idx:IMAGES[,LABELS]", "IDX image and label files (plain or .gz), pixels scaled to [0,1]"},
};
enum { FILE_DATASET_COUNT = sizeof file_datasets / sizeof file_datasets[0] };

/* A named table's rows, seen through one shape: name and description. */
typedef struct {
    const char *list;     /* the CSV's list column */
    const char *heading;  /* the text listing's heading */
    int count;
    const char *(*name)(int i);
    const char *(*desc)(int i);
} named_table;

static const char *init_name(int i) { return init_table[i].name; }
static const char *init_desc(int i) { return init_table[i].desc; }
static const char *loss_name(int i) { return loss_table[i].name; }
static const char *loss_desc(int i) { return loss_table[i].desc; }
static const char *optim_name(int i) { return optim_table[i].name; }
static const char *optim_desc(int i) { return optim_table[i].desc; }
static const char *data_name(int i) { return data_table[i].name; }
static const char *data_desc(int i) { return data_table[i].desc; }

static void named_tables(named_table t[4])
{
    t[0] = (named_table){"init", "initialisers (init=NAME; init_gain multiplies each)", init_count,
                         init_name, init_desc};
    t[1] = (named_table){"loss", "losses (loss=NAME)", loss_count, loss_name, loss_desc};
    t[2] = (named_table){"optimizer", "optimisers (optimizer=NAME)", optim_count, optim_name,
                         optim_desc};
    t[3] = (named_table){"dataset", "datasets (dataset=NAME)", data_count, data_name, data_desc};
}

void list_print(FILE *fp)
{
    fprintf(fp, "activations (activation=NAME or NAME:PARAM):\n");
    for (int i = 0; i < act_count; i++) {
        const act_info *a = &act_table[i];
        char label[64];
        if (a->param_name) {
            char def[32];
            csv_format_double(def, a->param_default);
            snprintf(label, sizeof label, "%s:%s=%s", a->name, a->param_name, def);
        } else {
            snprintf(label, sizeof label, "%s", a->name);
        }
        fprintf(fp, "  %-24s %s\n", label, a->desc);
    }
    named_table t[4];
    named_tables(t);
    for (int k = 0; k < 4; k++) {
        fprintf(fp, "\n%s:\n", t[k].heading);
        for (int i = 0; i < t[k].count; i++) fprintf(fp, "  %-24s %s\n", t[k].name(i), t[k].desc(i));
    }
    for (int i = 0; i < FILE_DATASET_COUNT; i++)
        fprintf(fp, "  %-24s %s\n", file_datasets[i].form, file_datasets[i].desc);
}

static void csv_row(csv_out *o, const char *list, const char *name, const char *param,
                    const char *def, const char *desc)
{
    csvout_str(o, list);
    csvout_str(o, name);
    csvout_str(o, param);
    csvout_str(o, def);
    csvout_str(o, desc);
    csvout_endrow(o);
}

void list_write_csv(csv_out *o)
{
    csvout_header(o, "list,name,parameter,default,description");
    for (int i = 0; i < act_count; i++) {
        const act_info *a = &act_table[i];
        char def[32] = "";
        if (a->param_name) csv_format_double(def, a->param_default);
        csv_row(o, "activation", a->name, a->param_name ? a->param_name : "", def, a->desc);
    }
    named_table t[4];
    named_tables(t);
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < t[k].count; i++) csv_row(o, t[k].list, t[k].name(i), "", "", t[k].desc(i));
    for (int i = 0; i < FILE_DATASET_COUNT; i++)
        csv_row(o, "dataset", file_datasets[i].form, "", "", file_datasets[i].desc);
    for (int k = 0; k < VG_KEY_COUNT; k++)
        csv_row(o, "key", key_table[k].name, config_type_name(key_table[k].type), key_table[k].def,
                key_table[k].help);
    for (int k = 0; k < VG_KEY_COUNT; k++)
        if (key_table[k].flags & KEY_OUTPUT) csv_row(o, "output_key", key_table[k].name, "", "", "");
    for (int q = 0; q < HIST_QUANTITY_COUNT; q++)
        csv_row(o, "hist_quantity", hist_quantity_names[q], "", "", hist_quantity_descs[q]);
}
