// Exits 42 from main while a thread is still running (blocked forever): exit_group tears it down.
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static void *forever(void *arg) {
    (void) arg;
    pthread_setname_np(pthread_self(), "daemon");
    for (;;) pause();
    return NULL;
}

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, forever, NULL);
    usleep(20000);
    exit(42);
}
