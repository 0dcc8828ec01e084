// Makes N (default 100000) getppid() syscalls: with -e getppid every one is a ptrace stop pair,
// so (traced time - untraced time) / N is the cost of a traced syscall. Used by scripts/bench.
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 100000;
    long sum = 0;
    for (long i = 0; i < n; i++) sum += syscall(SYS_getppid);
    return sum == 0; // keep the loop
}
