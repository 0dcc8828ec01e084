package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.KernelBytes;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.sys.CpuTimeLimit;
import dev.jthreadtrace.sys.Errno;
import dev.jthreadtrace.sys.IntervalTimers;
import dev.jthreadtrace.sys.ProcStatus;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Turns the seized start gate into the command, by syscalls injected into it ({@link SyscallInjector}):
 * the gate closes every descriptor the command must not inherit, sets each signal's disposition
 * and its signal mask to what the command starts with, writes back the coredump_filter the tool's
 * JVM changed (HotSpot sets its own, which the gate inherited), takes the seccomp filter, and finally
 * {@code execve}s the command with exactly the argv and environment bytes of the {@link Launch},
 * searching PATH as {@code execvp} would. Nothing of the gate's shell survives the exec: no
 * variable it would drop or add, no descriptor, no handler. Everything the calls need is written
 * into a mapping the gate makes for the purpose; the gate is the tool's own process until the
 * exec, so no memory of the command or of anyone else is touched.
 */
final class GateExec {
    private static final int SIG_SETMASK = 2, SIGSET_BYTES = 8, SIGKILL = 9, SIGSTOP = 19;
    private static final long SIG_DFL = 0, SIG_IGN = 1;
    private static final int KERNEL_SIGACTION_BYTES = 32;
    private static final int AT_FDCWD = -100, O_RDONLY = 0, O_WRONLY = 1, O_CLOEXEC = 0x80000;

    /**
     * The command runs: under which path it was found, with which argv, when its exec began and
     * ended, and the execve's arguments (addresses in the gate, for the execve line).
     */
    record Started(byte[] path, List<byte[]> argv, int environmentSize, long ns, long endNs, long[] args, String note, Due due) {
        String pathText() {
            return text(path);
        }

        List<String> argvText() {
            return argv.stream().map(GateExec::text).toList();
        }

        Started withDue(Due signals) {
            return new Started(path, argv, environmentSize, ns, endNs, args, note, signals);
        }
    }

    /**
     * The signals the command must get at once, stopped at its exec's exit: those pending when the
     * tool started, and those of timers that expired before the exec (bit n-1: signal n).
     */
    record Due(long processSignals, long threadSignals) {
        static final Due NONE = new Due(0, 0);
    }

    /** No candidate could be exec'd: what a shell would say and exit with (126, or 127 when not found). */
    static final class NotStarted extends Exception {
        final int exitCode;

