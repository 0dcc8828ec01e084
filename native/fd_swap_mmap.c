// Maps descriptor 9 MAP_SHARED N times (default 60) while another thread keeps swapping it between
// two files with dup2, and says which file each view really maps (by its content): the tracer must
// name each view's object as the kernel mapped it, not as the descriptor read at the call's entry.
// Prints "inodes A B" (the two files' inode numbers) then "view ADDRESS A|B" per mapping.
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int fa, fb;
static volatile int stop;

static void *racer(void *arg) {
    while (!stop) {
        dup2(fa, 9);
        dup2(fb, 9);
    }
    return arg;
}

static int file(const char *dir, const char *name, char mark) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || ftruncate(fd, 4096) != 0 || pwrite(fd, &mark, 1, 100) != 1) exit(2);
    return fd;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    int n = argc > 2 ? atoi(argv[2]) : 60;
    fa = file(argv[1], "A", 'A');
    fb = file(argv[1], "B", 'B');
    struct stat sa, sb;
    fstat(fa, &sa);
    fstat(fb, &sb);
    printf("inodes %lu %lu\n", (unsigned long) sa.st_ino, (unsigned long) sb.st_ino);
    dup2(fa, 9);
    pthread_t r;
    pthread_create(&r, NULL, racer, NULL);
    for (int i = 0; i < n; i++) {
        char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, 9, 0);
        if (p != MAP_FAILED) printf("view %p %c\n", (void *) p, p[100]);
    }
    stop = 1;
    pthread_join(r, NULL);
    return 0;
}
