// "A join that never happened": locker-a takes mutex 1 then 2, locker-b takes 2 then 1, each
// waiting at a barrier with main after its first lock, so the two deadlock for certain. main then
// blocks in pthread_join(locker-a) (a futex wait on locker-a's clear-tid word) after printing
// "deadlocked PID". The test ends it with SIGINT (default action: the process dies, status 130);
// main's wait returns ERESTARTSYS and locker-a never exits, so nothing was joined.
// With the argument "ordered" both take the locks in the same order: no deadlock, main joins both
// (status 0), the same waits as real joins. Each locker then returns only once main is blocked in
// a futex wait on that locker's own clear-tid word (/proc says so), so both joins are waits
// however the threads are scheduled: a thread that ended before main reached pthread_join would
// be joined without any wait, and a tracer cannot see that join.
// With "self" main locks a normal mutex twice: a deadlock of one thread.
// With "pi" the deadlock is the same with priority-inheritance mutexes: the lockers block in
// FUTEX_LOCK_PI, whose word holds the owner's tid.
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

/* Until main's current system call is a futex (202) on the word holding this thread's tid: the
 * clear-tid word that pthread_join waits on. main is blocked on that address, so it is mapped. */
static void await_joined(void) {
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/self/task/%d/syscall", (int) getpid());
    pid_t self = gettid();
    for (;;) {
        FILE *f = fopen(path, "r");
        if (f == NULL) die(path);
        int nr = -1;
        unsigned long word = 0;
        if (fgets(line, sizeof line, f) != NULL) sscanf(line, "%d %lx", &nr, &word);
        fclose(f);
        if (nr == 202 && word != 0 && *(volatile pid_t *) word == self) return;
        usleep(1000);
    }
}

static void *locker(void *arg) {
    int a = arg != NULL;
    pthread_setname_np(pthread_self(), a ? "locker-a" : "locker-b");
    pthread_mutex_t *first = a || ordered ? &m1 : &m2, *second = a || ordered ? &m2 : &m1;
    if (ordered) {
        pthread_barrier_wait(&both_hold_one);
    }
    pthread_mutex_lock(first);
    if (!ordered) pthread_barrier_wait(&both_hold_one);
    usleep(10000);
    pthread_mutex_lock(second);
    pthread_mutex_unlock(second);
    pthread_mutex_unlock(first);
    if (ordered) await_joined();
    return NULL;
}

int main(int argc, char **argv) {
    ordered = argc > 1 && strcmp(argv[1], "ordered") == 0;
    if (argc > 1 && strcmp(argv[1], "pi") == 0) {
        pthread_mutexattr_t pi;
        if (pthread_mutexattr_init(&pi) != 0 || pthread_mutexattr_setprotocol(&pi, PTHREAD_PRIO_INHERIT) != 0
                || pthread_mutex_init(&m1, &pi) != 0 || pthread_mutex_init(&m2, &pi) != 0) die("PI mutexes");
    }
    if (argc > 1 && strcmp(argv[1], "self") == 0) {
        // A thread that locks a normal (not recursive) mutex it holds waits for itself forever.
        printf("deadlocked %d\n", (int) getpid());
        fflush(stdout);
        pthread_mutex_lock(&m1);
        pthread_mutex_lock(&m1);
        return 0;
    }
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
