// Two threads hand a token back and forth through a mutex and condition variable for argv[1]
// seconds (default 2): a steady stream of futex waits and wakes, for memory and speed measurements.
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn = PTHREAD_COND_INITIALIZER;
static int whose, done;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void *player(void *arg) {
    int me = (int) (long) arg;
    pthread_mutex_lock(&lock);
    while (!done) {
        while (whose != me && !done) pthread_cond_wait(&turn, &lock);
        whose = 1 - me;
        pthread_cond_broadcast(&turn);
    }
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 2;
    pthread_t a, b;
    pthread_create(&a, NULL, player, (void *) 0L);
    pthread_create(&b, NULL, player, (void *) 1L);
    double end = now() + seconds;
    while (now() < end) {
        struct timespec tick = {0, 50 * 1000 * 1000};
        nanosleep(&tick, NULL);
    }
    pthread_mutex_lock(&lock);
    done = 1;
    pthread_cond_broadcast(&turn);
    pthread_mutex_unlock(&lock);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return 0;
}
