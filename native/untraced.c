// Creates a child with CLONE_UNTRACED, which ptrace cannot follow; waits for it and exits 0.
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static int child(void *arg) {
    (void) arg;
    return 5;
}

int main(void) {
    size_t size = 64 * 1024;
    char *stack = malloc(size);
    pid_t pid = clone(child, stack + size, CLONE_UNTRACED | SIGCHLD, NULL);
    if (pid < 0) { perror("clone"); return 1; }
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 5 ? 0 : 1;
}
