// termtree FILE: which processes of a tree a SIGTERM reaches. The top process starts a background
// child (same session and process group, as a shell's `cmd &`) and a daemon (setsid: a session
// of its own); each of the three records a SIGTERM in a flag. Once all have their handler the top
// prints "ready" on stdout and waits for a SIGTERM; then it lets the others go (closes their
// pipe), waits for them and exits 7. Each writes one line to FILE as it ends:
//   top term=1   bg term=0   daemon term=0
// which is what `kill -TERM TOP` gives untraced: the signal reaches the top process only.
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t term;

static void on_term(int signal) {
    (void) signal;
    term = 1;
}

static void report(const char *file, const char *who) {
    char line[64];
    int n = snprintf(line, sizeof line, "%s term=%d\n", who, (int) term);
    int fd = open(file, O_WRONLY | O_APPEND | O_CREAT, 0600);
    if (fd < 0 || write(fd, line, (size_t) n) != n) _exit(3);
    close(fd);
}

static pid_t follower(const char *file, const char *who, int go[2], int ready, int daemon) {
    pid_t pid = fork();
    if (pid != 0) return pid;
    close(go[1]);
    if (daemon && setsid() < 0) _exit(4);
    char b = 'r';
    if (write(ready, &b, 1) != 1) _exit(5);
    while (read(go[0], &b, 1) != 0) { } // until the top closes it (a signal's handler returns here: SA_RESTART)
    report(file, who);
    _exit(0);
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, NULL); // inherited by both children
    int go[2], ready[2];
    if (pipe(go) != 0 || pipe(ready) != 0) return 2;
    pid_t bg = follower(argv[1], "bg", go, ready[1], 0);
    pid_t daemon = follower(argv[1], "daemon", go, ready[1], 1);
    char b[2];
    if (read(ready[0], b, 1) != 1 || read(ready[0], b + 1, 1) != 1) return 2;
    printf("ready\n");
    fflush(stdout);
    sigset_t none;
    sigemptyset(&none);
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, NULL);
    while (!term) sigsuspend(&none);
    report(argv[1], "top");
    close(go[1]);
    waitpid(bg, NULL, 0);
    waitpid(daemon, NULL, 0);
    return 7;
}
