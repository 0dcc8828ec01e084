/*
 * Asks for every CPU of a 1024-bit cpu_set_t (taskset -a's and many runtimes' "reset"), then starts
 * a thread: the kernel sets the mask asked for intersected with the CPUs the task may use, and the
 * thread inherits that. Each prints what /proc says it has (the oracle), "truth NAME LIST".
 * With the argument "tid" the call names main by its tid (sched_setaffinity(gettid())), as
 * pthread_setaffinity_np(pthread_self()) does, rather than 0: in a PID namespace that is its id there.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "proc_task.h"

static void show(const char *who) {
    show_status_field(who, "Cpus_allowed_list:");
}

static void *wide_child(void *arg) {
    prctl(PR_SET_NAME, "wide-child");
    show("wide-child");
    return arg;
}

int main(int argc, char **argv) {
    cpu_set_t all;
    CPU_ZERO(&all);
    for (int i = 0; i < CPU_SETSIZE; i++) CPU_SET(i, &all);
    pid_t self = argc > 1 && !strcmp(argv[1], "tid") ? gettid() : 0;
    if (sched_setaffinity(self, sizeof all, &all) != 0) return perror("sched_setaffinity"), 1;
    show("main");
    pthread_t t;
    pthread_create(&t, 0, wide_child, 0);
    pthread_join(t, 0);
    return 0;
}
