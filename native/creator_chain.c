/*
 * A chain of creators as deep as asked: each thread starts the next (detached, small stack) and
 * ends, so only one or two are alive at once while the spawn tree is N levels deep. The tool's
 * reports walk that tree; a 3 000-deep chain once overflowed their recursion.
 * Usage: creator_chain N
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static long depth;
static atomic_int last_done;

static void *link_of_chain(void *arg) {
    long level = (long) arg;
    if (level == depth) {
        atomic_store(&last_done, 1);
        return NULL;
    }
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    pthread_t next;
    if (pthread_create(&next, &attr, link_of_chain, (void *) (level + 1)) != 0) {
        perror("pthread_create");
        exit(1);
    }
    pthread_attr_destroy(&attr);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 2 || (depth = atol(argv[1])) < 1) {
        fprintf(stderr, "usage: creator_chain N\n");
        return 2;
    }
    link_of_chain((void *) 0);
    while (!atomic_load(&last_done)) usleep(1000);
    /* The last detached threads finish their exit before the process does. */
    usleep(100 * 1000);
    return 0;
}
