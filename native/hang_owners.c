// Lock owners the hang analysis must get right (HangIT). Each mode prints "hung PID" once its threads
// are set to block, then blocks until killed:
//   stale   no deadlock, though an owner read at a wait says so: t2 holds M; t1 then t3 block on M (t3
//           holds N); t2 unlocks M (t1 takes it and sleeps holding it), then blocks on N (held by t3).
//           The waits: t2 -> t3 -> t1, t1 asleep. t3's wait began when t2 held M: that owner is stale.
//   robust  a lock-order deadlock on robust mutexes: the waits' value is the owner's tid | FUTEX_WAITERS.
//   timed   a lock-order deadlock whose second locks are pthread_mutex_timedlock (FUTEX_WAIT_BITSET).
//   pshared a lock-order deadlock between a process and its forked child on PTHREAD_PROCESS_SHARED
//           mutexes in shared memory (shared futex words: the owner is in the other process).
//   psharedns pshared with the child in a PID namespace of its own (unshare(CLONE_NEWPID) before the
//           fork: it is pid 1 there, and __owner holds 1 for its lock; needs root, fails otherwise).
//   psharednspi psharedns on PI mutexes: the child's FUTEX_LOCK_PI on the parent's word fails with ESRCH
//           (the parent's tid is none in the child's namespace) and glibc parks the child for good.
//   joins   main joins a thread that joins main: both wait on the other's tid field for ever.
//   twomaps stale, with M process-shared in a memfd mapped twice: t2 locks and unlocks it through
//           one mapping, t1 and t3 wait through the other. The kernel keys a shared futex by its page:
//           t2's wake names another address than the waits' and still hands M on.
//   handoff stale, but t1, once handed M, locks N (held by t3): a real deadlock t1 <-> t3 through a
//           lock handed on while t3 waited (the owner t3 read at its wait is t2's, stale; M's owner
//           read at the end is t1).
//   reader  a thread "reader" blocks in read(2) of a pipe no one writes, main joins it: a call a
//           futex-only trace does not record, seen blocked by the look at the end.
//   shutdown "reader" blocks in read(2) of pipe A; SIGINT's handler writes to A; the reader then blocks
//           for good in read(2) of pipe B (a shutdown that hangs elsewhere). Prints "fds A B" first.
//   handoffpi handoff on PI mutexes (FUTEX_LOCK_PI: the kernel writes t1's tid into M's word).
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t m1 = PTHREAD_MUTEX_INITIALIZER, m2 = PTHREAD_MUTEX_INITIALIZER;
/* M as t2 sees it and as t1 and t3 do: m1 itself but in "twomaps". */
static pthread_mutex_t *m_holder = &m1, *m_waiters = &m1;
static pthread_barrier_t both_hold_one;
static int timed, handoff;
static volatile int t1_holds, t2_locks_n;

static void die(const char *what) { perror(what); exit(1); }

static void hung(void) {
    printf("hung %d\n", (int) getpid());
    fflush(stdout);
}

static void lock(pthread_mutex_t *m) {
    if (!timed) {
        pthread_mutex_lock(m);
        return;
    }
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 600;
    pthread_mutex_timedlock(m, &until);
}

static volatile pid_t t1_tid, t3_tid;
static volatile int t2_holds, release_m;

/* The first size-1 bytes of /proc/self/task/TID/NAME, NUL-terminated. */
static void task_file(pid_t tid, const char *name, char *buf, size_t size) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/%s", (int) tid, name);
    FILE *f = fopen(path, "r");
    if (f == NULL) die("fopen /proc/self/task");
    size_t n = fread(buf, 1, size - 1, f);
    fclose(f);
    buf[n] = 0;
}

/*
 * Until thread TID sleeps in futex, as /proc says: the order of the waits must not hang on timing.
 * Asleep (state S), not only in the call: under a tracer the call shows from its entry stop (state
 * t), before the thread is queued on the word, and a thread started later could queue first.
 */
static void await_in_futex(pid_t tid) {
    char call[32], stat[256];
    for (;;) {
        task_file(tid, "syscall", call, sizeof call);
        task_file(tid, "stat", stat, sizeof stat);
        char *state = strrchr(stat, ')');
        if (strncmp(call, "202 ", 4) == 0 && state != NULL && state[1] == ' ' && state[2] == 'S') return;
        usleep(1000);
    }
}

