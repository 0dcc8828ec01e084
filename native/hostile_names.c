// A hostile target: thread names and a mapped file's path that would forge output if printed raw.
// One thread names itself with a newline followed by a fake trace line, one with ESC sequences that
// clear and recolour a terminal, one with U+202E (right-to-left override), two with bytes that are
// not UTF-8, one with brackets that would fake another thread field; the main thread maps a file whose name holds a newline, a fake line and an ESC. The
// directory for that file is argv[1].
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

// The last two are not UTF-8 and differ only in the order of their first two bytes: decoded with
// replacement both were "\ufffd\ufffd-bad"; they must stay distinct (\xff\xfe-bad, \xfe\xff-bad).
// "x] [1 main" would close the line's thread field early and open a second one, [1 main], for
// grep '\[1 ' to find.
static const char *const NAMES[] = {"a\n 9.9 [1 x]", "\033[2J\033[31mred", "\xe2\x80\xae" "evil", "\xff\xfe-bad", "\xfe\xff-bad",
                                    "x] [1 main"};
#define COUNT (sizeof NAMES / sizeof NAMES[0])

static void *child(void *arg) {
    (void) arg;
    usleep(5000);
    return NULL;
}

/* Names itself, then creates a child, which inherits the hostile name as its own first name. */
static void *named(void *arg) {
    prctl(PR_SET_NAME, (const char *) arg);
    pthread_t t;
    pthread_create(&t, NULL, child, NULL);
    pthread_join(t, NULL);
    usleep(20000);
    return NULL;
}

int main(int argc, char **argv) {
    char path[4096];
    snprintf(path, sizeof path, "%s/evil\n 0.5 [2 fake] mmap\033[31m", argc > 1 ? argv[1] : "/tmp");
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || ftruncate(fd, 4096) != 0) return 2;
    void *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) return 3;
    munmap(p, 4096);
    close(fd);
    unlink(path);
    pthread_t threads[COUNT];
    for (size_t i = 0; i < COUNT; i++) pthread_create(&threads[i], NULL, named, (void *) NAMES[i]);
    for (size_t i = 0; i < COUNT; i++) pthread_join(threads[i], NULL);
    return 0;
}
