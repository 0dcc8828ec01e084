// comm_writes OUT DIR: every way of naming a thread through its /proc comm file that a tracer
// reading paths would miss. Main starts WORKERS threads (each first named "w-I" by prctl, by
// itself) and names worker I with way I below (16..19: dup, dup3, F_DUPFD, a failing pwrite64 and
// pwritev, a write from a thread created after the open); then it names itself through
// /proc/PID/comm. Then it writes what the kernel says to OUT, one line per thread, "I TID HEX"
// (HEX: the bytes of /proc/self/task/TID/comm without its final newline; I = -1 for main), and
// lets the workers end. DIR is for a symlink. Exits 0 when every step worked.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define WORKERS 20

static pthread_barrier_t named, done;
static pid_t tids[WORKERS];

static void *worker(void *arg) {
    long i = (long) arg;
    char name[16];
    snprintf(name, sizeof name, "w-%ld", i);
    prctl(PR_SET_NAME, name);
    tids[i] = (pid_t) syscall(SYS_gettid);
    pthread_barrier_wait(&named);
    pthread_barrier_wait(&done);
    return NULL;
}

static int shared_fd;

static void fail(const char *what) {
    perror(what);
    exit(2);
}

static int open_comm(pid_t tid) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/comm", (int) tid);
    int fd = open(path, O_WRONLY);
    if (fd < 0) fail(path);
    return fd;
}

static void put(int fd, const char *bytes, size_t n) {
    if (write(fd, bytes, n) != (ssize_t) n) fail("write");
}

static void say(int fd, const char *text) {
    put(fd, text, strlen(text));
}

