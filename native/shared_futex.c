// shared_futex MODE: a parent and the child it forks share a MAP_SHARED|MAP_ANONYMOUS page
// (inherited over fork: the same address in both, two processes). The kernel keys a futex there by
// the page, not by (process, address): a wait in one process and a wake in the other are one futex.
//   condvar:  a PTHREAD_PROCESS_SHARED mutex + condvar; the child (named "sh-waiter") waits on the
//             condvar until the parent ("sh-main") sets a flag and signals; exits 0 when the child
//             was woken and exited 0. Prints "waiter TID" (the child) once it is asleep.
//   shmfile:  the same over a file in /dev/shm that each process maps by itself at another address
//             (the child keeps the inherited view and maps the file again; the parent's wake is on
//             its address, the child's wait on its own): the kernel keys both by the file's page.
//             Prints "waiter TID PARENT_ADDRESS CHILD_ADDRESS" of the condvar's word.
//   memfd:    shmfile over a memfd_create file (the child maps the inherited descriptor itself).
//   twice:    one process maps a /dev/shm file twice (two addresses, one file): a thread ("tw-waiter")
//             makes a shared FUTEX_WAIT on a word of the first view, the main thread ("tw-main") a
//             shared FUTEX_WAKE on the same word through the second once it sleeps. Prints "waiter TID
//             FIRST_ADDRESS SECOND_ADDRESS" of the word; exits 0 when the wake woke 1.
//   attach, attachfile: condvar and shmfile, but the parent signals only once it has read a line (or
//             the end) of stdin: a tool attaches to both processes in between, after the mappings were made.
//   deadlock: two PTHREAD_PROCESS_SHARED mutexes A and B (not robust: the tracer's kill of one
//             process must not make the kernel hand its lock to the other, EOWNERDEAD, ending the
//             cycle); the parent ("dl-parent") locks A, the child ("dl-child") locks B, each then locks the other: a deadlock across two
//             processes (both block for ever). A third process ("dl-third", forked by the parent once
//             it holds A) waits until both are asleep in futex, makes a shared FUTEX_WAKE on another
//             word of the page (nobody waits there: it wakes 0, as a process-shared condvar or
//             semaphore in use elsewhere would), then blocks on B as well (a waiter of B in a third
//             process). Prints "hung PARENT CHILD THIRD WOKEN" once all three sleep in futex. SIGTERM
//             is ignored (by all): a tracer's first SIGTERM passed on does not end the cycle.
//   filedeadlock: deadlock over a /dev/shm file that each of the three processes maps itself (three
//             views at three addresses, one file): the same cycle, the same third's wake.
//   mmaps N shared|private: maps a /dev/shm file N times (MAP_SHARED or MAP_PRIVATE) and unmaps it
//             each time: what a shared mapping costs the tracer at its stops (jthreadtrace --stats).
//   churn N:  maps N distinct memfd files MAP_SHARED one after another, unmapping and closing each (a
//             program that churns through segment files), then does twice: the files long gone must not
//             use up the tracer's table of files (a hostile tester's, with 66 000 /dev/shm files).
//   hold N:   a forked child ("ho-child") and the parent each map N/2 distinct memfd files MAP_SHARED and
//             keep them mapped (a process may have 65 530 mappings), then the parent does twice: with N
//             past the tracer's cap of live files and mappings, the sharing of twice's views is not linked.
//   stopped:  a PTHREAD_PROCESS_SHARED mutex the child ("st-holder") locks; the parent ("st-main")
//             then stops the child with kill(SIGSTOP) and blocks on the mutex: it waits for a thread
//             that is stopped. A third process prints "stopped PARENT CHILD" once the parent sleeps
//             in futex and the child is stopped. SIGTERM is ignored (by all), as for deadlock.
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc_task.h"

struct shared {
    pthread_mutex_t lock, a, b;
    pthread_cond_t cond;
    int flag, other;
    _Atomic int child_has_b, parent_has_a;
    _Atomic pid_t child;
    struct shared *child_view;
};

static void shared_mutex(pthread_mutex_t *m) {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(m, &attr);
}

/**
 * {@code fd} >= 0: the child waits through a mapping of its own of that file, at another address.
 * {@code go}: the parent reads a line from stdin before it signals (a tool attaches meanwhile).
 */
