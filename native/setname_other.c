// setname_other N [wait]: main starts N workers and names each of them from main with
// pthread_setname_np(worker, "worker-I"), which writes /proc/self/task/TID/comm (no prctl happens);
// each worker then names nothing itself, waits until all are named and exits. With "wait", main
// first prints "ready" and waits for a line on stdin (for a tracer to attach). Exits 0 when every
// worker saw its own name.
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

static pthread_barrier_t named;
static int wrong;

static void *worker(void *arg) {
    long i = (long) arg;
    pthread_barrier_wait(&named);
    char expected[32], actual[16] = "";
    snprintf(expected, sizeof expected, "worker-%ld", i & 0xffff);
    prctl(PR_GET_NAME, actual);
    if (strcmp(expected, actual) != 0) __atomic_add_fetch(&wrong, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 4;
    if (argc > 2 && strcmp(argv[2], "wait") == 0) {
        char line[16];
        printf("ready\n");
        fflush(stdout);
        if (!fgets(line, sizeof line, stdin)) return 5;
    }
    pthread_t *threads = calloc(n, sizeof *threads);
    pthread_barrier_init(&named, NULL, n + 1);
    for (long i = 0; i < n; i++) {
        if (pthread_create(&threads[i], NULL, worker, (void *) i) != 0) return 2;
        char name[32];
        snprintf(name, sizeof name, "worker-%ld", i & 0xffff);
        if (pthread_setname_np(threads[i], name) != 0) return 3;
    }
    pthread_barrier_wait(&named);
    for (int i = 0; i < n; i++) pthread_join(threads[i], NULL);
    return wrong == 0 ? 0 : 4;
}
