/* file.c: atomic files, checked directory creation, whole-file reading
 * and copying. */
/* fopencookie is a GNU extension (glibc, musl). */
#define _GNU_SOURCE
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- injected write failures (tests only) ---------------------------------------- */

/* The writes, syncs and closes of atomic files since file_fail_write_at,
 * the one to fail (0: none) and its errno. */
static long write_count = 0, write_fail_at = 0;
static int write_fail_errno = ENOSPC, write_set = 0;

void file_fail_write_at(long n, int errnum)
{
    write_fail_at = n;
    write_fail_errno = errnum;
    write_count = 0;
    write_set = 1;
}

long file_write_count(void) { return write_count; }

/* VGRAD_TEST_FAIL_WRITE=N or N:EIO, read once unless a test has set the
 * failure itself. */
static void read_write_env(void)
{
    if (write_set) return;
    write_set = 1;
    const char *v = getenv("VGRAD_TEST_FAIL_WRITE");
    if (!v) return;
    char *end;
    write_fail_at = strtol(v, &end, 10);
    write_fail_errno = strcmp(end, ":EIO") == 0 ? EIO : ENOSPC;
}

/* Counts a write, sync or close; the errno to fail it with, or 0. */
static int write_fault(void)
{
    return ++write_count == write_fail_at ? write_fail_errno : 0;
}

/* While failures are injected, atomic files are written through a stdio
 * cookie whose writes and close count (fsync counts in file_commit_temp). */
static ssize_t counted_write(void *cookie, const char *buf, size_t size)
{
    int e = write_fault();
    if (e) {
        /* 0, not -1: glibc's fwrite takes a cookie's -1 for a count and
         * overruns its buffer; 0 (a short write) sets the error flag. */
        errno = e;
        return 0;
    }
    ssize_t n = write(*(int *)cookie, buf, size);
    return n < 0 ? 0 : n;
}

static int counted_close(void *cookie)
{
    int fd = *(int *)cookie, e = write_fault();
    vg_free(cookie);
    if (close(fd) != 0) return -1;
    if (e) {
        errno = e;
        return -1;
    }
    return 0;
}

/* fopen(path, "w"), counted when failures are injected. */
static FILE *open_for_writing(const char *path)
{
    read_write_env();
    if (write_fail_at <= 0) return fopen(path, "w");
    int *fd = vg_malloc(sizeof *fd);
    if (!fd) return NULL;
    *fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    cookie_io_functions_t io = {NULL, counted_write, NULL, counted_close};
    FILE *fp = *fd >= 0 ? fopencookie(fd, "w", io) : NULL;
    if (!fp) {
        int e = errno;
        if (*fd >= 0) close(*fd);
        vg_free(fd);
        errno = e;
    }
    return fp;
}

/* fsync of a stream from open_for_writing (a counted one has no fd). */
static int sync_stream(FILE *fp)
{
    int fd = fileno(fp);
    if (fd < 0) {
        int e = write_fault();
        errno = e;
        return e ? -1 : 0;
    }
    return fsync(fd) != 0 && errno != EINVAL ? -1 : 0;
}

int file_error_code(int errnum)
{
    return errnum == ENOSPC || errnum == EDQUOT || errnum == EIO || errnum == ENOMEM ? VG_EFAIL
                                                                                    : VG_EUSAGE;
}

/* ---- atomic files ------------------------------------------------------------- */

int file_open_temp(const char *path, FILE **fp, char **tmp_path, vg_error *err)
{
    *fp = NULL;
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
    size_t size = strlen(path) + 48;
    *tmp_path = vg_malloc(size);
    if (!*tmp_path) return vg_fail(err, VG_EFAIL, "out of memory");
    snprintf(*tmp_path, size, "%.*s.%s.tmp.%ld", (int)dir_len, path, path + dir_len,
             (long)getpid());
    *fp = open_for_writing(*tmp_path);
    if (!*fp) {
        int e = errno;
        char dir[4096];
        snprintf(dir, sizeof dir, "%.*s", dir_len ? (int)dir_len - 1 : 1, dir_len ? path : ".");
        vg_free(*tmp_path);
        *tmp_path = NULL;
        return vg_fail(err, file_error_code(e), "cannot write to '%s': %s", dir, strerror(e));
    }
    return VG_OK;
}

