/*
 * Spawns from inside a signal handler: the kernel runs the handler under the thread's mask plus the
 * handler's sa_mask (SIGUSR2) and the signal (SIGUSR1), set by no call, and a process forked or a
 * thread created there inherits that mask; rt_sigreturn puts the old one back, so a thread created
 * after the handler has none. Each child prints what /proc says it has (the oracle):
 * "truth NAME SIGBLK-HEX".
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc_task.h"

static void show(const char *who) {
    show_status_field(who, "SigBlk:");
}

static void *named(void *name) {
    prctl(PR_SET_NAME, name);
    show(name);
    return NULL;
}

static void handler(int sig) {
    (void) sig;
    pid_t child = fork(); /* glibc's fork makes no mask call: only the kernel's mask says what it got */
    if (child == 0) {
        prctl(PR_SET_NAME, "handler-child");
        show("handler-child");
        _exit(0);
    }
    waitpid(child, NULL, 0);
    pthread_t t;
    pthread_create(&t, NULL, named, "handler-thread");
    pthread_join(t, NULL);
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    pthread_t t;
    pthread_create(&t, NULL, named, "after-thread");
    pthread_join(t, NULL);
    return 0;
}
