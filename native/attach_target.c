// A running program for `jthreadtrace attach`, started by a test with pipes, never with a sleep:
//   attach_target work N       prints "ready <pid>", waits for a line on stdin, then its thread
//                              "spawner" blocks SIGUSR2 and creates N threads one after another
//                              (10 ms apart), each naming itself worker-I and checking that it
//                              inherited the blocked SIGUSR2; exits 42 when all N did their part.
//   attach_target busy N       prints "ready <pid>", waits for a line on stdin, then creates and
//                              joins N threads, each making 20 getppid calls, and prints
//                              "elapsed <ms>" (for scripts/bench: the cost of being attached).
//   attach_target existing N   starts N threads named sleeper-I that wait on a pipe, one named
//                              "odd\n[1 x]" (a newline in a name), and one thread
//                              "churner" creating short-lived threads non-stop; prints "ready" and
//                              the sleepers' tids, then waits for a line on stdin and exits 43.
// The exit codes prove a detach left the program healthy: every syscall it makes after the detach
// must still work (no filter left behind, no thread left stopped).
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static atomic_int done, wrong;
static int sleepers_pipe[2];
static atomic_int stop_churn;
static int *sleeper_tids;
static atomic_int sleepers_named;

static void *worker(void *arg) {
    char name[16];
    snprintf(name, sizeof name, "worker-%d", (int) (long) arg);
    prctl(PR_SET_NAME, name);
    sigset_t mask;
    pthread_sigmask(SIG_BLOCK, NULL, &mask);
    if (!sigismember(&mask, SIGUSR2)) atomic_fetch_add(&wrong, 1);
    atomic_fetch_add(&done, 1);
    return NULL;
}

static void *spawner(void *arg) {
    int n = (int) (long) arg;
    prctl(PR_SET_NAME, "spawner");
    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &usr2, NULL);
    for (int i = 1; i <= n; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, worker, (void *) (long) i) != 0) atomic_fetch_add(&wrong, 1);
        else pthread_join(t, NULL);
        usleep(10000);
    }
    return NULL;
}

static void *sleeper(void *arg) {
    char name[16];
    snprintf(name, sizeof name, "sleeper-%d", (int) (long) arg);
    prctl(PR_SET_NAME, name);
    sleeper_tids[(long) arg] = (int) syscall(SYS_gettid);
    atomic_fetch_add(&sleepers_named, 1);
    char c;
    while (read(sleepers_pipe[0], &c, 1) < 0) { }
    return NULL;
}

static void *odd(void *arg) {
    (void) arg;
    prctl(PR_SET_NAME, "odd\n[1 x]");
    char c;
    while (read(sleepers_pipe[0], &c, 1) < 0) { }
    return NULL;
}

static void *short_lived(void *arg) {
    (void) arg;
    return NULL;
}

static void *churner(void *arg) {
    (void) arg;
    prctl(PR_SET_NAME, "churner");
    while (!atomic_load(&stop_churn)) {
        pthread_t t;
        if (pthread_create(&t, NULL, short_lived, NULL) == 0) pthread_join(t, NULL);
    }
    return NULL;
}

static void *busy_worker(void *arg) {
    (void) arg;
    for (int i = 0; i < 20; i++) syscall(SYS_getppid);
    return NULL;
}

static void wait_for_line(void) {
    char line[64];
    if (!fgets(line, sizeof line, stdin)) exit(3);
}

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    int n = atoi(argv[2]);
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (strcmp(argv[1], "work") == 0) {
        printf("ready %d\n", (int) getpid());
        wait_for_line();
        pthread_t t;
        pthread_create(&t, NULL, spawner, (void *) (long) n);
        pthread_join(t, NULL);
        return atomic_load(&done) == n && atomic_load(&wrong) == 0 ? 42 : 1;
    }
    if (strcmp(argv[1], "busy") == 0) {
        printf("ready %d\n", (int) getpid());
        wait_for_line();
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        for (int i = 0; i < n; i++) {
            pthread_t t;
            if (pthread_create(&t, NULL, busy_worker, NULL) != 0) return 1;
            pthread_join(t, NULL);
        }
        clock_gettime(CLOCK_MONOTONIC, &b);
        printf("elapsed %ld\n", (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000);
        return 0;
    }
    if (strcmp(argv[1], "existing") == 0) {
        if (pipe(sleepers_pipe) != 0) return 4;
        pthread_t *threads = calloc((size_t) n, sizeof *threads);
        sleeper_tids = calloc((size_t) n, sizeof *sleeper_tids);
        for (int i = 0; i < n; i++) {
            pthread_attr_t attr;
            pthread_attr_init(&attr);
            pthread_attr_setstacksize(&attr, 64 * 1024);
            if (pthread_create(&threads[i], &attr, sleeper, (void *) (long) i) != 0) return 5;
        }
        pthread_t churn, oddly_named;
        pthread_create(&oddly_named, NULL, odd, NULL);
        pthread_create(&churn, NULL, churner, NULL);
        // Report ready once every sleeper has named itself and said its tid.
        while (atomic_load(&sleepers_named) < n) usleep(1000);
        printf("ready");
        for (int i = 0; i < n; i++) printf(" %d", sleeper_tids[i]);
        printf("\n");
        wait_for_line();
        atomic_store(&stop_churn, 1);
        pthread_join(churn, NULL);
        close(sleepers_pipe[1]);
        for (int i = 0; i < n; i++) pthread_join(threads[i], NULL);
        pthread_join(oddly_named, NULL);
        return 43;
    }
    return 2;
}
