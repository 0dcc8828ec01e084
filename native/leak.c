// Threads that outlive main, and threads that do not. main starts "joined" and joins it; starts
// "finished", which ends by itself before main returns; then starts "leaked", which sleeps for a
// second, and returns from main 50 ms later while "leaked" still runs (exit_group tears it down).
// With the argument "pthread_exit", main leaves with pthread_exit instead: the process lives on
// until "leaked" ends, which then still outlived main. Exits 0.
// With "handler_exit", main never returns: a SIGUSR1 it sends itself runs a handler that calls
// _exit(5) (exit_group(5) by the main thread, exit status 5). With "thread_exit", a thread named
// "quitter" calls _exit(4) while main sleeps (exit_group(4) by quitter, exit status 4).
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void die(const char *what) { perror(what); exit(1); }

static void *named(const char *name, useconds_t sleep_us) {
    pthread_setname_np(pthread_self(), name);
    usleep(sleep_us);
    return NULL;
}

static void *joined(void *arg) { (void) arg; return named("joined", 10000); }
static void *finished(void *arg) { (void) arg; return named("finished", 1000); }
static void *leaked(void *arg) { (void) arg; return named("leaked", 300000); }

static void *quitter(void *arg) {
    (void) arg;
    pthread_setname_np(pthread_self(), "quitter");
    _exit(4);
}

static void exit_in_handler(int sig) { (void) sig; _exit(5); }

static pthread_t start(void *(*body)(void *)) {
    pthread_t t;
    if (pthread_create(&t, NULL, body, NULL) != 0) die("pthread_create");
    return t;
}

int main(int argc, char **argv) {
    pthread_join(start(joined), NULL);
    pthread_detach(start(finished));
    usleep(30000);
    pthread_detach(start(leaked));
    usleep(50000);
    if (argc > 1 && strcmp(argv[1], "pthread_exit") == 0) pthread_exit(NULL);
    if (argc > 1 && strcmp(argv[1], "handler_exit") == 0) {
        signal(SIGUSR1, exit_in_handler);
        raise(SIGUSR1);
    }
    if (argc > 1 && strcmp(argv[1], "thread_exit") == 0) {
        pthread_detach(start(quitter));
        sleep(10);
    }
    return 0;
}
