// execve from a non-leader thread: a second thread execs argv[1..] (default /bin/true) while main
// is blocked; the kernel gives the exec'ing thread the leader's tid and removes the others.
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static char **exec_argv;

static void *execer(void *arg) {
    (void) arg;
    pthread_setname_np(pthread_self(), "execer");
    execv(exec_argv[0], exec_argv);
    perror("execv");
    return NULL;
}

int main(int argc, char **argv) {
    static char *default_argv[] = {"/bin/true", NULL};
    exec_argv = argc > 1 ? argv + 1 : default_argv;
    pthread_t t;
    pthread_create(&t, NULL, execer, NULL);
    pthread_join(t, NULL);
    return 3; // only reached when execv failed
}
