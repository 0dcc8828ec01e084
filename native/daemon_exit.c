// Exits 42 from main while a thread is still running (blocked forever): exit_group tears it down.
// main waits until the thread has named itself (a fixed sleep lost the name on a loaded machine).
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

static atomic_int named;

static void *forever(void *arg) {
    (void) arg;
    pthread_setname_np(pthread_self(), "daemon");
    atomic_store(&named, 1);
    for (;;) pause();
    return NULL;
}

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, forever, NULL);
    while (!atomic_load(&named)) usleep(1000);
    usleep(20000);
    exit(42);
}
