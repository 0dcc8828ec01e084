package dev.jthreadtrace.decode;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.jthreadtrace.decode.Capture.When.AT_ENTRY;
import static dev.jthreadtrace.decode.Capture.When.AT_EXIT;
import static dev.jthreadtrace.decode.ReturnStyle.FD;

/**
 * The registry rows of the calls that take a file name ({@code %file}): opening, the stat family,
 * access, readlink, directories, renaming and linking, modes, times, the working directory, and
 * their renderers. Paths are shown whole, as strace does; the fd of an *at() call with its path
 * under {@code -y}.
 */
final class FileCalls {
    static final int PATH_MAX = 4096;
    private static final ValueTable ACCESS_ZERO = ValueTable.of(0, "F_OK");
    static final FlagTable ACCESS_MODES = FlagTable.of(4, "R_OK", 2, "W_OK", 1, "X_OK");
    static final FlagTable FACCESSAT_FLAGS = FlagTable.of(0x100, "AT_SYMLINK_NOFOLLOW", 0x200, "AT_EACCESS", 0x1000, "AT_EMPTY_PATH");
    static final FlagTable RENAME_FLAGS = FlagTable.of(1, "RENAME_NOREPLACE", 2, "RENAME_EXCHANGE", 4, "RENAME_WHITEOUT");
    /** {@code d_reclen} of a {@code struct linux_dirent64} (and the old {@code linux_dirent}): after two 8-byte fields. */
    private static final int DIRENT_RECLEN = 16;

    private FileCalls() {}

    static Capture path(int arg) {
        return new Capture.CString(arg, PATH_MAX, AT_ENTRY);
    }

    static Capture fd(int arg) {
        return new Capture.ShownFdPath(arg);
    }

    static final Capture RETURNED = new Capture.ReturnedFdPath();

    static List<SyscallSpec> rows() {
        List<SyscallSpec> out = new ArrayList<>(openingAndStat());
        out.addAll(namesModesAndDirectories());
        return List.copyOf(out);
    }

    private static List<SyscallSpec> openingAndStat() {
        return List.of(
                // ---- opening
                Row.of("open").returns(FD).capture(path(0), RETURNED).render(OpenFlags::renderOpen),
                Row.of("openat").returns(FD).capture(fd(0), path(1), RETURNED).render(OpenFlags::renderOpenat),
                Row.of("creat").returns(FD).capture(path(0), RETURNED).render(OpenFlags::renderCreat),
                Row.of("openat2").returns(FD)
                        .capture(fd(0), path(1), new Capture.BytesSizedByArg(2, 3, OpenFlags.OPEN_HOW_SIZE, AT_ENTRY), RETURNED)
                        .render(OpenFlags::renderOpenat2),
                // ---- stat
                Row.of("stat").capture(path(0), new Capture.Bytes(1, StatStructs.STAT_BYTES, AT_EXIT))
                        .render((a, c, s) -> Quote.path(a[0], c, 0) + ", " + StatStructs.stat(a[1], c.bytes(1))),
                Row.of("lstat").capture(path(0), new Capture.Bytes(1, StatStructs.STAT_BYTES, AT_EXIT))
                        .render((a, c, s) -> Quote.path(a[0], c, 0) + ", " + StatStructs.stat(a[1], c.bytes(1))),
                Row.of("fstat").capture(fd(0), new Capture.Bytes(1, StatStructs.STAT_BYTES, AT_EXIT))
                        .render((a, c, s) -> Args.fd(a, c, 0) + ", " + StatStructs.stat(a[1], c.bytes(1))),
                Row.of("newfstatat").capture(fd(0), path(1), new Capture.Bytes(2, StatStructs.STAT_BYTES, AT_EXIT))
                        .render((a, c, s) -> dirPath(a, c, 0) + ", " + StatStructs.stat(a[2], c.bytes(2)) + ", " + atFlags(a[3])),
                Row.of("statx").capture(fd(0), path(1), new Capture.Bytes(4, StatStructs.STATX_BYTES, AT_EXIT))
                        .render((a, c, s) -> dirPath(a, c, 0) + ", " + StatStructs.statxFlags(a[2]) + ", "
                                + StatStructs.STATX_MASKS.render(a[3] & 0xffffffffL, "0", "STATX_") + ", "
                                + StatStructs.statx(a[4], c.bytes(4))),
                Row.of("statfs").capture(path(0), new Capture.Bytes(1, StatStructs.STATFS_BYTES, AT_EXIT))
                        .render((a, c, s) -> Quote.path(a[0], c, 0) + ", " + StatStructs.statfs(a[1], c.bytes(1))),
                Row.of("fstatfs").capture(fd(0), new Capture.Bytes(1, StatStructs.STATFS_BYTES, AT_EXIT))
                        .render((a, c, s) -> Args.fd(a, c, 0) + ", " + StatStructs.statfs(a[1], c.bytes(1))));
    }

