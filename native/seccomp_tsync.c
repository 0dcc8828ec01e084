// SECCOMP_FILTER_FLAG_TSYNC from a thread other than main: "installer" sets no_new_privs and installs an
// allow-all filter with TSYNC, which the kernel gives every thread of the process with no_new_privs;
// main joins it, then starts "latecomer", which inherits both from main. Each thread prints what
// /proc says of it ("main NoNewPrivs: 1", "latecomer Seccomp: 2"...), to stdout after the joins.
#define _GNU_SOURCE
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static void show(const char *who) {
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/self/task/%ld/status", (long) syscall(SYS_gettid));
    FILE *f = fopen(path, "r");
    if (f == NULL) return;
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "Seccomp:", 8) || !strncmp(line, "NoNewPrivs:", 11)) printf("%s %s", who, line);
    }
    fclose(f);
    fflush(stdout);
}

static void *installer(void *arg) {
    (void) arg;
    pthread_setname_np(pthread_self(), "installer");
    struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    struct sock_fprog prog = {.len = 1, .filter = &allow};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return (void *) 1;
    long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog);
    printf("installer seccomp tsync = %ld\n", r);
    return r == 0 ? NULL : (void *) 1;
}

static void *latecomer(void *arg) {
    (void) arg;
    pthread_setname_np(pthread_self(), "latecomer");
    show("latecomer");
    return NULL;
}

int main(void) {
    pthread_t a, b;
    void *failed;
    pthread_create(&a, NULL, installer, NULL);
    pthread_join(a, &failed);
    if (failed) return 3;
    show("main");
    pthread_create(&b, NULL, latecomer, NULL);
    pthread_join(b, NULL);
    return 0;
}
