// Makes its standard output non-blocking (the open file description it shares with whoever started
// it, as Node.js does with its stdio pipes), then makes N (default 20000) getppid calls: traced with
// -e getppid, each is a line the tracer writes to that same, now non-blocking, pipe.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 20000;
    if (fcntl(1, F_SETFL, fcntl(1, F_GETFL) | O_NONBLOCK) != 0) return 2;
    long sum = 0;
    for (long i = 0; i < n; i++) sum += syscall(SYS_getppid);
    return sum == 0; // keep the loop
}