    private static List<SyscallSpec> namesModesAndDirectories() {
        return List.of(
                // ---- access, links, directories
                Row.of("access").capture(path(0)).render((a, c, s) -> Quote.path(a[0], c, 0) + ", " + accessMode(a[1])),
                Row.of("faccessat").capture(fd(0), path(1)).render((a, c, s) -> dirPath(a, c, 0) + ", " + accessMode(a[2])),
                Row.of("faccessat2").capture(fd(0), path(1)).render((a, c, s) -> dirPath(a, c, 0) + ", " + accessMode(a[2])
                        + ", " + FACCESSAT_FLAGS.render(a[3] & 0xffffffffL, "0", "AT_")),
                Row.of("readlink").capture(path(0), new Capture.BytesSizedByReturn(1, Capture.SHOWN))
                        .render((a, c, s) -> Quote.path(a[0], c, 0) + ", " + Quote.buffer(a[1], c.bytes(1), s) + ", " + Args.ulong(a[2])),
                Row.of("readlinkat").capture(fd(0), path(1), new Capture.BytesSizedByReturn(2, Capture.SHOWN))
                        .render((a, c, s) -> dirPath(a, c, 0) + ", " + Quote.buffer(a[2], c.bytes(2), s) + ", " + Args.ulong(a[3])),
                Row.of("getdents64").capture(fd(0), new Capture.Gather(1, AT_EXIT, FileCalls::countDirents))
                        .render((a, c, s) -> Args.fd(a, c, 0) + ", " + dirents(a[1], c.bytes(1)) + ", " + Args.uintArg(a[2])),
                Row.of("getdents").capture(fd(0), new Capture.Gather(1, AT_EXIT, FileCalls::countDirents))
                        .render((a, c, s) -> Args.fd(a, c, 0) + ", " + dirents(a[1], c.bytes(1)) + ", " + Args.uintArg(a[2])),
                Row.of("mkdir").capture(path(0)).render((a, c, s) -> Quote.path(a[0], c, 0) + ", " + StatStructs.octalMode(a[1] & 07777)),
                Row.of("mkdirat").capture(fd(0), path(1))
                        .render((a, c, s) -> dirPath(a, c, 0) + ", " + StatStructs.octalMode(a[2] & 07777)),
                Row.of("rmdir").capture(path(0)).render((a, c, s) -> Quote.path(a[0], c, 0)),
                Row.of("unlink").capture(path(0)).render((a, c, s) -> Quote.path(a[0], c, 0)),
                Row.of("unlinkat").capture(fd(0), path(1)).render((a, c, s) -> dirPath(a, c, 0) + ", " + atFlags(a[2])),
                Row.of("rename").capture(path(0), path(1)).render((a, c, s) -> Quote.path(a[0], c, 0) + ", " + Quote.path(a[1], c, 1)),
                Row.of("renameat").capture(fd(0), path(1), fd(2), path(3))
                        .render((a, c, s) -> dirPath(a, c, 0) + ", " + dirPath(a, c, 2)),
                Row.of("renameat2").capture(fd(0), path(1), fd(2), path(3))
                        .render((a, c, s) -> dirPath(a, c, 0) + ", " + dirPath(a, c, 2) + ", "
                                + RENAME_FLAGS.render(a[4] & 0xffffffffL, "0", "RENAME_")),
                Row.of("link").capture(path(0), path(1)).render((a, c, s) -> Quote.path(a[0], c, 0) + ", " + Quote.path(a[1], c, 1)),
                Row.of("linkat").capture(fd(0), path(1), fd(2), path(3))
                        .render((a, c, s) -> dirPath(a, c, 0) + ", " + dirPath(a, c, 2) + ", " + atFlags(a[4])),
                Row.of("symlink").capture(path(0), path(1)).render((a, c, s) -> Quote.path(a[0], c, 0) + ", " + Quote.path(a[1], c, 1)),
                Row.of("symlinkat").capture(path(0), fd(1), path(2))
                        .render((a, c, s) -> Quote.path(a[0], c, 0) + ", " + dirPath(a, c, 1)),
                // ---- modes, owners, sizes, times
                Row.of("chmod").capture(path(0)).render((a, c, s) -> Quote.path(a[0], c, 0) + ", " + StatStructs.octalMode(a[1] & 0xffffffffL)),
                Row.of("fchmod").capture(fd(0)).render((a, c, s) -> Args.fd(a, c, 0) + ", " + StatStructs.octalMode(a[1] & 0xffffffffL)),
                Row.of("fchmodat").capture(fd(0), path(1))
                        .render((a, c, s) -> dirPath(a, c, 0) + ", " + StatStructs.octalMode(a[2] & 0xffffffffL)),
                Row.of("chown").capture(path(0)).render((a, c, s) -> Quote.path(a[0], c, 0) + ", " + id(a[1]) + ", " + id(a[2])),
                Row.of("lchown").capture(path(0)).render((a, c, s) -> Quote.path(a[0], c, 0) + ", " + id(a[1]) + ", " + id(a[2])),
                Row.of("fchown").capture(fd(0)).render((a, c, s) -> Args.fd(a, c, 0) + ", " + id(a[1]) + ", " + id(a[2])),
                Row.of("fchownat").capture(fd(0), path(1))
                        .render((a, c, s) -> dirPath(a, c, 0) + ", " + id(a[2]) + ", " + id(a[3]) + ", " + atFlags(a[4])),
                Row.of("truncate").capture(path(0)).render((a, c, s) -> Quote.path(a[0], c, 0) + ", " + a[1]),
                Row.of("utimensat").capture(fd(0), path(1), new Capture.Bytes(2, 2 * Times.TIMESPEC, AT_ENTRY))
                        .render((a, c, s) -> dirPath(a, c, 0) + ", " + Times.utimes(a[2], c.bytes(2)) + ", " + atFlags(a[3])),
                Row.of("umask").returns(ReturnStyle.OCTAL).render((a, c, s) -> StatStructs.octalMode(a[0] & 0xffffffffL)),
                // ---- the working directory, extended attributes
                Row.of("chdir").capture(path(0)).render((a, c, s) -> Quote.path(a[0], c, 0)),
                Row.of("fchdir").capture(fd(0)).render((a, c, s) -> Args.fd(a, c, 0)),
                Row.of("getcwd").capture(new Capture.CString(0, PATH_MAX, AT_EXIT))
                        .render((a, c, s) -> Quote.path(a[0], c, 0) + ", " + Args.ulong(a[1])),
                Row.of("getxattr").capture(xattr()).render((a, c, s) -> Quote.path(a[0], c, 0) + ", " + xattrRest(a, c, s)),
                Row.of("lgetxattr").capture(xattr()).render((a, c, s) -> Quote.path(a[0], c, 0) + ", " + xattrRest(a, c, s)),
                Row.of("fgetxattr").capture(fd(0), new Capture.CString(1, Capture.SHOWN, AT_ENTRY),
                                new Capture.BytesSizedByReturn(2, Capture.SHOWN))
                        .render((a, c, s) -> Args.fd(a, c, 0) + ", " + xattrRest(a, c, s)));
    }

