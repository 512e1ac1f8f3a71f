/* pool.c: the fork worker pool: shared counts, workers, the wait. */
/* MAP_ANONYMOUS is not POSIX; glibc and the BSDs have it (and Linux has
 * prctl). */
#define _DEFAULT_SOURCE
#include "pool.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

typedef struct {
    int next;          /* next task */
    pool_status s;     /* counts, written by the workers with atomic adds */
} pool_shared;

/* The counts as they stand, read while the workers write them. */
static void snapshot(const pool_shared *sh, double t0, int worker_died, pool_status *s)
{
    memset(s, 0, sizeof *s);
    s->total = sh->s.total;
    s->done = __atomic_load_n(&sh->s.done, __ATOMIC_RELAXED);
    for (int o = 0; o < POOL_OUTCOMES; o++)
        s->outcome[o] = __atomic_load_n(&sh->s.outcome[o], __ATOMIC_RELAXED);
    s->messages = __atomic_load_n(&sh->s.messages, __ATOMIC_RELAXED);
    s->worker_died = worker_died;
    s->seconds = vg_seconds() - t0;
}

/* The signal that stops the pool (SIGINT, SIGTERM), 0 until one comes. */
static volatile sig_atomic_t stop_signal = 0;

static void catch_stop_signal(int sig)
{
    if (!stop_signal) stop_signal = sig;
}

static void work(pool_shared *sh, pid_t parent, pool_task task, void *user)
{
    /* The caller stops the workers (pool.h): a Ctrl-C sent to the whole
     * process group must not end one in the middle of its files. */
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    /* A worker ends with its parent, even one killed by SIGKILL.  (The
     * kernel's signal on Linux; elsewhere the worker notices before its
     * next task.) */
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    for (;;) {
        if (getppid() != parent) _exit(1);
        int k = __atomic_fetch_add(&sh->next, 1, __ATOMIC_RELAXED);
        if (k >= sh->s.total) break;
        char message[sizeof sh->s.message] = "";
        int outcome = task(k, user, message, sizeof message);
        if (outcome < 0 || outcome >= POOL_OUTCOMES) _exit(1);
        if (message[0] && __atomic_fetch_add(&sh->s.messages, 1, __ATOMIC_RELAXED) == 0)
            memcpy(sh->s.message, message, sizeof message);
        __atomic_fetch_add(&sh->s.outcome[outcome], 1, __ATOMIC_RELAXED);
        __atomic_fetch_add(&sh->s.done, 1, __ATOMIC_RELAXED);
    }
    _exit(0);
}

int pool_run(int n, int jobs, pool_task task, void *task_user, pool_report report,
             void *report_user, pool_status *s, vg_error *err)
{
    memset(s, 0, sizeof *s);
    s->total = n;
    pool_shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                           -1, 0);
    if (sh == MAP_FAILED)
        return vg_fail(err, VG_EFAIL, "cannot share memory with the workers: %s", strerror(errno));
    memset(sh, 0, sizeof *sh);
    sh->s.total = n;
    if (jobs > n) jobs = n;
    /* The workers' pids: the pool waits for its own children only, never
     * for another child of the caller. */
    pid_t *workers = vg_calloc(jobs > 0 ? (size_t)jobs : 1, sizeof *workers);
    if (!workers) {
        munmap(sh, sizeof *sh);
        return vg_fail(err, VG_EFAIL, "out of memory");
    }
    struct sigaction stop, old_int, old_term;
    memset(&stop, 0, sizeof stop);
    stop.sa_handler = catch_stop_signal;   /* no SA_RESTART: the waits below return */
    sigemptyset(&stop.sa_mask);
    stop_signal = 0;
    /* A signal ignored on entry (SIGINT of a job started in the background
     * by a shell script, nohup) stays ignored. */
    sigaction(SIGINT, NULL, &old_int);
    sigaction(SIGTERM, NULL, &old_term);
    if (old_int.sa_handler != SIG_IGN) sigaction(SIGINT, &stop, NULL);
    if (old_term.sa_handler != SIG_IGN) sigaction(SIGTERM, &stop, NULL);
    double t0 = vg_seconds();
    fflush(NULL);   /* or each worker would write the caller's buffered output again */
    pid_t parent = getpid();
    int started = 0, fork_errno = 0;
    for (int w = 0; w < jobs; w++) {
        pid_t pid = fork();
        if (pid == 0) work(sh, parent, task, task_user);
        if (pid < 0) {
            fork_errno = errno;
            break;
        }
        workers[started++] = pid;
    }
    if (started == 0 && n > 0) {
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGTERM, &old_term, NULL);
        vg_free(workers);
        munmap(sh, sizeof *sh);
        return vg_fail(err, VG_EFAIL, "cannot start workers: %s", strerror(fork_errno));
    }
    int alive = started, worker_died = 0, stopped = 0;
    while (alive > 0) {
        if (stop_signal && !stopped) {
            /* No task starts from now on, and those in progress are abandoned. */
            stopped = 1;
            __atomic_store_n(&sh->next, n, __ATOMIC_RELAXED);
            for (int w = 0; w < started; w++)
                if (workers[w] > 0) kill(workers[w], SIGKILL);
        }
        int reaped = 0;
        for (int w = 0; w < started; w++) {
            if (workers[w] <= 0) continue;
            int status;
            pid_t pid = waitpid(workers[w], &status, WNOHANG);
            if (pid == workers[w]) {
                if (!stopped && (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) worker_died = 1;
            } else if (pid == 0 || errno == EINTR) {
                continue;
            } else {
                worker_died = 1;   /* reaped by someone else: its end is unknown */
            }
            workers[w] = 0;
            alive--;
            reaped = 1;
        }
        if (reaped) continue;
        if (report) {
            snapshot(sh, t0, worker_died, s);
            report(s, 0, report_user);
        }
        struct timespec nap = {0, 20000000};
        nanosleep(&nap, NULL);
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    vg_free(workers);
    snapshot(sh, t0, worker_died, s);
    s->interrupted = stop_signal;
    memcpy(s->message, sh->s.message, sizeof s->message);
    munmap(sh, sizeof *sh);
    if (report) report(s, 1, report_user);
    return VG_OK;
}
