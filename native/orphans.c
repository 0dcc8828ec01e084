// Orphans and CLONE_PARENT, for the kernel tree. main (with "subreaper": after
// prctl(PR_SET_CHILD_SUBREAPER, 1)) forks "middle", which makes "cparent" with CLONE_PARENT (its
// PPid is main) and forks "orphan", then exits. The kernel gives the orphan to the nearest
// subreaper ancestor (main), else to init of the PID namespace. Each child writes
// "NAME PID ppid N" (its getppid(), the kernel's answer: the orphan's once middle is gone) to the
// file argv[2]; main waits for its children, and for the orphan's line when it is not its parent.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static char stack[65536];
static const char *out_path;
static int done_pipe[2];

static void say(const char *name) {
    FILE *f = fopen(out_path, "a");
    if (f == NULL) _exit(99);
    fprintf(f, "%s %d ppid %d\n", name, getpid(), getppid());
    fclose(f);
}

static int cparent(void *arg) {
    (void) arg;
    prctl(PR_SET_NAME, "cparent");
    say("cparent");
    return 7;
}

static void orphan(pid_t middle) {
    prctl(PR_SET_NAME, "orphan");
    for (int i = 0; i < 5000 && getppid() == middle; i++) usleep(1000);
    say("orphan");
    if (write(done_pipe[1], "x", 1) != 1) _exit(98);
    _exit(5);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: orphans subreaper|init FILE\n");
        return 2;
    }
    out_path = argv[2];
    if (strcmp(argv[1], "subreaper") == 0) prctl(PR_SET_CHILD_SUBREAPER, 1);
    if (pipe(done_pipe) != 0) return 97;
    pid_t m = fork();
    if (m == 0) {
        prctl(PR_SET_NAME, "middle");
        if (clone(cparent, stack + sizeof stack, CLONE_PARENT | SIGCHLD, NULL) < 0) _exit(96);
        pid_t self = getpid();
        if (fork() == 0) orphan(self);
        _exit(0);
    }
    close(done_pipe[1]);
    char c;
    if (read(done_pipe[0], &c, 1) != 1) return 95; // the orphan has said its parent
    int status;
    while (wait(&status) > 0 || errno == EINTR) { }
    return 0;
}
