// wake_edges MODE: futex wakes whose count decides who woke whom although each is the first wake to
// begin while its waiter is blocked, for ExitStopsIT (a wake finished at its entry must not be
// credited with a release it did not make). Each waker prints what the kernel answered; the program
// exits 1 when a call did not do what the mode plans.
//   pi      - a glibc priority-inheritance mutex handed along: main holds it, c-1 then c-2 block in
//             FUTEX_LOCK_PI; main unlocks (FUTEX_UNLOCK_PI hands the lock to c-1 and returns 0: no
//             count), c-1 unlocks 50 ms later (hands it to c-2).
//   wakeop  - "waiter" blocks in FUTEX_WAIT_BITSET_PRIVATE(X, bitset 1); "wrong-bits" calls
//             FUTEX_WAKE_BITSET_PRIVATE(X, bitset 2): releases nobody; "wakeop" then releases the
//             waiter by FUTEX_WAKE_OP on another word whose second word is X.
//   xproc   - X is MAP_SHARED; "waiter" blocks in a shared FUTEX_WAIT(X); "private" calls
//             FUTEX_WAKE_PRIVATE(X): releases nobody (a private key never matches a shared wait);
//             a forked child's shared FUTEX_WAKE(X) releases the waiter.
//   race    - as xproc, but after the child's wake released the waiter a "poster" thread of the
//             waiter's process makes a shared FUTEX_WAKE(X) that releases nobody, while the waiter,
//             SCHED_IDLE on a CPU a busy thread holds, has most likely not reached its exit yet
//             (timing: the test takes the printed counts as the truth).
//   fault   - X is a userfaultfd page nobody fills: "waiter" blocks in FUTEX_WAIT_PRIVATE(X) (reading
//             the word faults), "waker" in a shared FUTEX_WAKE(X) (a shared key looks the page up);
//             then main calls exit_group: both calls are pending when the threads are torn down.
//   faulthead - X is the last word of a page the program touched, the page after it a userfaultfd
//             page nobody fills: "waiter" blocks in FUTEX_WAIT_PRIVATE(X, 2), a contended glibc
//             mutex's wait, whose lock head a tracer reads past X, into that page; then main calls
//             exit_group. The program itself never touches the second page.
// A wake begins only when its waiter is asleep in futex (its /proc stat says S or D, its syscall file 202).
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static _Atomic int *X;
static int Z;
static _Atomic pid_t waiter_tid;
static _Atomic int failed;

static void ms(long x) { struct timespec t = {x / 1000, (x % 1000) * 1000000L}; nanosleep(&t, NULL); }
static double now_ms(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }
static long fx(void *u, int op, int val, long val2, void *u2, int val3) { return syscall(SYS_futex, u, op, val, val2, u2, val3); }

static void expect(const char *who, long got, long want) {
    fprintf(stderr, "wake_edges: %s released %ld\n", who, got);
    if (got != want) {
        fprintf(stderr, "wake_edges: %s: expected %ld\n", who, want);
        atomic_store(&failed, 1);
    }
}

static int read_file(const char *path, char *buf, size_t size) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    if (n < 0) return -1;
    buf[n] = 0;
    return 0;
}

// Whether the thread is asleep inside futex(2): past its entry stop, queued on the word.
static int asleep_in_futex(pid_t tid) {
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
    if (read_file(path, buf, sizeof buf) != 0) return 0;
    char *close_paren = strrchr(buf, ')');
    if (close_paren == NULL || close_paren[1] != ' ' || (close_paren[2] != 'S' && close_paren[2] != 'D')) return 0;
    snprintf(path, sizeof path, "/proc/self/task/%d/syscall", tid);
    if (read_file(path, buf, sizeof buf) != 0) return 0;
    return strncmp(buf, "202 ", 4) == 0;
}

static void await_asleep(pid_t tid) {
    while (tid == 0 || !asleep_in_futex(tid)) {
        ms(5);
        if (tid == 0) tid = atomic_load(&waiter_tid);
    }
    ms(20); // and stays there (a wait's own entry and exit stops are over)
}

