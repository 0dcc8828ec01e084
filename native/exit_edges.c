// exit_edges MODE: calls whose outcome their entry does not decide, for ExitStopsIT.
//   refused   - installs a seccomp filter of its own that refuses prctl(PR_SET_NAME) and
//               rt_sigprocmask(SIG_BLOCK) with EPERM, tries both, then starts and joins a thread:
//               the thread inherits neither the name nor the mask (traced without jthreadtrace's
//               filter, --no-seccomp, the tracer stops before the program's filter decides).
//   clonefail - a thread's clone fails (EINVAL), then it blocks in read(2) until main exits after
//               300 ms: no call of it is pending but that read, which is not recorded.
//   maskreads - reads its signal mask 1000 times (rt_sigprocmask with no new set, as
//               pthread_sigmask(SIG_BLOCK, NULL, &old) does), blocks SIGUSR2 once between them, then
//               starts and joins a thread (without a futex call), which inherits [USR2]: the
//               reads change nothing.
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static void *child(void *arg) {
    return arg;
}

// A join with no futex call (sched_yield is not traced): one that blocks, finds the word changed
// (EAGAIN) or makes no call, as the thread ends after it, meanwhile or before, would change the
// stops, the FUTEX section and the timeline's join mark from run to run.
static void join_quietly(pthread_t t) {
    while (pthread_tryjoin_np(t, NULL) == EBUSY) sched_yield();
}

static int refused(void) {
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),           // 0
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_prctl, 0, 2),                            // 1: -> 2, else 4
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),      // 2
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PR_SET_NAME, 3, 4),                          // 3: -> 7, else 8
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_rt_sigprocmask, 0, 3),                   // 4: -> 5, else 8
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),      // 5
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SIG_BLOCK, 0, 1),                            // 6: -> 7, else 8
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),                            // 7
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),                                    // 8
    };
    struct sock_fprog prog = {.len = sizeof filter / sizeof filter[0], .filter = filter};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return 2;
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) return 3;
    int named = prctl(PR_SET_NAME, "renamed", 0, 0, 0);
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    int masked = (int) syscall(SYS_rt_sigprocmask, SIG_BLOCK, &usr1, NULL, 8);
    printf("prctl %d, rt_sigprocmask %d\n", named, masked);
    pthread_t t;
    if (pthread_create(&t, NULL, child, NULL) != 0) return 4;
    join_quietly(t);
    return named == -1 && masked == -1 ? 0 : 5;
}

static int pipefd[2];

static void *failing_clone(void *arg) {
    long r = syscall(SYS_clone, CLONE_SIGHAND, 0, 0, 0, 0); // CLONE_SIGHAND without CLONE_VM: EINVAL
    printf("clone %ld\n", r);
    fflush(stdout);
    char c;
    if (read(pipefd[0], &c, 1) < 0) return NULL;
    return arg;
}

static int clonefail(void) {
    if (pipe(pipefd) != 0) return 2;
    pthread_t t;
    if (pthread_create(&t, NULL, failing_clone, NULL) != 0) return 3;
    usleep(300000);
    return 0;
}

static int maskreads(void) {
    sigset_t old, usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    for (int i = 0; i < 1000; i++) {
        if (syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &old, 8) != 0) return 1;
        if (i == 500 && syscall(SYS_rt_sigprocmask, SIG_BLOCK, &usr2, NULL, 8) != 0) return 1;
    }
    pthread_t t;
    if (pthread_create(&t, NULL, child, NULL) != 0) return 1;
    join_quietly(t);
    return sigismember(&old, SIGUSR2) ? 0 : 1;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "refused") == 0) return refused();
    if (argc > 1 && strcmp(argv[1], "clonefail") == 0) return clonefail();
    if (argc > 1 && strcmp(argv[1], "maskreads") == 0) return maskreads();
    fprintf(stderr, "usage: exit_edges refused|clonefail|maskreads\n");
    return 2;
}
