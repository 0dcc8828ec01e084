// Shared by exec_thread.c and exec_join_idle.c: a thread execs argv[1..] (default /bin/true) once
// main sleeps (its /proc stat says S), that is once main's clone has returned and its join has
// begun, in every run: a trace that waits for every exit would otherwise see them or not (a clone
// cut by the exec, no join) as the scheduler goes.
#ifndef EXEC_WHEN_MAIN_SLEEPS_H
#define EXEC_WHEN_MAIN_SLEEPS_H
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char **exec_argv;
static int main_stat = -1;

// From main, before it starts the thread: what to exec, and main's stat opened once.
static void exec_setup(int argc, char **argv) {
    static char *default_argv[] = {"/bin/true", NULL};
    exec_argv = argc > 1 ? argv + 1 : default_argv;
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", getpid());
    main_stat = open(path, O_RDONLY | O_CLOEXEC);
}

// Read with pread (not traced) from a descriptor opened once: polling adds no recorded call.
static int main_asleep(void) {
    char buf[512];
    ssize_t n = pread(main_stat, buf, sizeof buf - 1, 0);
    if (n <= 0) return 1; // cannot tell: exec anyway
    buf[n] = 0;
    char *end = strrchr(buf, ')');
    return end != NULL && end[1] == ' ' && end[2] == 'S';
}

// The calling thread names itself "execer", waits until main sleeps and then extra_us more, and
// execs; it returns only when the exec failed.
static void exec_once_main_sleeps(useconds_t extra_us) {
    pthread_setname_np(pthread_self(), "execer");
    while (!main_asleep()) sched_yield();
    if (extra_us > 0) usleep(extra_us);
    execv(exec_argv[0], exec_argv);
    perror("execv");
}
#endif