int file_close_temp(FILE *fp, int failed, const char *tmp_path, const char *path,
                    vg_error *err)
{
    const char *what = NULL;
    int e = 0;
    if (failed || ferror(fp)) what = "write", e = failed > 0 ? failed : 0;
    else if (fflush(fp) != 0) what = "flush", e = errno;
    else if (sync_stream(fp) != 0) what = "sync", e = errno;
    if (fclose(fp) != 0 && !what) what = "close", e = errno;
    if (!what) return VG_OK;
    unlink(tmp_path);
    return vg_fail(err, VG_EFAIL, "%s of '%s' failed: %s", what, path,
                   e ? strerror(e) : "I/O error");
}

int file_rename_temp(const char *tmp_path, const char *path, vg_error *err)
{
    if (rename(tmp_path, path) == 0) return VG_OK;
    int e = errno;
    unlink(tmp_path);
    return vg_fail(err, VG_EFAIL, "rename of '%s' failed: %s", path, strerror(e));
}

int file_commit_temp(FILE *fp, int failed, const char *tmp_path, const char *path,
                     vg_error *err)
{
    int rc = file_close_temp(fp, failed, tmp_path, path, err);
    return rc == VG_OK ? file_rename_temp(tmp_path, path, err) : rc;
}

void file_discard_temp(FILE *fp, const char *tmp_path)
{
    if (fp) fclose(fp);
    if (tmp_path) unlink(tmp_path);
}

int file_write_atomic(const char *path, const char *text, size_t len, vg_error *err)
{
    FILE *fp;
    char *tmp_path;
    int rc = file_open_temp(path, &fp, &tmp_path, err);
    if (rc != VG_OK) return rc;
    int failed = len > 0 && fwrite(text, 1, len, fp) != len ? (errno ? errno : EIO) : 0;
    rc = file_commit_temp(fp, failed, tmp_path, path, err);
    vg_free(tmp_path);
    return rc;
}

/* ---- directories and paths ---------------------------------------------------- */

int file_make_dir(const char *path, vg_error *err)
{
    char buf[4096];
    if (strlen(path) >= sizeof buf || path[0] == '\0')
        return vg_fail(err, VG_EUSAGE, "output directory name '%s' is empty or too long", path);
    strcpy(buf, path);
    for (char *p = buf + 1;; p++) {
        if (*p != '/' && *p != '\0') continue;
        char c = *p;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return vg_fail(err, file_error_code(errno), "cannot create output directory '%s': %s",
                           path, strerror(errno));
        if (!file_is_dir(buf))
            return vg_fail(err, VG_EUSAGE, "cannot create output directory '%s': '%s' is not a "
                           "directory", path, buf);
        *p = c;
        if (c == '\0') break;
    }
    if (access(path, W_OK | X_OK) != 0)
        return vg_fail(err, VG_EUSAGE, "output directory '%s' is not writable: %s", path,
                       strerror(errno));
    return VG_OK;
}

int file_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int file_join(char *buf, size_t size, const char *a, const char *b, vg_error *err)
{
    if ((size_t)snprintf(buf, size, "%s/%s", a, b) >= size)
        return vg_fail(err, VG_EUSAGE, "path '%s/%s' is too long", a, b);
    return VG_OK;
}

/* ---- whole files ---------------------------------------------------------------- */

char *file_read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = vg_malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (n + 1 < cap) break;
        char *grown = vg_realloc(buf, cap * 2);
        if (!grown) vg_free(buf);
        buf = grown;
        cap *= 2;
    }
    int failed = ferror(f);
    fclose(f);
    if (!buf || failed) {
        vg_free(buf);
        errno = failed ? EIO : ENOMEM;
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

int file_copy(const char *from, const char *to, vg_error *err)
{
    size_t len;
    char *text = file_read_all(from, &len);
    if (!text)
        return vg_fail(err, errno == ENOMEM ? VG_EFAIL : VG_EUSAGE, "cannot read '%s': %s",
                       from, errno == ENOMEM ? "out of memory" : strerror(errno));
    int rc = file_write_atomic(to, text, len, err);
    vg_free(text);
    return rc;
}

int file_append(FILE *out, const char *path)
{
    if (ferror(out)) return 0;   /* out is discarded at its commit anyway */
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    char buf[65536];
    size_t n;
    int ok = 1;
    while (ok && (n = fread(buf, 1, sizeof buf, f)) > 0)
        if (fwrite(buf, 1, n, out) != n) ok = 0;
    if (ferror(f)) ok = 0;
    fclose(f);
    return ok;
}