static void *t1(void *arg) {
    (void) arg;
    pthread_setname_np(pthread_self(), "t1");
    t1_tid = gettid();
    pthread_mutex_lock(m_waiters);
    t1_holds = 1;
    if (handoff) pthread_mutex_lock(&m2);
    sleep(600);
    return NULL;
}

static void *t2(void *arg) {
    (void) arg;
    pthread_setname_np(pthread_self(), "t2");
    pthread_mutex_lock(m_holder);
    t2_holds = 1;
    while (!release_m) usleep(1000);
    pthread_mutex_unlock(m_holder);
    while (!t1_holds) usleep(1000);
    usleep(20000);
    t2_locks_n = 1;
    pthread_mutex_lock(&m2);
    return NULL;
}

static void *t3(void *arg) {
    (void) arg;
    pthread_setname_np(pthread_self(), "t3");
    pthread_mutex_lock(&m2);
    t3_tid = gettid();
    pthread_mutex_lock(m_waiters);
    return NULL;
}

static pthread_t main_thread;

static void *joiner(void *arg) {
    (void) arg;
    pthread_setname_np(pthread_self(), "joiner");
    pthread_join(main_thread, NULL);
    return NULL;
}

static void joins(void) {
    pthread_t j;
    main_thread = pthread_self();
    if (pthread_create(&j, NULL, joiner, NULL) != 0) die("pthread_create joiner");
    hung();
    pthread_join(j, NULL);
}

static int pipe_fds[2];

static void *reader(void *arg) {
    (void) arg;
    pthread_setname_np(pthread_self(), "reader");
    char c;
    if (read(pipe_fds[0], &c, 1) < 0) die("read");
    return NULL;
}

static int shut_fds[2] = {-1, -1};

static void *shut_reader(void *arg) {
    reader(arg);
    char c;
    if (read(shut_fds[0], &c, 1) < 0) die("read");
    return NULL;
}

static void on_int(int signal) {
    (void) signal;
    if (write(pipe_fds[1], "x", 1) < 0) _exit(1);
}

static void reads(int shutdown) {
    pthread_t r;
    if (pipe(pipe_fds) != 0) die("pipe");
    if (shutdown) {
        struct sigaction sa = {.sa_handler = on_int, .sa_flags = SA_RESTART};
        if (pipe(shut_fds) != 0 || sigaction(SIGINT, &sa, NULL) != 0) die("pipe, sigaction");
        printf("fds %d %d\n", pipe_fds[0], shut_fds[0]);
    }
    if (pthread_create(&r, NULL, shutdown ? shut_reader : reader, NULL) != 0) die("pthread_create reader");
    usleep(50000);
    hung();
    pthread_join(r, NULL);
}

static void stale(void) {
    pthread_t a, b, c;
    // In this order, each step once the one before is there: t2 holds M, t1 waits for M, t3 (holding
    // N) waits for M; then t2 unlocks M (the wake hands it to t1, the first waiter).
    if (pthread_create(&b, NULL, t2, NULL) != 0) die("pthread_create t2");
    while (!t2_holds) usleep(1000);
    if (pthread_create(&a, NULL, t1, NULL) != 0) die("pthread_create t1");
    while (!t1_tid) usleep(1000);
    await_in_futex(t1_tid);
    if (pthread_create(&c, NULL, t3, NULL) != 0) die("pthread_create t3");
    while (!t3_tid) usleep(1000);
    await_in_futex(t3_tid);
    release_m = 1;
    // Said only once t1 sleeps holding M and t2 goes to lock N: then the threads in futex are t3,
    // t2 and main (its join), and t1 is not.
    while (!t1_holds || !t2_locks_n) usleep(1000);
    usleep(50000);
    hung();
    pthread_join(b, NULL);
}

static void *locker(void *arg) {
    int a = arg != NULL;
    pthread_setname_np(pthread_self(), a ? "locker-a" : "locker-b");
    pthread_mutex_lock(a ? &m1 : &m2);
    pthread_barrier_wait(&both_hold_one);
    usleep(10000);
    lock(a ? &m2 : &m1);
    return NULL;
}

