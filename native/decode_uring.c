// decode_uring DIR: makes each io_uring call jthreadtrace decodes, with raw syscalls (no liburing), for
// comparing its lines with strace's (StraceClassesIT): io_uring_setup (plain, SQPOLL with a reserved
// word set and failing, with too many entries), io_uring_register (descriptor arrays, an eventfd,
// buffers, a personality, an opcode the kernel does not know) and io_uring_enter (a NOP waited for,
// with a signal set, a signal set of the wrong size, flags the kernel refuses, a descriptor that is
// no ring). The ring's memory is mapped as a program maps it (mmap of the ring fd).
// If the kernel refuses io_uring (sysctl kernel.io_uring_disabled, seccomp), prints
// "io_uring refused: REASON" on stderr and exits 77.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static long setup(unsigned entries, struct io_uring_params *p) {
    return syscall(SYS_io_uring_setup, entries, p);
}

static long enter(int fd, unsigned submit, unsigned complete, unsigned flags, const void *sig, size_t size) {
    return syscall(SYS_io_uring_enter, fd, submit, complete, flags, sig, size);
}

static long reg(int fd, unsigned opcode, const void *arg, unsigned nr) {
    return syscall(SYS_io_uring_register, fd, opcode, arg, nr);
}

int main(int argc, char **argv) {
    (void) argc;
    (void) argv;
    struct io_uring_params params;
    memset(&params, 0, sizeof params);
    int ring = (int) setup(4, &params);
    if (ring < 0) {
        fprintf(stderr, "io_uring refused: io_uring_setup: %s\n", strerror(errno));
        return 77;
    }
    char *sq = mmap(NULL, params.sq_off.array + params.sq_entries * sizeof(unsigned), PROT_READ | PROT_WRITE,
                    MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQ_RING);
    char *cq = mmap(NULL, params.cq_off.cqes + params.cq_entries * sizeof(struct io_uring_cqe), PROT_READ | PROT_WRITE,
                    MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_CQ_RING);
    struct io_uring_sqe *sqes = mmap(NULL, params.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
                                     MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQES);
    if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED) return 4;

    // register: descriptors (/dev/null, a hole, an eventfd: the same files whoever runs it), the eventfd,
    // a buffer, a personality, an unknown opcode
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC), efd = eventfd(0, EFD_CLOEXEC);
    int files[3] = {null, -1, efd};
    reg(ring, IORING_REGISTER_FILES, files, 3);
    reg(ring, IORING_UNREGISTER_FILES, NULL, 0);
    reg(ring, IORING_REGISTER_EVENTFD, &efd, 1);
    reg(ring, IORING_UNREGISTER_EVENTFD, NULL, 0);
    reg(ring, IORING_REGISTER_EVENTFD_ASYNC, &efd, 1);
    reg(ring, IORING_UNREGISTER_EVENTFD, NULL, 0);
    static char buffer[4096] __attribute__((aligned(4096)));
    struct iovec iov = {buffer, sizeof buffer};
    reg(ring, IORING_REGISTER_BUFFERS, &iov, 1);
    reg(ring, IORING_UNREGISTER_BUFFERS, NULL, 0);
    long personality = reg(ring, IORING_REGISTER_PERSONALITY, NULL, 0);
    if (personality > 0) reg(ring, IORING_UNREGISTER_PERSONALITY, NULL, (unsigned) personality);
    reg(ring, 200, NULL, 0);
    reg(ring, IORING_REGISTER_FILES, NULL, 1);

    // enter: a NOP submitted and waited for
    unsigned tail = *(unsigned *) (sq + params.sq_off.tail), index = tail & *(unsigned *) (sq + params.sq_off.ring_mask);
    memset(&sqes[index], 0, sizeof sqes[index]);
    sqes[index].opcode = IORING_OP_NOP;
    ((unsigned *) (sq + params.sq_off.array))[index] = index;
    __atomic_store_n((unsigned *) (sq + params.sq_off.tail), tail + 1, __ATOMIC_RELEASE);
    enter(ring, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0);
    unsigned head = *(unsigned *) (cq + params.cq_off.head);
    __atomic_store_n((unsigned *) (cq + params.cq_off.head), head + 1, __ATOMIC_RELEASE);
    // nothing to wait for: a signal set, one of the wrong size, flags the kernel refuses, no ring
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGPIPE);
    enter(ring, 0, 0, IORING_ENTER_GETEVENTS, &set, 8);
    enter(ring, 0, 0, IORING_ENTER_GETEVENTS, &set, 4);
    enter(ring, 0, 0, 0x80000000u, NULL, 0);
    enter(efd, 0, 0, 0, NULL, 0);

    // setup: an SQPOLL ring with a CPU and a reserved word (refused: EINVAL), too many entries (EINVAL)
    memset(&params, 0, sizeof params);
    params.flags = IORING_SETUP_SQPOLL | IORING_SETUP_SQ_AFF;
    params.sq_thread_cpu = 0;
    params.sq_thread_idle = 100;
    params.resv[1] = 7;
    setup(2, &params);
    memset(&params, 0, sizeof params);
    setup(1u << 20, &params);
    setup(2, NULL);
    close(efd);
    close(null);
    close(ring);
    return 0;
}