static void pin(int cpu) {
    cpu_set_t s;
    CPU_ZERO(&s);
    CPU_SET(cpu, &s);
    sched_setaffinity(0, sizeof s, &s);
}

// --- pi ---
static pthread_mutex_t pi_lock;

static void *contender(void *name) {
    prctl(PR_SET_NAME, name);
    atomic_store(&waiter_tid, gettid());
    pthread_mutex_lock(&pi_lock);
    fprintf(stderr, "wake_edges: %s got the lock\n", (char *) name);
    ms(50);
    pthread_mutex_unlock(&pi_lock);
    return NULL;
}

static int pi(void) {
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
    pthread_mutex_init(&pi_lock, &a);
    pthread_mutex_lock(&pi_lock);
    pthread_t c1, c2;
    pthread_create(&c1, NULL, contender, "c-1");
    while (atomic_load(&waiter_tid) == 0) ms(1);
    await_asleep(atomic_load(&waiter_tid));
    atomic_store(&waiter_tid, 0);
    pthread_create(&c2, NULL, contender, "c-2");
    while (atomic_load(&waiter_tid) == 0) ms(1);
    await_asleep(atomic_load(&waiter_tid));
    pthread_mutex_unlock(&pi_lock);
    pthread_join(c1, NULL);
    pthread_join(c2, NULL);
    return 0;
}

// --- wakeop, xproc, race ---
static const char *mode;

static void *waiter(void *arg __attribute__((unused))) {
    prctl(PR_SET_NAME, "waiter");
    if (strcmp(mode, "race") == 0) {
        pin(0);
        struct sched_param p = {0};
        sched_setscheduler(0, SCHED_IDLE, &p);
    }
    atomic_store(&waiter_tid, gettid());
    long r = strcmp(mode, "wakeop") == 0 ? fx(X, FUTEX_WAIT_BITSET_PRIVATE, 0, 0, NULL, 1) : fx(X, FUTEX_WAIT, 0, 0, NULL, 0);
    if (r != 0) {
        fprintf(stderr, "wake_edges: waiter's wait returned %ld\n", r);
        atomic_store(&failed, 1);
    }
    return NULL;
}

static void *hog(void *arg __attribute__((unused))) {
    prctl(PR_SET_NAME, "hog");
    pin(0);
    while (atomic_load(X) == 0) {}
    double end = now_ms() + 300;
    while (now_ms() < end) {}
    return NULL;
}

static void *poster(void *arg __attribute__((unused))) {
    prctl(PR_SET_NAME, "poster");
    pin(1);
    while (atomic_load(X) != 2) {} // the child's wake has returned
    expect("poster", fx(X, FUTEX_WAKE, 1, 0, NULL, 0), 0);
    return NULL;
}

static void *stray(void *name) {
    prctl(PR_SET_NAME, name);
    long r = strcmp(mode, "wakeop") == 0 ? fx(X, FUTEX_WAKE_BITSET_PRIVATE, 1, 0, NULL, 2) : fx(X, FUTEX_WAKE_PRIVATE, 1, 0, NULL, 0);
    expect(name, r, 0);
    return NULL;
}

static void *wake_op(void *arg __attribute__((unused))) {
    prctl(PR_SET_NAME, "wakeop");
    expect("wakeop", fx(&Z, FUTEX_WAKE_OP_PRIVATE, 1, 1, (void *) X, FUTEX_OP(FUTEX_OP_SET, 0, FUTEX_OP_CMP_EQ, 0)), 1);
    return NULL;
}

