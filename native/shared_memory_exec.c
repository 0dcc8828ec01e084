// Execs a program from a stack that is not its own memory, the ways real programs do, and checks
// afterwards that nothing below that stack changed: a tracer that wrote there (new argv below the
// stack pointer, say) would overwrite the parent's memory or the process's own.
//
//   shared_memory_exec MODE PROGRAM ARGS...
//   MODE vfork   clone(CLONE_VM|CLONE_VFORK) on a 16 KiB stack inside a canary buffer of the
//                parent (glibc and musl posix_spawn, Go's os/exec); the parent resumes after the exec
//   MODE vm      clone(CLONE_VM) without CLONE_VFORK: the parent waits for the exec through a
//                close-on-exec pipe, then for the child
//   MODE failing a thread on a 16 KiB stack inside the canary buffer execs PROGRAM, which must fail
//                (EACCES: a JDK layout whose java is not executable); the process lives on
//
// Prints one line: how many canary bytes changed (0 untraced), and the child's exit status or the
// failed exec's errno. ARGS may be long (the tests pass thousands).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define CANARY_BYTES (256 * 1024)
#define STACK_BYTES (16 * 1024)
#define CANARY 0xA5

static unsigned char *region;
static char **child_argv;
static int exec_pipe[2];
static int failed_errno;

static unsigned char *stack_top(void) {
    // The stack is the last 16 KiB of the region; everything below it is canary.
    return region + CANARY_BYTES + STACK_BYTES;
}

static long changed_canary_bytes(void) {
    long changed = 0;
    for (long i = 0; i < CANARY_BYTES; i++) changed += region[i] != CANARY;
    return changed;
}

static int exec_child(void *arg) {
    (void) arg;
    execv(child_argv[0], child_argv);
    _exit(127);
}

static void *failing_thread(void *arg) {
    (void) arg;
    execv(child_argv[0], child_argv);
    failed_errno = errno;
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: shared_memory_exec vfork|vm|failing PROGRAM ARGS...\n");
        return 2;
    }
    child_argv = argv + 2;
    region = mmap(NULL, CANARY_BYTES + STACK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(region, CANARY, CANARY_BYTES + STACK_BYTES);
    if (strcmp(argv[1], "failing") == 0) {
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstack(&attr, region + CANARY_BYTES, STACK_BYTES);
        pthread_t t;
        if (pthread_create(&t, &attr, failing_thread, NULL) != 0) return 4;
        pthread_join(t, NULL);
        printf("canary changed %ld, exec errno %d\n", changed_canary_bytes(), failed_errno);
        return 0;
    }
    int vm = strcmp(argv[1], "vm") == 0;
    if (vm && pipe2(exec_pipe, O_CLOEXEC) != 0) return 5;
    int flags = CLONE_VM | SIGCHLD | (vm ? 0 : CLONE_VFORK);
    pid_t child = clone(exec_child, stack_top(), flags, NULL);
    if (child < 0) return 6;
    if (vm) {
        // EOF once the child's exec closed its copy of the write end (or it died).
        close(exec_pipe[1]);
        char c;
        while (read(exec_pipe[0], &c, 1) > 0) { }
    }
    long changed = changed_canary_bytes();
    int status;
    waitpid(child, &status, 0);
    printf("canary changed %ld, child exit %d\n", changed, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return 0;
}
