package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.Capture;
import dev.jthreadtrace.decode.CaptureLimits;
import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.CommFile;
import dev.jthreadtrace.decode.KernelBytes;
import dev.jthreadtrace.decode.MemoryReader;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.decode.Syscalls;
import dev.jthreadtrace.sys.ErrnoException;
import dev.jthreadtrace.sys.Libc;
import dev.jthreadtrace.sys.PathCalls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Reads a stopped tracee's memory for the decoders: {@code process_vm_readv} (one syscall for any
 * length), {@code PTRACE_PEEKDATA} word by word for a few bytes and where process_vm_readv is refused. Owned by the
 * ptrace thread; its native buffers are allocated once and reused for every stop.
 */
final class TraceeMemory implements AutoCloseable, MemoryReader {
    private static final int PAGE = 4096;
    private static final int AT_FDCWD = -100;
    private static final int BUFFER = 64 * 1024;
    /**
     * Reads of at most this many bytes go by PTRACE_PEEKDATA ({@link #readInto}): a glibc mutex's head
     * (20 bytes, three words), a timespec (two), a signal set (one).
     */
    private static final int PEEKED_BYTES = 24;
    private static final long PROC_SUPER_MAGIC = 0x9fa0;

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment buffer = arena.allocate(BUFFER);
    private final MemorySegment localIov = arena.allocate(16);
    private final MemorySegment remoteIov = arena.allocate(16);
    private final MemorySegment linkPath = arena.allocate(64);
    private final MemorySegment linkTarget = arena.allocate(4096);
    private boolean vmReadvRefused, vmWritevRefused;

    private final CaptureLimits limits;
    /** The task {@link #capture} works for: what a {@link Capture.Gather} reads through this {@link MemoryReader}. */
    private int currentTid, currentPid;
    private long currentStackPointer;

    TraceeMemory(CaptureLimits limits) {
        this.limits = limits;
    }

    /**
     * Copies what each capture taken {@code when} asks for into {@code into}; reads that fault
     * leave the slot empty. At exit a failed call ({@code error}) gets only its gathers, which
     * decide for themselves; fd paths are read only when {@code -y} shows them (or the model needs them).
     */
    void capture(int tid, int pid, long stackPointer, List<Capture> captures, Capture.When when, long[] args, long ret,
                 boolean error, Captures into) {
        currentTid = tid;
        currentPid = pid;
        currentStackPointer = stackPointer;
        for (Capture c : captures) {
            if (c.when() != when || (error && when == Capture.When.AT_EXIT && !(c instanceof Capture.Gather))) continue;
            Object value = switch (c) {
                case Capture.Gather g -> g.gatherer().gather(this, args, ret);
                case Capture.ReturnedFdPath r -> limits.fdPaths() && ret >= 0 && ret <= Integer.MAX_VALUE ? fdPath(pid, (int) ret) : null;
                case Capture.FdFile f -> ret > 0 ? SharedMaps.fileAt(pid, ret) : null;
                default -> value(tid, pid, c, args[c.arg()], args, ret);
            };
            if (value != null) into.put(c.arg(), value);
        }
    }

    private Object value(int tid, int pid, Capture c, long pointer, long[] args, long ret) {
        return switch (c) {
            case Capture.FdPath f -> fdPath(pid, (int) pointer);
            // strace -y shows AT_FDCWD with the working directory: AT_FDCWD</home/user>
            case Capture.ShownFdPath f -> !limits.fdPaths() ? null
                    : (int) pointer == AT_FDCWD ? procLink(pid, "cwd") : fdPath(pid, (int) pointer);
            case Capture.Bytes b -> pointer == 0 ? null : read(tid, pointer, b.length());
            case Capture.BytesSizedByArg b -> pointer == 0 ? null
                    : read(tid, pointer, (int) Math.min(Math.max(args[b.lengthArg()], 0), limits.resolve(b.max())));
            case Capture.BytesSizedByReturn b -> pointer == 0 || ret < 0 ? null
                    : read(tid, pointer, (int) Math.min(ret, limits.resolve(b.max())));
            case Capture.CString s -> pointer == 0 ? null : readString(tid, pointer, limits.resolve(s.max()));
            case Capture.CStringArray a -> pointer == 0 ? null : readStringArray(tid, pointer, a);
            case Capture.Gather g -> null;
            case Capture.ReturnedFdPath r -> null;
            case Capture.FdFile f -> null;
        };
    }

