// A join that returns after many other threads ended: main starts a thread with its own
// CLONE_CHILD_CLEARTID word, reads the word (the thread's tid), lets the thread exit (the kernel
// clears the word), starts and joins N more threads (default 20), and only then waits on the word
// with the tid it read: the kernel answers EAGAIN (the word no longer holds it), which is a join
// of a thread that ended long before. Prints "late join of TID: EAGAIN" when it is so.
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile pid_t word;
static char stack[64 * 1024] __attribute__((aligned(16)));

// Returning from it makes glibc's clone call exit: nothing here touches the thread-local state it shares with main.
static int ends(void *arg) { return arg == NULL ? 0 : 1; }

static void *nothing(void *arg) { return arg; }

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 20;
    pid_t tid = clone(ends, stack + sizeof stack, CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD
                      | CLONE_SYSVSEM | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID, NULL, &word, NULL, &word);
    if (tid < 0) { perror("clone"); return 1; }
    pid_t seen = tid;
    while (word != 0) sched_yield(); // the kernel clears the word at the thread's exit
    for (int i = 0; i < n; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, nothing, NULL) != 0) { perror("pthread_create"); return 1; }
        pthread_join(t, NULL);
    }
    long r = syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
    printf("late join of %d: %s\n", seen, r == -1 && errno == EAGAIN ? "EAGAIN" : "unexpected");
    return r == -1 && errno == EAGAIN ? 0 : 1;
}
