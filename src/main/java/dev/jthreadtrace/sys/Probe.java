package dev.jthreadtrace.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * System calls made only to learn why a real one failed: each asks the kernel something that has a
 * known answer when the call reaches it, so any other answer came from in front of the kernel (a
 * seccomp filter, which decides on the syscall number before the kernel looks at the arguments).
 */
public final class Probe {
    private Probe() {}

    /**
     * The errno of {@code ptrace(PTRACE_SEIZE, 0, 0, 0)}: no task has pid 0, so the kernel says ESRCH
     * before any permission check; EPERM, ENOSYS or EACCES mean a filter refused ptrace itself.
     */
    public static int ptrace() {
        return errnoOf(Libc.SYS_PTRACE, 0x4206, 0, 0, 0);
    }

    /** The errno of {@code kill(pid, 0)}: 0 when the process exists and may be signalled, EPERM when it exists but is another user's. */
    public static int kill(int pid) {
        return errnoOf(Libc.SYS_KILL, pid, 0, 0, 0);
    }

    /**
     * The wait status of a short-lived child that calls {@code ptrace(PTRACE_SEIZE, 0, 0, 0)} and
     * exits with the errno (3, ESRCH, when ptrace reaches the kernel); -1 when no such child could
     * be run. It inherits this process's seccomp filters: one that kills the caller of ptrace
     * (SECCOMP_RET_KILL_PROCESS or _THREAD) kills it by SIGSYS, where the same call from the tool
     * would end the tool without a word. The child is a 150-byte static x86-64 program (no helper to
     * install), written first into a file of a directory of the tool's own (mode 0700, removed at
     * once) in java.io.tmpdir or /dev/shm, and only where neither can execute a file (mounted noexec)
     * into a memfd: a profile that kills the caller of memfd_create (some hardened ones forbid
     * "fileless" programs) would kill the tool itself at every start under a filter, so the tool
     * makes that call last. Where nothing can be executed it gets -1.
     */
    public static int ptraceInChild() {
        for (String dir : new String[] {System.getProperty("java.io.tmpdir", "/tmp"), "/dev/shm"}) {
            int status = fromFile(Path.of(dir));
            if (status != -1) return status;
        }
        return fromMemfd();
    }

    private static int fromFile(Path parent) {
        Path dir = null, program = null;
        try {
            dir = Files.createTempDirectory(parent, "jthreadtrace-probe-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            program = Files.write(Files.createFile(dir.resolve("ptrace-probe"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))), PTRACE_PROGRAM);
            return run(program.toString());
        } catch (IOException | UnsupportedOperationException e) {
            return -1; // no such directory, not writable, not a POSIX file system: the next place
        } finally {
            try {
                if (program != null) Files.deleteIfExists(program);
                if (dir != null) Files.deleteIfExists(dir);
            } catch (IOException e) {
                // Left behind: an empty 0700 directory or the probe's 150 bytes, which nobody else can use.
            }
        }
    }

    private static int fromMemfd() {
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) Libc.syscall(Libc.callState(), SYS_MEMFD_CREATE, arena.allocateFrom("jthreadtrace-ptrace-probe").address(),
                    MFD_CLOEXEC, 0, 0, 0, 0);
            if (fd < 0) return -1;
            try {
                MemorySegment image = arena.allocate(PTRACE_PROGRAM.length);
                image.copyFrom(MemorySegment.ofArray(PTRACE_PROGRAM));
                if (Libc.write(fd, image, PTRACE_PROGRAM.length) != PTRACE_PROGRAM.length) return -1;
                return run("/proc/self/fd/" + fd);
            } finally {
                Libc.close(fd);
            }
        }
    }

    /** Spawns {@code path} (the probe program) with nothing else and waits for it: its wait status, -1 when it could not run. */
    private static int run(String path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment file = arena.allocateFrom(path), pid = arena.allocate(JAVA_INT);
            MemorySegment argv = arena.allocate(ADDRESS, 2), envp = arena.allocate(ADDRESS, 1);
            argv.setAtIndex(ADDRESS, 0, file);
            Libc.posixSpawnp(pid, file, MemorySegment.NULL, MemorySegment.NULL, argv, envp);
            MemorySegment status = arena.allocate(JAVA_INT);
            return Libc.waitpid(pid.get(JAVA_INT, 0), status, Libc.WALL) < 0 ? -1 : status.get(JAVA_INT, 0);
        } catch (ErrnoException e) {
            return -1; // spawn (a noexec mount: EACCES) or wait refused: the tool's own calls will say why
        }
    }

    private static final long SYS_MEMFD_CREATE = 319, MFD_CLOEXEC = 1;

    /**
     * An ELF64 executable: header, one PT_LOAD of the whole file at 0x400000 (read, execute), then
     * {@code mov eax,101 (ptrace); mov edi,0x4206 (PTRACE_SEIZE); xor esi,esi; xor edx,edx;
     * xor r10,r10; syscall; neg eax; mov edi,eax; mov eax,231 (exit_group); syscall}.
     */
    private static final byte[] PTRACE_PROGRAM = program();

    private static byte[] program() {
        byte[] code = {(byte) 0xb8, 0x65, 0, 0, 0, (byte) 0xbf, 0x06, 0x42, 0, 0, 0x31, (byte) 0xf6, 0x31, (byte) 0xd2,
                0x4d, 0x31, (byte) 0xd2, 0x0f, 0x05, (byte) 0xf7, (byte) 0xd8, (byte) 0x89, (byte) 0xc7,
                (byte) 0xb8, (byte) 0xe7, 0, 0, 0, 0x0f, 0x05};
        int headers = 64 + 56, size = headers + code.length;
        long base = 0x400000;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(size).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        b.putShort((short) 2).putShort((short) 0x3e).putInt(1).putLong(base + headers).putLong(64).putLong(0)
                .putInt(0).putShort((short) 64).putShort((short) 56).putShort((short) 1).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0);
        b.putInt(1).putInt(5).putLong(0).putLong(base).putLong(base).putLong(size).putLong(size).putLong(0x1000);
        b.put(code);
        return b.array();
    }

    private static int errnoOf(long number, long a, long b, long c, long d) {
        var state = Libc.callState();
        long result = Libc.syscall(state, number, a, b, c, d, 0, 0);
        return result == -1 ? Libc.lastErrno(state) : 0;
    }
}
