// Execs of a descriptor, as runc's re-exec of itself from a memfd and sandboxes do: one child
// fexecve()s an opened file (argv[1], default /bin/cat), another a memfd holding a copy of it
// ("exec-fd-prog"). Each runs `cat /proc/self/comm` (the name the kernel gave it: the file's, not
// the path's, which is "" for execveat(fd, "", AT_EMPTY_PATH)); after each the parent prints
// "ROLE PID" (fd, memfd). The untraced run's lines are the oracle.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void run(const char *role, int fd) {
    char *args[] = {"cat", "/proc/self/comm", NULL};
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        fexecve(fd, args, environ);
        perror("fexecve");
        _exit(99);
    }
    int status;
    waitpid(child, &status, 0);
    printf("%s %d\n", role, (int) child);
    fflush(stdout);
    close(fd);
}

int main(int argc, char **argv) {
    const char *file = argc > 1 ? argv[1] : "/bin/cat";
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        perror(file);
        return 2;
    }
    int copy = open(file, O_RDONLY | O_CLOEXEC);
    int mem = memfd_create("exec-fd-prog", MFD_CLOEXEC);
    char buffer[65536];
    ssize_t n;
    while ((n = read(copy, buffer, sizeof buffer)) > 0) {
        if (write(mem, buffer, (size_t) n) != n) return 3;
    }
    close(copy);
    run("fd", fd);
    run("memfd", mem);
    return 0;
}
