// subreaper CMD ARGS...: what a container's init or a service manager is to the programs below it.
// It calls prctl(PR_SET_CHILD_SUBREAPER, 1), runs CMD as its child and reaps every process given to
// it (orphans of CMD's tree whose nearer ancestors cannot adopt them) until none is left; it exits
// with CMD's status (128+N when a signal N killed it). Prints its pid first on stderr, "subreaper PID".
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: subreaper CMD ARGS...\n");
        return 2;
    }
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
        perror("prctl(PR_SET_CHILD_SUBREAPER)");
        return 125;
    }
    fprintf(stderr, "subreaper %d\n", getpid());
    pid_t child = fork();
    if (child < 0) {
        perror("fork");
        return 125;
    }
    if (child == 0) {
        execvp(argv[1], argv + 1);
        perror(argv[1]);
        _exit(127);
    }
    int code = 125, status;
    for (;;) {
        pid_t done = wait(&status);
        if (done < 0 && errno == EINTR) continue;
        if (done < 0) break; // ECHILD: nothing left to reap
        if (done == child) code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    return code;
}
