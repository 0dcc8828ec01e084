// Prints what a process started with, for comparing a traced run with an untraced one: argv,
// the environment, every open descriptor (number, target, flags), the signal dispositions and
// mask, the resource limits, the umask, the directory and the coredump_filter. One item per line.
// "show_state --to FILE ...": the lines go to FILE (opened after the descriptors are listed), for
// a run with stdout closed.
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

static void print_escaped(const char *s) {
    for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
        if (*p < 32 || *p >= 127 || *p == '\\') printf("\\x%02x", *p);
        else putchar(*p);
    }
}

int main(int argc, char **argv) {
    // Everything is read before stdout is used: printing may open nothing, but be safe.
    char fds[8192] = "";
    DIR *d = opendir("/proc/self/fd");
    int dir_fd = d ? dirfd(d) : -1;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || atoi(e->d_name) == dir_fd) continue;
        int fd = atoi(e->d_name);
        char link[256], target[512];
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, target, sizeof target - 1);
        target[n < 0 ? 0 : n] = 0;
        if (strncmp(target, "pipe:", 5) == 0 || strncmp(target, "socket:", 7) == 0) strcpy(target, "pipe-or-socket");
        int fl = fcntl(fd, F_GETFL), fdfl = fcntl(fd, F_GETFD);
        char line[700];
        snprintf(line, sizeof line, "fd %d %s flags=%o cloexec=%d\n", fd, target, fl, fdfl & FD_CLOEXEC);
        strncat(fds, line, sizeof fds - strlen(fds) - 1);
    }
    if (d) closedir(d);
    if (argc > 2 && strcmp(argv[1], "--to") == 0 && !freopen(argv[2], "w", stdout)) return 2;
    for (int i = 0; i < argc; i++) {
        printf("argv[%d] ", i);
        print_escaped(argv[i]);
        putchar('\n');
    }
    for (char **env = environ; *env; env++) {
        printf("env ");
        print_escaped(*env);
        putchar('\n');
    }
    fputs(fds, stdout);
    FILE *status = fopen("/proc/self/status", "r");
    char line[512];
    while (status && fgets(line, sizeof line, status)) {
        if (!strncmp(line, "SigIgn", 6) || !strncmp(line, "SigBlk", 6) || !strncmp(line, "NoNewPrivs", 10)
                || !strncmp(line, "Cpus_allowed_list", 17)) {
            fputs(line, stdout);
        }
    }
    if (status) fclose(status);
    static const int limits[] = {RLIMIT_NOFILE, RLIMIT_STACK, RLIMIT_CORE, RLIMIT_NPROC, RLIMIT_AS, RLIMIT_MEMLOCK, RLIMIT_DATA, RLIMIT_CPU};
    for (unsigned i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        struct rlimit r;
        getrlimit(limits[i], &r);
        printf("rlimit %d %llu %llu\n", limits[i], (unsigned long long) r.rlim_cur, (unsigned long long) r.rlim_max);
    }
    mode_t mask = umask(0);
    printf("umask %03o\n", mask);
    char cwd[4096];
    printf("cwd %s\n", getcwd(cwd, sizeof cwd) ? cwd : "?");
    printf("nice %d\n", getpriority(PRIO_PROCESS, 0));
    FILE *filter = fopen("/proc/self/coredump_filter", "r");
    if (filter && fgets(line, sizeof line, filter)) printf("coredump_filter %s", line);
    if (filter) fclose(filter);
    return 0;
}
