// What /proc says of a task, for the fixtures that wait until their tasks sit where a test needs them
// (asleep in a call, stopped) before they say so.
#ifndef PROC_TASK_H
#define PROC_TASK_H
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/** The state letter of task {@code tid}'s /proc stat ('?' when gone): S asleep, T stopped, t at a tracer's stop. */
static inline char task_state(pid_t tid) {
    char path[64], line[256] = "";
    snprintf(path, sizeof path, "/proc/%d/task/%d/stat", tid, tid);
    FILE *f = fopen(path, "r");
    if (f == NULL) return '?';
    char *close = fgets(line, sizeof line, f) != NULL ? strrchr(line, ')') : NULL;
    fclose(f);
    return close == NULL || close[1] == 0 ? '?' : close[2];
}

/** Whether task {@code tid} sleeps (state S) in syscall {@code nr} (its /proc syscall line), not at a tracer's stop. */
static inline int asleep_in(pid_t tid, long nr) {
    char path[64], line[256] = "", want[24];
    if (task_state(tid) != 'S') return 0;
    snprintf(path, sizeof path, "/proc/%d/task/%d/syscall", tid, tid);
    FILE *f = fopen(path, "r");
    if (f == NULL) return 0;
    snprintf(want, sizeof want, "%ld ", nr);
    int in = fgets(line, sizeof line, f) != NULL && strncmp(line, want, strlen(want)) == 0;
    fclose(f);
    return in;
}

/**
 * Forks a reporter that prints "stopped WAITER CHILD" once {@code waiter} sleeps in call {@code nr}
 * and {@code child} is stopped (T, or t while its tracer holds it in the group stop), then ends.
 */
static inline void say_when_stopped(pid_t waiter, long nr, pid_t child) {
    if (fork() != 0) return;
    while (!asleep_in(waiter, nr) || (task_state(child) != 'T' && task_state(child) != 't')) usleep(1000);
    printf("stopped %d %d\n", waiter, child);
    fflush(stdout);
    _exit(0);
}
/**
 * "truth WHO VALUE": the calling thread's /proc status field {@code key} (e.g. "SigBlk:"), the oracle
 * line a test compares the trace with.
 */
static inline void show_status_field(const char *who, const char *key) {
    char line[256];
    size_t n = strlen(key);
    FILE *f = fopen("/proc/thread-self/status", "r");
    while (f && fgets(line, sizeof line, f)) {
        if (!strncmp(line, key, n)) printf("truth %s %s", who, line + n + strspn(line + n, " \t"));
    }
    if (f) fclose(f);
    fflush(stdout);
}

#endif
