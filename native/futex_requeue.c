// futex_requeue: the futex ops on two words, with waiters the program knows, for FutexRequeueIT. Each
// waiter names itself, says its tid, and waits on its word (value 0) until woken; main makes sure it is
// asleep in the kernel before it acts, and checks what the kernel returned (futex(2): a requeue returns
// the waiters it woke plus those it moved; FUTEX_WAKE_OP the waiters it woke on both words):
//   requeue - "w-moved" waits on A; main FUTEX_CMP_REQUEUE(A, wake 0, move 1, B) = 1: moved, woke nobody;
//             then "waker-b" FUTEX_WAKE(B, 1) = 1: that wake released w-moved.
//   wakeop  - "w-second" waits on C; main FUTEX_WAKE_OP(D, 0, 1, C, ADD 0 if C == 0) = 1: nobody waits on
//             D, so it woke w-second on C.
//   woken   - "w-woken" waits on E; main FUTEX_CMP_REQUEUE(E, wake 1, move 1, B) = 1: it woke w-woken.
//   either  - "w-either-1" and "w-either-2" wait on F; main FUTEX_CMP_REQUEUE(F, 0, 1, G) = 1, then
//             FUTEX_WAKE(F, 1) = 1 and FUTEX_WAKE(G, 1) = 1: which waiter was moved no trace can say.
// It prints the words' addresses first ("futex_requeue: words A B C D E F G"), then "futex_requeue: tid
// NAME TID" for each waiter; it exits 1 when a call did not return what is planned.
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "proc_task.h"

enum { A, B, C, D, E, F, G, NWORDS };
static _Atomic int words[NWORDS];
static _Atomic int failed;

struct waiter {
    const char *name;
    int word;
    _Atomic pid_t tid;
    pthread_t thread;
};

static void ms(long x) { struct timespec t = {x / 1000, (x % 1000) * 1000000L}; nanosleep(&t, NULL); }

static long fx(int word, int op, int val, long val2, int word2, int val3) {
    return syscall(SYS_futex, &words[word], op, val, (void *) val2, &words[word2], val3);
}

static void expect(const char *what, long got, long want) {
    printf("futex_requeue: %s returned %ld\n", what, got);
    if (got != want) {
        printf("futex_requeue: %s: expected %ld\n", what, want);
        atomic_store(&failed, 1);
    }
}

static void *wait_on(void *arg) {
    struct waiter *w = arg;
    prctl(PR_SET_NAME, w->name);
    atomic_store(&w->tid, (pid_t) syscall(SYS_gettid));
    long r = syscall(SYS_futex, &words[w->word], FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    char what[64];
    snprintf(what, sizeof what, "%s's wait", w->name);
    expect(what, r, 0);
    return NULL;
}

static void start(struct waiter *w) {
    pthread_create(&w->thread, NULL, wait_on, w);
    while (atomic_load(&w->tid) == 0 || !asleep_in(atomic_load(&w->tid), SYS_futex)) ms(5); // on its word: it waits on no other
    printf("futex_requeue: tid %s %d\n", w->name, (int) atomic_load(&w->tid));
    fflush(stdout);
}

// The call again until it returns `want` (a waiter just past the tracer's entry stop is not queued yet: 0).
static long until(int word, int op, int val, long val2, int word2, int val3, long want) {
    long r;
    for (int i = 0; (r = fx(word, op, val, val2, word2, val3)) != want && i < 400; i++) ms(5);
    return r;
}

static void *wake_b(void *arg __attribute__((unused))) {
    prctl(PR_SET_NAME, "waker-b");
    ms(100);
    expect("waker-b's FUTEX_WAKE(B, 1)", until(B, FUTEX_WAKE_PRIVATE, 1, 0, B, 0, 1), 1);
    return NULL;
}

int main(void) {
    printf("futex_requeue: words");
    for (int i = 0; i < NWORDS; i++) printf(" %p", (void *) &words[i]);
    printf("\n");
    fflush(stdout);

    struct waiter moved = {"w-moved", A, 0, 0};
    start(&moved);
    expect("FUTEX_CMP_REQUEUE(A, 0, 1, B)", until(A, FUTEX_CMP_REQUEUE_PRIVATE, 0, 1, B, 0, 1), 1);
    pthread_t waker;
    pthread_create(&waker, NULL, wake_b, NULL);
    pthread_join(waker, NULL);
    pthread_join(moved.thread, NULL);

    struct waiter second = {"w-second", C, 0, 0};
    start(&second);
    int add0_if_0 = FUTEX_OP(FUTEX_OP_ADD, 0, FUTEX_OP_CMP_EQ, 0);
    expect("FUTEX_WAKE_OP(D, 0, 1, C)", until(D, FUTEX_WAKE_OP_PRIVATE, 0, 1, C, add0_if_0, 1), 1);
    pthread_join(second.thread, NULL);

    struct waiter woken = {"w-woken", E, 0, 0};
    start(&woken);
    expect("FUTEX_CMP_REQUEUE(E, 1, 1, B)", until(E, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, B, 0, 1), 1);
    pthread_join(woken.thread, NULL);

    struct waiter either1 = {"w-either-1", F, 0, 0}, either2 = {"w-either-2", F, 0, 0};
    start(&either1);
    start(&either2);
    ms(50); // both queued (the second's entry stop is over)
    expect("FUTEX_CMP_REQUEUE(F, 0, 1, G)", until(F, FUTEX_CMP_REQUEUE_PRIVATE, 0, 1, G, 0, 1), 1);
    expect("FUTEX_WAKE(F, 1)", until(F, FUTEX_WAKE_PRIVATE, 1, 0, F, 0, 1), 1);
    expect("FUTEX_WAKE(G, 1)", until(G, FUTEX_WAKE_PRIVATE, 1, 0, G, 0, 1), 1);
    pthread_join(either1.thread, NULL);
    pthread_join(either2.thread, NULL);
    return atomic_load(&failed);
}
