// Threads with SIGQUIT blocked, one of which creates threads all the time: "churner" creates and
// joins a thread every 20 ms, so it is often inside pthread_create, where glibc blocks every signal
// for a moment; "sleeper" only sleeps (the control). Prints "ready PID" once both run. Every
// thread's own mask is [QUIT], as /proc/TID/status SigBlk shows while it sleeps.
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

static void *nothing(void *arg) {
    return arg;
}

static void *churner(void *arg) {
    (void) arg;
    prctl(PR_SET_NAME, "churner");
    for (;;) {
        pthread_t t;
        pthread_create(&t, NULL, nothing, NULL);
        pthread_join(t, NULL);
        usleep(20000);
    }
    return NULL;
}

static void *sleeper(void *arg) {
    (void) arg;
    prctl(PR_SET_NAME, "sleeper");
    for (;;) usleep(20000);
    return NULL;
}

int main(void) {
    sigset_t quit;
    sigemptyset(&quit);
    sigaddset(&quit, SIGQUIT);
    pthread_sigmask(SIG_BLOCK, &quit, NULL);
    pthread_t t;
    pthread_create(&t, NULL, churner, NULL);
    pthread_create(&t, NULL, sleeper, NULL);
    printf("ready %d\n", getpid());
    fflush(stdout);
    for (;;) pause();
}
