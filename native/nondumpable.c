// nondumpable DUMPABLE: a program that makes itself non-dumpable (prctl(PR_SET_DUMPABLE, 0), as
// ssh-agent, gpg-agent and hardened daemons do) when DUMPABLE is 0, then blocks SIGUSR1 and starts
// two threads with pthread_create (clone3): the first names itself "worker-nd" (prctl PR_SET_NAME)
// and is renamed "renamed-nd" by main (pthread_setname_np: its /proc comm file), the second names
// itself "worker-nd". With both alive, main prints the untraced truth: "tasks N" (the entries of
// /proc/self/task) and, per thread, "thread TID of PID" (gettid and getpid in that thread).
// With "wait" as a second argument it then prints "ready" and waits for a line (or the end) on
// stdin before it ends its threads: a non-dumpable process to attach to. With "exec" it then forks a
// child that execs /bin/true (an exec makes a process dumpable again: the path it named is unreadable
// at the entry, the file the kernel ran is not).
// Without CAP_SYS_PTRACE a tracer then reads none of its memory (clone_args, names, signal sets).
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_barrier_t alive, told;
static pthread_mutex_t out = PTHREAD_MUTEX_INITIALIZER;
static sem_t selfNamed;

static void *worker(void *arg) {
    (void) arg;
    prctl(PR_SET_NAME, "worker-nd");
    sem_post(&selfNamed); // main renames the first only after its own name
    pthread_mutex_lock(&out);
    printf("thread %d of %d\n", gettid(), getpid());
    fflush(stdout);
    pthread_mutex_unlock(&out);
    pthread_barrier_wait(&alive);
    pthread_barrier_wait(&told);
    return NULL;
}

static int tasks(void) {
    DIR *d = opendir("/proc/self/task");
    if (!d) return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    if (atoi(argv[1]) == 0 && prctl(PR_SET_DUMPABLE, 0) != 0) return 3;
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &usr1, NULL);
    pthread_barrier_init(&alive, NULL, 3);
    pthread_barrier_init(&told, NULL, 3);
    sem_init(&selfNamed, 0, 0);
    pthread_t first, second;
    if (pthread_create(&first, NULL, worker, NULL) != 0) return 4;
    sem_wait(&selfNamed);
    if (pthread_setname_np(first, "renamed-nd") != 0) return 5;
    if (pthread_create(&second, NULL, worker, NULL) != 0) return 4;
    pthread_barrier_wait(&alive);
    pthread_mutex_lock(&out);
    printf("tasks %d\n", tasks());
    fflush(stdout);
    pthread_mutex_unlock(&out);
    if (argc > 2 && strcmp(argv[2], "wait") == 0) {
        char line[16];
        printf("ready\n");
        fflush(stdout);
        if (!fgets(line, sizeof line, stdin)) line[0] = 0;
    }
    pthread_barrier_wait(&told);
    pthread_join(first, NULL);
    pthread_join(second, NULL);
    if (argc > 2 && strcmp(argv[2], "exec") == 0) {
        pid_t child = fork();
        if (child == 0) {
            execl("/bin/true", "true", (char *) NULL);
            _exit(127);
        }
        int status = 0;
        if (child < 0 || waitpid(child, &status, 0) != child || status != 0) return 6;
    }
    return 0;
}