static void abba(void) {
    if (pthread_barrier_init(&both_hold_one, NULL, 3) != 0) die("pthread_barrier_init");
    pthread_t a, b;
    if (pthread_create(&a, NULL, locker, (void *) 1) != 0 || pthread_create(&b, NULL, locker, NULL) != 0) die("pthread_create");
    pthread_barrier_wait(&both_hold_one);
    hung();
    pthread_join(a, NULL);
}

static void pshared(int newns, int pi) {
    struct shared { pthread_mutex_t m[2]; pthread_barrier_t both; } *s =
            mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (s == MAP_FAILED) die("mmap");
    pthread_mutexattr_t ma;
    pthread_barrierattr_t ba;
    if (pthread_mutexattr_init(&ma) != 0 || pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED) != 0
            || (pi && pthread_mutexattr_setprotocol(&ma, PTHREAD_PRIO_INHERIT) != 0)
            || pthread_mutex_init(&s->m[0], &ma) != 0 || pthread_mutex_init(&s->m[1], &ma) != 0) die("shared mutexes");
    if (pthread_barrierattr_init(&ba) != 0 || pthread_barrierattr_setpshared(&ba, PTHREAD_PROCESS_SHARED) != 0
            || pthread_barrier_init(&s->both, &ba, 2) != 0) die("shared barrier");
    if (newns && unshare(CLONE_NEWPID) != 0) die("unshare(CLONE_NEWPID)");
    pid_t child = fork();
    if (child < 0) die("fork");
    int me = child == 0;
    pthread_mutex_lock(&s->m[me]);
    pthread_barrier_wait(&s->both);
    if (!me) hung();
    usleep(10000);
    pthread_mutex_lock(&s->m[!me]);
    _exit(0);
}

static void twomaps(void) {
    int fd = memfd_create("twomaps", 0);
    if (fd < 0 || ftruncate(fd, 4096) != 0) die("memfd");
    m_holder = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    m_waiters = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (m_holder == MAP_FAILED || m_waiters == MAP_FAILED) die("mmap");
    pthread_mutexattr_t ma;
    if (pthread_mutexattr_init(&ma) != 0 || pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED) != 0
            || pthread_mutex_init(m_holder, &ma) != 0) die("shared mutex");
    stale();
}

/* M and N with the protocol asked for (PTHREAD_PRIO_INHERIT: FUTEX_LOCK_PI waits). */
static void handoffs(int pi) {
    pthread_mutexattr_t ma;
    if (pthread_mutexattr_init(&ma) != 0 || (pi && pthread_mutexattr_setprotocol(&ma, PTHREAD_PRIO_INHERIT) != 0)
            || pthread_mutex_init(&m1, &ma) != 0 || pthread_mutex_init(&m2, &ma) != 0) die("mutexes");
    handoff = 1;
    stale();
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "stale") == 0) stale();
    else if (strcmp(mode, "handoff") == 0) handoffs(0);
    else if (strcmp(mode, "reader") == 0) reads(0);
    else if (strcmp(mode, "shutdown") == 0) reads(1);
    else if (strcmp(mode, "handoffpi") == 0) handoffs(1);
    else if (strcmp(mode, "twomaps") == 0) twomaps();
    else if (strcmp(mode, "pshared") == 0) pshared(0, 0);
    else if (strcmp(mode, "psharedns") == 0) pshared(1, 0);
    else if (strcmp(mode, "psharednspi") == 0) pshared(1, 1);
    else if (strcmp(mode, "joins") == 0) joins();
    else if (strcmp(mode, "robust") == 0 || strcmp(mode, "timed") == 0) {
        timed = strcmp(mode, "timed") == 0;
        pthread_mutexattr_t ma;
        if (pthread_mutexattr_init(&ma) != 0 || (!timed && pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST) != 0)
                || pthread_mutex_init(&m1, &ma) != 0 || pthread_mutex_init(&m2, &ma) != 0) die("mutexes");
        abba();
    } else {
        fprintf(stderr, "usage: hang_owners stale|handoff|handoffpi|reader|shutdown|twomaps|robust|timed|pshared|psharedns|psharednspi|joins\n");
        return 2;
    }
    return 0;
}
