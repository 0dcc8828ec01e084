// poll_restart: a thread named "poller" sits in poll on a pipe nobody writes, with a 60 s timeout;
// main stops the whole process (SIGSTOP, continued by a child it forks) so the kernel continues the
// poll as restart_syscall, the state a second attach (or one after strace -p, kill -STOP/-CONT)
// finds. Prints "ready PID POLLER_TID PIPE_FD" once the poller is asleep in restart_syscall
// (/proc/self/task/TID/syscall says 219), then joins it. Exits 0 when the poll times out (or is ended).
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int fds[2];
static _Atomic pid_t poller_tid;

static void *poller(void *arg) {
    (void) arg;
    pthread_setname_np(pthread_self(), "poller");
    poller_tid = (pid_t) syscall(SYS_gettid);
    struct pollfd p = {.fd = fds[0], .events = POLLIN};
    poll(&p, 1, 60000);
    return NULL;
}

/** Whether task {@code tid} sleeps in call {@code nr} (its /proc syscall line begins with it). */
static int asleep_in(pid_t tid, const char *nr) {
    char path[64], line[32] = "";
    snprintf(path, sizeof path, "/proc/self/task/%d/syscall", tid);
    FILE *f = fopen(path, "r");
    if (f == NULL) return 0;
    int in = fgets(line, sizeof line, f) != NULL && strncmp(line, nr, strlen(nr)) == 0;
    fclose(f);
    return in;
}

int main(void) {
    if (pipe(fds) != 0) return 2;
    pthread_t t;
    pthread_create(&t, NULL, poller, NULL);
    while (poller_tid == 0 || !asleep_in(poller_tid, "7 ")) usleep(1000);
    pid_t self = getpid(), child = fork();
    if (child < 0) return 2;
    if (child == 0) {
        usleep(50000);
        kill(self, SIGCONT);
        _exit(0);
    }
    kill(self, SIGSTOP);
    waitpid(child, NULL, 0);
    while (!asleep_in(poller_tid, "219 ")) usleep(1000);
    printf("ready %d %d %d\n", self, poller_tid, fds[0]);
    fflush(stdout);
    pthread_join(t, NULL);
    return 0;
}
