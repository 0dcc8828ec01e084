// relay [ROUNDS]: threads that block in calls which interleave, for comparing live lines with a
// saved trace's replay. Three threads named relay-0..relay-2 pass a byte along a ring of pipes
// (each blocks in read until the previous one writes), while a fourth, napper, sleeps in
// nanosleep, and main reads the byte back from the last pipe and joins them all (pthread_join's
// futex wait). ROUNDS (default 5) bytes go round. Main writes the first byte only once relay-0 is
// asleep in its read (/proc/self/task/TID/syscall says 0), so at least that read is interrupted by
// other threads' calls, whatever the scheduler does. Exits 0.
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define RELAYS 3

static int pipes[RELAYS + 1][2];
static int rounds;
static _Atomic pid_t first_tid;

static void *relay(void *arg) {
    long i = (long) arg;
    char name[16] = "relay-0";
    name[6] = (char) ('0' + i);
    pthread_setname_np(pthread_self(), name);
    if (i == 0) first_tid = (pid_t) syscall(SYS_gettid);
    for (int r = 0; r < rounds; r++) {
        char byte;
        if (read(pipes[i][0], &byte, 1) != 1) _exit(2);
        if (write(pipes[i + 1][1], &byte, 1) != 1) _exit(3);
    }
    return NULL;
}

static void *napper(void *arg) {
    (void) arg;
    pthread_setname_np(pthread_self(), "napper");
    for (int r = 0; r < rounds; r++) {
        struct timespec nap = {0, 2 * 1000 * 1000};
        nanosleep(&nap, NULL);
    }
    return NULL;
}

/** Whether relay-0 sits in read(2) in the kernel now. */
static int asleep_in_read(void) {
    pid_t tid = first_tid;
    if (tid == 0) return 0;
    char path[64], text[16] = "";
    snprintf(path, sizeof path, "/proc/self/task/%d/syscall", (int) tid);
    FILE *f = fopen(path, "r");
    if (f == NULL) return 0;
    int got = fgets(text, sizeof text, f) != NULL;
    fclose(f);
    return got && text[0] == '0' && text[1] == ' ';
}

int main(int argc, char **argv) {
    rounds = argc > 1 ? atoi(argv[1]) : 5;
    for (int i = 0; i <= RELAYS; i++) {
        if (pipe(pipes[i]) != 0) return 1;
    }
    pthread_t threads[RELAYS + 1];
    for (long i = 0; i < RELAYS; i++) pthread_create(&threads[i], NULL, relay, (void *) i);
    pthread_create(&threads[RELAYS], NULL, napper, NULL);
    while (!asleep_in_read()) {
        struct timespec wait = {0, 1000 * 1000};
        nanosleep(&wait, NULL);
    }
    for (int r = 0; r < rounds; r++) {
        char byte = (char) ('a' + r % 26);
        if (write(pipes[0][1], &byte, 1) != 1) return 4;
        if (read(pipes[RELAYS][0], &byte, 1) != 1) return 5;
    }
    for (int i = 0; i <= RELAYS; i++) pthread_join(threads[i], NULL);
    return 0;
}
