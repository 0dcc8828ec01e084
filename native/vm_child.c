// vm_child MODE: a child process that runs in its parent's memory (CLONE_VM without CLONE_THREAD, as
// vfork, posix_spawn and some runtimes make). The kernel keys a FUTEX_PRIVATE word by the address
// space (mm) and address, so the child's private words are its parent's: one futex in two processes.
// The child uses raw syscalls only (it shares its parent's TLS: glibc's locks would name the parent).
//   clone: clone(CLONE_VM|SIGCHLD); the child ("vm-child") waits FUTEX_WAIT_PRIVATE on a word of the
//          parent's data until the parent ("vm-main") sets it and wakes it with FUTEX_WAKE_PRIVATE.
//          Prints "waiter CHILD WORD" once the child sleeps; exits 0 when the wake woke 1 and the child
//          exited 0.
//   vfork: the same from clone(CLONE_VM|CLONE_VFORK|SIGCHLD), posix_spawn's way: the parent's calling
//          thread is suspended until the child exits, so another thread of the parent ("vm-waker")
//          makes the wake.
//   attach: clone, but the parent wakes the child only once it has read a line (or the end) of stdin:
//          a tool attaches to both processes in between, after the child was made.
//   mutex: the parent ("vm-main") holds a private glibc mutex; the clone(CLONE_VM) child ("vm-child")
//          locks it as glibc's lll_lock does (marks it contended, FUTEX_WAIT_PRIVATE 2: by raw calls,
//          its TLS is the parent's), and the parent blocks in waitpid for the child: neither ever
//          returns (a normal mutex is not handed on when its owner dies, as a PI one is). Prints "hung
//          PARENT CHILD WORD" once both sleep. SIGTERM is ignored (by both): a tracer's first SIGTERM
//          passed on does not end them.
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc_task.h"

static int word;
static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static volatile pid_t child_tid;
static long woken = -1;
/** Whether the waker reads a line of stdin before the wake (a tool attaches meanwhile). */
static int wait_for_go;

static long futex(int *uaddr, int op, int val) {
    return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}

static void name(const char *n) {
    syscall(SYS_prctl, PR_SET_NAME, n, 0, 0, 0);
}

static int waiter(void *arg) {
    (void) arg;
    name("vm-child");
    child_tid = syscall(SYS_gettid);
    while (__atomic_load_n(&word, __ATOMIC_ACQUIRE) == 0) futex(&word, FUTEX_WAIT_PRIVATE, 0);
    return 0;
}

static int locker(void *arg) {
    (void) arg;
    name("vm-child");
    child_tid = syscall(SYS_gettid);
    int *lock = &mutex.__data.__lock;
    while (__atomic_exchange_n(lock, 2, __ATOMIC_ACQUIRE) != 0) futex(lock, FUTEX_WAIT_PRIVATE, 2);
    return 0;
}

/** Waits until the child sleeps in futex, says so, and wakes it; {@code arg} non-null: a thread of its own, named so. */
static void *waker(void *arg) {
    if (arg != NULL) name(arg);
    while (child_tid == 0 || !asleep_in(child_tid, SYS_futex)) usleep(1000);
    printf("waiter %d %p\n", child_tid, (void *) &word);
    fflush(stdout);
    char line[16];
    if (wait_for_go && fgets(line, sizeof line, stdin) == NULL) clearerr(stdin); // a line or the end of input: go on
    usleep(100000);
    __atomic_store_n(&word, 1, __ATOMIC_RELEASE);
    woken = futex(&word, FUTEX_WAKE_PRIVATE, 1);
    return NULL;
}

static char *stack_top(void) {
    size_t size = 256 * 1024;
    char *stack = malloc(size);
    return stack == NULL ? NULL : stack + size;
}

static int wake(int flags) {
    char *stack = stack_top();
    if (stack == NULL) return 2;
    name("vm-main");
    pthread_t t = 0;
    // vfork suspends this thread until the child exits: the wake comes from another thread.
    if ((flags & CLONE_VFORK) != 0 && pthread_create(&t, NULL, waker, "vm-waker") != 0) return 2;
    pid_t child = clone(waiter, stack, flags | SIGCHLD, NULL);
    if (child < 0) return 2;
    if ((flags & CLONE_VFORK) != 0) pthread_join(t, NULL);
    else waker(NULL);
    int status = 0;
    if (waitpid(child, &status, 0) != child) return 3;
    return woken == 1 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 4;
}

static int locked(void) {
    signal(SIGTERM, SIG_IGN);
    char *stack = stack_top();
    if (stack == NULL) return 2;
    name("vm-main");
    pid_t self = syscall(SYS_gettid);
    pthread_mutex_lock(&mutex);
    pid_t child = clone(locker, stack, CLONE_VM | SIGCHLD, NULL);
    if (child < 0) return 2;
    if (fork() == 0) {
        while (!asleep_in(child, SYS_futex) || !asleep_in(self, SYS_wait4)) usleep(1000);
        printf("hung %d %d %p\n", self, child, (void *) &mutex);
        fflush(stdout);
        _exit(0);
    }
    int status;
    while (waitpid(child, &status, 0) != child) continue; // the reporter is not waited for: only the child
    return 0;
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "clone";
    if (strcmp(mode, "clone") == 0) return wake(CLONE_VM);
    if (strcmp(mode, "attach") == 0) {
        wait_for_go = 1;
        return wake(CLONE_VM);
    }
    if (strcmp(mode, "vfork") == 0) return wake(CLONE_VM | CLONE_VFORK);
    if (strcmp(mode, "mutex") == 0) return locked();
    return 2;
}
