// Makes each signal syscall jthreadtrace decodes and has signals delivered with each kind of
// siginfo strace prints (SI_USER, SI_TKILL, SI_QUEUE, SI_KERNEL, SI_TIMER, a fault's address, a
// child's exit), for comparing its lines with strace's (StraceClassesIT).
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define S(...) syscall(__VA_ARGS__)
#define SA_RESTORER 0x04000000

/** The kernel's struct sigaction on x86-64, as rt_sigaction takes it. */
struct kernel_sigaction {
    void (*handler)(int, siginfo_t *, void *);
    unsigned long flags;
    void (*restorer)(void);
    uint64_t mask;
};

extern void restore_rt(void);
__asm__(".text\n.globl restore_rt\nrestore_rt:\n mov $15, %rax\n syscall\n");

static sigjmp_buf back;
static volatile sig_atomic_t seen;

static void on_signal(int sig, siginfo_t *info, void *context) {
    (void) info;
    (void) context;
    seen += sig;
}

static void on_fault(int sig, siginfo_t *info, void *context) {
    (void) sig;
    (void) info;
    (void) context;
    siglongjmp(back, 1);
}

static void handle(int sig, void (*handler)(int, siginfo_t *, void *), unsigned long flags, uint64_t mask) {
    struct kernel_sigaction act = {handler, flags | SA_RESTORER | SA_SIGINFO, restore_rt, mask}, old;
    S(SYS_rt_sigaction, sig, &act, &old, 8);
}

int main(void) {
    pid_t pid = getpid();
    handle(SIGUSR1, on_signal, SA_RESTART, 1ULL << (SIGUSR2 - 1));
    handle(SIGUSR2, on_signal, SA_NODEFER | SA_ONSTACK, 0);
    handle(SIGALRM, on_signal, 0, 0);
    handle(SIGRTMIN + 2, on_signal, SA_RESETHAND, 0);
    struct kernel_sigaction query;
    S(SYS_rt_sigaction, SIGTERM, NULL, &query, 8);
    S(SYS_rt_sigaction, SIGKILL, NULL, NULL, 8);
    S(SYS_rt_sigaction, 99, NULL, &query, 8);

    static char stack_area[65536];
    stack_t ss = {.ss_sp = stack_area, .ss_flags = 0, .ss_size = sizeof stack_area}, old_ss;
    S(SYS_sigaltstack, NULL, &old_ss);
    S(SYS_sigaltstack, &ss, NULL);
    S(SYS_sigaltstack, NULL, &old_ss);

    S(SYS_kill, pid, SIGUSR1);
    S(SYS_tgkill, pid, (long) S(SYS_gettid), SIGUSR2);
    S(SYS_tkill, (long) S(SYS_gettid), SIGUSR2);
    siginfo_t queued;
    memset(&queued, 0, sizeof queued);
    queued.si_signo = SIGRTMIN + 2;
    queued.si_code = SI_QUEUE;
    queued.si_pid = pid;
    queued.si_uid = getuid();
    queued.si_value.sival_int = 42;
    S(SYS_rt_sigqueueinfo, pid, SIGRTMIN + 2, &queued);
    siginfo_t queued_thread = queued;
    queued_thread.si_signo = SIGUSR1;
    S(SYS_rt_tgsigqueueinfo, pid, (long) S(SYS_gettid), SIGUSR1, &queued_thread);
    S(SYS_kill, pid, 0);
    S(SYS_kill, 999999, SIGTERM);

    // Each asynchronous signal is waited for with rt_sigsuspend, so the trace is the same every run.
    uint64_t waiting = (1ULL << (SIGALRM - 1)) | (1ULL << (SIGUSR1 - 1)), nothing = 0;
    S(SYS_rt_sigprocmask, SIG_BLOCK, &waiting, NULL, 8);
    struct itimerval alarm_in = {.it_interval = {0, 0}, .it_value = {0, 1000}};
    S(SYS_setitimer, ITIMER_REAL, &alarm_in, NULL);
    S(SYS_rt_sigsuspend, &nothing, 8);

    timer_t timer;
    struct sigevent sev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1, .sigev_value.sival_int = 7};
    timer_create(CLOCK_MONOTONIC, &sev, &timer);
    struct itimerspec once = {.it_interval = {0, 0}, .it_value = {0, 1000}};
    timer_settime(timer, 0, &once, NULL);
    S(SYS_rt_sigsuspend, &nothing, 8);
    struct itimerspec left;
    S(SYS_timer_gettime, timer, &left);
    S(SYS_timer_getoverrun, timer);
    S(SYS_rt_sigprocmask, SIG_UNBLOCK, &waiting, NULL, 8);

    // pause: woken by an interval timer (if the first expiry came before pause, the next one does)
    struct itimerval every = {.it_interval = {0, 100000}, .it_value = {0, 100000}}, off = {{0, 0}, {0, 0}};
    S(SYS_setitimer, ITIMER_REAL, &every, NULL);
    S(SYS_pause);
    S(SYS_setitimer, ITIMER_REAL, &off, NULL);
    timer_delete(timer);

    handle(SIGSEGV, on_fault, 0, 0);
    if (sigsetjmp(back, 1) == 0) *(volatile int *) 0x10 = 1;

    uint64_t usr1 = 1ULL << (SIGUSR1 - 1), pending = 0;
    S(SYS_rt_sigprocmask, SIG_BLOCK, &usr1, NULL, 8);
    S(SYS_kill, pid, SIGUSR1);
    S(SYS_rt_sigpending, &pending, 8);
    siginfo_t info;
    struct timespec wait = {1, 0}, none = {0, 0};
    S(SYS_rt_sigtimedwait, &usr1, &info, &wait, 8);
    S(SYS_rt_sigtimedwait, &usr1, NULL, &none, 8);
    long sfd = S(SYS_signalfd4, -1, &usr1, 8, SFD_CLOEXEC | SFD_NONBLOCK);
    S(SYS_close, sfd);

    // SIGCHLD held until the child is reaped: a child that exits before the parent enters wait4
    // (strace slows the parent) would put the signal line before the wait4 line in one run and
    // after it in the other; unblocked after it, the signal comes right after that call.
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    pid_t child = fork();
    if (child == 0) _exit(3);
    int status;
    waitpid(child, &status, 0);
    sigprocmask(SIG_UNBLOCK, &chld, NULL);
    return 0;
}
