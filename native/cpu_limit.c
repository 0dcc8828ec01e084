// cpu_limit N: prints its own CPU time limit as /proc/self/limits has it ("limit SOFT HARD", as
// ulimit -t gave it), then makes N rt_sigprocmask calls (each a stop of a tracer that traces them:
// cheap for the program, many times dearer for its tracer) and prints "done N".
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 100000;
    FILE *limits = fopen("/proc/self/limits", "r");
    if (!limits) return 2;
    char line[256], soft[64], hard[64];
    int found = 0;
    while (fgets(line, sizeof line, limits)) {
        if (strncmp(line, "Max cpu time", 12) == 0 && sscanf(line + 12, "%63s %63s", soft, hard) == 2) found = 1;
    }
    fclose(limits);
    if (!found) return 3;
    printf("limit %s %s\n", soft, hard);
    fflush(stdout);
    sigset_t set;
    for (long i = 0; i < n; i++) {
        sigemptyset(&set);
        sigaddset(&set, 1 + (int) (i % 30));
        sigprocmask(SIG_SETMASK, &set, NULL);
    }
    printf("done %ld\n", n);
    return 0;
}
