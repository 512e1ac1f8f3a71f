/* test_file.c: atomic files, directory creation on a regular file's path,
 * whole-file reading, copying and appending, and their allocation
 * failures. */
#include <stdlib.h>
#include <unistd.h>

#include "file.h"
#include "test.h"

static char dir[] = "/tmp/vgrad_file_XXXXXX";

static void path_of(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", dir, name);
}

static void test_atomic_and_read(void)
{
    char path[256], copy[256], tmp_name[300];
    vg_error err = {0, ""};
    path_of(path, sizeof path, "a.txt");
    CHECK(file_write_atomic(path, "one\ntwo\n", 8, &err) == VG_OK);
    size_t len = 0;
    char *text = file_read_all(path, &len);
    CHECK_STR(text, "one\ntwo\n");
    CHECK(len == 8);
    vg_free(text);
    /* The temporary twin is gone after the rename. */
    snprintf(tmp_name, sizeof tmp_name, "%s/.a.txt.tmp.%ld", dir, (long)getpid());
    CHECK(access(tmp_name, F_OK) != 0);
    path_of(copy, sizeof copy, "b.txt");
    CHECK(file_copy(path, copy, &err) == VG_OK);
    text = file_read_all(copy, &len);
    CHECK_STR(text, "one\ntwo\n");
    vg_free(text);
    /* file_append onto a stream, twice. */
    path_of(copy, sizeof copy, "c.txt");
    FILE *out = fopen(copy, "w");
    CHECK(out && file_append(out, path) && file_append(out, path));
    if (out) fclose(out);
    text = file_read_all(copy, &len);
    CHECK_STR(text, "one\ntwo\none\ntwo\n");
    vg_free(text);
    /* A file larger than the first read buffer. */
    static char big[10000];
    memset(big, 'x', sizeof big);
    CHECK(file_write_atomic(path, big, sizeof big, &err) == VG_OK);
    text = file_read_all(path, &len);
    CHECK(text && len == sizeof big && text[len - 1] == 'x' && text[len] == '\0');
    vg_free(text);

    path_of(path, sizeof path, "missing.txt");
    CHECK(file_read_all(path, &len) == NULL);
    CHECK(file_copy(path, copy, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "cannot read");
    char small[8];
    CHECK(file_join(small, sizeof small, "abc", "def", &err) == VG_OK);
    CHECK_STR(small, "abc/def");
    CHECK(file_join(small, sizeof small, "abcd", "def", &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "too long");
}

static void test_dirs(void)
{
    char path[256];
    vg_error err = {0, ""};
    path_of(path, sizeof path, "plain");
    CHECK(file_write_atomic(path, "x", 1, &err) == VG_OK);
    CHECK(!file_is_dir(path));
    /* A regular file where a directory is needed (as root too). */
    path_of(path, sizeof path, "plain/sub");
    CHECK(file_make_dir(path, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "is not a directory");
    path_of(path, sizeof path, "plain/sub/x.txt");
    CHECK(file_write_atomic(path, "x", 1, &err) == VG_EUSAGE);
    CHECK_CONTAINS(err.msg, "cannot write to");
    path_of(path, sizeof path, "made/deep/er");
    CHECK(file_make_dir(path, &err) == VG_OK);
    CHECK(file_is_dir(path));
    CHECK(file_make_dir(path, &err) == VG_OK);   /* again: it exists */
}

static int write_then_copy(void *ctx, vg_error *err)
{
    char path[256], copy[256];
    path_of(path, sizeof path, ctx);
    path_of(copy, sizeof copy, "alloc-copy.txt");
    int rc = file_write_atomic(path, "a,b\n1,2\n", 8, err);
    return rc == VG_OK ? file_copy(path, copy, err) : rc;
}

int main(void)
{
    if (!mkdtemp(dir)) return 1;
    test_atomic_and_read();
    test_dirs();
    CHECK(check_alloc_failures("file_write_atomic and file_copy", write_then_copy,
                               "alloc.txt") >= 3);
    if (test_remove_tree(dir) != 0) return 1;
    return test_report("test_file");
}
