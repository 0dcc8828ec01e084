// A program that ptraces itself, as a debugger, strace or a crash reporter does (PtraceCallsIT):
// a child that asks its parent to trace it (PTRACE_TRACEME), a child the parent PTRACE_SEIZEs
// and interrupts, one it PTRACE_ATTACHes; with a PID argument, a process outside the trace that
// it attaches to and reads (PEEKDATA, GETSIGINFO, GETREGSET, GETSIGMASK, SETOPTIONS, GETEVENTMSG)
// before it detaches. Prints one line per attempt, "traceme ok" or "traceme EPERM", and exits 0.
// Untraced every attempt succeeds but an attach to its own process (EPERM whoever traces); under a
// tracer that follows children (jthreadtrace, strace -f) the first three fail with EPERM too, since
// each child has its tracer already.
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

static void outcome(const char *what, long r) {
    printf("%s %s\n", what, r == 0 ? "ok" : errno == EPERM ? "EPERM" : strerror(errno));
    fflush(stdout);
}

/** A child that waits to be killed (pause returns only on a handled signal: never here). */
static pid_t idle_child(void) {
    pid_t c = fork();
    if (c == 0) {
        for (;;) pause();
    }
    return c;
}

static void end_child(pid_t c) {
    kill(c, SIGKILL);
    waitpid(c, NULL, __WALL);
}

static void traceme(void) {
    pid_t c = fork();
    if (c == 0) {
        if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0) _exit(errno == EPERM ? 1 : 2);
        raise(SIGSTOP); // its tracer, the parent, sees the stop
        _exit(0);
    }
    int status;
    waitpid(c, &status, 0);
    if (WIFSTOPPED(status)) {
        ptrace(PTRACE_SETOPTIONS, c, NULL, (void *) (PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXIT));
        ptrace(PTRACE_CONT, c, NULL, NULL);
        waitpid(c, &status, 0); // the exit event
        ptrace(PTRACE_CONT, c, NULL, NULL);
        waitpid(c, &status, 0);
    }
    errno = WIFEXITED(status) && WEXITSTATUS(status) == 1 ? EPERM : 0;
    outcome("traceme", WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1);
}

static void seize(void) {
    pid_t c = idle_child();
    long r = ptrace(PTRACE_SEIZE, c, NULL, (void *) (PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL));
    outcome("seize", r);
    if (r == 0) {
        ptrace(PTRACE_INTERRUPT, c, NULL, NULL);
        waitpid(c, NULL, __WALL);
        ptrace(PTRACE_DETACH, c, NULL, NULL);
    }
    end_child(c);
}

static void attach(void) {
    pid_t c = idle_child();
    long r = ptrace(PTRACE_ATTACH, c, NULL, NULL);
    outcome("attach", r);
    if (r == 0) {
        waitpid(c, NULL, __WALL);
        ptrace(PTRACE_DETACH, c, NULL, (void *) SIGCONT);
    }
    end_child(c);
}

/** Its own process: refused untraced as traced (kernel/ptrace.c: same_thread_group). */
static void self(void) {
    outcome("self", ptrace(PTRACE_ATTACH, getpid(), NULL, NULL));
}

/** The start of the first mapping of {@code pid} (its executable's ELF header), from /proc/PID/maps. */
static unsigned long first_mapping(pid_t pid) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/maps", pid);
    FILE *f = fopen(path, "r");
    unsigned long start = 0;
    if (f) {
        if (fscanf(f, "%lx", &start) != 1) start = 0;
        fclose(f);
    }
    return start;
}

/** A process the tracer of this one does not trace: attached, read, let go. */
static void outside(pid_t pid) {
    long r = ptrace(PTRACE_ATTACH, pid, NULL, NULL);
    outcome("outside", r);
    if (r != 0) return;
    waitpid(pid, NULL, __WALL);
    siginfo_t info;
    ptrace(PTRACE_GETSIGINFO, pid, NULL, &info);
    ptrace(PTRACE_PEEKDATA, pid, (void *) first_mapping(pid), NULL);
    struct user_regs_struct regs;
    struct iovec iov = {&regs, sizeof regs};
    ptrace(PTRACE_GETREGSET, pid, (void *) NT_PRSTATUS, &iov);
    unsigned long long mask;
    ptrace(PTRACE_GETSIGMASK, pid, (void *) sizeof mask, &mask);
    ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *) PTRACE_O_TRACECLONE);
    unsigned long msg;
    ptrace(PTRACE_GETEVENTMSG, pid, NULL, &msg);
    ptrace(PTRACE_DETACH, pid, NULL, NULL);
}

int main(int argc, char **argv) {
    traceme();
    seize();
    attach();
    self();
    if (argc > 1) outside((pid_t) atoi(argv[1]));
    return 0;
}
