// "A join that never happened": locker-a takes mutex 1 then 2, locker-b takes 2 then 1, each
// waiting at a barrier with main after its first lock, so the two deadlock for certain. main then
// blocks in pthread_join(locker-a) (a futex wait on locker-a's clear-tid word) after printing
// "deadlocked PID". The test ends it with SIGINT (default action: the process dies, status 130);
// main's wait returns ERESTARTSYS and locker-a never exits, so nothing was joined.
// With the argument "ordered" both take the locks in the same order: no deadlock, main joins both
// (status 0), the same waits as real joins.
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t m1 = PTHREAD_MUTEX_INITIALIZER, m2 = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold_one;
static int ordered;

static void die(const char *what) { perror(what); exit(1); }

static void *locker(void *arg) {
    int a = arg != NULL;
    pthread_setname_np(pthread_self(), a ? "locker-a" : "locker-b");
    pthread_mutex_t *first = a || ordered ? &m1 : &m2, *second = a || ordered ? &m2 : &m1;
    if (ordered) {
        pthread_barrier_wait(&both_hold_one);
        usleep(20000); // main is certainly in pthread_join when this thread exits
    }
    pthread_mutex_lock(first);
    if (!ordered) pthread_barrier_wait(&both_hold_one);
    usleep(10000);
    pthread_mutex_lock(second);
    pthread_mutex_unlock(second);
    pthread_mutex_unlock(first);
    return NULL;
}

int main(int argc, char **argv) {
    ordered = argc > 1 && strcmp(argv[1], "ordered") == 0;
    if (pthread_barrier_init(&both_hold_one, NULL, 3) != 0) die("pthread_barrier_init");
    pthread_t a, b;
    if (pthread_create(&a, NULL, locker, (void *) 1) != 0) die("pthread_create locker-a");
    if (pthread_create(&b, NULL, locker, NULL) != 0) die("pthread_create locker-b");
    pthread_barrier_wait(&both_hold_one);
    printf("%s %d\n", ordered ? "ordered" : "deadlocked", (int) getpid());
    fflush(stdout);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return 0;
}