    // ---- MemoryReader, for the gatherers: the task of the current capture

    @Override
    public byte[] read(long address, int length) {
        return read(currentTid, address, length);
    }

    @Override
    public String fdPath(int fd) {
        return limits.fdPaths() ? fdPath(currentPid, fd) : null;
    }

    @Override
    public int bufferLimit() {
        return limits.bufferLimit();
    }

    @Override
    public long stackPointer() {
        return currentStackPointer;
    }

    /** Exactly {@code length} bytes at {@code address}, or null when any of them is unreadable. */
    byte[] read(int tid, long address, int length) {
        if (length <= 0) return new byte[0];
        int n = readInto(tid, address, Math.min(length, BUFFER));
        return n == length ? copied(n) : null;
    }

    /** The first {@code n} bytes of the buffer (a bulk copy: no slice object, one bounds check). */
    private byte[] copied(int n) {
        byte[] out = new byte[n];
        MemorySegment.copy(buffer, JAVA_BYTE, 0, out, 0, n);
        return out;
    }

    /** A NUL-terminated string of at most {@code max} bytes, read page by page so a string that ends
     *  just before an unmapped page is still read. */
    byte[] readString(int tid, long address, int max) {
        byte[] out = new byte[0];
        long at = address;
        while (out.length < max) {
            int chunk = (int) Math.min(max - out.length, PAGE - (at & (PAGE - 1)));
            int n = readInto(tid, at, chunk);
            if (n <= 0) return out.length == 0 ? null : out;
            byte[] read = copied(n);
            for (int i = 0; i < n; i++) {
                if (read[i] == 0) return concat(out, Arrays.copyOf(read, i));
            }
            out = concat(out, read);
            at += n;
        }
        return out;
    }

    /**
     * The captures of an execve whose path and argv are known already (the command's, made by the
     * tracer itself), cut to the same limits as a read from a tracee's memory.
     */
    static Captures execCaptures(byte[] path, List<byte[]> argv, int environmentSize) {
        Captures out = new Captures();
        for (Capture c : Syscalls.captures(SyscallTable.EXECVE, new long[6])) {
            switch (c) {
                case Capture.CString s -> out.put(s.arg(), Arrays.copyOf(path, Math.min(path.length, s.max())));
                case Capture.CStringArray a -> {
                    List<String> strings = new ArrayList<>();
                    for (int i = 0; i < argv.size() && i < a.maxItems(); i++) {
                        byte[] s = argv.get(i);
                        strings.add(KernelBytes.decode(s, 0, Math.min(s.length, a.maxLength())));
                    }
                    if (argv.size() >= a.maxItems()) strings.add("...");
                    out.put(a.arg(), strings);
                }
                // the environment's size, as the gatherer counts it (4 bytes, little-endian)
                case Capture.Gather g -> out.put(g.arg(), ByteBuffer.allocate(4)
                        .order(ByteOrder.LITTLE_ENDIAN).putInt(environmentSize).array());
                default -> { }
            }
        }
        return out;
    }

