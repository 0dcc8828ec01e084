// Prints the ids it runs with: "uid=R euid=E gid=G egid=F". Copied set-user-ID by
// PrivilegedExecIT, to see whether an exec raised its privileges, untraced and traced.
#include <stdio.h>
#include <unistd.h>

int main(void) {
    printf("uid=%d euid=%d gid=%d egid=%d\n", (int) getuid(), (int) geteuid(), (int) getgid(), (int) getegid());
    return 0;
}
