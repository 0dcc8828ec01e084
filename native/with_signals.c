// with_signals IGNORED BLOCKED PROGRAM ARGS...: starts PROGRAM with the signals of the comma-separated
// lists ignored and blocked ("-" for none), as a parent such as nohup, a service manager or a
// runtime that blocks signals in its threads would; the tests start jthreadtrace this way and
// compare what the traced command inherits with what it inherits untraced.
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void each(char *list, void (*apply)(int)) {
    if (strcmp(list, "-") == 0) return;
    for (char *s = strtok(list, ","); s; s = strtok(NULL, ",")) apply(atoi(s));
}

static sigset_t blocked;

static void ignore(int sig) {
    signal(sig, SIG_IGN);
}

static void block(int sig) {
    sigaddset(&blocked, sig);
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: with_signals IGNORED BLOCKED PROGRAM ARGS...\n");
        return 2;
    }
    sigemptyset(&blocked);
    each(argv[1], ignore);
    each(argv[2], block);
    sigprocmask(SIG_BLOCK, &blocked, NULL);
    execvp(argv[3], argv + 3);
    perror(argv[3]);
    return 127;
}
