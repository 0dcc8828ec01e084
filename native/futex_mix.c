// Futex waits and wakes whose who-woke-whom does not depend on timing, for ExitStopsIT: threads block
// first, then each wake comes tens of milliseconds after the one before. Several waiters on one word
// woken one at a time (solo-1..3, by main), a broadcast (bcast-1..2, by waker-b), a requeue (rq-1..2:
// main moves them to another word, waker-a wakes that), a wake after the waiter has gone, which
// releases nobody (pair-1: waker-a wakes it, waker-b wakes the word again), and a timeout (timer,
// 200 ms). Eight woken waits: the report's who-woke-whom lists them all.
// Raw futex calls, so the C library adds none of its own; and joins that make none: a join that
// blocks or not (a futex wait on the thread's tid word, or no call) as the thread ends before it or
// after would change the number of stops from run to run. Exits 0 when every wait ended as planned.
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int solo, bcast, rq_from, rq_to, pair, timer_word;
static long results[16];

static long futex(int *word, int op, int val, const struct timespec *timeout, int *word2, int val3) {
    return syscall(SYS_futex, word, op | FUTEX_PRIVATE_FLAG, val, timeout, word2, val3);
}

static void pause_ms(long ms) {
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

struct waiter {
    const char *name;
    int *word;
    long timeout_ms, *result;
};

// pthread_join without a futex call: try until the kernel has cleared the thread's tid (sched_yield is not traced).
static void join_quietly(pthread_t t) {
    while (pthread_tryjoin_np(t, NULL) == EBUSY) sched_yield();
}

static void *wait_on(void *arg) {
    struct waiter *w = arg;
    prctl(PR_SET_NAME, w->name);
    struct timespec t = {w->timeout_ms / 1000, (w->timeout_ms % 1000) * 1000000L};
    *w->result = futex(w->word, FUTEX_WAIT, 0, w->timeout_ms ? &t : NULL, NULL, 0) == 0 ? 0 : -errno;
    return NULL;
}

struct waker {
    const char *name;
    int *word, count;
};

static void *wake(void *arg) {
    struct waker *k = arg;
    prctl(PR_SET_NAME, k->name);
    futex(k->word, FUTEX_WAKE, k->count, NULL, NULL, 0);
    return NULL;
}

static void wake_from(const char *name, int *word, int count) {
    pthread_t t;
    struct waker k = {name, word, count};
    pthread_create(&t, NULL, wake, &k);
    join_quietly(t);
}

int main(void) {
    struct waiter waiters[] = {
        {"solo-1", &solo, 0, &results[0]}, {"solo-2", &solo, 0, &results[1]}, {"solo-3", &solo, 0, &results[2]},
        {"bcast-1", &bcast, 0, &results[3]}, {"bcast-2", &bcast, 0, &results[4]},
        {"rq-1", &rq_from, 0, &results[5]}, {"rq-2", &rq_from, 0, &results[6]}, {"pair-1", &pair, 0, &results[7]},
        {"timer", &timer_word, 200, &results[8]},
    };
    int n = sizeof waiters / sizeof waiters[0];
    pthread_t threads[16];
    for (int i = 0; i < n; i++) {
        pthread_create(&threads[i], NULL, wait_on, &waiters[i]);
        pause_ms(15); // each waiter blocks before the next starts: the kernel's queue is in this order
    }
    pause_ms(100);
    for (int i = 0; i < 3; i++) {
        futex(&solo, FUTEX_WAKE, 1, NULL, NULL, 0);
        pause_ms(60);
    }
    wake_from("waker-b", &bcast, INT_MAX);
    pause_ms(60);
    // nr_requeue travels in the timeout argument
    futex(&rq_from, FUTEX_CMP_REQUEUE, 0, (const struct timespec *) (long) INT_MAX, &rq_to, 0);
    pause_ms(60);
    wake_from("waker-a", &rq_to, INT_MAX);
    pause_ms(60);
    wake_from("waker-a", &pair, 1);
    pause_ms(60);
    wake_from("waker-b", &pair, 1);
    for (int i = 0; i < n; i++) join_quietly(threads[i]);
    for (int i = 0; i < n - 1; i++) {
        if (results[i] != 0) {
            fprintf(stderr, "futex_mix: %s's wait ended with %s\n", waiters[i].name, strerror((int) -results[i]));
            return 1;
        }
    }
    return results[n - 1] == -ETIMEDOUT ? 0 : 1;
}
