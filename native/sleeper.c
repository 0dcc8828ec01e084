// Names itself, then sleeps for the given seconds (default 30): a command to interrupt in tests.
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv) {
    prctl(PR_SET_NAME, "sleeper");
    sleep(argc > 1 ? atoi(argv[1]) : 30);
    return 0;
}
