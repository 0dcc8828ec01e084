// One thread renames itself argv[1] times (prctl PR_SET_NAME "n0", "n1", ...), a new name each time,
// creating one thread halfway (it starts with the name its creator had then); at the end it prints
// the kernel's own view of its name (/proc/self/task/TID/comm) and the child's first name, the oracle
// for the tool's last name and the child's inherited one.
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static char child_name[16];

static void *child(void *arg) {
    prctl(PR_GET_NAME, child_name);
    return arg;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000;
    if (n < 1 || n > 99999999) { fprintf(stderr, "usage: rename_loop N (1..99999999)\n"); return 2; }
    char name[24];
    for (long i = 0; i < n; i++) {
        snprintf(name, sizeof name, "n%ld", i);
        if (prctl(PR_SET_NAME, name) != 0) { perror("prctl"); return 1; }
        if (i == n / 2) {
            pthread_t t;
            if (pthread_create(&t, NULL, child, NULL) != 0) { perror("pthread_create"); return 1; }
            pthread_join(t, NULL);
        }
    }
    char path[64], comm[32] = "";
    snprintf(path, sizeof path, "/proc/self/task/%d/comm", gettid());
    FILE *f = fopen(path, "r");
    if (f == NULL || fgets(comm, sizeof comm, f) == NULL) { perror(path); return 1; }
    fclose(f);
    comm[strcspn(comm, "\n")] = 0;
    printf("last=%s child=%s\n", comm, child_name);
    return 0;
}
