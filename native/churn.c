// Thread churn: creates and joins N short-lived threads one after another (default 2000).
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static void *nothing(void *arg) { return arg; }

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 2000;
    for (int i = 0; i < n; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, nothing, NULL) != 0) { perror("pthread_create"); return 1; }
        pthread_join(t, NULL);
    }
    return 0;
}
