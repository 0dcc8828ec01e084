package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.CommFile;
import dev.jthreadtrace.decode.OpenFlags;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.sys.SyscallInfoLayout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Names set without {@code prctl}: {@code pthread_setname_np} on another thread, {@code echo x >
 * /proc/self/task/TID/comm} (a shell opens the file, dup2s it to fd 1 and writes there), any
 * write to a thread's /proc comm file. The tracer asks the kernel, never the path the program
 * spelled: at the exit of every successful open for writing ({@code open}, {@code openat},
 * {@code openat2}, {@code creat}; the seccomp filter stops these, and opens for reading cost
 * nothing) it reads the new descriptor's {@code /proc/TID/fd/N} link and checks that the file is on
 * procfs ({@link TraceeMemory#commFileOf}), so a directory fd, a relative path after
 * {@code chdir}, a symlink, {@code //}, {@code .} and {@code ..} all count. Such a descriptor is
 * kept in its table's {@link CommDescriptors}; while the table holds one, its tasks stop at every
 * syscall, and this follows {@code dup}, {@code dup2}, {@code dup3}, {@code fcntl(F_DUPFD*)},
 * {@code close}, {@code close_range}, {@code unshare(CLONE_FILES)} and exec (close-on-exec: the
 * descriptors are looked at again), and turns every successful {@code write}, {@code writev},
 * {@code pwrite64}, {@code pwritev} and {@code pwritev2} on one into a
 * {@link TraceEvent.CommWritten} with the name the kernel kept ({@link CommFile}): the bytes are
 * copied at the entry, the descriptor's file checked again there. Whatever {@code -e} shows.
 */
final class NameWrites {
    private static final int DUP = nr("dup"), DUP3 = nr("dup3"), FCNTL = nr("fcntl"), CLOSE_RANGE = nr("close_range"),
            UNSHARE = nr("unshare"), WRITEV = nr("writev"), PWRITE64 = nr("pwrite64"), PWRITEV = nr("pwritev"),
            PWRITEV2 = nr("pwritev2");
    private static final int F_DUPFD = 0, F_DUPFD_CLOEXEC = 1030, CLONE_FILES = 0x400, CLOSE_RANGE_UNSHARE = 2,
            CLOSE_RANGE_CLOEXEC = 4, IOV_MAX = 1024, IOVEC_SIZE = 16;

    /**
     * A syscall that may name a thread or change which descriptors are comm files, as seen at its
     * entry: for a write, the thread named ({@code target}) and the first bytes of each buffer
     * ({@code lengths}, {@code heads}, one each for a plain write).
     */
    record Call(int nr, long[] args, long ns, int target, long[] lengths, byte[][] heads, Map<Integer, byte[]> namesBefore) {
        Call(int nr, long[] args, long ns, int target, long[] lengths, byte[][] heads) {
            this(nr, args, ns, target, lengths, heads, null);
        }

        static Call of(int nr, long[] args, long ns) {
            return new Call(nr, args, ns, -1, null, null);
        }
    }

    private NameWrites() {}

    /**
     * At a syscall entry (any, for a task whose table holds a comm descriptor; else the opens for
     * writing the filter stops): whether the call matters, in which case {@code task.nameCall}
     * holds what its exit needs and the task must stop there.
     */
    static boolean entered(Task task, int nr, SyscallInfoLayout.Copy info, long now, TraceeMemory memory) {
        task.nameCall = null;
        long[] args = new long[6];
        for (int i = 0; i < 6; i++) args[i] = info.arg(i);
        if (opensForWriting(nr, args)) {
            task.nameCall = Call.of(nr, args, now);
            return true;
        }
        CommDescriptors fds = task.commFds;
        if (fds.isEmpty()) return false;
        if (isWrite(nr)) {
            int fd = (int) args[0];
            if (fds.unread(fd)) {
                task.nameCall = new Call(nr, args, now, -1, null, null, UnreadCommWrites.before(task.tgid));
                return true;
            }
            if (!fds.contains(fd)) return false;
            int target = memory.commFileOf(task.tid, fd);
            if (target < 0) {
                fds.remove(fd); // it was closed or replaced where the tracer could not see it
                return false;
            }
            task.nameCall = vectored(nr) ? vectoredWrite(task.tid, nr, args, now, target, memory)
                    : new Call(nr, args, now, target, new long[] {args[2]},
                            new byte[][] {head(task.tid, args[1], args[2], memory)});
            return true;
        }
        boolean matters = nr == DUP || nr == SyscallTable.DUP2 || nr == DUP3
                || (nr == FCNTL && ((int) args[1] == F_DUPFD || (int) args[1] == F_DUPFD_CLOEXEC))
                || nr == SyscallTable.CLOSE || (nr == CLOSE_RANGE && (args[2] & CLOSE_RANGE_CLOEXEC) == 0)
                || (nr == UNSHARE && (args[0] & CLONE_FILES) != 0);
        if (matters) task.nameCall = Call.of(nr, args, now);
        return matters;
    }

    /**
     * At the exit of the call {@link #entered} kept: the table brought up to date, and the name a
     * write set, if it set one (null otherwise).
     */
    static TraceEvent.CommWritten returned(Task task, long ret, boolean error, TaskTable tasks, TraceeMemory memory) {
        Call call = task.nameCall;
        task.nameCall = null;
        if (call == null) return null;
        int nr = call.nr();
        long[] a = call.args();
        if (isWrite(nr) && call.namesBefore() != null) {
            Map.Entry<Integer, byte[]> renamed = error ? null : UnreadCommWrites.renamed(call.namesBefore());
            return renamed == null ? null : new TraceEvent.CommWritten(call.ns(), task.tid, renamed.getKey(), nr, (int) a[0],
                    renamed.getValue());
        }
        if (isWrite(nr)) {
            byte[] name = vectored(nr) ? CommFile.afterVectoredWrite(call.lengths(), call.heads(), ret, error)
                    : CommFile.afterWrite(call.heads()[0], error);
            Task target = threadNamed(task, call.target(), tasks);
            // The kernel refuses a write from another process; a number that is no thread of this one
            // came from a /proc of another PID namespace than the writer's.
            if (name == null || target == null) return null;
            return new TraceEvent.CommWritten(call.ns(), task.tid, target.tid, nr, (int) a[0], name);
        }
        if (error) {
            if (nr == SyscallTable.CLOSE) task.commFds.remove((int) a[0]); // released even when close reports an error
            return null;
        }
        if (nr == SyscallTable.CLOSE) {
            task.commFds.remove((int) a[0]);
        } else if (nr == CLOSE_RANGE) {
            if ((a[2] & CLOSE_RANGE_UNSHARE) != 0) task.commFds = task.commFds.copy();
            task.commFds.removeRange(a[0], a[1]);
        } else if (nr == UNSHARE) {
            task.commFds = task.commFds.copy();
        } else if (ret >= 0) {
            // An open or a dup: the new descriptor is a comm file, or the number now names something else.
            int fd = (int) ret;
            if (memory.commFileOf(task.tid, fd) >= 0) task.commFds.add(fd);
            else if (memory.procLink(task.tid, "fd/" + fd) == null) task.commFds.addUnread(fd); // a non-dumpable process's
            else task.commFds.remove(fd);
        }
        return null;
    }

    /**
     * After an exec: the new image kept the descriptors without close-on-exec, in a table of its
     * own (the kernel unshares it); which of them are still comm files is asked again.
     */
    static CommDescriptors afterExec(int tid, CommDescriptors before, TraceeMemory memory) {
        CommDescriptors after = new CommDescriptors();
        for (int fd : before.all()) if (memory.commFileOf(tid, fd) >= 0) after.add(fd);
        return after;
    }

    /** attach: the comm files process {@code pid} holds open already (one that keeps /proc/self/comm open to rename itself). */
    static CommDescriptors openIn(int pid, TraceeMemory memory) {
        CommDescriptors out = new CommDescriptors();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Integer.toString(pid), "fd"))) {
            for (Path p : fds.toList()) {
                int fd = Integer.parseInt(p.getFileName().toString());
                if (memory.commFileOf(pid, fd) >= 0) out.add(fd);
            }
        } catch (IOException | RuntimeException e) {
            // gone, or not ours to list: nothing is known to be open
        }
        return out;
    }

    private static boolean opensForWriting(int nr, long[] args) {
        if (nr == SyscallTable.OPENAT) return OpenFlags.writes(args[2]);
        if (nr == SyscallTable.OPEN) return OpenFlags.writes(args[1]);
        // openat2's flags are in its struct open_how (the filter cannot read it): its exit decides.
        return nr == SyscallTable.CREAT || nr == SyscallTable.OPENAT2;
    }

    private static boolean isWrite(int nr) {
        return nr == SyscallTable.WRITE || nr == PWRITE64 || vectored(nr);
    }

    private static boolean vectored(int nr) {
        return nr == WRITEV || nr == PWRITEV || nr == PWRITEV2;
    }

    /** The first bytes of a buffer the kernel copies as a name (at most 15), or null when unreadable. */
    private static byte[] head(int tid, long address, long length, TraceeMemory memory) {
        int n = (int) Math.min(Math.max(length, 0), CommFile.NAME_MAX);
        if (n == 0) return new byte[0];
        return address == 0 ? null : memory.read(tid, address, n);
    }

    /** writev(fd, iov, iovcnt) and the pwritev pair: each segment's length and first bytes. */
    /**
     * The thread of {@code writer}'s process that a comm file's path names by {@code id}: the path is
     * in the /proc of the writer's PID namespace (a container mounts its own), so in another
     * namespace than the tool's the id is the thread's there ({@link Task#nsTid}), not the kernel's.
     */
    private static Task threadNamed(Task writer, int id, TaskTable tasks) {
        if (writer.nsTid == 0) {
            Task t = tasks.get(id);
            return t != null && t.tgid == writer.tgid ? t : null;
        }
        for (Task t : tasks.ofProcess(writer.tgid)) if (t.nsTid == id) return t;
        return null;
    }

    private static Call vectoredWrite(int tid, int nr, long[] args, long ns, int target, TraceeMemory memory) {
        int count = (int) Math.min(Math.max(args[2], 0), IOV_MAX);
        byte[] iov = count == 0 || args[1] == 0 ? null : memory.read(tid, args[1], count * IOVEC_SIZE);
        if (iov == null) return new Call(nr, args, ns, target, null, null);
        ByteBuffer b = ByteBuffer.wrap(iov).order(ByteOrder.LITTLE_ENDIAN);
        long[] lengths = new long[count];
        byte[][] heads = new byte[count][];
        for (int i = 0; i < count; i++) {
            long base = b.getLong(i * IOVEC_SIZE);
            lengths[i] = b.getLong(i * IOVEC_SIZE + 8);
            heads[i] = head(tid, base, lengths[i], memory);
        }
        return new Call(nr, args, ns, target, lengths, heads);
    }

    private static int nr(String name) {
        return SyscallTable.number(name).orElseThrow(() -> new IllegalStateException("syscall table lacks " + name));
    }
}
