// exec_env ENVFILE PROGRAM ARGS...: execs PROGRAM (a path, not searched) with ARGS and, as its whole
// environment, the NUL-terminated entries of ENVFILE exactly as they are: repeated names, entries
// without '=', empty entries, bytes that are not UTF-8, megabytes of it. No shell can start a
// program with such an environment; any program calling execve can, and the tests start
// jthreadtrace (and, untraced, the command) this way to compare what the command receives.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: exec_env ENVFILE PROGRAM ARGS...\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    size_t size = 0, capacity = 1 << 16;
    char *block = malloc(capacity);
    size_t n;
    while (block && (n = fread(block + size, 1, capacity - size, f)) > 0) {
        size += n;
        if (size == capacity) block = realloc(block, capacity *= 2);
    }
    fclose(f);
    if (!block) {
        perror("exec_env");
        return 2;
    }
    size_t entries = 0;
    for (size_t i = 0; i < size; i++) entries += block[i] == 0;
    char **envp = calloc(entries + 1, sizeof *envp);
    size_t start = 0, k = 0;
    for (size_t i = 0; i < size; i++) {
        if (block[i] != 0) continue;
        envp[k++] = block + start;
        start = i + 1;
    }
    envp[k] = NULL;
    execve(argv[2], argv + 2, envp);
    perror(argv[2]);
    return 127;
}
