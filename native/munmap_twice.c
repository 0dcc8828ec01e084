// munmap_twice: munmaps that unmap less than they ask, for MemoryIT. A thread named "unmapper" (which
// calls nothing that allocates: no stdio, so no malloc arena of its own) unmaps, and before each munmap
// measures from /proc/self/maps how many bytes of the range are mapped:
//   r0 (1 MiB) twice - the second unmaps nothing (the kernel returns 0 all the same);
//   r1 (4 MiB): its second MiB first, then all of it - the wide one spans the hole the first left;
//   r2 (1 MiB) moved by mremap (MREMAP_FIXED, onto another mapping), then its old range - nothing there any more.
// main prints "munmap_twice: unmapper munmaps N unmapped BYTES" (the sum /proc/self/maps gave) after it.
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#define MIB (1L << 20)

static char maps[1 << 20];
static long unmapped_bytes, munmaps;

// How many bytes of [lo, hi) /proc/self/maps says are mapped (read with read(2): no allocation).
static long mapped_in(unsigned long lo, unsigned long hi) {
    int fd = open("/proc/self/maps", O_RDONLY);
    if (fd < 0) exit(2);
    size_t n = 0;
    ssize_t r;
    while (n < sizeof maps - 1 && (r = read(fd, maps + n, sizeof maps - 1 - n)) > 0) n += (size_t) r;
    close(fd);
    maps[n] = 0;
    long sum = 0;
    for (char *line = maps; *line; ) {
        char *end;
        unsigned long start = strtoul(line, &end, 16), stop = strtoul(end + 1, NULL, 16);
        unsigned long a = start > lo ? start : lo, b = stop < hi ? stop : hi;
        if (a < b) sum += (long) (b - a);
        char *next = strchr(line, '\n');
        if (next == NULL) break;
        line = next + 1;
    }
    return sum;
}

static void unmap(char *at, long length) {
    unmapped_bytes += mapped_in((unsigned long) at, (unsigned long) at + (unsigned long) length);
    munmaps++;
    if (munmap(at, (size_t) length) != 0) exit(3);
}

static char *map(long length) {
    char *p = mmap(NULL, (size_t) length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) exit(4);
    return p;
}

static void *unmapper(void *arg) {
    (void) arg;
    prctl(PR_SET_NAME, "unmapper");
    char *r0 = map(MIB), *r1 = map(4 * MIB), *r2 = map(MIB), *target = map(MIB);
    unmap(r0, MIB);
    unmap(r0, MIB);
    unmap(r1 + MIB, MIB);
    unmap(r1, 4 * MIB);
    if (mremap(r2, MIB, MIB, MREMAP_MAYMOVE | MREMAP_FIXED, target) != target) exit(5);
    unmap(r2, MIB);
    return NULL;
}

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, unmapper, NULL);
    pthread_join(t, NULL);
    printf("munmap_twice: unmapper munmaps %ld unmapped %ld\n", munmaps, unmapped_bytes);
    return 0;
}
