// A zombie leader: main calls pthread_exit while "worker" keeps running; the process lives on
// without its leader until worker calls exit(3). With argv[1] "stay", worker prints "ready" and runs
// on until killed (a process an attach finds without its main thread).
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

static int stay;

static void *worker(void *arg) {
    (void) arg;
    pthread_setname_np(pthread_self(), "worker");
    usleep(100000);
    if (stay) {
        printf("ready\n");
        fflush(stdout);
        for (;;) pause();
    }
    exit(3);
}

int main(int argc, char **argv) {
    stay = argc > 1 && strcmp(argv[1], "stay") == 0;
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_exit(NULL);
}
