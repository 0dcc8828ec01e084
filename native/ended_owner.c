// A lock whose owner ended holding it (FoldedHangIT): thread "owner" locks M and exits without
// unlocking it; COUNT threads "churn" come and go one at a time (past --keep-ended the owner folds);
// main blocks on M for ever. "ended COUNT": the owner exits before main's wait begins, then the churn,
// then the wait. "after COUNT": main waits while the owner still holds M and runs; the owner exits
// 200 ms later; a thread "churner" makes the churn 400 ms in. Prints "owner TID", then "hung PID".
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static int after, count;
static volatile int locked;

static void *owner(void *arg) {
    (void) arg;
    prctl(PR_SET_NAME, "owner");
    pthread_mutex_lock(&m);
    printf("owner %d\n", gettid());
    fflush(stdout);
    locked = 1;
    if (after) usleep(200000);
    return NULL;
}

static void *churn(void *arg) {
    (void) arg;
    prctl(PR_SET_NAME, "churn");
    return NULL;
}

static void *churner(void *arg) {
    (void) arg;
    prctl(PR_SET_NAME, "churner");
    if (after) usleep(400000);
    pthread_t t;
    for (int i = 0; i < count; i++) {
        if (pthread_create(&t, NULL, churn, NULL) != 0 || pthread_join(t, NULL) != 0) exit(1);
    }
    printf("hung %d\n", getpid());
    fflush(stdout);
    return NULL;
}

int main(int argc, char **argv) {
    after = argc > 1 && argv[1][0] == 'a';
    count = argc > 2 ? atoi(argv[2]) : 10;
    pthread_t o, c;
    if (pthread_create(&o, NULL, owner, NULL) != 0) return 1;
    while (!locked) usleep(1000);
    if (!after && (pthread_join(o, NULL) != 0 || pthread_create(&c, NULL, churner, NULL) != 0 || pthread_join(c, NULL) != 0)) return 1;
    if (after && pthread_create(&c, NULL, churner, NULL) != 0) return 1;
    pthread_mutex_lock(&m);
    return 0;
}