        NotStarted(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    /** A bump allocator over the mapping made in the gate. */
    static final class Scratch {
        private final SyscallInjector injector;
        private long next;
        private final long end;

        Scratch(SyscallInjector injector, long size) {
            this.injector = injector;
            this.next = injector.map(size);
            this.end = next + size;
        }

        /** Writes {@code bytes} (8-byte aligned) and returns their address in the gate. */
        long put(byte[] bytes) {
            long at = next;
            long size = (bytes.length + 7) & ~7L;
            if (at + size > end) throw new IllegalStateException("start gate scratch exhausted");
            injector.write(at, bytes);
            next = at + size;
            return at;
        }
    }

    private GateExec() {}

    /**
     * @param gate the gate, stopped at a syscall entry
     * @param seccompRecorded the syscalls the filter lets stop the command; null: no filter
     * @param quietMaskReads  whether a signal-mask call that changes nothing runs without a stop ({@link SeccompFilter})
     */
    static Started exec(GateLauncher.Gate gate, Launch launch, boolean[] seccompRecorded, boolean quietMaskReads, boolean needNoNewPrivs,
                        SeccompStatus[] seccomp) throws NotStarted {
        int pid = gate.pid();
        try (SyscallInjector injector = new SyscallInjector(pid)) {
            List<byte[]> candidates = ExecSearch.candidates(launch.argv().getFirst(), launch.variable("PATH"));
            Scratch scratch = new Scratch(injector, scratchSize(launch, candidates));
            long envp = scratch.put(pointerArray(scratch, launch.environment()));
            // The user's stdin back on fd 0 (the gate read its pipe there), then everything else out.
            if (launch.keeps(0)) injector.call(SyscallTable.DUP2, gate.stdinKeptAt(), 0);
            closeInheritedDescriptors(injector, pid, launch);
            setSignalDispositions(injector, scratch, pid, launch.ignoredSignals());
            String note = setCoredumpFilter(injector, scratch, pid, launch.coredumpFilter());
            giveCpuLimit(injector, scratch, launch.kept().cpuLimit());
            seccomp[0] = seccompRecorded == null ? SeccompStatus.OFF
                    : SeccompInstaller.install(injector, scratch, seccompRecorded, quietMaskReads, needNoNewPrivs);
            long mask = scratch.put(longBytes(launch.blockedSignals()));
            injector.call(SyscallTable.RT_SIGPROCMASK, SIG_SETMASK, mask, 0, SIGSET_BYTES);
            // Last before the exec, which keeps them: the timers the tool took over, less the time
            // that has passed. One that expires before the exec has its signal dropped in the gate
            // (the injector passes no signal on): the command gets it at its exec's exit instead.
            long expired = armTimers(injector, scratch, launch.kept());
            injector.forgetDroppedSignals();
            Started started = search(injector, scratch, launch, candidates, envp, note);
            long dueFromTimers = expired | (injector.droppedSignals() & timerSignals(launch.kept()));
            return started.withDue(new Due(launch.kept().processSignals() | dueFromTimers, launch.kept().threadSignals()));
        }
    }

    /**
     * Writes {@code wanted} to the gate's /proc/self/coredump_filter when it differs from what the
     * gate inherited; what went wrong, for a note, or null.
     */
    private static String setCoredumpFilter(SyscallInjector injector, Scratch scratch, int pid, long wanted) {
        if (wanted == Launch.SAME_COREDUMP_FILTER) return null;
        Path file = Path.of("/proc", Integer.toString(pid), "coredump_filter");
        try {
            if (Long.parseUnsignedLong(Files.readString(file).strip(), 16) == wanted) return null;
        } catch (IOException | RuntimeException e) {
            // Unreadable: write it anyway.
        }
        // The kernel reads the number with base 0: "0x" for hex (a leading 0 alone would mean octal).
        byte[] value = ("0x" + Long.toHexString(wanted)).getBytes(StandardCharsets.US_ASCII);
        long path = scratch.put(cString("/proc/self/coredump_filter".getBytes(StandardCharsets.US_ASCII)));
        long fd = injector.call(SyscallTable.OPENAT, AT_FDCWD, path, O_WRONLY | O_CLOEXEC);
        if (fd < 0) return "cannot set the command's coredump_filter to " + new String(value, StandardCharsets.US_ASCII)
                + " (" + Errno.describe((int) -fd) + "); it has the tool's";
        long written = injector.call(SyscallTable.WRITE, fd, scratch.put(value), value.length);
        injector.call(SyscallTable.CLOSE, fd);
        return written == value.length ? null : "cannot set the command's coredump_filter to "
                + new String(value, StandardCharsets.US_ASCII) + (written < 0 ? " (" + Errno.describe((int) -written) + ")" : "")
                + "; it has the tool's";
    }

    /**
     * The CPU time limit the tool was started with, back in the gate (the tool raised its own, which
     * the gate inherited): the command's {@code ulimit -t} exactly. Only lowers the soft limit or
     * gives the hard one back unchanged, which the kernel always allows; if it refuses all the same
     * the command is not run under another limit.
     */
    private static void giveCpuLimit(SyscallInjector injector, Scratch scratch, CpuTimeLimit limit) throws NotStarted {
        if (limit == null) return;
        long r = injector.call(SyscallTable.PRLIMIT64, 0, CpuTimeLimit.resource(), scratch.put(limit.bytes()), 0);
        if (r != 0) throw new NotStarted("cannot give the command its CPU time limit (ulimit -t): prlimit64 failed with "
                + Errno.describe((int) -r), 125);
    }

    /**
     * Arms in the gate each timer the tool took over (setitimer: the exec keeps it), with what is
     * left of it now; the signals of the real-time ones that expired meanwhile.
     */
    private static long armTimers(SyscallInjector injector, Scratch scratch, KeptAcrossExec kept) {
        long expired = 0;
        long elapsedMicros = (System.nanoTime() - kept.takenAtNanos()) / 1000;
        for (KeptAcrossExec.IntervalTimer timer : kept.timers()) {
            if (timer.expiredWithin(elapsedMicros)) expired |= 1L << (timer.signal() - 1);
            KeptAcrossExec.IntervalTimer left = timer.after(elapsedMicros);
            if (left == null) continue;
            long value = scratch.put(IntervalTimers.itimerval(left.valueMicros(), left.intervalMicros()));
            injector.call(SyscallTable.SETITIMER, left.which(), value, 0);
        }
        return expired;
    }

    private static long timerSignals(KeptAcrossExec kept) {
        long mask = 0;
        for (KeptAcrossExec.IntervalTimer timer : kept.timers()) mask |= 1L << (timer.signal() - 1);
        return mask;
    }

    /** Tries each candidate as execvp would; the first exec that succeeds ends the gate. */
    private static Started search(SyscallInjector injector, Scratch scratch, Launch launch, List<byte[]> candidates, long envp,
                                  String note) throws NotStarted {
        long argv = scratch.put(pointerArray(scratch, launch.argv()));
        boolean gotEacces = false;
        int lastError = ExecSearch.ENOENT;
        for (byte[] candidate : candidates) {
            long path = scratch.put(cString(candidate));
            long ns = System.nanoTime();
            long r = injector.call(SyscallTable.EXECVE, path, argv, envp);
            if (r == 0) {
                return new Started(candidate, launch.argv(), launch.environment().size(), ns, System.nanoTime(),
                        new long[] {path, argv, envp, 0, 0, 0}, note, Due.NONE);
            }
            int errno = (int) -r;
            if (errno == ExecSearch.ENOEXEC) {
                // bash's rule, not execvp's: a file the kernel refused that looks binary (an ELF of another
                // machine, a cut download) is not handed to /bin/sh, whose commands its bytes would become.
                if (ExecSearch.looksBinary(sample(injector, scratch, path))) {
                    throw new NotStarted(text(launch.argv().getFirst()) + ": cannot execute binary file: Exec format error", 126);
                }
                List<byte[]> scriptArgv = ExecSearch.scriptArgv(candidate, launch.argv());
                long shell = scratch.put(cString(scriptArgv.getFirst()));
                long shellArgv = scratch.put(pointerArray(scratch, scriptArgv));
                ns = System.nanoTime();
                if (injector.call(SyscallTable.EXECVE, shell, shellArgv, envp) == 0) {
                    return new Started(scriptArgv.getFirst(), scriptArgv, launch.environment().size(), ns, System.nanoTime(),
                            new long[] {shell, shellArgv, envp, 0, 0, 0}, note, Due.NONE);
                }
            }
            if (!ExecSearch.tryNext(errno)) {
                lastError = errno;
                gotEacces = false;
                break;
            }
            if (errno == ExecSearch.EACCES) gotEacces = true;
            lastError = errno;
        }
        int errno = gotEacces ? ExecSearch.EACCES : lastError;
        String name = text(launch.argv().getFirst());
        throw new NotStarted(name + ": " + Errno.describe(errno), errno == ExecSearch.ENOENT ? 127 : 126);
    }

    /** The first bytes of the file at {@code path} as the gate reads it (its directory, its mount namespace); empty when unreadable. */
    private static byte[] sample(SyscallInjector injector, Scratch scratch, long path) {
        long fd = injector.call(SyscallTable.OPENAT, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) return new byte[0];
        long buffer = scratch.put(new byte[ExecSearch.SAMPLE_BYTES]);
        long n = injector.call(SyscallTable.READ, fd, buffer, ExecSearch.SAMPLE_BYTES);
        injector.call(SyscallTable.CLOSE, fd);
        byte[] read = n > 0 ? injector.read(buffer, (int) n) : null;
        return read == null ? new byte[0] : read;
    }

    /** Closes every descriptor of the gate the command does not inherit (the tool's own, the gate's pipe). */
    private static void closeInheritedDescriptors(SyscallInjector injector, int pid, Launch launch) {
        List<Integer> open = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Integer.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) open.add(Integer.parseInt(fd.getFileName().toString()));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot list the start gate's descriptors: " + e.getMessage(), e);
        }
        for (int fd : open) if (!launch.keeps(fd)) injector.call(SyscallTable.CLOSE, fd);
    }