static int condvar(struct shared *s, int fd, int go) {
    shared_mutex(&s->lock);
    pthread_condattr_t cattr;
    pthread_condattr_init(&cattr);
    pthread_condattr_setpshared(&cattr, PTHREAD_PROCESS_SHARED);
    pthread_cond_init(&s->cond, &cattr);
    prctl(PR_SET_NAME, "sh-main");
    pid_t child = fork();
    if (child < 0) return 2;
    if (child == 0) {
        prctl(PR_SET_NAME, "sh-waiter");
        struct shared *v = fd < 0 ? s : mmap(NULL, sizeof *v, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (v == MAP_FAILED) _exit(5);
        pthread_mutex_lock(&v->lock);
        v->child_view = v;
        v->child = getpid();
        while (!v->flag) pthread_cond_wait(&v->cond, &v->lock);
        pthread_mutex_unlock(&v->lock);
        _exit(0);
    }
    while (s->child == 0 || !asleep_in(child, SYS_futex)) usleep(1000);
    if (fd < 0) printf("waiter %d\n", child);
    else printf("waiter %d %p %p\n", child, (void *) &s->cond, (void *) &s->child_view->cond);
    fflush(stdout);
    char line[16];
    if (go && fgets(line, sizeof line, stdin) == NULL) clearerr(stdin); // a line or the end of input: go on
    usleep(100000);
    pthread_mutex_lock(&s->lock);
    s->flag = 1;
    pthread_cond_signal(&s->cond);
    pthread_mutex_unlock(&s->lock);
    int status = 0;
    if (waitpid(child, &status, 0) != child) return 3;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 4;
}

/** A new file of one struct shared in /dev/shm (its name in {@code path}), or a memfd when {@code path} is NULL: its descriptor, or -1. */
static int shared_file(char *path, size_t size) {
    int fd;
    if (path == NULL) {
        fd = memfd_create("shared_futex", 0);
    } else {
        snprintf(path, size, "/dev/shm/shared_futex.%d", getpid());
        fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
    }
    if (fd >= 0 && ftruncate(fd, sizeof(struct shared)) != 0) return -1;
    return fd;
}

static struct shared *view(int fd) {
    struct shared *v = mmap(NULL, sizeof *v, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    return v == MAP_FAILED ? NULL : v;
}

/** {@code memfd}: over a memfd, else a /dev/shm file. */
static int shmfile(int go, int memfd) {
    char path[64];
    int fd = shared_file(memfd ? NULL : path, sizeof path);
    if (fd < 0) return 2;
    struct shared *s = view(fd);
    if (s == NULL) return 2;
    int code = condvar(s, fd, go); // the file is removed once both mapped it: a deleted file's path names no one object
    if (!memfd) unlink(path);
    return code;
}

static struct shared *second_view;
static _Atomic pid_t twice_waiter;

static void *twice_wait(void *arg) {
    struct shared *first = arg;
    prctl(PR_SET_NAME, "tw-waiter");
    twice_waiter = syscall(SYS_gettid);
    while (__atomic_load_n(&first->flag, __ATOMIC_ACQUIRE) == 0) syscall(SYS_futex, &first->flag, FUTEX_WAIT, 0, NULL, NULL, 0);
    return NULL;
}

static int twice(void) {
    char path[64];
    int fd = shared_file(path, sizeof path);
    if (fd < 0) return 2;
    struct shared *first = view(fd);
    second_view = view(fd);
    close(fd);
    unlink(path);
    if (first == NULL || second_view == NULL) return 2;
    prctl(PR_SET_NAME, "tw-main");
    pthread_t t;
    if (pthread_create(&t, NULL, twice_wait, first) != 0) return 2;
    while (twice_waiter == 0 || !asleep_in(twice_waiter, SYS_futex)) usleep(1000);
    printf("waiter %d %p %p\n", twice_waiter, (void *) &first->flag, (void *) &second_view->flag);
    fflush(stdout);
    usleep(100000);
    __atomic_store_n(&second_view->flag, 1, __ATOMIC_RELEASE);
    long woken = syscall(SYS_futex, &second_view->flag, FUTEX_WAKE, 1, NULL, NULL, 0);
    pthread_join(t, NULL);
    return woken == 1 ? 0 : 4;
}

/**
 * {@code fd} >= 0: the child and the third map that file themselves (each its own view); else they use
 * the page {@code s} inherited over fork.
 */
static int deadlock(struct shared *s, int fd) {
    signal(SIGTERM, SIG_IGN);
    shared_mutex(&s->a);
    shared_mutex(&s->b);
    prctl(PR_SET_NAME, "dl-parent");
    pid_t child = fork();
    if (child < 0) return 2;
    if (child == 0) {
        prctl(PR_SET_NAME, "dl-child");
        if (fd >= 0 && (s = view(fd)) == NULL) _exit(5);
        pthread_mutex_lock(&s->b);
        s->child_has_b = 1;
        while (!s->parent_has_a) usleep(1000);
        pthread_mutex_lock(&s->a);
        _exit(0);
    }
    pthread_mutex_lock(&s->a);
    s->parent_has_a = 1;
    while (!s->child_has_b) usleep(1000);
    // The child blocks on A (held here). A third process makes a shared wake elsewhere in the page
    // once both sleep, then blocks on B too; a fourth says so once all three sleep.
    pid_t self = getpid();
    if (fork() == 0) {
        prctl(PR_SET_NAME, "dl-third");
        if (fd >= 0 && (s = view(fd)) == NULL) _exit(5);
        while (!asleep_in(child, SYS_futex) || !asleep_in(self, SYS_futex)) usleep(1000);
        long woken = syscall(SYS_futex, &s->other, FUTEX_WAKE, 1, NULL, NULL, 0);
        pid_t third = getpid();
        if (fork() == 0) {
            while (!asleep_in(child, SYS_futex) || !asleep_in(self, SYS_futex) || !asleep_in(third, SYS_futex)) usleep(1000);
            printf("hung %d %d %d %ld\n", self, child, third, woken);
            fflush(stdout);
            _exit(0);
        }
        pthread_mutex_lock(&s->b);
        _exit(0);
    }
    pthread_mutex_lock(&s->b);
    return 0;
}

static int filedeadlock(void) {
    char path[64];
    int fd = shared_file(path, sizeof path);
    if (fd < 0) return 2;
    struct shared *s = view(fd);
    if (s == NULL) return 2;
    memset(s, 0, sizeof *s);
    unlink(path); // all three map the open file: its path names it no more
    return deadlock(s, fd);
}

static int stopped(struct shared *s) {
    signal(SIGTERM, SIG_IGN);
    shared_mutex(&s->a);
    prctl(PR_SET_NAME, "st-main");
    pid_t child = fork();
    if (child < 0) return 2;
    if (child == 0) {
        prctl(PR_SET_NAME, "st-holder");
        pthread_mutex_lock(&s->a);
        s->child_has_b = 1;
        for (;;) pause();
    }
    while (!s->child_has_b) usleep(1000);
    kill(child, SIGSTOP);
    say_when_stopped(getpid(), SYS_futex, child);
    pthread_mutex_lock(&s->a);
    return 0;
}

/** Maps {@code n} new memfd files of one page MAP_SHARED; each view unmapped at once ({@code keep} 0) or kept. 0, or 2 on a failure. */
static int memfd_views(long n, int keep) {
    for (long i = 0; i < n; i++) {
        int fd = memfd_create("churn", 0);
        if (fd < 0 || ftruncate(fd, 4096) != 0) return 2;
        void *v = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
        if (v == MAP_FAILED || (!keep && munmap(v, 4096) != 0)) return 2;
        close(fd);
    }
    return 0;
}

static int hold(long n) {
    int ready[2], done[2];
    if (pipe(ready) != 0 || pipe(done) != 0) return 2;
    pid_t child = fork();
    if (child < 0) return 2;
    if (child == 0) {
        prctl(PR_SET_NAME, "ho-child");
        close(done[1]);
        char c = memfd_views(n / 2, 1) == 0 ? 'y' : 'n';
        if (write(ready[1], &c, 1) != 1) _exit(2);
        if (read(done[0], &c, 1) < 0) _exit(2); // the end of the pipe: the parent is done
        _exit(0);
    }
    close(done[0]);
    char c = 0;
    if (read(ready[0], &c, 1) != 1 || c != 'y' || memfd_views(n - n / 2, 1) != 0) return 2;
    int code = twice();
    close(done[1]);
    int status = 0;
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return 3;
    return code;
}

static int mmaps(long n, int shared) {
    char path[64];
    int fd = shared_file(path, sizeof path);
    if (fd < 0) return 2;
    unlink(path);
    for (long i = 0; i < n; i++) {
        void *v = mmap(NULL, sizeof(struct shared), PROT_READ | PROT_WRITE, shared ? MAP_SHARED : MAP_PRIVATE, fd, 0);
        if (v == MAP_FAILED || munmap(v, sizeof(struct shared)) != 0) return 2;
    }
    return 0;
}

int main(int argc, char **argv) {
    struct shared *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (s == MAP_FAILED) return 2;
    memset(s, 0, sizeof *s);
    const char *mode = argc > 1 ? argv[1] : "condvar";
    if (strcmp(mode, "condvar") == 0) return condvar(s, -1, 0);
    if (strcmp(mode, "shmfile") == 0) return shmfile(0, 0);
    if (strcmp(mode, "memfd") == 0) return shmfile(0, 1);
    if (strcmp(mode, "twice") == 0) return twice();
    if (strcmp(mode, "attach") == 0) return condvar(s, -1, 1);
    if (strcmp(mode, "attachfile") == 0) return shmfile(1, 0);
    if (strcmp(mode, "deadlock") == 0) return deadlock(s, -1);
    if (strcmp(mode, "filedeadlock") == 0) return filedeadlock();
    if (strcmp(mode, "stopped") == 0) return stopped(s);
    if (strcmp(mode, "churn") == 0 && argc > 2) return memfd_views(atol(argv[2]), 0) != 0 ? 2 : twice();
    if (strcmp(mode, "hold") == 0 && argc > 2) return hold(atol(argv[2]));
    if (strcmp(mode, "mmaps") == 0 && argc > 3) return mmaps(atol(argv[2]), strcmp(argv[3], "shared") == 0);
    return 2;
}
