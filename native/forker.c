// A process edge plus a thread inside the child: main forks; the child starts "child-worker",
// joins it and exits 7; the parent waits for the child and exits 0.
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void *worker(void *arg) {
    (void) arg;
    pthread_setname_np(pthread_self(), "child-worker");
    usleep(20000); // still running when joined: the join always waits on its futex, in every run
    return NULL;
}

int main(void) {
    pid_t child = fork();
    if (child < 0) { perror("fork"); return 1; }
    if (child == 0) {
        pthread_t t;
        if (pthread_create(&t, NULL, worker, NULL) != 0) _exit(1);
        pthread_join(t, NULL);
        _exit(7);
    }
    int status;
    if (waitpid(child, &status, 0) != child) { perror("waitpid"); return 1; }
    return WIFEXITED(status) && WEXITSTATUS(status) == 7 ? 0 : 1;
}
