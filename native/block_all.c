// The classic start of a threaded server: main blocks every signal (sigfillset + pthread_sigmask, as
// Python's signal.pthread_sigmask(SIG_BLOCK, valid_signals()) does) and then creates its workers, which
// inherit the mask. glibc leaves out the two signals it keeps for itself, so the kernel's mask is all
// but KILL, STOP, 32 and 33. Each thread prints the mask the kernel reports for it (/proc SigBlk) as
// "TID sigblk HEX" (into the file argv[1] when given): the oracle. "block_all FILE N" blocks only
// signal N instead (native/musl/musl_threads.c is this program built with musl); "block_all FILE N M"
// creates the worker with glibc's pthread_attr_setsigmask_np({M}): it starts with [M], not main's [N]
// (glibc's start_thread sets it before the worker's code runs). Exits 0.
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    pthread_setname_np(pthread_self(), "worker");
    say_mask();
    return NULL;
}

int main(int argc, char **argv) {
    out = argc > 1 ? fopen(argv[1], "w") : stdout;
    if (out == NULL) return 1;
    sigset_t blocked;
    sigfillset(&blocked);
    if (argc > 2) {
        sigemptyset(&blocked);
        sigaddset(&blocked, atoi(argv[2]));
    }
    if (pthread_sigmask(SIG_BLOCK, &blocked, NULL) != 0) return 1;
    say_mask();
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0) return 1;
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 32)
    if (argc > 3) {
        sigset_t start;
        sigemptyset(&start);
        sigaddset(&start, atoi(argv[3]));
        if (pthread_attr_setsigmask_np(&attr, &start) != 0) return 1;
    }
#endif
    pthread_t t;
    if (pthread_create(&t, &attr, worker, NULL) != 0 || pthread_join(t, NULL) != 0) return 1;
    return 0;
}
