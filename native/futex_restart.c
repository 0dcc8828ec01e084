// futex_restart MODE: futex waits a signal interrupts and the kernel continues, and futex_waitv, for
// ExitStopsIT. A thread named "waiter" waits; main makes sure it is asleep in the kernel, then (for
// the restart modes) makes a signal whose disposition is the default "ignore" interrupt it: under
// ptrace an ignored signal still wakes the wait (strace shows it as ERESTARTSYS or
// ERESTART_RESTARTBLOCK, then restart_syscall), and the kernel continues the wait where it was.
//   timed      - FUTEX_WAIT_PRIVATE with a 20 s relative timeout; SIGCHLD from a forked child that
//                exits (main blocks SIGCHLD, so the waiter is the thread that takes it); 300 ms later
//                main wakes it: the wait returns 0 (-ERESTART_RESTARTBLOCK, then restart_syscall).
//   bitset     - FUTEX_WAIT_BITSET_PRIVATE with an absolute CLOCK_MONOTONIC timeout, SIGWINCH: as timed.
//   untimed    - FUTEX_WAIT_PRIVATE with no timeout, SIGURG: -ERESTARTSYS, the same futex call again.
//   handler    - as timed, but SIGWINCH has a handler (no SA_RESTART): the wait returns EINTR at the
//                signal (no restart); the waiter then waits again and main wakes that wait.
//   sa-restart - untimed, SIGWINCH has an SA_RESTART handler that makes a call (pthread_sigmask): the
//                kernel begins the same wait again after the handler (rt_sigreturn returns futex's
//                number); main wakes it: the wait returns 0.
//   sa-eintr   - untimed, SIGWINCH has a handler without SA_RESTART: the wait returns EINTR
//                (rt_sigreturn returns -EINTR); the waiter runs 300 ms, then makes the same call
//                again, and main wakes that one.
//   hang       - as timed, but nobody wakes it: main calls exit_group 300 ms after the signal, the
//                waiter still in the continued wait (restart_syscall).
//   sleep      - "waiter" sleeps 600 ms in nanosleep and SIGCHLD interrupts it; main exits at 300 ms
//                after the signal: the sleep is pending (restart_syscall continues it).
//   waitv      - futex_waitv on three private words; main wakes the second: it returns 1.
//   waitv-hang - futex_waitv on two words (one shared), nobody wakes it; main calls exit_group.
//   waitv-sig  - futex_waitv on two words, SIGURG (-ERESTARTSYS, the same call again), then woken on word 0.
// It prints its words' addresses first; it exits 1 when a wait did not return what the mode plans.
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static _Atomic int words[3];
static _Atomic pid_t waiter_tid;
static _Atomic int failed;
static const char *mode;

static void ms(long x) { struct timespec t = {x / 1000, (x % 1000) * 1000000L}; nanosleep(&t, NULL); }
static long fx(void *u, int op, int val, const struct timespec *t, int val3) { return syscall(SYS_futex, u, op, val, t, NULL, val3); }

static void expect(const char *what, long got, long want) {
    fprintf(stderr, "futex_restart: %s returned %ld\n", what, got);
    if (got != want) {
        fprintf(stderr, "futex_restart: %s: expected %ld\n", what, want);
        atomic_store(&failed, 1);
    }
}

// Whether the thread is asleep inside syscall nr: its /proc stat says S, its syscall file the call.
static int asleep_in(pid_t tid, const char *nr) {
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
    FILE *f = fopen(path, "r");
    if (f == NULL) return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *paren = strrchr(buf, ')');
    if (paren == NULL || paren[1] != ' ' || paren[2] != 'S') return 0;
    snprintf(path, sizeof path, "/proc/self/task/%d/syscall", tid);
    if ((f = fopen(path, "r")) == NULL) return 0;
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return strncmp(buf, nr, strlen(nr)) == 0 && buf[strlen(nr)] == ' ';
}

// In the call nr, or (again) after a signal: in it, or in restart_syscall (219), which continues it.
static void await_asleep(const char *nr, int again) {
    while (atomic_load(&waiter_tid) == 0 || !(asleep_in(atomic_load(&waiter_tid), nr)
            || (again && asleep_in(atomic_load(&waiter_tid), "219")))) ms(5);
    ms(50); // and stays there (the tracer's entry stop is over)
}

static void on_winch(int sig __attribute__((unused))) {}

static void on_winch_masking(int sig __attribute__((unused))) {
    sigset_t none;
    sigemptyset(&none);
    pthread_sigmask(SIG_BLOCK, &none, NULL); // a call of the handler, between the interrupted wait and its restart
}

static void burn(long x) {
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    do clock_gettime(CLOCK_MONOTONIC, &b);
    while ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 < x);
}

static long waitv(int n, int shared) {
    struct futex_waitv w[3];
    memset(w, 0, sizeof w);
    for (int i = 0; i < n; i++) {
        w[i].val = 0;
        w[i].uaddr = (uintptr_t) &words[i];
        w[i].flags = FUTEX_32 | (shared && i == 1 ? 0 : FUTEX_PRIVATE_FLAG); // FUTEX2_SIZE_U32, FUTEX2_PRIVATE
    }
    long r = syscall(SYS_futex_waitv, w, n, 0, NULL, CLOCK_MONOTONIC);
    return r < 0 ? -errno : r;
}

