// wait_stopped: a parent ("ws-main") waits for a child ("ws-child") it has stopped with kill(SIGSTOP):
// waitpid(child, &status, 0) (no WUNTRACED) returns only at the child's end, which does not come until
// the child is continued. Prints "stopped PARENT CHILD" once the parent sleeps in wait4 and the child
// is stopped (state T, or t under a tracer). SIGTERM is ignored (by both): a tracer's first SIGTERM
// passed on does not end them.
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc_task.h"

int main(void) {
    signal(SIGTERM, SIG_IGN);
    prctl(PR_SET_NAME, "ws-main");
    int named[2];
    if (pipe(named) != 0) return 2;
    pid_t child = fork();
    if (child < 0) return 2;
    if (child == 0) {
        prctl(PR_SET_NAME, "ws-child");
        if (write(named[1], "n", 1) != 1) _exit(2);
        for (;;) pause();
    }
    char n;
    if (read(named[0], &n, 1) != 1) return 2; // stopped once it has its name
    kill(child, SIGSTOP);
    say_when_stopped(getpid(), SYS_wait4, child);
    int status;
    while (waitpid(child, &status, 0) != child) continue; // the reporter is not waited for: only the child
    return 0;
}
