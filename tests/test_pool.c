/* test_pool.c: the worker pool counts every task's outcome once, keeps a
 * task's message, reports progress, and notices a worker that died. */
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pool.h"
#include "test.h"

/* Task k's outcome is k % 3; task 7 leaves a message; with user set, task
 * 5's worker dies. */
static int task(int k, void *user, char *message, size_t size)
{
    if (user && k == 5) _exit(3);
    if (k == 7) snprintf(message, size, "task %d has something to say", k);
    return k % 3;
}

/* A task that takes 20 ms. */
static int slow_task(int k, void *user, char *message, size_t size)
{
    (void)k, (void)user, (void)message, (void)size;
    struct timespec nap = {0, 20000000};
    nanosleep(&nap, NULL);
    return 0;
}

typedef struct {
    int calls, finals, last_done;
} reports;

static void report(const pool_status *s, int final, void *user)
{
    reports *r = user;
    r->calls++;
    r->finals += final;
    r->last_done = s->done;
}

int main(void)
{
    pool_status s;
    vg_error err = {0, ""};
    reports r = {0, 0, 0};
    CHECK(pool_run(20, 3, task, NULL, report, &r, &s, &err) == VG_OK);
    CHECK(s.total == 20 && s.done == 20);
    CHECK(s.outcome[0] == 7 && s.outcome[1] == 7 && s.outcome[2] == 6 && s.outcome[3] == 0);
    CHECK(s.messages == 1);
    CHECK_STR(s.message, "task 7 has something to say");
    CHECK(!s.worker_died);
    CHECK(r.finals == 1 && r.calls >= 1 && r.last_done == 20);

    /* More workers than tasks, and no tasks at all. */
    CHECK(pool_run(2, 8, task, NULL, NULL, NULL, &s, &err) == VG_OK);
    CHECK(s.done == 2 && s.outcome[0] == 1 && s.outcome[1] == 1);
    CHECK(pool_run(0, 4, task, NULL, NULL, NULL, &s, &err) == VG_OK);
    CHECK(s.done == 0 && s.total == 0 && !s.worker_died);

    /* One worker dies at task 5: the others finish the rest. */
    CHECK(pool_run(20, 2, task, &r, NULL, NULL, &s, &err) == VG_OK);
    CHECK(s.worker_died);
    CHECK(s.done == 19);
    /* The caller has another child, which ends first: the pool waits for
     * its own workers only, and leaves the other child to the caller. */
    pid_t other = fork();
    if (other == 0) _exit(0);
    CHECK(other > 0);
    CHECK(pool_run(10, 1, slow_task, NULL, NULL, NULL, &s, &err) == VG_OK);
    CHECK(s.done == 10 && s.outcome[0] == 10 && !s.worker_died);
    int status = -1;
    CHECK(waitpid(other, &status, 0) == other && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return test_report("test_pool");
}