    /** {@code dirfd, "path"} of an *at() call, the fd in {@code slot} and the path in the next. */
    static String dirPath(long[] a, Captures c, int slot) {
        return Args.dirfd(a[slot], c.fdPath(slot)) + ", " + Quote.path(a[slot + 1], c, slot + 1);
    }

    static String atFlags(long flags) {
        return StatStructs.AT_FLAGS.render(flags & 0xffffffffL, "0", "AT_");
    }

    /** {@code F_OK}, {@code R_OK|W_OK}. */
    static String accessMode(long mode) {
        return mode == 0 ? ACCESS_ZERO.nameOrNull(0) : ACCESS_MODES.render(mode & 0xffffffffL, "0", "?_OK");
    }

    /** A user or group id: {@code -1} for "unchanged", else unsigned. */
    static String id(long value) {
        int v = (int) value;
        return v == -1 ? "-1" : Integer.toUnsignedString(v);
    }

    private static Capture[] xattr() {
        return new Capture[] {path(0), new Capture.CString(1, Capture.SHOWN, AT_ENTRY), new Capture.BytesSizedByReturn(2, Capture.SHOWN)};
    }

    /** {@code "name", "value", size}: the value as strace prints it (its trailing NUL left out), the pointer on failure. */
    private static String xattrRest(long[] a, Captures c, int s) {
        byte[] value = c.bytes(2);
        if (value != null && value.length > 0 && value.length <= s && value[value.length - 1] == 0) {
            value = Arrays.copyOf(value, value.length - 1);
        }
        return Quote.buffer(a[1], c.bytes(1), s) + ", " + Quote.buffer(a[2], value, s) + ", " + Args.ulong(a[3]);
    }

    /** At getdents' exit: how many directory entries the kernel wrote (their {@code d_reclen} chain). */
    private static byte[] countDirents(MemoryReader memory, long[] args, long ret) {
        if (ret < 0) return null;
        byte[] buffer = ret == 0 ? new byte[0] : memory.read(args[1], (int) Math.min(ret, Integer.MAX_VALUE));
        if (buffer == null) return null;
        ByteBuffer b = Args.le(buffer);
        int count = 0;
        for (int at = 0; at + DIRENT_RECLEN + 2 <= buffer.length; count++) {
            int reclen = b.getShort(at + DIRENT_RECLEN) & 0xffff;
            if (reclen == 0) break;
            at += reclen;
        }
        return new Chunks.Writer().add(Args.le(new byte[4]).putInt(0, count).array()).bytes();
    }

    /** {@code 0x55d0c2a8 /* 6 entries *&#47;}; the pointer alone when the call failed. */
    private static String dirents(long pointer, byte[] gathered) {
        byte[] count = new Chunks.Reader(gathered).next();
        if (count == null || count.length < 4) return Args.pointer(pointer);
        return Args.pointer(pointer) + " /* " + Args.le(count).getInt(0) + " entries */";
    }
}
