// A main thread that exits before another thread execs, as a daemon's launcher thread or a runtime's
// re-exec may: main starts "joinee", joins it (a join the old leader made), starts "execer" and
// calls pthread_exit; the process goes on with main a zombie (ps: Z). Once main is one, "execer"
// forks a child (a thread's child: the kernel makes the process its parent) and waits for it, then
// execs argv[1..] (default /bin/true): the kernel gives it the leader's tid and releases the zombie
// (strace: "superseded by execve"). The lines it prints are the oracle, each as the kernel had it:
//   main PID COMM        main's pid and name, before it exits
//   joined TID           main's join of joinee returned
//   main-state STATE     main's /proc state as execer saw it before forking (Z)
//   child PID PPID       the forked child's getpid() and getppid()
//   execer TID           execer's tid, just before its exec
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char **exec_argv;
static int main_stat = -1;
static int joinee_tid;

static char main_state(void) {
    char buf[512];
    ssize_t n = pread(main_stat, buf, sizeof buf - 1, 0);
    if (n <= 0) return '?';
    buf[n] = 0;
    char *end = strrchr(buf, ')');
    return end != NULL && end[1] == ' ' ? end[2] : '?';
}

static void *joinee(void *arg) {
    pthread_setname_np(pthread_self(), "joinee");
    joinee_tid = (int) syscall(SYS_gettid);
    usleep(20000);
    return arg;
}

static void *execer(void *arg) {
    pthread_setname_np(pthread_self(), "execer");
    while (main_state() != 'Z') usleep(1000);
    printf("main-state %c\n", main_state());
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        printf("child %d %d\n", (int) getpid(), (int) getppid());
        fflush(stdout);
        _exit(0);
    }
    waitpid(child, NULL, 0);
    printf("execer %d\n", (int) syscall(SYS_gettid));
    fflush(stdout);
    execv(exec_argv[0], exec_argv);
    perror("execv");
    exit(3);
    return arg;
}

int main(int argc, char **argv) {
    static char *default_argv[] = {"/bin/true", NULL};
    exec_argv = argc > 1 ? argv + 1 : default_argv;
    char path[64], comm[32] = "";
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", getpid());
    main_stat = open(path, O_RDONLY | O_CLOEXEC);
    FILE *f = fopen("/proc/self/comm", "r");
    if (f != NULL) {
        if (fgets(comm, sizeof comm, f) != NULL) comm[strcspn(comm, "\n")] = 0;
        fclose(f);
    }
    pthread_t j, e;
    pthread_create(&j, NULL, joinee, NULL);
    pthread_join(j, NULL);
    printf("main %d %s\njoined %d\n", (int) getpid(), comm, joinee_tid);
    fflush(stdout);
    pthread_create(&e, NULL, execer, NULL);
    pthread_exit(NULL);
}
