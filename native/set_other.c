// set_other: main starts t1 and, while t1 waits, sets t1's CPU affinity to one CPU
// (pthread_setaffinity_np(t1): sched_setaffinity(T1's tid) from main) and its name
// (pthread_setname_np(t1, "named-by-main"): a write to /proc/self/task/TID/comm from main). t1 then
// starts t2, which inherits both from t1, not from main. Prints "t1 TID", then t2's name and CPU
// count as the kernel gives them ("t2 named-by-ma cpus 1"); exits 0 when t2 got both, 1 if not,
// 2 when only one CPU is allowed (nothing to narrow).
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static sem_t ready, set;
static int ok;

static void *t2(void *arg) {
    char name[16] = "";
    cpu_set_t cpus;
    pthread_getname_np(pthread_self(), name, sizeof name);
    pthread_getaffinity_np(pthread_self(), sizeof cpus, &cpus);
    printf("t2 %s cpus %d\n", name, CPU_COUNT(&cpus));
    ok = strcmp(name, "named-by-main") == 0 && CPU_COUNT(&cpus) == 1;
    return arg;
}

static void *t1(void *arg) {
    printf("t1 %d\n", gettid());
    fflush(stdout);
    sem_post(&ready);
    sem_wait(&set);
    pthread_t t;
    pthread_create(&t, NULL, t2, NULL);
    pthread_join(t, NULL);
    return arg;
}

int main(void) {
    cpu_set_t allowed, one;
    sched_getaffinity(0, sizeof allowed, &allowed);
    if (CPU_COUNT(&allowed) < 2) {
        fprintf(stderr, "set_other: only one CPU allowed, nothing to narrow\n");
        return 2;
    }
    CPU_ZERO(&one);
    for (int c = CPU_SETSIZE - 1; c >= 0; c--) {
        if (CPU_ISSET(c, &allowed)) {
            CPU_SET(c, &one);
            break;
        }
    }
    sem_init(&ready, 0, 0);
    sem_init(&set, 0, 0);
    pthread_t t;
    pthread_create(&t, NULL, t1, NULL);
    sem_wait(&ready);
    pthread_setaffinity_np(t, sizeof one, &one);
    pthread_setname_np(t, "named-by-main");
    sem_post(&set);
    pthread_join(t, NULL);
    fflush(stdout);
    return ok ? 0 : 1;
}