    private List<String> readStringArray(int tid, long address, Capture.CStringArray spec) {
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < spec.maxItems(); i++) {
            byte[] word = read(tid, address + 8L * i, 8);
            if (word == null) break;
            long pointer = MemorySegment.ofArray(word).get(JAVA_LONG.withByteAlignment(1), 0);
            if (pointer == 0) return strings;
            byte[] s = readString(tid, pointer, spec.maxLength());
            strings.add(s == null ? "?" : KernelBytes.decode(s));
        }
        strings.add("...");
        return strings;
    }

    /**
     * The {@code /proc/PID/fd/N} link of the tracee. This is the one place the ptrace thread looks
     * at /proc: an fd's meaning exists only at the stop (the loader closes it right after mmap), so
     * it is a capture like a memory read, done only for file-backed mmap calls.
     */
    private String fdPath(int pid, int fd) {
        return fd < 0 ? null : procLink(pid, "fd/" + fd);
    }

    /**
     * Copies {@code bytes} to {@code address} in the tracee: process_vm_writev, else PTRACE_POKEDATA
     * word by word (the caller's region must then be a multiple of 8 bytes: whole words are
     * written). False when any of it could not be written.
     */
    boolean write(int tid, long address, byte[] bytes) {
        for (int off = 0; off < bytes.length; off += BUFFER) {
            int n = Math.min(BUFFER, bytes.length - off);
            MemorySegment.copy(bytes, off, buffer, JAVA_BYTE, 0, n);
            if (!writeFrom(tid, address + off, n)) return false;
        }
        return true;
    }

    private boolean writeFrom(int tid, long address, int length) {
        if (!vmWritevRefused) {
            localIov.set(JAVA_LONG, 0, buffer.address());
            localIov.set(JAVA_LONG, 8, length);
            remoteIov.set(JAVA_LONG, 0, address);
            remoteIov.set(JAVA_LONG, 8, length);
            long n = Libc.processVmWritev(tid, localIov, remoteIov);
            if (n == length) return true;
            if (n != -1 /* EPERM */ && n != -38 /* ENOSYS */) return false;
            vmWritevRefused = true;
        }
        try {
            for (int off = 0; off < length; off += 8) {
                long word = 0;
                for (int i = 0; i < 8; i++) word |= (off + i < length ? buffer.get(JAVA_BYTE, off + i) & 0xffL : 0) << (8 * i);
                Libc.ptrace(UserRegs.PTRACE_POKEDATA, tid, address + off, word);
            }
            return true;
        } catch (ErrnoException e) {
            return false;
        }
    }

    /**
     * The thread whose /proc comm file descriptor {@code fd} of task {@code tid} is, or -1: what the
     * kernel says, its {@code /proc/TID/fd/N} link, on procfs (so no file laid out to look like one
     * counts). Read at a stop, like {@link #fdPath(int, int)}.
     */
    int commFileOf(int tid, int fd) {
        if (fd < 0) return -1;
        int target = CommFile.targetOfLink(procLink(tid, "fd/" + fd));
        return target >= 0 && PathCalls.statfsType(linkPath) == PROC_SUPER_MAGIC ? target : -1;
    }

    /**
     * The target of a /proc link of the tracee ({@code exe}, {@code cwd}), or null when it is gone;
     * every byte kept ({@link KernelBytes}), so -y shows a path that is not UTF-8 as strace does.
     */
    String procLink(int pid, String link) {
        byte[] path = ("/proc/" + pid + "/" + link + "\0").getBytes(StandardCharsets.US_ASCII);
        MemorySegment.copy(path, 0, linkPath, JAVA_BYTE, 0, path.length);
        byte[] target = Libc.readlink(linkPath, linkTarget);
        return target == null ? null : KernelBytes.decode(target);
    }

    private int readInto(int tid, long address, int length) {
        // A few words (a futex's lock head, a timeout, a signal set) by PTRACE_PEEKDATA: process_vm_readv
        // waits for ever on a userfaultfd page no one fills (the kernel retries its fault for it), and
        // the lock head reaches past the word, into a page the program itself may never touch; a peek
        // fails there at once (a fault it may not retry: EIO). Aligned words never cross a page.
        if (length <= PEEKED_BYTES) return peekInto(tid, address, length);
        if (!vmReadvRefused) {
            localIov.set(JAVA_LONG, 0, buffer.address());
            localIov.set(JAVA_LONG, 8, length);
            remoteIov.set(JAVA_LONG, 0, address);
            remoteIov.set(JAVA_LONG, 8, length);
            long n = Libc.processVmReadv(tid, localIov, remoteIov);
            if (n >= 0) return (int) n;
            // EFAULT/ESRCH are answers; only a refusal of the syscall itself means "use ptrace".
            if (n != -1 /* EPERM */ && n != -38 /* ENOSYS */) return -1;
            vmReadvRefused = true;
        }
        return peekInto(tid, address, length);
    }

    private int peekInto(int tid, long address, int length) {
        int done = 0;
        long start = address & ~7L;
        int skip = (int) (address - start);
        for (long at = start; done < length; at += 8) {
            long word;
            try {
                word = Ptrace.peekData(tid, at);
            } catch (ErrnoException e) {
                return done == 0 ? -1 : done;
            }
            for (int i = skip; i < 8 && done < length; i++) buffer.set(JAVA_BYTE, done++, (byte) (word >>> (8 * i)));
            skip = 0;
        }
        return done;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Override
    public void close() {
        arena.close();
    }
}
