// A failed exec of something that looks like a JDK launcher, then a real one: exec_fails FAKE REAL [ARGS...].
// FAKE is a JDK layout whose bin/java cannot run, so the kernel refuses the exec (EACCES) after the
// tracer has rewritten its argv for the agent. The raw syscall shows what the program sees
// afterwards: the argv register must hold its own array again (the syscall ABI keeps every register
// but rax, rcx and r11), and the argv it points to is untouched. Then REAL runs with ARGS.
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: exec_fails FAKE REAL [ARGS...]\n");
        return 2;
    }
    char *fake_argv[] = {argv[1], "-version", NULL};
    long ret;
    char **argv_register = fake_argv;
    __asm__ volatile("syscall"
                     : "=a"(ret), "+S"(argv_register)
                     : "a"(59L), "D"(argv[1]), "d"(environ)
                     : "rcx", "r11", "memory");
    printf("execve %s: %ld, argv register %s, argv[1] %s\n", argv[1], ret,
           argv_register == fake_argv ? "kept" : "changed", strcmp(fake_argv[1], "-version") == 0 ? "kept" : "changed");
    fflush(stdout);
    execv(argv[2], argv + 2);
    perror("execv");
    return 3;
}
