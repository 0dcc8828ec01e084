package dev.jthreadtrace.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * System calls on a path given as bytes or a NUL-terminated segment, never a Java {@code String}
 * or {@code Path}: a file name is bytes to the kernel, and under the C locale the JVM cannot even
 * make a {@code Path} of a name that is not ASCII.
 */
public final class PathCalls {
    /** x86-64 system call numbers (arch/x86/entry/syscalls/syscall_64.tbl). */
    private static final long SYS_STATFS = 137, SYS_GETXATTR = 191, SYS_NEWFSTATAT = 262, SYS_FACCESSAT = 269;

    private PathCalls() {}

    /** {@code struct statfs} on x86-64 is 120 bytes; {@code f_type} is its first field. */
    private static final long STATFS_SIZE = 120;
    private static final ThreadLocal<MemorySegment> STATFS_BUFFER = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(STATFS_SIZE, 8));

    /**
     * {@code int statfs(const char *path, struct statfs *buf);}: the file system type ({@code f_type},
     * e.g. PROC_SUPER_MAGIC) of the file at the NUL-terminated {@code path}, links followed; -1 when it
     * cannot be read.
     */
    public static long statfsType(MemorySegment path) {
        MemorySegment buf = STATFS_BUFFER.get();
        long n = Libc.syscall(Libc.callState(), SYS_STATFS, path.address(), buf.address(), 0, 0, 0, 0);
        return n < 0 ? -1 : buf.get(JAVA_LONG, 0);
    }

    /** {@code struct stat} on x86-64 is 144 bytes; {@code st_mode}, {@code st_uid}, {@code st_gid} are the 32-bit words at 24, 28, 32. */
    private static final long STAT_SIZE = 144, ST_MODE = 24, ST_UID = 28, ST_GID = 32;
    /** {@code f_flags} of {@code struct statfs}, after ten 64-bit fields; ST_NOSUID is its bit 1. */
    private static final long F_FLAGS = 80, ST_NOSUID = 2;
    private static final int X_OK = 1;

    /** A file's mode bits and owners, as {@code stat} gives them. */
    public record FileIds(int mode, int uid, int gid) {
        public static final int S_ISUID = 04000, S_ISGID = 02000;

        public boolean setUid() {
            return (mode & S_ISUID) != 0;
        }

        /** Set-group-ID and group-executable: without the x bit the bit means mandatory locking, not an id. */
        public boolean setGid() {
            return (mode & S_ISGID) != 0 && (mode & 010) != 0;
        }
    }

    /**
     * {@code fstatat(AT_FDCWD, path, &st, 0)}: the {@code st_mode} of the file at {@code path}
     * (bytes, no NUL; links followed), or -1 when there is none. Bytes, so that a name the JVM's
     * charset cannot decode (any non-ASCII name under the C locale) is found as the kernel finds it.
     */
    public static int fileMode(byte[] path) {
        FileIds ids = fileIds(path);
        return ids == null ? -1 : ids.mode();
    }

    /** The same {@code stat}: the mode and owners of the file at {@code path}, or null when there is none. */
    public static FileIds fileIds(byte[] path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = nulTerminated(arena, path);
            MemorySegment st = arena.allocate(STAT_SIZE, 8);
            long n = Libc.syscall(Libc.callState(), SYS_NEWFSTATAT, Libc.AT_FDCWD, name.address(), st.address(), 0, 0, 0);
            return n < 0 ? null : new FileIds(st.get(JAVA_INT, ST_MODE), st.get(JAVA_INT, ST_UID), st.get(JAVA_INT, ST_GID));
        }
    }

    /** Whether the file system holding {@code path} is mounted nosuid (its set-id bits and file capabilities count for nothing). */
    public static boolean onNosuidMount(byte[] path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(STATFS_SIZE, 8);
            long n = Libc.syscall(Libc.callState(), SYS_STATFS, nulTerminated(arena, path).address(), buf.address(), 0, 0, 0, 0);
            return n == 0 && (buf.get(JAVA_LONG, F_FLAGS) & ST_NOSUID) != 0;
        }
    }

    /** Whether the file at {@code path} has the extended attribute {@code name} ({@code getxattr} with no buffer: its size). */
    public static boolean hasAttribute(byte[] path, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attribute = nulTerminated(arena, name.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return Libc.syscall(Libc.callState(), SYS_GETXATTR, nulTerminated(arena, path).address(), attribute.address(), 0, 0, 0, 0) >= 0;
        }
    }

    /** {@code access(path, X_OK) == 0} ({@code faccessat}), {@code path} as bytes: what {@code execve} will allow. */
    public static boolean executable(byte[] path) {
        try (Arena arena = Arena.ofConfined()) {
            return Libc.syscall(Libc.callState(), SYS_FACCESSAT, Libc.AT_FDCWD, nulTerminated(arena, path).address(), X_OK, 0, 0, 0) == 0;
        }
    }

    private static MemorySegment nulTerminated(Arena arena, byte[] bytes) {
        MemorySegment s = arena.allocate(bytes.length + 1L);
        MemorySegment.copy(bytes, 0, s, JAVA_BYTE, 0, bytes.length);
        s.set(JAVA_BYTE, bytes.length, (byte) 0);
        return s;
    }
}
