// musl_cond: a condition variable broadcast under musl, for FutexRequeueIT. Three "cond-waiter" threads
// wait on one condvar; main broadcasts while it holds the mutex, waits 50 ms, then unlocks it. musl's
// pthread_cond_broadcast wakes none of them there: it hands the waiters on to the mutex word with
// FUTEX_REQUEUE (wake 0, move 1), and each is released by a later FUTEX_WAKE on the mutex word.
// It prints "musl_cond: mutex ADDRESS" and exits 0 once every waiter has seen the broadcast.
#include <pthread.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int ready, waiting;

static void *waiter(void *arg) {
    (void) arg;
    prctl(PR_SET_NAME, "cond-waiter");
    pthread_mutex_lock(&m);
    waiting++;
    while (!ready) pthread_cond_wait(&c, &m);
    pthread_mutex_unlock(&m);
    return NULL;
}

int main(void) {
    printf("musl_cond: mutex %p\n", (void *) &m);
    fflush(stdout);
    pthread_t t[3];
    for (int i = 0; i < 3; i++) pthread_create(&t[i], NULL, waiter, NULL);
    for (;;) {
        pthread_mutex_lock(&m);
        if (waiting == 3) break;
        pthread_mutex_unlock(&m);
        usleep(5000);
    }
    usleep(100000); // the last one to count itself is in pthread_cond_wait's futex wait by now
    ready = 1;
    pthread_cond_broadcast(&c);
    usleep(50000);
    pthread_mutex_unlock(&m);
    for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
    return 0;
}
