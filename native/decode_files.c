// Makes each file and descriptor syscall jthreadtrace decodes, with a mix of flags, successes and
// errors, for comparing its lines with strace's (StraceClassesIT). Run with a fresh empty directory
// as argv[1]: every path after the chdir is relative, so the lines do not depend on where it is.
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/openat2.h>
#include <linux/stat.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <termios.h>
#include <unistd.h>

#define S(...) syscall(__VA_ARGS__)

static void files(void) {
    static const char data[] = "hello\n\t\"quoted\"\\ \001\0377\r\f\v end";
    char buf[256];
    long fd = S(SYS_openat, AT_FDCWD, "a.txt", O_RDWR | O_CREAT | O_EXCL, 0600);
    S(SYS_write, fd, data, sizeof data - 1);
    S(SYS_write, fd, "a string longer than thirty-two bytes, cut by -s", 49);
    S(SYS_pwrite64, fd, "XY", 2, 3);
    struct iovec out[2] = {{(void *) "vec1", 4}, {(void *) "vector two\n", 11}};
    S(SYS_writev, fd, out, 2);
    S(SYS_lseek, fd, 0, SEEK_SET);
    S(SYS_lseek, fd, (long) -2, SEEK_END);
    S(SYS_lseek, fd, 1, SEEK_CUR);
    S(SYS_lseek, fd, 0, 42);
    S(SYS_lseek, fd, 0, SEEK_SET);
    S(SYS_read, fd, buf, 10);
    S(SYS_read, fd, buf, sizeof buf);
    S(SYS_read, fd, buf, sizeof buf);
    S(SYS_pread64, fd, buf, 6, 0);
    char one[3], two[64];
    struct iovec in[2] = {{one, sizeof one}, {two, sizeof two}};
    S(SYS_preadv, fd, in, 2, 0, 0);
    S(SYS_lseek, fd, 4, SEEK_SET);
    S(SYS_readv, fd, in, 2);
    S(SYS_read, 999, buf, 1);
    struct stat st;
    S(SYS_fstat, fd, &st);
    S(SYS_close, fd);
    S(SYS_close, fd);

    long b = S(SYS_open, "b.txt", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    S(SYS_close, b);
    long c = S(SYS_creat, "c.txt", 0600);
    S(SYS_close, c);
    S(SYS_open, "missing", O_RDONLY);
    S(SYS_open, "a.txt", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_LARGEFILE);
    struct open_how how = {.flags = O_RDONLY | O_CLOEXEC, .mode = 0, .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH};
    long o2 = S(SYS_openat2, AT_FDCWD, "a.txt", &how, sizeof how);
    S(SYS_close, o2);
    struct open_how bad = {.flags = O_RDONLY, .mode = 0, .resolve = 0x40};
    S(SYS_openat2, AT_FDCWD, "a.txt", &bad, sizeof bad);

    S(SYS_stat, "a.txt", &st);
    S(SYS_stat, "missing", &st);
    S(SYS_symlink, "a.txt", "link");
    S(SYS_lstat, "link", &st);
    S(SYS_stat, "/dev/null", &st);
    S(SYS_newfstatat, AT_FDCWD, "link", &st, AT_SYMLINK_NOFOLLOW);
    S(SYS_newfstatat, AT_FDCWD, "a.txt", &st, 0);
    struct statx stx;
    S(SYS_statx, AT_FDCWD, "a.txt", AT_STATX_SYNC_AS_STAT, STATX_BASIC_STATS, &stx);
    S(SYS_statx, AT_FDCWD, "missing", AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_SIZE, &stx);
    S(SYS_access, "a.txt", R_OK | W_OK);
    S(SYS_access, "missing", F_OK);
    S(SYS_faccessat, AT_FDCWD, "a.txt", X_OK);
    S(SYS_faccessat2, AT_FDCWD, "a.txt", R_OK, AT_EACCESS | AT_SYMLINK_NOFOLLOW);
    S(SYS_readlink, "link", buf, sizeof buf);
    S(SYS_readlinkat, AT_FDCWD, "link", buf, 2);
    S(SYS_readlink, "a.txt", buf, sizeof buf);
    struct statfs sfs;
    S(SYS_statfs, "/proc", &sfs);
}

static void descriptors(void) {
    long fd = S(SYS_openat, AT_FDCWD, "a.txt", O_RDWR);
    S(SYS_fcntl, fd, F_GETFD);
    S(SYS_fcntl, fd, F_SETFD, FD_CLOEXEC);
    S(SYS_fcntl, fd, F_GETFD);
    S(SYS_fcntl, fd, F_GETFL);
    S(SYS_fcntl, fd, F_SETFL, O_NONBLOCK | O_APPEND);
    S(SYS_fcntl, fd, F_GETFL);
    long d1 = S(SYS_fcntl, fd, F_DUPFD, 10);
    long d2 = S(SYS_fcntl, fd, F_DUPFD_CLOEXEC, 20);
    struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 4};
    S(SYS_fcntl, fd, F_SETLK, &lock);
    S(SYS_fcntl, fd, F_GETLK, &lock);
    S(SYS_fcntl, fd, 1234, 5);
    S(SYS_flock, fd, LOCK_EX | LOCK_NB);
    S(SYS_flock, fd, LOCK_UN);
    S(SYS_fadvise64, fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    S(SYS_ftruncate, fd, 16);
    S(SYS_fchown, fd, -1, -1);
    S(SYS_fchmod, fd, 0600);
    char value[8];
    S(SYS_fgetxattr, fd, "user.none", value, sizeof value);
    S(SYS_syncfs, fd);
    S(SYS_fsync, fd);
    S(SYS_fdatasync, fd);
    struct statfs sfs;
    long proc = S(SYS_open, "/proc", O_RDONLY | O_DIRECTORY);
    S(SYS_fstatfs, proc, &sfs);
    S(SYS_close, proc);
    long d3 = S(SYS_dup, fd);
    S(SYS_dup2, fd, 30);
    S(SYS_dup3, fd, 31, O_CLOEXEC);
    S(SYS_dup2, 999, 32);
    int ioc = 0;
    struct termios tio;
    struct winsize ws;
    S(SYS_ioctl, fd, TCGETS, &tio);
    S(SYS_ioctl, fd, TIOCGWINSZ, &ws);
    S(SYS_ioctl, fd, FIOCLEX);
    S(SYS_ioctl, fd, FIONCLEX);
    S(SYS_ioctl, fd, _IOC(_IOC_READ, 0x99, 0x12, 4), &ioc);
    S(SYS_ioctl, fd, 0x12345, 0);
    int fds[2];
    S(SYS_pipe, fds);
    S(SYS_write, fds[1], "abc", 3);
    S(SYS_ioctl, fds[0], FIONREAD, &ioc);
    ioc = 1;
    S(SYS_ioctl, fds[0], FIONBIO, &ioc);
    S(SYS_fcntl, fds[0], F_GETPIPE_SZ);
    S(SYS_close, fds[0]);
    S(SYS_close, fds[1]);
    S(SYS_pipe2, fds, O_CLOEXEC | O_NONBLOCK);
    S(SYS_close, fds[0]);
    S(SYS_close, fds[1]);
    long dir = S(SYS_open, ".", O_RDONLY | O_DIRECTORY);
    char dents[4096];
    S(SYS_getdents64, dir, dents, sizeof dents);
    S(SYS_getdents64, dir, dents, sizeof dents);
    S(SYS_lseek, dir, 0, SEEK_SET);
    S(SYS_getdents, dir, dents, sizeof dents);
    long copy = S(SYS_openat, AT_FDCWD, "copy.txt", O_RDWR | O_CREAT | O_TRUNC, 0600);
    loff_t from = 0;
    S(SYS_copy_file_range, fd, &from, copy, NULL, 8, 0);
    off_t at = 2;
    S(SYS_sendfile, copy, fd, &at, 4);
    S(SYS_sendfile, copy, fd, NULL, 4);
    struct iovec two[2] = {{(void *) "ab", 2}, {(void *) "cd", 2}};
    S(SYS_pwritev, copy, two, 2, 0, 0);
    S(SYS_pwritev2, copy, two, 1, 4, 0, RWF_DSYNC);
    char x1[2], x2[8];
    struct iovec back[2] = {{x1, sizeof x1}, {x2, sizeof x2}};
    S(SYS_preadv2, copy, back, 2, 0, 0, 0);
    S(SYS_close, copy);
    S(SYS_unlink, "copy.txt");
    S(SYS_close, d1);
    S(SYS_close, d2);
    S(SYS_close, d3);
    S(SYS_close, 30);
    S(SYS_close, 31);
    S(SYS_close, fd);

    S(SYS_mkdir, "d", 0755);
    S(SYS_mkdir, "d", 0755);
    S(SYS_mkdirat, dir, "d/e", 0700);
    S(SYS_rename, "c.txt", "d/c.txt");
    S(SYS_renameat, AT_FDCWD, "d/c.txt", dir, "c2.txt");
    S(SYS_renameat2, AT_FDCWD, "c2.txt", AT_FDCWD, "b.txt", RENAME_NOREPLACE);
    S(SYS_link, "a.txt", "hard");
    S(SYS_linkat, AT_FDCWD, "a.txt", dir, "hard2", 0);
    S(SYS_symlinkat, "a.txt", dir, "link2");
    S(SYS_unlink, "hard");
    S(SYS_unlinkat, dir, "hard2", 0);
    S(SYS_unlinkat, AT_FDCWD, "d/e", AT_REMOVEDIR);
    S(SYS_rmdir, "d");
    S(SYS_rmdir, "d");
    S(SYS_chmod, "a.txt", 0640);
    S(SYS_chown, "a.txt", (long) getuid(), -1);
    S(SYS_lchown, "link2", -1, (long) getgid());
    S(SYS_fchownat, AT_FDCWD, "a.txt", -1, -1, AT_SYMLINK_NOFOLLOW);
    char xattr[64];
    S(SYS_getxattr, "a.txt", "user.none", xattr, sizeof xattr);
    S(SYS_lgetxattr, "link2", "user.none", xattr, sizeof xattr);
    S(SYS_fchmodat, AT_FDCWD, "a.txt", 04755);
    S(SYS_truncate, "a.txt", 8);
    S(SYS_utimensat, AT_FDCWD, "a.txt", NULL, 0);
    S(SYS_umask, 027);
    S(SYS_umask, 022);
    S(SYS_chdir, "missing");
    S(SYS_fchdir, dir);
    S(SYS_getcwd, dents, 1);
    S(SYS_getcwd, dents, sizeof dents);
    S(SYS_close, dir);
}

int main(int argc, char **argv) {
    if (argc > 1 && chdir(argv[1]) != 0) return 2;
    files();
    descriptors();
    return 0;
}
