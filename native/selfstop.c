// Stops itself with SIGSTOP; a forked helper continues it with SIGCONT 200 ms later. Exits 0
// only if it really was continued (job control works under the tracer).
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    pid_t parent = getpid();
    pid_t helper = fork();
    if (helper == 0) {
        usleep(200000);
        kill(parent, SIGCONT);
        _exit(0);
    }
    raise(SIGSTOP);
    int status;
    waitpid(helper, &status, 0);
    puts("continued");
    return 0;
}