static void *waiter(void *arg __attribute__((unused))) {
    prctl(PR_SET_NAME, "waiter");
    atomic_store(&waiter_tid, gettid());
    struct timespec rel = {20, 0}, abs;
    clock_gettime(CLOCK_MONOTONIC, &abs);
    abs.tv_sec += 20;
    long r;
    if (strcmp(mode, "timed") == 0 || strcmp(mode, "hang") == 0) {
        r = fx(&words[0], FUTEX_WAIT_PRIVATE, 0, &rel, 0);
        expect("timed wait", r < 0 ? -errno : r, 0);
    } else if (strcmp(mode, "bitset") == 0) {
        r = fx(&words[0], FUTEX_WAIT_BITSET_PRIVATE, 0, &abs, FUTEX_BITSET_MATCH_ANY);
        expect("bitset wait", r < 0 ? -errno : r, 0);
    } else if (strcmp(mode, "untimed") == 0) {
        r = fx(&words[0], FUTEX_WAIT_PRIVATE, 0, NULL, 0);
        expect("untimed wait", r < 0 ? -errno : r, 0);
    } else if (strcmp(mode, "handler") == 0) {
        r = fx(&words[0], FUTEX_WAIT_PRIVATE, 0, &rel, 0);
        expect("interrupted wait", r < 0 ? -errno : r, -EINTR);
        rel.tv_sec = 19; // another call: its own arguments
        r = fx(&words[0], FUTEX_WAIT_PRIVATE, 0, &rel, 0);
        expect("second wait", r < 0 ? -errno : r, 0);
    } else if (strcmp(mode, "sa-restart") == 0) {
        r = fx(&words[0], FUTEX_WAIT_PRIVATE, 0, NULL, 0);
        expect("wait begun again after the handler", r < 0 ? -errno : r, 0);
    } else if (strcmp(mode, "sa-eintr") == 0) {
        r = fx(&words[0], FUTEX_WAIT_PRIVATE, 0, NULL, 0);
        expect("interrupted wait", r < 0 ? -errno : r, -EINTR);
        burn(300); // running, not waiting
        r = fx(&words[0], FUTEX_WAIT_PRIVATE, 0, NULL, 0);
        expect("second wait", r < 0 ? -errno : r, 0);
    } else if (strcmp(mode, "sleep") == 0) {
        struct timespec t = {0, 600 * 1000000L};
        r = syscall(SYS_nanosleep, &t, NULL); // glibc's nanosleep is clock_nanosleep
        expect("sleep", r, 0);
    } else if (strcmp(mode, "waitv") == 0) {
        expect("futex_waitv", waitv(3, 0), 1);
    } else if (strcmp(mode, "waitv-hang") == 0) {
        expect("futex_waitv", waitv(2, 1), 0);
    } else if (strcmp(mode, "waitv-sig") == 0) {
        expect("futex_waitv", waitv(2, 0), 0);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: futex_restart timed|bitset|untimed|handler|sa-restart|sa-eintr|hang|sleep|waitv|waitv-hang|waitv-sig\n");
        return 2;
    }
    mode = argv[1];
    fprintf(stderr, "futex_restart: words %p %p %p\n", (void *) &words[0], (void *) &words[1], (void *) &words[2]);
    if (strcmp(mode, "handler") == 0 || strncmp(mode, "sa-", 3) == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_winch; // no SA_RESTART: the kernel returns EINTR
        if (strcmp(mode, "sa-restart") == 0) {
            sa.sa_handler = on_winch_masking;
            sa.sa_flags = SA_RESTART;
        }
        sigaction(SIGWINCH, &sa, NULL);
    }
    pthread_t t;
    pthread_create(&t, NULL, waiter, NULL);
    // The waiter has its own mask (a copy); from now on only it takes a process-directed SIGCHLD.
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    pthread_sigmask(SIG_BLOCK, &chld, NULL);
    int sleeping = strcmp(mode, "sleep") == 0, vector = strncmp(mode, "waitv", 5) == 0;
    await_asleep(sleeping ? "35" : vector ? "449" : "202", 0);
    pid_t tid = atomic_load(&waiter_tid);
    if (strcmp(mode, "timed") == 0 || strcmp(mode, "hang") == 0 || sleeping) {
        pid_t child = fork();
        if (child == 0) _exit(0);
        waitpid(child, NULL, 0);
    } else if (strcmp(mode, "bitset") == 0 || strcmp(mode, "handler") == 0 || strncmp(mode, "sa-", 3) == 0) {
        syscall(SYS_tgkill, getpid(), tid, SIGWINCH);
    } else if (strcmp(mode, "untimed") == 0 || strcmp(mode, "waitv-sig") == 0) {
        syscall(SYS_tgkill, getpid(), tid, SIGURG);
    }
    if (strcmp(mode, "waitv") != 0 && strcmp(mode, "waitv-hang") != 0) {
        ms(100);
        await_asleep(sleeping ? "35" : vector ? "449" : "202", 1);
    }
    if (strcmp(mode, "hang") == 0 || strcmp(mode, "waitv-hang") == 0 || sleeping) {
        ms(sleeping ? 100 : 300);
        fprintf(stderr, "futex_restart: leaving the waiter blocked\n");
        exit(0); // exit_group: the waiter is torn down inside its wait
    }
    ms(200);
    int word = strcmp(mode, "waitv") == 0 ? 1 : 0;
    atomic_store(&words[word], 1);
    long woken = fx(&words[word], FUTEX_WAKE_PRIVATE, 1, NULL, 0);
    // Said after the join: the waiter prints as it wakes, and a line of main's then would contend for
    // stderr's lock, a wait of the waiter's some runs have and some not (the metrics count its waits).
    pthread_join(t, NULL);
    expect("wake", woken, 1);
    return atomic_load(&failed);
}
