// Makes each socket syscall jthreadtrace decodes, over AF_INET (TCP and UDP on 127.0.0.1),
// AF_INET6 (::1, when the host has it) and AF_UNIX (a socketpair, a path and an abstract name,
// SCM_RIGHTS), for comparing its lines with strace's (StraceClassesIT). Run in a fresh directory
// (argv[1]) for the socket path.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#define S(...) syscall(__VA_ARGS__)

static void tcp(void) {
    long srv = S(SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
    int one = 1, value = 0;
    socklen_t len = sizeof value;
    S(SYS_setsockopt, srv, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    S(SYS_bind, srv, &addr, sizeof addr);
    S(SYS_listen, srv, 8);
    socklen_t alen = sizeof addr;
    S(SYS_getsockname, srv, &addr, &alen);
    long cli = S(SYS_socket, AF_INET, SOCK_STREAM, 0);
    S(SYS_connect, cli, &addr, sizeof addr);
    S(SYS_setsockopt, cli, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    S(SYS_getsockopt, cli, SOL_SOCKET, SO_ERROR, &value, &len);
    len = sizeof value;
    S(SYS_getsockopt, cli, SOL_SOCKET, SO_TYPE, &value, &len);
    len = sizeof value;
    S(SYS_getsockopt, cli, IPPROTO_TCP, TCP_NODELAY, &value, &len);
    struct sockaddr_in peer;
    socklen_t plen = sizeof peer;
    long acc = S(SYS_accept, srv, &peer, &plen);
    S(SYS_getpeername, acc, &peer, &plen);
    S(SYS_sendto, cli, "ping\n", 5, MSG_NOSIGNAL, NULL, 0);
    char buf[64];
    S(SYS_recvfrom, acc, buf, sizeof buf, 0, NULL, NULL);
    S(SYS_recvfrom, acc, buf, sizeof buf, MSG_DONTWAIT, NULL, NULL);
    S(SYS_shutdown, cli, SHUT_WR);
    S(SYS_recvfrom, acc, buf, sizeof buf, 0, NULL, NULL);
    long cli2 = S(SYS_socket, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    S(SYS_connect, cli2, &addr, sizeof addr);
    long acc2 = S(SYS_accept4, srv, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    S(SYS_fcntl, srv, F_SETFL, O_NONBLOCK);
    S(SYS_accept4, srv, NULL, NULL, SOCK_NONBLOCK);
    S(SYS_shutdown, acc2, SHUT_RDWR);
    S(SYS_close, acc2);
    S(SYS_close, cli2);
    S(SYS_close, acc);
    S(SYS_close, cli);
    S(SYS_close, srv);
}

static void udp(void) {
    long a = S(SYS_socket, AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    S(SYS_bind, a, &addr, sizeof addr);
    socklen_t alen = sizeof addr;
    S(SYS_getsockname, a, &addr, &alen);
    long b = S(SYS_socket, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
    S(SYS_sendto, b, "datagram", 8, 0, &addr, sizeof addr);
    char buf[64];
    struct sockaddr_in from;
    socklen_t flen = sizeof from;
    S(SYS_recvfrom, a, buf, sizeof buf, 0, &from, &flen);
    int rcvbuf = 65536;
    S(SYS_setsockopt, a, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    S(SYS_close, b);
    S(SYS_close, a);

    long six = S(SYS_socket, AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = htons(0), .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    if (six >= 0 && S(SYS_bind, six, &a6, sizeof a6) == 0) {
        socklen_t len6 = sizeof a6;
        S(SYS_getsockname, six, &a6, &len6);
        S(SYS_sendto, six, "six", 3, 0, &a6, sizeof a6);
        S(SYS_recvfrom, six, buf, sizeof buf, 0, &a6, &len6);
    }
    struct sockaddr_in6 any6 = {.sin6_family = AF_INET6, .sin6_port = htons(9), .sin6_flowinfo = htonl(7)};
    inet_pton(AF_INET6, "2001:db8::1", &any6.sin6_addr);
    S(SYS_connect, six, &any6, sizeof any6);
    S(SYS_close, six);
}

static void unix_sockets(void) {
    int sv[2];
    S(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, sv);
    struct iovec iov[2] = {{(void *) "first ", 6}, {(void *) "second", 6}};
    int passed = 0;
    char control[CMSG_SPACE(sizeof(int))];
    memset(control, 0, sizeof control);
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2, .msg_control = control, .msg_controllen = sizeof control};
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &passed, sizeof passed);
    S(SYS_sendmsg, sv[0], &msg, 0);
    char in1[4], in2[32], incontrol[CMSG_SPACE(sizeof(int))];
    struct iovec riov[2] = {{in1, sizeof in1}, {in2, sizeof in2}};
    struct msghdr rmsg = {.msg_iov = riov, .msg_iovlen = 2, .msg_control = incontrol, .msg_controllen = sizeof incontrol};
    long got = S(SYS_recvmsg, sv[1], &rmsg, MSG_CMSG_CLOEXEC);
    if (got > 0 && rmsg.msg_controllen > 0) {
        int fd;
        memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&rmsg)), sizeof fd);
        S(SYS_close, fd);
    }
    struct msghdr plain = {.msg_iov = iov, .msg_iovlen = 1};
    S(SYS_sendmsg, sv[1], &plain, MSG_DONTWAIT);
    S(SYS_recvmsg, sv[0], &rmsg, 0);
    S(SYS_recvmsg, sv[0], &rmsg, MSG_DONTWAIT);
    S(SYS_close, sv[0]);
    S(SYS_close, sv[1]);
    S(SYS_socketpair, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv);
    S(SYS_close, sv[0]);
    S(SYS_close, sv[1]);

    long u = S(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un path = {.sun_family = AF_UNIX};
    strcpy(path.sun_path, "sock");
    S(SYS_bind, u, &path, offsetof(struct sockaddr_un, sun_path) + 5);
    S(SYS_listen, u, 1);
    long c = S(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
    S(SYS_connect, c, &path, sizeof path);
    struct sockaddr_un who;
    socklen_t wlen = sizeof who;
    long a = S(SYS_accept, u, &who, &wlen);
    wlen = sizeof who;
    S(SYS_getsockname, a, &who, &wlen);
    S(SYS_close, a);
    S(SYS_close, c);
    S(SYS_close, u);
    S(SYS_unlink, "sock");

    long abs = S(SYS_socket, AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un hidden = {.sun_family = AF_UNIX};
    memcpy(hidden.sun_path, "\0jtt-abstract", 13);
    S(SYS_bind, abs, &hidden, offsetof(struct sockaddr_un, sun_path) + 13);
    S(SYS_close, abs);
    S(SYS_socket, 12345, SOCK_STREAM, 0);
    S(SYS_connect, 999, &path, sizeof path);
}

static void interfaces(void) {
    long s = S(SYS_socket, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq reqs[8];
    struct ifconf conf = {.ifc_len = 0, .ifc_buf = NULL};
    S(SYS_ioctl, s, SIOCGIFCONF, &conf);
    conf.ifc_len = sizeof reqs;
    conf.ifc_req = reqs;
    S(SYS_ioctl, s, SIOCGIFCONF, &conf);
    struct ifreq lo;
    memset(&lo, 0, sizeof lo);
    strcpy(lo.ifr_name, "lo");
    S(SYS_ioctl, s, SIOCGIFFLAGS, &lo);
    S(SYS_ioctl, s, SIOCGIFINDEX, &lo);
    S(SYS_ioctl, s, SIOCGIFMTU, &lo);
    S(SYS_ioctl, s, SIOCGIFADDR, &lo);
    S(SYS_ioctl, s, SIOCGIFNETMASK, &lo);
    struct ifreq none;
    memset(&none, 0, sizeof none);
    strcpy(none.ifr_name, "jtt-none0");
    S(SYS_ioctl, s, SIOCGIFFLAGS, &none);
    S(SYS_close, s);
}

int main(int argc, char **argv) {
    if (argc > 1 && chdir(argv[1]) != 0) return 2;
    tcp();
    udp();
    unix_sockets();
    interfaces();
    return 0;
}
