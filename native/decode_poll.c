// Makes each polling, eventfd, timerfd and sleeping syscall jthreadtrace decodes, with timeouts
// that make every call return at once or after a short fixed time, for comparing its lines with
// strace's (StraceClassesIT).
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define S(...) syscall(__VA_ARGS__)

static void polling(void) {
    int p[2];
    S(SYS_pipe2, p, O_CLOEXEC);
    struct pollfd fds[3] = {{.fd = p[0], .events = POLLIN | POLLPRI}, {.fd = p[1], .events = POLLOUT}, {.fd = -1, .events = POLLIN}};
    S(SYS_poll, fds, 3, 0);
    S(SYS_write, p[1], "x", 1);
    S(SYS_poll, fds, 1, 10);
    struct timespec zero = {0, 0}, ms = {0, 1000000};
    uint64_t mask = 1ULL << (SIGUSR1 - 1);
    S(SYS_ppoll, fds, 2, &zero, &mask, 8);
    S(SYS_ppoll, fds + 2, 1, &ms, NULL, 8);
    S(SYS_ppoll, NULL, 0, &zero, NULL, 8);

    fd_set rd, wr;
    FD_ZERO(&rd);
    FD_ZERO(&wr);
    FD_SET(p[0], &rd);
    FD_SET(p[1], &wr);
    struct timeval tv = {0, 5000};
    S(SYS_select, p[1] + 1, &rd, &wr, NULL, &tv);
    char c;
    S(SYS_read, p[0], &c, 1);
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    tv.tv_sec = 0;
    tv.tv_usec = 2000;
    S(SYS_select, p[0] + 1, &rd, NULL, NULL, &tv);
    FD_SET(p[0], &rd);
    struct { const uint64_t *set; size_t size; } sigs = {&mask, 8};
    S(SYS_pselect6, p[0] + 1, &rd, NULL, NULL, &zero, &sigs);
    S(SYS_pselect6, 0, NULL, NULL, NULL, &ms, NULL);

    long ep = S(SYS_epoll_create1, EPOLL_CLOEXEC);
    long ep2 = S(SYS_epoll_create, 4);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.u64 = 0x1122334455667788ULL};
    S(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, p[0], &ev);
    ev.events = EPOLLOUT;
    ev.data.fd = p[1];
    S(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, p[1], &ev);
    ev.events = EPOLLOUT | EPOLLONESHOT;
    S(SYS_epoll_ctl, ep, EPOLL_CTL_MOD, p[1], &ev);
    S(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, p[1], &ev);
    struct epoll_event out[8];
    S(SYS_epoll_wait, ep, out, 8, 0);
    S(SYS_write, p[1], "y", 1);
    S(SYS_epoll_pwait, ep, out, 8, 5, &mask, 8);
    S(SYS_epoll_pwait, ep, out, 8, 0, NULL, 8);
    S(SYS_epoll_pwait2, ep, out, 8, &zero, NULL, 8);
    S(SYS_epoll_ctl, ep, EPOLL_CTL_DEL, p[0], NULL);
    S(SYS_close, ep2);
    S(SYS_close, ep);
    S(SYS_close, p[0]);
    S(SYS_close, p[1]);
}

static void events_and_timers(void) {
    long efd = S(SYS_eventfd2, 3, EFD_CLOEXEC | EFD_NONBLOCK);
    uint64_t v = 2;
    S(SYS_write, efd, &v, sizeof v);
    S(SYS_read, efd, &v, sizeof v);
    S(SYS_read, efd, &v, sizeof v);
    S(SYS_close, efd);
    S(SYS_eventfd2, 0, 0);
    S(SYS_eventfd, 1);

    long tfd = S(SYS_timerfd_create, CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    struct itimerspec its = {.it_interval = {0, 0}, .it_value = {0, 2000000}}, old;
    S(SYS_timerfd_settime, tfd, 0, &its, &old);
    S(SYS_timerfd_gettime, tfd, &old);
    uint64_t ticks;
    struct pollfd pfd = {.fd = (int) tfd, .events = POLLIN};
    S(SYS_poll, &pfd, 1, 1000);
    S(SYS_read, tfd, &ticks, sizeof ticks);
    struct itimerspec absolute = {.it_interval = {1, 500}, .it_value = {1, 0}};
    S(SYS_timerfd_settime, tfd, TFD_TIMER_ABSTIME, &absolute, NULL);
    S(SYS_close, tfd);
    S(SYS_timerfd_create, CLOCK_REALTIME, 0);
    S(SYS_timerfd_create, 99, 0);
}

static void sleeping(void) {
    struct timespec d = {0, 1000}, rem, res;
    S(SYS_nanosleep, &d, &rem);
    S(SYS_nanosleep, &d, NULL);
    S(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &d, &rem);
    struct timespec past = {1, 0};
    S(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &past, NULL);
    struct timespec bad = {0, 2000000000};
    S(SYS_nanosleep, &bad, NULL);
    S(SYS_clock_getres, CLOCK_MONOTONIC, &res);
    S(SYS_clock_getres, CLOCK_BOOTTIME_ALARM, NULL);
    S(SYS_clock_getres, 1234, &res);
    S(SYS_clock_settime, 1234, &res);
    S(SYS_clock_gettime, CLOCK_REALTIME, &res);
    S(SYS_clock_gettime, CLOCK_PROCESS_CPUTIME_ID, &res);
    struct timeval tv;
    S(SYS_gettimeofday, &tv, NULL);
    S(SYS_time, NULL);
    struct itimerval it;
    S(SYS_getitimer, ITIMER_VIRTUAL, &it);
    S(SYS_alarm, 0);
    S(SYS_sched_yield);
}

int main(void) {
    polling();
    events_and_timers();
    sleeping();
    return 0;
}
