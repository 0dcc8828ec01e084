// execve from a thread while main waits in pthread_join for that thread and another thread idles
// in pause(): the kernel kills the idler, ends the old leader (main) inside its join, which never
// returns (strace: "<... futex resumed>) = ?" and "+++ superseded by execve +++"), and gives the
// exec'ing thread the leader's tid. The thread execs argv[1..] (default /bin/true) once main sleeps
// in its join (its /proc stat says S) and 300 ms more: main is blocked for at least that long.
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char **exec_argv;
static int main_stat = -1;

// Read with pread (not traced) from a descriptor opened once: polling adds no recorded call.
static int main_asleep(void) {
    char buf[512];
    ssize_t n = pread(main_stat, buf, sizeof buf - 1, 0);
    if (n <= 0) return 1;
    buf[n] = 0;
    char *end = strrchr(buf, ')');
    return end != NULL && end[1] == ' ' && end[2] == 'S';
}

static void *idler(void *arg) {
    (void) arg;
    pthread_setname_np(pthread_self(), "idler");
    for (;;) pause();
    return NULL;
}

static void *execer(void *arg) {
    (void) arg;
    pthread_setname_np(pthread_self(), "execer");
    while (!main_asleep()) sched_yield();
    usleep(300000);
    execv(exec_argv[0], exec_argv);
    perror("execv");
    return NULL;
}

int main(int argc, char **argv) {
    static char *default_argv[] = {"/bin/true", NULL};
    exec_argv = argc > 1 ? argv + 1 : default_argv;
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", getpid());
    main_stat = open(path, O_RDONLY | O_CLOEXEC);
    pthread_t i, t;
    pthread_create(&i, NULL, idler, NULL);
    pthread_create(&t, NULL, execer, NULL);
    pthread_join(t, NULL);
    return 3; // only reached when execv failed
}
