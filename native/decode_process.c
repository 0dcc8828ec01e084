// Makes each process, credentials, resource and System V IPC syscall jthreadtrace decodes (the
// wait family on children that exit and are killed, the get*id family, limits, uname, brk,
// getrandom, shm/sem/msg), for comparing its lines with strace's (StraceClassesIT).
#define _GNU_SOURCE
#include <linux/capability.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <asm/prctl.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define S(...) syscall(__VA_ARGS__)

/*
 * SIGCHLD stays blocked while a child lives and is let through once it is reaped, so its line has
 * one place in every run: unblocked, a child that died before its parent entered wait4 signalled
 * it at fork's return, one that died later inside wait4 (StraceClassesIT compared the orders of
 * two runs, and a loaded machine made them differ).
 */
static void reaped(const sigset_t *chld) {
    sigprocmask(SIG_UNBLOCK, chld, NULL);
    sigprocmask(SIG_BLOCK, chld, NULL);
}

static void children(void) {
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    pid_t a = fork();
    if (a == 0) _exit(3);
    int status;
    S(SYS_wait4, a, &status, 0, NULL);
    reaped(&chld);
    pid_t b = fork();
    if (b == 0) {
        S(SYS_kill, (long) S(SYS_getpid), SIGTERM);
        _exit(0);
    }
    struct rusage ru;
    S(SYS_wait4, b, &status, __WALL, &ru);
    reaped(&chld);
    pid_t c = fork();
    if (c == 0) _exit(4);
    siginfo_t info;
    S(SYS_waitid, P_PID, c, &info, WEXITED, NULL);
    sigprocmask(SIG_UNBLOCK, &chld, NULL);
    S(SYS_wait4, -1, NULL, WNOHANG, NULL);
    S(SYS_waitid, P_ALL, 0, &info, WEXITED | WNOHANG, NULL);
}

static void ids(void) {
    S(SYS_getpid);
    S(SYS_getppid);
    S(SYS_gettid);
    S(SYS_getuid);
    S(SYS_geteuid);
    S(SYS_getgid);
    S(SYS_getegid);
    uid_t r, e, s;
    S(SYS_getresuid, &r, &e, &s);
    gid_t gr, ge, gs;
    S(SYS_getresgid, &gr, &ge, &gs);
    gid_t groups[64];
    long n = S(SYS_getgroups, 0, NULL);
    S(SYS_getgroups, n, groups);
    S(SYS_setuid, (long) S(SYS_getuid));
    S(SYS_setgid, (long) S(SYS_getgid));
    S(SYS_setresuid, -1, -1, -1);
    S(SYS_setresgid, -1, -1, -1);
    S(SYS_setreuid, -1, -1);
    S(SYS_setregid, -1, -1);
    S(SYS_setfsuid, -1);
    S(SYS_setfsgid, -1);
    S(SYS_setgroups, n, groups);
    S(SYS_getpgrp);
    S(SYS_getpgid, 0);
    S(SYS_getsid, 0);
    S(SYS_getpriority, PRIO_PROCESS, 0);
    S(SYS_setpriority, PRIO_PROCESS, 0, (long) (20 - S(SYS_getpriority, PRIO_PROCESS, 0)));
    struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    S(SYS_capget, &hdr, data);
    S(SYS_capset, &hdr, data);
    S(SYS_setpgid, 0, 0);
    S(SYS_setsid);
}

static void resources(void) {
    long top = S(SYS_brk, 0);
    S(SYS_brk, top + 4096);
    S(SYS_brk, top);
    unsigned char random[8];
    S(SYS_getrandom, random, sizeof random, 0x1 /* GRND_NONBLOCK */);
    S(SYS_getrandom, random, 0, 0);
    struct rlimit lim, old;
    S(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &old);
    lim.rlim_cur = 1024 * 1024;
    lim.rlim_max = RLIM_INFINITY;
    S(SYS_prlimit64, 0, RLIMIT_CORE, &lim, &old);
    lim.rlim_cur = 1000;
    lim.rlim_max = 4096;
    S(SYS_prlimit64, 0, RLIMIT_NOFILE, &lim, NULL);
    S(SYS_getrlimit, RLIMIT_NOFILE, &old);
    S(SYS_setrlimit, RLIMIT_NOFILE, &old);
    S(SYS_prlimit64, 0, 99, NULL, &old);
    struct utsname u;
    S(SYS_uname, &u);
    S(SYS_sched_yield);
    S(SYS_umask, 022);
    struct rusage self;
    S(SYS_getrusage, RUSAGE_SELF, &self);
    struct sysinfo info;
    S(SYS_sysinfo, &info);
    unsigned long fs = 0;
    S(SYS_arch_prctl, ARCH_GET_FS, &fs);
}

static void ipc(void) {
    long shm = S(SYS_shmget, IPC_PRIVATE, 4096, IPC_CREAT | IPC_EXCL | 0600);
    void *at = (void *) S(SYS_shmat, shm, NULL, SHM_RDONLY);
    S(SYS_shmdt, at);
    S(SYS_shmctl, shm, IPC_RMID, NULL);
    long sem = S(SYS_semget, IPC_PRIVATE, 1, IPC_CREAT | 0600);
    struct sembuf up = {.sem_num = 0, .sem_op = 1, .sem_flg = SEM_UNDO};
    S(SYS_semop, sem, &up, 1);
    struct timespec now = {0, 0};
    struct sembuf down = {.sem_num = 0, .sem_op = -1, .sem_flg = IPC_NOWAIT};
    S(SYS_semtimedop, sem, &down, 1, &now);
    S(SYS_semctl, sem, 0, IPC_RMID, NULL);
    long q = S(SYS_msgget, IPC_PRIVATE, IPC_CREAT | 0600);
    struct { long mtype; char mtext[16]; } m = {1, "hi"};
    S(SYS_msgsnd, q, &m, 2, IPC_NOWAIT);
    S(SYS_msgrcv, q, &m, sizeof m.mtext, 0, IPC_NOWAIT);
    S(SYS_msgrcv, q, &m, sizeof m.mtext, 0, IPC_NOWAIT);
    S(SYS_msgctl, q, IPC_RMID, NULL);
}

int main(void) {
    children();
    ids();
    resources();
    ipc();
    return 0;
}
