// Stands for a container runtime's seccomp profile: installs a filter that fails the named system
// calls with an errno (as Docker's default profile does for ptrace on old kernels, or a profile that
// returns ENOSYS), or kills the process (kill) or the thread (kill-thread) that makes one, then execs
// the rest of its arguments, which inherit the filter.
// Usage: seccomp_deny ERRNO|kill|kill-thread SYSCALL[,SYSCALL...] COMMAND [ARG...]
// ERRNO is a number (1 EPERM, 13 EACCES, 38 ENOSYS); SYSCALL is ptrace, seccomp, wait4, prctl or
// memfd_create.
#define _GNU_SOURCE
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int number_of(const char *name) {
    if (strcmp(name, "ptrace") == 0) return SYS_ptrace;
    if (strcmp(name, "seccomp") == 0) return SYS_seccomp;
    if (strcmp(name, "wait4") == 0) return SYS_wait4;
    if (strcmp(name, "prctl") == 0) return SYS_prctl;
    if (strcmp(name, "memfd_create") == 0) return SYS_memfd_create;
    return -1;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: seccomp_deny ERRNO|kill|kill-thread SYSCALL[,SYSCALL...] COMMAND [ARG...]\n");
        return 2;
    }
    unsigned int action = strcmp(argv[1], "kill") == 0 ? SECCOMP_RET_KILL_PROCESS
            : strcmp(argv[1], "kill-thread") == 0 ? SECCOMP_RET_KILL_THREAD
            : SECCOMP_RET_ERRNO | ((unsigned int) atoi(argv[1]) & SECCOMP_RET_DATA);
    // Header: check the architecture, load the number; one compare-and-return per syscall; allow.
    struct sock_filter filter[64];
    int n = 0;
    filter[n++] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
    filter[n++] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
    filter[n++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    filter[n++] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
    char *names = strdup(argv[2]);
    for (char *name = strtok(names, ","); name != NULL && n < 60; name = strtok(NULL, ",")) {
        int nr = number_of(name);
        if (nr < 0) {
            fprintf(stderr, "seccomp_deny: unknown syscall %s\n", name);
            return 2;
        }
        filter[n++] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned int) nr, 0, 1);
        filter[n++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, action);
    }
    filter[n++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    struct sock_fprog prog = {.len = (unsigned short) n, .filter = filter};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) {
        perror("seccomp_deny: installing the filter");
        return 2;
    }
    execvp(argv[3], argv + 3);
    perror("seccomp_deny: exec");
    return 127;
}
