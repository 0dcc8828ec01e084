// Re-executes itself through /proc/self/exe, as many programs do (busybox-style tools, sandboxes,
// Go and Rust programs that fork a helper of themselves): the second run must see exactly the
// arguments the first passed. Exits 0 when it did, 3 when anything was added or changed.
//   self_exec [wait]: with "wait", first prints "ready" and waits for a line on stdin (for a tracer
//   to attach meanwhile)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc == 1 || strcmp(argv[1], "again") != 0) {
        if (argc == 2 && strcmp(argv[1], "wait") == 0) {
            char line[16];
            printf("ready\n");
            fflush(stdout);
            if (!fgets(line, sizeof line, stdin)) return 5;
        }
        char *again[] = {argv[0], "again", "-J-javaagent:not-ours", NULL};
        execv("/proc/self/exe", again);
        perror("execv /proc/self/exe");
        return 4;
    }
    for (int i = 0; i < argc; i++) printf("argv[%d] %s\n", i, argv[i]);
    return argc == 3 && strcmp(argv[2], "-J-javaagent:not-ours") == 0 ? 0 : 3;
}
