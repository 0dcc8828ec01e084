// A well-behaved long-running command: on SIGTERM or SIGINT it writes "stopped by N" to the file
// argv[1] and exits 7, as a server finishing its work would. With argv[2] == "stubborn" it ignores
// both (only a kill ends it). Names itself "graceful" once its handlers are in place.
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void on_signal(int signal) {
    got = signal;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    int stubborn = argc > 2 && strcmp(argv[2], "stubborn") == 0;
    signal(SIGTERM, stubborn ? SIG_IGN : on_signal);
    signal(SIGINT, stubborn ? SIG_IGN : on_signal);
    prctl(PR_SET_NAME, "graceful");
    for (int i = 0; i < 300 && !got; i++) usleep(100000);
    if (!got) return 0;
    FILE *f = fopen(argv[1], "w");
    if (!f) return 3;
    fprintf(f, "stopped by %d\n", (int) got);
    fclose(f);
    return 7;
}
