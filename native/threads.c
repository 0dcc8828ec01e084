// "Where do threads come from": main creates inner-1; inner-1 pins itself to CPU 0 and blocks
// SIGUSR1, then creates inner-2 (which inherits both) and joins it; after that main creates
// "sibling", which inherits neither. Every thread names itself with pthread_setname_np, i.e.
// prctl(PR_SET_NAME) from the thread itself, and lingers 20 ms so that its joiner is certainly
// waiting in pthread_join (a futex wait on its clear-tid word) when it exits. Exits 0.
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void die(const char *what) { perror(what); exit(1); }

static void *inner2(void *arg) {
    (void) arg;
    pthread_setname_np(pthread_self(), "inner-2");
    usleep(20000);
    return NULL;
}

static void *inner1(void *arg) {
    (void) arg;
    pthread_setname_np(pthread_self(), "inner-1");
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    CPU_SET(0, &cpus);
    if (sched_setaffinity(0, sizeof cpus, &cpus) != 0) die("sched_setaffinity");
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    if (pthread_sigmask(SIG_BLOCK, &usr1, NULL) != 0) die("pthread_sigmask");
    pthread_t t;
    if (pthread_create(&t, NULL, inner2, NULL) != 0) die("pthread_create inner-2");
    pthread_join(t, NULL);
    usleep(20000);
    return NULL;
}

static void *sibling(void *arg) {
    (void) arg;
    pthread_setname_np(pthread_self(), "sibling");
    usleep(20000);
    return NULL;
}

int main(void) {
    pthread_t t;
    if (pthread_create(&t, NULL, inner1, NULL) != 0) die("pthread_create inner-1");
    pthread_join(t, NULL);
    if (pthread_create(&t, NULL, sibling, NULL) != 0) die("pthread_create sibling");
    pthread_join(t, NULL);
    return 0;
}