static int others(void) {
    X = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (X == MAP_FAILED) return 1;
    int race = strcmp(mode, "race") == 0;
    pthread_t w, s, h, p;
    pthread_create(&w, NULL, waiter, NULL);
    if (race) {
        pthread_create(&h, NULL, hog, NULL);
        pthread_create(&p, NULL, poster, NULL);
    }
    await_asleep(0);
    if (!race) {
        pthread_create(&s, NULL, stray, strcmp(mode, "wakeop") == 0 ? "wrong-bits" : "private");
        pthread_join(s, NULL);
    }
    if (strcmp(mode, "wakeop") == 0) {
        pthread_create(&s, NULL, wake_op, NULL);
        pthread_join(s, NULL);
    } else {
        pid_t child = fork();
        if (child == 0) {
            prctl(PR_SET_NAME, "child-waker");
            atomic_store(X, 1);
            long n = fx(X, FUTEX_WAKE, 1, 0, NULL, 0);
            atomic_store(X, 2);
            fprintf(stderr, "wake_edges: child-waker released %ld\n", n);
            _exit(n == 1 ? 0 : 1);
        }
        int status;
        waitpid(child, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) atomic_store(&failed, 1);
    }
    pthread_join(w, NULL);
    if (race) {
        pthread_join(p, NULL);
        pthread_join(h, NULL);
    }
    return atomic_load(&failed);
}

// --- fault ---
static void *fault_waiter(void *arg __attribute__((unused))) {
    prctl(PR_SET_NAME, "waiter");
    atomic_store(&waiter_tid, gettid());
    fx(X, FUTEX_WAIT_PRIVATE, 0, 0, NULL, 0);
    return NULL;
}

static void *fault_waker(void *arg __attribute__((unused))) {
    prctl(PR_SET_NAME, "waker");
    atomic_store(&waiter_tid, gettid());
    fx(X, FUTEX_WAKE, 1, 0, NULL, 0);
    return NULL;
}

/* Registers the page at PAGE with a userfaultfd in missing mode that nobody serves; 0 when done. */
static int unfilled_page(void *page) {
    int uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
    struct uffdio_api api = {.api = UFFD_API};
    if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api) != 0) {
        perror("wake_edges: userfaultfd");
        return 1;
    }
    struct uffdio_register reg = {.range = {(unsigned long) page, 4096}, .mode = UFFDIO_REGISTER_MODE_MISSING};
    if (ioctl(uffd, UFFDIO_REGISTER, &reg) != 0) {
        perror("wake_edges: UFFDIO_REGISTER");
        return 1;
    }
    return 0;
}

static int fault(void) {
    X = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (X == MAP_FAILED || unfilled_page((void *) X) != 0) return 1;
    pthread_t w, k;
    pthread_create(&w, NULL, fault_waiter, NULL);
    await_asleep(0);
    atomic_store(&waiter_tid, 0);
    pthread_create(&k, NULL, fault_waker, NULL);
    await_asleep(0);
    syscall(SYS_exit_group, 0);
    return 1;
}

static void *head_waiter(void *arg __attribute__((unused))) {
    prctl(PR_SET_NAME, "waiter");
    atomic_store(&waiter_tid, gettid());
    fx(X, FUTEX_WAIT_PRIVATE, 2, 0, NULL, 0);
    return NULL;
}

static int faulthead(void) {
    char *pages = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (pages == MAP_FAILED) return 1;
    pages[0] = 1;
    if (unfilled_page(pages + 4096) != 0) return 1;
    X = (_Atomic int *) (pages + 4096 - 4);
    atomic_store(X, 2);
    pthread_t w;
    pthread_create(&w, NULL, head_waiter, NULL);
    await_asleep(0);
    syscall(SYS_exit_group, 0);
    return 1;
}

int main(int argc, char **argv) {
    mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "pi") == 0) return pi();
    if (strcmp(mode, "fault") == 0) return fault();
    if (strcmp(mode, "faulthead") == 0) return faulthead();
    if (strcmp(mode, "wakeop") == 0 || strcmp(mode, "xproc") == 0 || strcmp(mode, "race") == 0) return others();
    fprintf(stderr, "usage: wake_edges pi|wakeop|xproc|race|fault|faulthead\n");
    return 2;
}
