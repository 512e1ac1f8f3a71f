/* list.c: the listing of `vgrad list` and `vgrad list --csv` (list.h). */
#include "list.h"

#include "act.h"
#include "columns.h"
#include "config.h"
#include "data.h"
#include "init.h"
#include "layer.h"
#include "loss.h"
#include "norm.h"
#include "optim.h"
#include "run.h"

/* The file forms of dataset= (data.h). */
static const struct {
    const char *form, *desc;
} file_datasets[] = {
#define FILE_FORM_ROW(prefix, form, desc) {form, desc},
    DATA_FILE_FORMS(FILE_FORM_ROW)
#undef FILE_FORM_ROW
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
static const char *norm_name(int i) { return norm_table[i].name; }
static const char *norm_desc(int i) { return norm_table[i].desc; }
static const char *kind_name(int i) { return layer_table[i]->name; }
static const char *kind_desc(int i) { return layer_table[i]->desc; }

/* The named tables; the dataset table (DATASET_TABLE) is followed by the
 * file forms of dataset=. */
enum { NAMED_TABLE_COUNT = 6, DATASET_TABLE = 3 };

static void named_tables(named_table t[NAMED_TABLE_COUNT])
{
    t[0] = (named_table){"init", "initialisers (init=NAME; init_gain multiplies each)", init_count,
                         init_name, init_desc};
    t[1] = (named_table){"loss", "losses (loss=NAME)", loss_count, loss_name, loss_desc};
    t[2] = (named_table){"optimizer", "optimisers (optimizer=NAME)", optim_count, optim_name,
                         optim_desc};
    t[3] = (named_table){"dataset", "datasets (dataset=NAME)", data_count, data_name, data_desc};
    t[4] = (named_table){"norm", "normalisations (norm=NAME)", norm_count, norm_name, norm_desc};
    t[5] = (named_table){"layer_kind",
                         "layer kinds (hidden layers by norm=, each may add a residual= shortcut, "
                         "or by model=rnn, lstm, gru; the output layer is dense)",
                         LAYER_KIND_COUNT, kind_name, kind_desc};
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
    named_table t[NAMED_TABLE_COUNT];
    named_tables(t);
    for (int k = 0; k < NAMED_TABLE_COUNT; k++) {
        fprintf(fp, "\n%s:\n", t[k].heading);
        for (int i = 0; i < t[k].count; i++) fprintf(fp, "  %-24s %s\n", t[k].name(i), t[k].desc(i));
        if (k == DATASET_TABLE)
            for (int i = 0; i < FILE_DATASET_COUNT; i++)
                fprintf(fp, "  %-24s %s\n", file_datasets[i].form, file_datasets[i].desc);
    }
}

void list_keys_help(FILE *fp)
{
    fprintf(fp, "usage: vgrad run key=value ...\n\nkeys (default in brackets):\n");
    char allowed[1200];
    for (int k = 0; k < VG_KEY_COUNT; k++) {
        config_allowed(k, allowed, sizeof allowed);
        fprintf(fp, "  %-13s [%s] %s\n  %13s  allowed: %s\n", key_table[k].name, key_table[k].def,
                key_table[k].help, "", allowed);
    }
}

void list_keys_markdown(FILE *fp)
{
    char allowed[1200];
    fprintf(fp, "| key | default | meaning | allowed |\n|---|---|---|---|\n");
    for (int k = 0; k < VG_KEY_COUNT; k++) {
        config_allowed(k, allowed, sizeof allowed);
        const char *def = key_table[k].def;
        fprintf(fp, "| `%s` | %s%s%s | %s | %s |\n", key_table[k].name, def[0] ? "`" : "",
                def[0] ? def : "(empty)", def[0] ? "`" : "", key_table[k].help, allowed);
    }
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
    named_table t[NAMED_TABLE_COUNT];
    named_tables(t);
    for (int k = 0; k < NAMED_TABLE_COUNT; k++) {
        for (int i = 0; i < t[k].count; i++) csv_row(o, t[k].list, t[k].name(i), "", "", t[k].desc(i));
        if (k == DATASET_TABLE)
            for (int i = 0; i < FILE_DATASET_COUNT; i++)
                csv_row(o, "dataset", file_datasets[i].form, "", "", file_datasets[i].desc);
    }
    for (int k = 0; k < VG_KEY_COUNT; k++)
        csv_row(o, "key", key_table[k].name, config_type_name(key_table[k].type), key_table[k].def,
                key_table[k].help);
    for (int k = 0; k < VG_KEY_COUNT; k++)
        if (key_table[k].flags & KEY_OUTPUT) csv_row(o, "output_key", key_table[k].name, "", "", "");
    for (int q = 0; q < HIST_QUANTITY_COUNT; q++)
        csv_row(o, "hist_quantity", hist_quantity_names[q], "", "", hist_quantity_descs[q]);
    for (int f = 0; f < F_COUNT; f++)
        csv_row(o, "result_file", run_file_names[f], "", "",
                "a file of every run directory, and of a sweep directory (its runs' rows)");
    for (int f = 0; f < COLUMN_FILE_COUNT; f++) {
        const vg_column_file *file = &column_files[f];
        for (int c = 0; c < *file->count; c++) {
            const vg_column *col = &file->cols[c];
            if (col->flags & COL_KEYS) {
                for (int k = 0; k < VG_KEY_COUNT; k++)
                    csv_row(o, file->list, key_table[k].name, "", "", key_table[k].help);
            } else {
                csv_row(o, file->list, col->name, col->flags & COL_TEST ? "test" : "", "", col->desc);
            }
        }
    }
}

void list_activation_curves(csv_out *o, double lo, double hi, long points)
{
    csvout_header(o, "activation,x,f,df");
    for (int a = 0; a < act_count; a++) {
        const act_info *act = &act_table[a];
        for (long i = 0; i < points; i++) {
            double x = lo + (hi - lo) * (double)i / (double)(points - 1);
            csvout_str(o, act->name);
            csvout_num(o, x);
            csvout_num(o, act->f(x, act->param_default));
            csvout_num(o, act->df(x, act->param_default));
            csvout_endrow(o);
        }
    }
}
