// Calls the decoded syscalls directly with a mix of arguments, for comparing jthreadtrace's
// rendering with strace's: futex ops (with and without PRIVATE / CLOCK_REALTIME), mmap flag mixes
// (incl. an unknown bit), mprotect, mremap, madvise, munmap, prctl, rt_sigprocmask, affinity.
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *ts, uint32_t *uaddr2, uint32_t val3) {
    return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

int main(void) {
    static uint32_t word = 1, word2 = 0;
    struct timespec short_wait = {0, 1000};
    futex(&word, FUTEX_WAKE, 1, NULL, NULL, 0);
    futex(&word, FUTEX_WAKE_PRIVATE, 2, NULL, NULL, 0);
    futex(&word, FUTEX_WAIT, 0, &short_wait, NULL, 0);            // EAGAIN: word != 0
    futex(&word, FUTEX_WAIT_PRIVATE, 1, &short_wait, NULL, 0);    // ETIMEDOUT
    futex(&word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 0, NULL, NULL, FUTEX_BITSET_MATCH_ANY);
    futex(&word, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0x3);
    futex(&word, FUTEX_REQUEUE_PRIVATE, 1, (const struct timespec *) 2, &word2, 0);
    futex(&word, FUTEX_CMP_REQUEUE, 1, (const struct timespec *) 5, &word2, 1);
    futex(&word, FUTEX_WAKE_OP_PRIVATE, 1, (const struct timespec *) 1, &word2, FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_GT, 0));
    futex(&word2, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0);
    futex(&word2, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0);
    futex(&word2, FUTEX_TRYLOCK_PI, 0, NULL, NULL, 0);

    long page = sysconf(_SC_PAGESIZE);
    char *a = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *b = mmap(NULL, page, PROT_NONE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    mmap(a, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_STACK, -1, 0);
    mmap(NULL, page, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    int fd = open("/etc/hostname", O_RDONLY);
    if (fd >= 0) mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, 0);
    mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | 0x200000, -1, 0);  // an unknown bit
    mprotect(a + page, page, PROT_READ);
    madvise(a, page, MADV_DONTNEED);
    madvise(a, page, MADV_HUGEPAGE);
    char *d = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *c = mremap(d, 2 * page, 8 * page, MREMAP_MAYMOVE);
    munmap(c, 8 * page);
    munmap(b, page);
    mmap((void *) 0x1000, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0); // EPERM below mmap_min_addr

    prctl(PR_SET_NAME, "mixer");
    char name[16];
    prctl(PR_GET_NAME, name);
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, &old);
    sigprocmask(SIG_SETMASK, &old, NULL);
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    CPU_SET(0, &cpus);
    sched_setaffinity(0, sizeof cpus, &cpus);
    sched_getaffinity(0, sizeof cpus, &cpus);
    return 0;
}
