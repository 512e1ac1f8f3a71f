/* columns.c: headers and README tables from the column tables (columns.h). */
#include "columns.h"

#include "config.h"

const vg_column_file column_files[COLUMN_FILE_COUNT] = {
    {"layers.csv", "layers_column", layers_columns, &layers_column_count},
    {"train.csv", "train_column", train_columns, &train_column_count},
    {"runs.csv", "runs_column", runs_columns, &runs_column_count},
    {"time.csv", "time_column", time_columns, &time_column_count},
};

void columns_header(csv_out *o, const vg_column *cols, int count, int with_test)
{
    for (int c = 0; c < count; c++) {
        if ((cols[c].flags & COL_TEST) && !with_test) continue;
        if (cols[c].flags & COL_KEYS)
            for (int k = 0; k < VG_KEY_COUNT; k++) csvout_str(o, key_table[k].name);
        else
            csvout_str(o, cols[c].name);
    }
    csvout_endrow(o);
}

/* desc with every | escaped, as a Markdown table cell needs. */
static void markdown_cell(FILE *fp, const char *desc)
{
    for (const char *p = desc; *p; p++) {
        if (*p == '|') fputc('\\', fp);
        fputc(*p, fp);
    }
}

void columns_markdown(FILE *fp, const vg_column_file *f)
{
    fprintf(fp, "| column | meaning |\n|---|---|\n");
    for (int c = 0; c < *f->count; c++) {
        const vg_column *col = &f->cols[c];
        if (col->flags & COL_KEYS)
            fprintf(fp, "| `%s` ... `%s` | ", key_table[0].name, key_table[VG_KEY_COUNT - 1].name);
        else
            fprintf(fp, "| `%s` | ", col->name);
        markdown_cell(fp, col->desc);
        fprintf(fp, "%s |\n", col->flags & COL_TEST ? " (only with a test split)" : "");
    }
}

void columns_readme(FILE *fp)
{
    for (int f = 0; f < COLUMN_FILE_COUNT; f++) {
        fprintf(fp, "<!-- columns:%s:begin -->\n", column_files[f].file);
        columns_markdown(fp, &column_files[f]);
        fprintf(fp, "<!-- columns:%s:end -->\n", column_files[f].file);
    }
}