    /**
     * SIG_IGN for the signals the command starts ignoring, SIG_DFL for every other (a handled signal
     * is reset by the exec itself; an ignored one is not, so both directions are set here).
     */
    private static void setSignalDispositions(SyscallInjector injector, Scratch scratch, int pid, long wanted) {
        ProcStatus status = ProcStatus.of(pid);
        long ignoredNow = status == null ? 0 : status.hex("SigIgn", 0);
        long ignore = 0, restore = 0;
        for (int signal = 1; signal <= 64; signal++) {
            if (signal == SIGKILL || signal == SIGSTOP) continue;
            long bit = 1L << (signal - 1);
            if ((wanted & bit) == (ignoredNow & bit)) continue;
            if (ignore == 0) {
                ignore = scratch.put(sigaction(SIG_IGN));
                restore = scratch.put(sigaction(SIG_DFL));
            }
            injector.call(SyscallTable.RT_SIGACTION, signal, (wanted & bit) != 0 ? ignore : restore, 0, SIGSET_BYTES);
        }
    }

    private static byte[] sigaction(long handler) {
        return ByteBuffer.allocate(KERNEL_SIGACTION_BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(0, handler).array();
    }

    /** The strings written into the gate, then the array of their addresses with its NULL. */
    private static byte[] pointerArray(Scratch scratch, List<byte[]> strings) {
        ByteBuffer array = ByteBuffer.allocate(8 * (strings.size() + 1)).order(ByteOrder.LITTLE_ENDIAN);
        for (byte[] s : strings) array.putLong(scratch.put(cString(s)));
        array.putLong(0);
        return array.array();
    }

    /** Room for every string and array the calls use: the environment, argv (twice for a script), each candidate path. */
    private static long scratchSize(Launch launch, List<byte[]> candidates) {
        long size = 4096; // sigactions, the mask, the coredump_filter path and value, the seccomp program
        size += SeccompFilter.MAX_TRACED * 8L + 256;
        for (List<byte[]> strings : List.of(launch.environment(), launch.argv(), launch.argv(), candidates)) {
            for (byte[] s : strings) size += ((s.length + 8) & ~7L) + 8;
            size += 16;
        }
        return size + 64;
    }

    private static byte[] cString(byte[] bytes) {
        byte[] out = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, out, 0, bytes.length);
        return out;
    }

    private static byte[] longBytes(long value) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
    }

    private static String text(byte[] bytes) {
        return KernelBytes.decode(bytes);
    }
}
