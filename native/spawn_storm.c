// spawn_storm SECONDS: four spawner threads each create a short-lived thread about every
// millisecond, for SECONDS (default 30): a process that is always in the middle of a clone, for
// attaching to it again and again.
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static volatile int stop;

static void *brief(void *arg) {
    usleep(200);
    return arg;
}

static void *spawner(void *arg) {
    while (!stop) {
        pthread_t t;
        if (pthread_create(&t, NULL, brief, NULL) == 0) pthread_join(t, NULL);
        usleep(800);
    }
    return arg;
}

int main(int argc, char **argv) {
    int seconds = argc > 1 ? atoi(argv[1]) : 30;
    pthread_t spawners[4];
    for (int i = 0; i < 4; i++) pthread_create(&spawners[i], NULL, spawner, NULL);
    sleep(seconds);
    stop = 1;
    for (int i = 0; i < 4; i++) pthread_join(spawners[i], NULL);
    return 0;
}
