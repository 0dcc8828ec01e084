// detached_storm SECONDS: three spawner threads each create a detached thread every 2 ms, and half
// of those create a detached thread of their own, for SECONDS (default 30): threads are born and
// end all the time, with nobody joining them (the hostile tester's storm, without its output).
// An attach that ends while tasks come and go must still say it detached, not that the process exited.
#include <pthread.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static pthread_attr_t detached;

static void *grandchild(void *arg) {
    return arg;
}

static void *child(void *arg) {
    if (syscall(SYS_gettid) & 1) {
        pthread_t t;
        pthread_create(&t, &detached, grandchild, NULL);
    }
    return arg;
}

static void *spawner(void *arg) {
    for (;;) {
        pthread_t t;
        pthread_create(&t, &detached, child, NULL);
        usleep(2000);
    }
    return arg;
}

int main(int argc, char **argv) {
    int seconds = argc > 1 ? atoi(argv[1]) : 30;
    pthread_attr_init(&detached);
    pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED);
    pthread_t s[3];
    for (int i = 0; i < 3; i++) pthread_create(&s[i], NULL, spawner, NULL);
    sleep(seconds);
    return 0;
}
