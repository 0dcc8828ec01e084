// A hostile target against the JVM layer: it finds the agent's private directory (in
// JAVA_TOOL_OPTIONS under --jvm env, else the newest jthreadtrace-* directory in the temporary
// directory: it can write there, as any traced program of the same user can) and leaves in it what would
// hang, crash or exhaust a careless reader: a FIFO named like a record file, a symbolic link to
// /dev/zero, a file with a bad name, a 1 GiB sparse record file without newlines, a subdirectory.
// "agent_dir_attack flood FILES MIB" instead writes FILES record files of MIB MiB each, every line
// a well-formed record of a thread that never existed.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>

/**
 * The newest directory named jthreadtrace-PPID-* in $TMPDIR (or /tmp): the agent's, made by the tool
 * that started us (our parent: the start gate is the tool's child and became us) at the first JVM the
 * traced command started (AgentDirectoryIT runs one before us). Only the parent's: other runs on the
 * machine have directories there too.
 */
static int newest_agent_dir(char *dir, size_t size) {
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char prefix[64];
    snprintf(prefix, sizeof prefix, "jthreadtrace-%d-", (int) getppid());
    DIR *d = opendir(tmp);
    if (!d) return 0;
    struct dirent *e;
    struct timespec newest = {0, 0};
    int found = 0;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, prefix, strlen(prefix)) != 0) continue;
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", tmp, e->d_name);
        if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode)) continue;
        if (!found || st.st_mtim.tv_sec > newest.tv_sec
                || (st.st_mtim.tv_sec == newest.tv_sec && st.st_mtim.tv_nsec > newest.tv_nsec)) {
            newest = st.st_mtim;
            snprintf(dir, size, "%s", path);
            found = 1;
        }
    }
    closedir(d);
    return found;
}

/** FILES record files of MIB MiB of well-formed "constructed" records each. */
static int flood(const char *dir, int files, int mib) {
    static char chunk[1 << 20];
    int used = 0;
    for (long tid = 1000000; used + 128 < (int) sizeof chunk; tid++) {
        used += snprintf(chunk + used, sizeof chunk - used, "C\t%ld\t%ld\t%ld\tflooder\t%ld\tflood-%ld\tfalse\n",
                         tid, tid, tid, tid + 1, tid);
    }
    for (int f = 0; f < files; f++) {
        char path[8192];
        snprintf(path, sizeof path, "%s/jvm-%d.tsv", dir, 900000 + f);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0) return 20;
        for (int m = 0; m < mib; m++) {
            if (write(fd, chunk, used) != used) return 21;
        }
        close(fd);
    }
    printf("%s\n", dir);
    return 0;
}

int main(int argc, char **argv) {
    char dir[4096];
    const char *options = getenv("JAVA_TOOL_OPTIONS");
    const char *agent = options ? strstr(options, "-javaagent:") : NULL;
    const char *start = agent ? strchr(agent, '=') : NULL;
    if (start) {
        start++;
        size_t n = strcspn(start, ",\"'");
        if (n >= sizeof dir) return 4;
        memcpy(dir, start, n);
        dir[n] = 0;
    } else if (!newest_agent_dir(dir, sizeof dir)) {
        return 3; // no agent directory: nothing to attack
    }
    if (argc == 4 && strcmp(argv[1], "flood") == 0) return flood(dir, atoi(argv[2]), atoi(argv[3]));
    char path[8192];
    snprintf(path, sizeof path, "%s/jvm-1.tsv", dir);
    if (mkfifo(path, 0600) != 0) return 5;
    snprintf(path, sizeof path, "%s/jvm-2.tsv", dir);
    if (symlink("/dev/zero", path) != 0) return 6;
    snprintf(path, sizeof path, "%s/jvm-abc.tsv", dir);
    FILE *f = fopen(path, "w");
    if (!f) return 7;
    fputs("S\tnot\ta\trecord\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/jvm-3.tsv", dir);
    int fd = open(path, O_WRONLY | O_CREAT, 0600);
    if (fd < 0 || ftruncate(fd, 1L << 30) != 0) return 8;
    close(fd);
    snprintf(path, sizeof path, "%s/sub", dir);
    if (mkdir(path, 0700) != 0) return 9;
    snprintf(path, sizeof path, "%s/sub/jvm-4.tsv", dir);
    f = fopen(path, "w");
    if (!f) return 10;
    fclose(f);
    printf("%s\n", dir);
    return 0;
}
