// A zombie leader: main calls pthread_exit while "worker" keeps running; the process lives on
// without its leader until worker calls exit(3).
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static void *worker(void *arg) {
    (void) arg;
    pthread_setname_np(pthread_self(), "worker");
    usleep(100000);
    exit(3);
}

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_exit(NULL);
}
