// execve from a thread while main waits in pthread_join for that thread and another thread idles
// in pause(): the kernel kills the idler, ends the old leader (main) inside its join, which never
// returns (strace: "<... futex resumed>) = ?" and "+++ superseded by execve +++"), and gives the
// exec'ing thread the leader's tid. The thread execs argv[1..] (default /bin/true) once main sleeps
// in its join (exec_when_main_sleeps.h) and 300 ms more: main is blocked for at least that long.
#include "exec_when_main_sleeps.h"

static void *idler(void *arg) {
    (void) arg;
    pthread_setname_np(pthread_self(), "idler");
    for (;;) pause();
    return NULL;
}

static void *execer(void *arg) {
    exec_once_main_sleeps(300000);
    return arg;
}

int main(int argc, char **argv) {
    exec_setup(argc, argv);
    pthread_t i, t;
    pthread_create(&i, NULL, idler, NULL);
    pthread_create(&t, NULL, execer, NULL);
    pthread_join(t, NULL);
    return 3; // only reached when execv failed
}
