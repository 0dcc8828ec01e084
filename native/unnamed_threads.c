// A process and three threads it never names (all called like the program), for `attach`: the
// report must show the process and its threads as rows of their own kinds, never folded into one.
// Prints "ready" once the threads exist (they wait on a pipe), waits for a line on stdin, releases them, joins
// them and exits 0.
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static int gate[2];

static void *waiter(void *arg) {
    (void) arg;
    char c;
    return read(gate[0], &c, 1) == 1 ? NULL : (void *) 1;
}

int main(void) {
    if (pipe(gate) != 0) return 90;
    pthread_t t[3];
    for (int i = 0; i < 3; i++) pthread_create(&t[i], NULL, waiter, NULL);
    printf("ready\n");
    fflush(stdout);
    char line[16];
    if (fgets(line, sizeof line, stdin) == NULL) return 91;
    if (write(gate[1], "xyz", 3) != 3) return 92;
    int bad = 0;
    for (int i = 0; i < 3; i++) {
        void *r;
        pthread_join(t[i], &r);
        bad += r != NULL;
    }
    return bad;
}
