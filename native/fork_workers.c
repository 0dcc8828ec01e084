// A pre-fork server's shape: main forks N workers (argv[1]) that never exec; each waits for the
// parent to close the pipe (so all are alive at once), then _exits. The parent reaps them and prints
// how many it reaped: the number of processes the kernel made, for the test to hold the diff to.
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 1;
    int gate[2];
    if (pipe(gate) != 0) { perror("pipe"); return 1; }
    for (int i = 0; i < n; i++) {
        pid_t child = fork();
        if (child < 0) { perror("fork"); return 1; }
        if (child == 0) {
            char c;
            close(gate[1]);
            while (read(gate[0], &c, 1) > 0) { }
            _exit(0);
        }
    }
    close(gate[1]);
    int reaped = 0, status;
    while (wait(&status) > 0) reaped++;
    printf("reaped %d\n", reaped);
    return 0;
}
