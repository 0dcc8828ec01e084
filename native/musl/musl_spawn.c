// Built with musl-gcc: posix_spawn of PROGRAM ARGS... with musl's posix_spawn, which runs the child
// on a small stack in the parent's memory (CLONE_VM|CLONE_VFORK), then waits for it. Prints the
// child's exit status; the parent must survive whatever happens around the child's exec.
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>

extern char **environ;

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: musl_spawn PROGRAM ARGS...\n");
        return 2;
    }
    pid_t child;
    int error = posix_spawn(&child, argv[1], NULL, NULL, argv + 1, environ);
    if (error != 0) {
        fprintf(stderr, "posix_spawn: %d\n", error);
        return 3;
    }
    int status;
    waitpid(child, &status, 0);
    printf("child exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return 0;
}
