// uring_comm OUT [sqpoll|many|sqpoll-kill]: threads renamed through io_uring (IORING_OP_WRITE to a /proc comm file),
// a write the kernel does with no ptrace stop. Main starts a worker, which names itself "orig-name"
// (prctl); main renames it "via-uring" through the ring; the worker renames itself "second" (prctl);
// main renames it "via-uring" again; main opens its own comm file through the ring too
// (IORING_OP_OPENAT: no open syscall either) and renames itself "main-uring". Each thread then writes
// "ROLE TID HEX" (its /proc comm, read by itself: the oracle) to OUT. Plain: each submission is an
// io_uring_enter that waits for it. "sqpoll": an IORING_SETUP_SQPOLL ring, whose kernel thread takes
// the submissions, waited for by spinning on the completion ring; no io_uring_enter at all (unless
// the kernel thread went to sleep), so the names are seen only at the threads' ends.
// "many": six idle threads first (the process has more threads than a look at an enter reads in
// turn, and the worker the highest tid), and main renames the worker "ring-one" through the ring just
// before the first "via-uring": two names the ring wrote between two of the worker's own stops.
// "sqpoll-kill": as sqpoll, then, once both threads said their names, main SIGKILLs the process:
// no stop before the threads end but their exit stops.
// If the kernel refuses io_uring (sysctl kernel.io_uring_disabled, seccomp), prints
// "io_uring refused: REASON" on stderr and exits 77.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int ring_fd, sqpoll, many, killed;
static struct io_uring_params params;
static char *sq_ring, *cq_ring;
static struct io_uring_sqe *sqes;
static FILE *out;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile long worker_tid;
static volatile int step; // main and the worker take turns: 1 worker named, 2 renamed by main, 3 renamed itself, 4 done

static unsigned *sq_field(unsigned off) { return (unsigned *) (sq_ring + off); }
static unsigned *cq_field(unsigned off) { return (unsigned *) (cq_ring + off); }

static void refused(const char *what, int error) {
    char sysctl[16] = "?";
    FILE *f = fopen("/proc/sys/kernel/io_uring_disabled", "r");
    if (f != NULL) {
        if (fgets(sysctl, sizeof sysctl, f) != NULL) sysctl[strcspn(sysctl, "\n")] = 0;
        fclose(f);
    }
    fprintf(stderr, "io_uring refused: %s: %s (kernel.io_uring_disabled=%s)\n", what, strerror(error), sysctl);
    exit(77);
}

