// A fixed amount of the work a tracer stops for most, for scripts/bench: two threads hand a token
// back and forth argv[1] times (default 20000) through a mutex and condition variable (futex waits
// and wakes), then argv[2] threads (default 1000) are created and joined one after another.
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn = PTHREAD_COND_INITIALIZER;
static int whose;
static long exchanges, rounds;

static void *player(void *arg) {
    int me = (int) (long) arg;
    pthread_mutex_lock(&lock);
    while (rounds < exchanges) {
        while (whose != me && rounds < exchanges) pthread_cond_wait(&turn, &lock);
        if (rounds >= exchanges) break;
        rounds++;
        whose = 1 - me;
        pthread_cond_broadcast(&turn);
    }
    pthread_cond_broadcast(&turn);
    pthread_mutex_unlock(&lock);
    return NULL;
}

static void *nothing(void *arg) {
    return arg;
}

int main(int argc, char **argv) {
    exchanges = argc > 1 ? atol(argv[1]) : 20000;
    long threads = argc > 2 ? atol(argv[2]) : 1000;
    pthread_t a, b;
    pthread_create(&a, NULL, player, (void *) 0L);
    pthread_create(&b, NULL, player, (void *) 1L);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    for (long i = 0; i < threads; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, nothing, NULL) != 0) return 1;
        pthread_join(t, NULL);
    }
    return rounds == exchanges ? 0 : 2;
}