static void *helper(void *arg) {
    (void) arg;
    say(shared_fd, "helper-19");
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    pthread_t threads[WORKERS];
    pthread_barrier_init(&named, NULL, WORKERS + 1);
    pthread_barrier_init(&done, NULL, WORKERS + 1);
    for (long i = 0; i < WORKERS; i++) if (pthread_create(&threads[i], NULL, worker, (void *) i) != 0) return 2;
    pthread_barrier_wait(&named);
    char path[4096];
    int fd, copy;

    // 0: openat relative to a /proc/self/task directory descriptor.
    int dir = open("/proc/self/task", O_RDONLY | O_DIRECTORY);
    snprintf(path, sizeof path, "%d/comm", (int) tids[0]);
    if ((fd = openat(dir, path, O_WRONLY)) < 0) fail("openat");
    say(fd, "dirfd-0");
    close(fd);
    close(dir);

    // 1: chdir into the task's directory, then open("comm").
    int cwd = open(".", O_RDONLY | O_DIRECTORY);
    snprintf(path, sizeof path, "/proc/self/task/%d", (int) tids[1]);
    if (chdir(path) != 0 || (fd = open("comm", O_WRONLY)) < 0 || fchdir(cwd) != 0) fail("chdir");
    close(cwd);
    say(fd, "chdir-1");
    close(fd);

    // 2: writev: one name per segment, the last one stays.
    fd = open_comm(tids[2]);
    struct iovec two[3] = {{"ignored-", 8}, {"", 0}, {"writev-2", 8}};
    if (writev(fd, two, 3) != 16) fail("writev");
    close(fd);

    // 3: dup2 to another number, the original closed, the write through the copy.
    fd = open_comm(tids[3]);
    if (dup2(fd, 100) != 100) fail("dup2");
    close(fd);
    say(100, "dup2-3");
    close(100);

    // 4: two writes on one descriptor: two names.
    fd = open_comm(tids[4]);
    say(fd, "first-4");
    say(fd, "second-4");
    close(fd);

    // 5: a symlink to the comm file.
    char link[4096];
    snprintf(link, sizeof link, "%s/link-5", argv[2]);
    snprintf(path, sizeof path, "/proc/self/task/%d/comm", (int) tids[5]);
    if (symlink(path, link) != 0 || (fd = open(link, O_WRONLY)) < 0) fail("symlink");
    unlink(link);
    say(fd, "symlink-5");
    close(fd);

    // 6: //, /./ and ../ in the path.
    snprintf(path, sizeof path, "/proc//self/./task/../task/%d/./comm", (int) tids[6]);
    if ((fd = open(path, O_WRONLY)) < 0) fail(path);
    say(fd, "dots-6");
    close(fd);

    // 7: openat2.
    struct { unsigned long long flags, mode, resolve; } how = {O_WRONLY, 0, 0};
    snprintf(path, sizeof path, "/proc/self/task/%d/comm", (int) tids[7]);
    if ((fd = (int) syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how)) < 0) fail("openat2");
    say(fd, "openat2-7");
    close(fd);

    // 8, 9: pthread_setname_np with bytes that are not UTF-8, differing only in their order.
    if (pthread_setname_np(threads[8], "\xe2\x80\xae" "evil\xff\xfe") != 0) fail("setname 8");
    if (pthread_setname_np(threads[9], "\xe2\x80\xae" "evil\xfe\xff") != 0) fail("setname 9");

    // 10: fcntl(F_DUPFD_CLOEXEC), the original closed.
    fd = open_comm(tids[10]);
    if ((copy = fcntl(fd, F_DUPFD_CLOEXEC, 50)) < 50) fail("fcntl");
    close(fd);
    say(copy, "fcntl-10");
    close(copy);

    // 11: pwritev2 at the file position (offset -1): a writev.
    fd = open_comm(tids[11]);
    struct iovec eleven[1] = {{"pwritev2-11", 11}};
    if (pwritev2(fd, eleven, 1, -1, 0) != 11) fail("pwritev2");
    close(fd);

    // 12: longer than 15 bytes; 13: a NUL inside; 14: a newline at the end (it stays).
    fd = open_comm(tids[12]);
    say(fd, "0123456789abcdefghij");
    close(fd);
    fd = open_comm(tids[13]);
    put(fd, "nul\0-13", 7);
    close(fd);
    fd = open_comm(tids[14]);
    say(fd, "nl-14\n");
    close(fd);

    // 15: close_range, then the number reused for /dev/null: writing there names nobody.
    fd = open_comm(tids[15]);
    if (dup2(fd, 70) != 70) fail("dup2 70");
    close(fd);
    if (syscall(SYS_close_range, 70, 70, 0) != 0) fail("close_range");
    if ((fd = open("/dev/null", O_WRONLY)) < 0 || dup2(fd, 70) != 70) fail("/dev/null");
    close(fd);
    say(70, "not-a-name-15");
    close(70);

    // 16: dup, the original closed; pwrite64 fails (a comm file cannot seek: ESPIPE) and names
    // nobody, then a write through the copy does.
    fd = open_comm(tids[16]);
    if ((copy = dup(fd)) < 0) fail("dup");
    close(fd);
    if (pwrite(copy, "pwrite-16", 9, 1000) != -1 || errno != ESPIPE) fail("pwrite");
    say(copy, "dup-16");
    close(copy);

    // 17: dup3 with O_CLOEXEC, the original closed; pwritev at an offset fails as pwrite64 does,
    // then a write through the copy names.
    fd = open_comm(tids[17]);
    if (dup3(fd, 90, O_CLOEXEC) != 90) fail("dup3");
    close(fd);
    struct iovec seventeen[2] = {{"x-", 2}, {"pwritev-17", 10}};
    if (pwritev(90, seventeen, 2, 0) != -1 || errno != ESPIPE) fail("pwritev");
    say(90, "dup3-17");
    close(90);

    // 18: fcntl(F_DUPFD), written through the copy, then through the original.
    fd = open_comm(tids[18]);
    if ((copy = fcntl(fd, F_DUPFD, 60)) < 60) fail("fcntl F_DUPFD");
    say(copy, "dupfd-18");
    close(copy);
    say(fd, "orig-18");
    close(fd);

    // 19: a thread created after the open writes through the descriptor table it shares with main.
    shared_fd = open_comm(tids[19]);
    pthread_t h;
    if (pthread_create(&h, NULL, helper, NULL) != 0 || pthread_join(h, NULL) != 0) fail("helper");
    close(shared_fd);

    // main itself, through /proc/PID/comm.
    snprintf(path, sizeof path, "/proc/%d/comm", (int) getpid());
    if ((fd = open(path, O_WRONLY)) < 0) fail(path);
    say(fd, "main-via-pid");
    close(fd);

    FILE *out = fopen(argv[1], "w");
    if (!out) fail(argv[1]);
    for (int i = -1; i < WORKERS; i++) {
        pid_t tid = i < 0 ? getpid() : tids[i];
        snprintf(path, sizeof path, "/proc/self/task/%d/comm", (int) tid);
        FILE *comm = fopen(path, "r");
        if (!comm) fail(path);
        unsigned char name[64];
        size_t n = fread(name, 1, sizeof name, comm);
        fclose(comm);
        if (n == 0 || name[n - 1] != '\n') fail("comm read");
        fprintf(out, "%d %d ", i, (int) tid);
        for (size_t k = 0; k + 1 < n; k++) fprintf(out, "%02x", name[k]);
        fprintf(out, "\n");
    }
    fclose(out);
    pthread_barrier_wait(&done);
    for (int i = 0; i < WORKERS; i++) pthread_join(threads[i], NULL);
    return 0;
}
