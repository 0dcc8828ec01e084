// timed_waiters N: N threads named timed-I each sit in a futex wait with a 60 s timeout that nobody
// wakes (FUTEX_WAIT_PRIVATE, relative timeout), main in pthread_join of the first. Prints "ready
// PID" once every waiter is asleep in the kernel (/proc/self/task/TID/syscall says 202). For an
// attach: its interrupt of a timed wait makes the kernel continue the wait as restart_syscall,
// the first call the tracer sees of each waiter. Exits 0 when the waits time out (or are ended).
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static _Atomic int word;
static _Atomic pid_t tids[64];

static void *waiter(void *arg) {
    long i = (long) arg;
    char name[16];
    snprintf(name, sizeof name, "timed-%ld", i);
    pthread_setname_np(pthread_self(), name);
    tids[i] = (pid_t) syscall(SYS_gettid);
    struct timespec timeout = {.tv_sec = 60};
    syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, &timeout, NULL, 0);
    return NULL;
}

static int asleep(pid_t tid) {
    char path[64], line[32] = "";
    snprintf(path, sizeof path, "/proc/self/task/%d/syscall", tid);
    FILE *f = fopen(path, "r");
    if (f == NULL) return 0;
    int in = fgets(line, sizeof line, f) != NULL && strncmp(line, "202 ", 4) == 0;
    fclose(f);
    return in;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 2;
    if (n < 1 || n > 64) return 2;
    pthread_t threads[64];
    for (long i = 0; i < n; i++) pthread_create(&threads[i], NULL, waiter, (void *) i);
    for (long i = 0; i < n; i++) {
        while (tids[i] == 0 || !asleep(tids[i])) usleep(1000);
    }
    printf("ready %d\n", getpid());
    fflush(stdout);
    for (long i = 0; i < n; i++) pthread_join(threads[i], NULL);
    return 0;
}
