// Execs itself from a non-main thread, again and again: each image writes its count (argv[1]) to
// the file argv[2], starts two busy threads and a third that, 300 us later, execs this program
// again with the count one higher. An attach meets it mid-exec
// often: its main thread a zombie, its dying threads refusing a seize, and (with some threads seized)
// the kernel's de_thread/ptrace_attach deadlock, which a tracer must break by reaping the zombies.
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char **args;

static void *exec_again(void *arg) {
    (void) arg;
    usleep(300);
    char next[32];
    snprintf(next, sizeof next, "%ld", atol(args[1]) + 1);
    char *argv[] = {args[0], next, args[2], NULL};
    execv(args[0], argv);
    perror("execv");
    exit(1);
}

static void *spin(void *arg) {
    (void) arg;
    for (;;) usleep(500);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: exec_loop_thread COUNT COUNT_FILE\n");
        return 2;
    }
    args = argv;
    FILE *count = fopen(argv[2], "w");
    if (count == NULL) return 1;
    fprintf(count, "%ld\n", atol(argv[1]));
    fclose(count);
    pthread_t t;
    pthread_create(&t, NULL, spin, NULL);
    pthread_create(&t, NULL, spin, NULL);
    pthread_create(&t, NULL, exec_again, NULL);
    pause();
    return 0;
}
