/* fuzz.h: what the libFuzzer harnesses of tests/fuzz/ share: a temporary
 * directory of the process's own (removed at exit), files written into it,
 * and a small archive format for inputs that are several files (a weights
 * directory, shard directories):
 *
 *   @@ PATH\n CONTENT @@ PATH\n CONTENT ...
 *
 * Each "@@ " at the start of the input or of a line begins a file; its
 * content runs to the newline before the next "@@ " (or to the end).  PATH
 * is relative, made of [A-Za-z0-9._-] parts separated by '/', without "."
 * or ".." parts; entries with another path, or one that cannot be made (under
 * an earlier file, or an earlier directory itself), are skipped.  At most
 * FUZZ_MAX_FILES files, FUZZ_MAX_DEPTH parts deep.
 *
 * The directory is in /dev/shm when it can be ($TMPDIR when set).
 *
 * A harness checks what the library promises (the status codes, the
 * invariants of what it returns) and calls fuzz_fail, which aborts, when a
 * promise is broken: libFuzzer records the input as a crash. */
#ifndef VG_FUZZ_H
#define VG_FUZZ_H

#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { FUZZ_MAX_FILES = 64, FUZZ_MAX_DEPTH = 6 };

/* The process's directory, made at the first call. */
static char fuzz_dir_path[64];

static inline int fuzz_remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path) != 0 && errno != ENOENT;
}

/* Removes path and everything under it (not following links). */
static inline void fuzz_remove_tree(const char *path)
{
    nftw(path, fuzz_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static inline void fuzz_remove_dir(void) { fuzz_remove_tree(fuzz_dir_path); }

static inline const char *fuzz_dir(void)
{
    if (!fuzz_dir_path[0]) {
        /* In memory when it can be (/dev/shm): vgrad syncs what it writes,
         * and a disk's fsync would be most of an input's time. */
        const char *tmp = getenv("TMPDIR");
        if (!tmp || !tmp[0] || strlen(tmp) >= 40)
            tmp = access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(fuzz_dir_path, sizeof fuzz_dir_path, "%s/vgrad_fuzz.XXXXXX", tmp);
        if (!mkdtemp(fuzz_dir_path)) {
            perror("fuzz: mkdtemp");
            abort();
        }
        atexit(fuzz_remove_dir);
    }
    return fuzz_dir_path;
}

/* A promise of the library was broken: abort, so libFuzzer keeps the input. */
#define fuzz_fail(...)                                       \
    do {                                                     \
        fprintf(stderr, "fuzz: %s:%d: ", __FILE__, __LINE__); \
        fprintf(stderr, __VA_ARGS__);                        \
        fprintf(stderr, "\n");                               \
        abort();                                             \
    } while (0)

/* Writes data as the file path: 0 when it cannot be made (a path through
 * a file, which an archive may name), -1 when it was made but not written. */
static inline int fuzz_try_write_file(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    int ok = !(size && fwrite(data, 1, size, f) != size);
    return fclose(f) == 0 && ok ? 1 : -1;
}

/* Writes data as the file path, whole, or aborts (the harness's own files;
 * a full /dev/shm). */
static inline void fuzz_write_file(const char *path, const uint8_t *data, size_t size)
{
    if (fuzz_try_write_file(path, data, size) != 1) {
        perror(path);
        abort();
    }
}

/* A fresh, empty directory dir/name; its path in out. */
static inline void fuzz_fresh_dir(const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s/%s", fuzz_dir(), name);
    fuzz_remove_tree(out);
    if (mkdir(out, 0700) != 0) {
        perror(out);
        abort();
    }
}

/* 1 when path is a relative path of allowed parts (see the top). */
static inline int fuzz_path_ok(const char *path)
{
    int depth = 0;
    const char *p = path;
    for (;;) {
        size_t n = strcspn(p, "/");
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return 0;
        for (size_t i = 0; i < n; i++)
            if (!(p[i] == '.' || p[i] == '_' || p[i] == '-' || (p[i] >= '0' && p[i] <= '9') ||
                  (p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z')))
                return 0;
        if (++depth > FUZZ_MAX_DEPTH) return 0;
        if (!p[n]) return 1;
        p += n + 1;
    }
}

/* Makes every directory above path (a path under dir). */
static inline void fuzz_make_parents(char *path, size_t skip)
{
    for (char *s = path + skip; (s = strchr(s, '/')); s++) {
        *s = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST) {
            *s = '/';
            return;
        }
        *s = '/';
    }
}

/* Writes the files of the archive data[0..size) under dir (see the top);
 * returns how many. */
static inline int fuzz_unpack(const char *dir, const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;
    int files = 0;
    /* The first "@@ " entry: at the start, or after a newline. */
    while (p < end && !(end - p >= 3 && memcmp(p, "@@ ", 3) == 0 &&
                        (p == (const char *)data || p[-1] == '\n')))
        p++;
    while (p < end && files < FUZZ_MAX_FILES) {
        const char *name = p + 3;
        const char *nl = memchr(name, '\n', (size_t)(end - name));
        const char *content = nl ? nl + 1 : end;
        /* The content ends before "\n@@ " or at the end. */
        const char *stop = content;
        while (stop < end && !(end - stop >= 4 && memcmp(stop, "\n@@ ", 4) == 0)) stop++;
        char rel[256], path[512];
        size_t name_len = (size_t)((nl ? nl : end) - name);
        if (name_len > 0 && name_len < sizeof rel && !memchr(name, '\0', name_len)) {
            memcpy(rel, name, name_len);
            rel[name_len] = '\0';
            if (fuzz_path_ok(rel)) {
                snprintf(path, sizeof path, "%s/%s", dir, rel);
                fuzz_make_parents(path, strlen(dir) + 1);
                /* An entry under an earlier file, or naming an earlier
                 * directory, is skipped. */
                int written = fuzz_try_write_file(path, (const uint8_t *)content,
                                                  (size_t)(stop - content));
                if (written < 0) {
                    perror(path);
                    abort();
                }
                files += written;
            }
        }
        p = stop < end ? stop + 1 : end;
    }
    return files;
}

#endif
