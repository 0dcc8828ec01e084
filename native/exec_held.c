// An exec from a thread that another tracer holds up: a helper process seizes the thread "victim",
// then the thread "execer" execs this program; the kernel's de_thread kills victim and waits for it
// to be released, which a traced thread is only when its tracer waits for it. The helper waits for
// it argv[1] milliseconds after it became a zombie, having printed "holding" then: meanwhile the
// process is mid-exec (main thread a zombie, execer inside execve). The new image prints "execd"
// and sleeps. Run as: exec_held HOLD_MS.
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char *self;
static int victim_tid;
static int seized[2];

static void say(const char *line) {
    if (write(1, line, strlen(line)) < 0) _exit(1);
}

static void *victim(void *arg) {
    (void) arg;
    prctl(PR_SET_NAME, "victim");
    __atomic_store_n(&victim_tid, (int) syscall(SYS_gettid), __ATOMIC_SEQ_CST);
    for (;;) pause();
    return NULL;
}

static void *execer(void *arg) {
    (void) arg;
    prctl(PR_SET_NAME, "execer");
    char c;
    if (read(seized[0], &c, 1) != 1) _exit(1);
    say("ready\n");
    usleep(100000);
    char *argv[] = {self, "execd", NULL};
    execv(self, argv);
    _exit(1);
}

/** The helper: seize victim, tell execer, wait until victim is a zombie, hold it HOLD_MS, reap it. */
static void helper(long hold_ms) {
    if (ptrace(PTRACE_SEIZE, victim_tid, 0, 0) != 0) _exit(3);
    if (write(seized[1], "s", 1) != 1) _exit(1);
    char path[64], stat[512];
    snprintf(path, sizeof path, "/proc/%d/stat", victim_tid);
    for (;;) {
        int fd = open(path, O_RDONLY);
        if (fd < 0) _exit(4);
        ssize_t n = read(fd, stat, sizeof stat - 1);
        close(fd);
        if (n > 0) {
            stat[n] = 0;
            char *close_paren = strrchr(stat, ')');
            if (close_paren != NULL && close_paren[2] == 'Z') break;
        }
        usleep(1000);
    }
    say("holding\n");
    usleep(hold_ms * 1000);
    int status;
    waitpid(victim_tid, &status, __WALL);
    _exit(0);
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "execd") == 0) {
        say("execd\n");
        for (;;) pause();
    }
    if (argc != 2) {
        fprintf(stderr, "usage: exec_held HOLD_MS\n");
        return 2;
    }
    self = argv[0];
    prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY);
    if (pipe(seized) != 0) return 1;
    pthread_t t;
    pthread_create(&t, NULL, victim, NULL);
    while (__atomic_load_n(&victim_tid, __ATOMIC_SEQ_CST) == 0) usleep(1000);
    pthread_create(&t, NULL, execer, NULL);
    if (fork() == 0) helper(atol(argv[1]));
    for (;;) pause();
}
