// clone_parent: the kernel tree that CLONE_PARENT makes (runc's nsexec does this). "top" forks
// "middle"; middle makes "child" with the raw clone(CLONE_PARENT|SIGCHLD), so the child is top's
// child in the kernel's tree, not middle's, and middle exits at once. Top waits for both (the
// child is its own to wait for). Prints what the kernel says, one line, to the file argv[1] (or
// stdout):
//   top=T middle=M child=C child_ppid=P
// and exits 0 when P == T.
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    int report[2];
    if (pipe(report) != 0) return 1;
    pid_t top = getpid();
    pid_t middle = fork();
    if (middle < 0) return 1;
    if (middle == 0) {
        long child = syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
        if (child < 0) _exit(1);
        if (child == 0) {
            char line[64];
            int n = snprintf(line, sizeof line, "%d %d\n", (int) getpid(), (int) getppid());
            if (write(report[1], line, (size_t) n) < 0) _exit(1);
            _exit(0);
        }
        _exit(0);
    }
    close(report[1]);
    char line[64] = "";
    ssize_t n = read(report[0], line, sizeof line - 1);
    if (n <= 0) return 1;
    line[n] = 0;
    int c, p;
    if (sscanf(line, "%d %d", &c, &p) != 2) return 1;
    FILE *out = argc > 1 ? fopen(argv[1], "w") : stdout;
    if (!out) return 1;
    fprintf(out, "top=%d middle=%d child=%d child_ppid=%d\n", (int) top, (int) middle, c, p);
    fclose(out);
    int status, reaped = 0;
    while (reaped < 2) {
        pid_t w = waitpid(-1, &status, 0);
        if (w < 0) return 1;
        if (w == middle || w == c) reaped++;
    }
    return p == top ? 0 : 2;
}
