// execveat with a directory fd: runs "true" from /usr/bin through execveat(dirfd, "true", ...), for
// comparing the decoded dirfd (and its path with -y) with strace's.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

int main(void) {
    int dir = open("/usr/bin", O_RDONLY | O_DIRECTORY);
    if (dir < 0) {
        perror("open /usr/bin");
        return 2;
    }
    char *args[] = {"true", NULL};
    syscall(SYS_execveat, dir, "true", args, environ, 0);
    perror("execveat");
    return 3;
}