/** One submission, waited for; its result. */
static int submit(unsigned char opcode, int fd, const void *addr, unsigned len, int open_flags) {
    unsigned tail = *sq_field(params.sq_off.tail), index = tail & *sq_field(params.sq_off.ring_mask);
    struct io_uring_sqe *sqe = &sqes[index];
    memset(sqe, 0, sizeof *sqe);
    sqe->opcode = opcode;
    sqe->fd = fd;
    sqe->addr = (unsigned long) addr;
    sqe->len = len;
    sqe->open_flags = open_flags;
    sq_field(params.sq_off.array)[index] = index;
    __atomic_store_n(sq_field(params.sq_off.tail), tail + 1, __ATOMIC_RELEASE);
    unsigned head = *cq_field(params.cq_off.head);
    if (!sqpoll) {
        if (syscall(SYS_io_uring_enter, ring_fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0) refused("io_uring_enter", errno);
    } else if (__atomic_load_n(sq_field(params.sq_off.flags), __ATOMIC_ACQUIRE) & IORING_SQ_NEED_WAKEUP) {
        syscall(SYS_io_uring_enter, ring_fd, 0, 0, IORING_ENTER_SQ_WAKEUP, NULL, 0);
    }
    while (__atomic_load_n(cq_field(params.cq_off.tail), __ATOMIC_ACQUIRE) == head) sched_yield();
    struct io_uring_cqe *cqes = (struct io_uring_cqe *) (cq_ring + params.cq_off.cqes);
    int res = cqes[head & *cq_field(params.cq_off.ring_mask)].res;
    __atomic_store_n(cq_field(params.cq_off.head), head + 1, __ATOMIC_RELEASE);
    return res;
}

/** Writes "ROLE TID HEX" of the calling thread's name, as the kernel has it. */
static void say(const char *role) {
    char path[64], name[32] = "";
    snprintf(path, sizeof path, "/proc/self/task/%ld/comm", (long) syscall(SYS_gettid));
    FILE *f = fopen(path, "r");
    size_t n = f == NULL ? 0 : fread(name, 1, sizeof name - 1, f);
    if (f != NULL) fclose(f);
    if (n > 0 && name[n - 1] == '\n') n--;
    pthread_mutex_lock(&out_lock);
    fprintf(out, "%s %ld ", role, (long) syscall(SYS_gettid));
    for (size_t k = 0; k < n; k++) fprintf(out, "%02x", (unsigned char) name[k]);
    fprintf(out, "\n");
    fflush(out);
    pthread_mutex_unlock(&out_lock);
}

/** An idle thread: it sleeps until the process ends. */
static void *idle(void *arg) {
    (void) arg;
    for (;;) pause();
    return NULL;
}

static void wait_step(int s) {
    while (__atomic_load_n(&step, __ATOMIC_ACQUIRE) < s) usleep(1000);
}

static void *worker(void *arg) {
    (void) arg;
    worker_tid = syscall(SYS_gettid);
    prctl(PR_SET_NAME, "orig-name");
    __atomic_store_n(&step, 1, __ATOMIC_RELEASE);
    wait_step(2);
    prctl(PR_SET_NAME, "second");
    __atomic_store_n(&step, 3, __ATOMIC_RELEASE);
    wait_step(4);
    say("worker");
    if (killed) __atomic_store_n(&step, 5, __ATOMIC_RELEASE);
    while (killed) pause();
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: uring_comm OUT [sqpoll]\n");
        return 2;
    }
    out = fopen(argv[1], "w");
    if (out == NULL) return 3;
    const char *mode = argc > 2 ? argv[2] : "";
    sqpoll = strcmp(mode, "sqpoll") == 0 || strcmp(mode, "sqpoll-kill") == 0;
    many = strcmp(mode, "many") == 0;
    killed = strcmp(mode, "sqpoll-kill") == 0;
    if (sqpoll) {
        params.flags = IORING_SETUP_SQPOLL;
        params.sq_thread_idle = 60000; // ms: the kernel thread stays awake, no io_uring_enter is needed to wake it
    }
    ring_fd = (int) syscall(SYS_io_uring_setup, 4, &params);
    if (ring_fd < 0) refused("io_uring_setup", errno);
    sq_ring = mmap(NULL, params.sq_off.array + params.sq_entries * sizeof(unsigned), PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_POPULATE, ring_fd, IORING_OFF_SQ_RING);
    cq_ring = mmap(NULL, params.cq_off.cqes + params.cq_entries * sizeof(struct io_uring_cqe), PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_POPULATE, ring_fd, IORING_OFF_CQ_RING);
    sqes = mmap(NULL, params.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
                ring_fd, IORING_OFF_SQES);
    if (sq_ring == MAP_FAILED || cq_ring == MAP_FAILED || sqes == MAP_FAILED) return 4;

    pthread_t t;
    for (int i = 0; many && i < 6; i++) {
        if (pthread_create(&t, NULL, idle, NULL) != 0) return 5;
    }
    if (pthread_create(&t, NULL, worker, NULL) != 0) return 5;
    wait_step(1);
    // The worker's comm file opened as pthread_setname_np does; every write to it goes through the ring.
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%ld/comm", worker_tid);
    int fd = open(path, O_WRONLY);
    if (fd < 0) return 6;
    if (many && submit(IORING_OP_WRITE, fd, "ring-one", 8, 0) != 8) return 11;
    if (submit(IORING_OP_WRITE, fd, "via-uring", 9, 0) != 9) return 7;
    __atomic_store_n(&step, 2, __ATOMIC_RELEASE);
    wait_step(3);
    if (submit(IORING_OP_WRITE, fd, "via-uring", 9, 0) != 9) return 8;
    // Its own comm file opened through the ring: no open syscall shows it either.
    // (Not /proc/thread-self: the ring's worker thread opens it, and would name itself.)
    char own[64];
    snprintf(own, sizeof own, "/proc/self/task/%ld/comm", (long) syscall(SYS_gettid));
    int self = submit(IORING_OP_OPENAT, AT_FDCWD, own, 0, O_WRONLY);
    if (self < 0) return 9;
    if (submit(IORING_OP_WRITE, self, "main-uring", 10, 0) != 10) return 10;
    __atomic_store_n(&step, 4, __ATOMIC_RELEASE);
    if (killed) {
        wait_step(5);
        say("main");
        kill(getpid(), SIGKILL);
    }
    pthread_join(t, NULL);
    say("main");
    return 0;
}
