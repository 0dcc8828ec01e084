// execve from a non-leader thread: a second thread execs argv[1..] (default /bin/true) while main
// is blocked in its join; the kernel gives the exec'ing thread the leader's tid and removes the
// others. The thread execs only once main sleeps in its join (exec_when_main_sleeps.h).
#include "exec_when_main_sleeps.h"

static void *execer(void *arg) {
    exec_once_main_sleeps(0);
    return arg;
}

int main(int argc, char **argv) {
    exec_setup(argc, argv);
    pthread_t t;
    pthread_create(&t, NULL, execer, NULL);
    pthread_join(t, NULL);
    return 3; // only reached when execv failed
}
