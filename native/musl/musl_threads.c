// A thread of a musl program: main blocks SIGUSR2 and creates "worker", which inherits it. musl's
// pthread_create and pthread_exit block its application signals (all but 32..34) around the clone and
// the exit, saving the old mask: a transient, not the mask the worker starts with. Each thread prints
// the mask the kernel reports for it (/proc SigBlk) as "TID sigblk HEX" into the file argv[1]: the
// oracle. Exits 0.
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static FILE *out;

static void say_mask(void) {
    char line[256];
    FILE *f = fopen("/proc/thread-self/status", "r");
    if (f == NULL) exit(1);
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "SigBlk:\t", 8) == 0) fprintf(out, "%ld sigblk %s", (long) syscall(SYS_gettid), line + 8);
    }
    fclose(f);
    fflush(out);
}

static void *worker(void *arg) {
    (void) arg;
    prctl(PR_SET_NAME, "worker");
    say_mask();
    return NULL;
}

int main(int argc, char **argv) {
    out = argc > 1 ? fopen(argv[1], "w") : stdout;
    if (out == NULL) return 1;
    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    if (pthread_sigmask(SIG_BLOCK, &usr2, NULL) != 0) return 1;
    say_mask();
    pthread_t t;
    if (pthread_create(&t, NULL, worker, NULL) != 0 || pthread_join(t, NULL) != 0) return 1;
    return 0;
}
