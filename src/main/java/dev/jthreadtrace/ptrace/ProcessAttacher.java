package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.KernelBytes;
import dev.jthreadtrace.decode.Signals;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.sys.Errno;
import dev.jthreadtrace.sys.ErrnoException;
import dev.jthreadtrace.sys.Libc;
import dev.jthreadtrace.sys.Probe;
import dev.jthreadtrace.sys.ProcStatus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * The attach phase of {@code jthreadtrace attach}, on the ptrace thread: checks each pid, then
 * seizes every thread of it. Threads are created while we seize, so {@code /proc/PID/task} is read
 * again until a pass finds no new tid; a thread cloned by one already seized is attached by the
 * kernel (PTRACE_O_TRACECLONE) and reported by its creator's event, so it is not "existing". Each
 * seized thread is then interrupted, so its first stop puts it into syscall-stop mode, and its
 * settings at attach are read from {@code /proc/TID/status}, and before the interrupt the call it is
 * in from {@code /proc/TID/syscall} (with a futex wait's word). Setup I/O, before the loop starts.
 */
final class ProcessAttacher {
    /**
     * What the attach found: the threads that existed, the first process's executable and argv, and a
     * note for the user (what could not be read) or null.
     */
    record Attached(List<TraceEvent.ExistingTask> tasks, String path, List<String> argv, String note) {}

    private ProcessAttacher() {}

    static Attached attach(List<Integer> pids, long options) throws TraceFailure {
        int self = Libc.getpid();
        Set<Integer> ancestors = ancestors(self);
        for (int pid : pids) pastExecs(pid, () -> check(pid, self, ancestors));
        List<TraceEvent.ExistingTask> existing = new ArrayList<>();
        Map<Integer, Integer> parents = new HashMap<>();
        for (int pid : pids) {
            Map<Integer, Long> masks = new HashMap<>();
            Set<Integer> seized = pastExecs(pid, () -> seizeAll(pid, options, self, masks));
            int ppid = parentOf(pid);
            parents.put(pid, ppid);
            for (int tid : seized) {
                TraceEvent.ExistingTask task = existingTask(pid, tid, ppid, masks.get(tid));
                if (task != null) existing.add(task);
                Ptrace.interrupt(tid);
            }
        }
        // Which of them run in one memory (a CLONE_VM child before its exec): its leader's entry says whose.
        AttachedSpaces.Found spaces = AttachedSpaces.of(pids, parents);
        existing.replaceAll(t -> t.tid() == t.tgid() && spaces.memoryOf().containsKey(t.tgid())
                ? t.withMemoryOf(spaces.memoryOf().get(t.tgid())) : t);
        int first = pids.getFirst();
        return new Attached(existing, exe(first), cmdline(first), spaces.note());
    }

    /** A step of the attach of one pid that leaves nothing seized when it fails. */
    private interface Step<T> {
        T run() throws TraceFailure;
    }

    /** How long an attach waits for an exec in flight to end, and how often it looks. */
    private static final long EXEC_PATIENCE_NS = 2_000_000_000L, EXEC_RETRY_NS = 10_000_000L;
    /**
     * Tries after failures with no thread seen inside execve (200 ms): an exec's thread is seen
     * there only while it waits in de_thread, not while it runs the rest of the exec, when the
     * main thread is still a zombie and a seize still refused (measured: 3 tries let 1 of 150
     * attaches of a program that execs every 3 ms through with a wrong reason). A real zombie
     * leader or refusal is told that much later.
     */
    private static final int QUIET_TRIES = 20;

    /**
     * Runs {@code step}, again while a thread of {@code pid} is executing a new program: meanwhile
     * the process's main thread is a zombie and its dying threads refuse a seize (EPERM), which
     * would be told as a zombie leader or another user's process (strace -p reports the kernel's
     * error and gives up). After {@link #EXEC_PATIENCE_NS} of execs, the failure says that is what
     * it met; a process gone is told at once.
     */
    private static <T> T pastExecs(int pid, Step<T> step) throws TraceFailure {
        long deadline = System.nanoTime() + EXEC_PATIENCE_NS;
        int attempts = 0, quiet = 0;
        while (true) {
            attempts++;
            try {
                return step.run();
            } catch (TraceFailure e) {
                if (!Files.exists(Path.of("/proc", Integer.toString(pid)))) throw e;
                int execing = ExecInFlight.thread(pid);
                quiet = execing != 0 ? 0 : quiet + 1;
                if (quiet >= QUIET_TRIES) throw e;
                if (System.nanoTime() > deadline) throw execing != 0 ? midExec(pid, execing, attempts, e) : e;
                LockSupport.parkNanos(EXEC_RETRY_NS);
            }
        }
    }

    private static TraceFailure midExec(int pid, int execing, int attempts, TraceFailure last) {
        return new TraceFailure("pid " + pid + " (" + comm(pid) + ") was executing a new program (thread " + execing
                + " inside execve) at each of " + attempts + " attempts over " + EXEC_PATIENCE_NS / 1_000_000_000L
                + " s; attach again once the exec has ended", last);
    }

    /** One line for each pid that cannot be attached: gone, ourselves, our ancestor, a zombie, a thread traced already. */
    private static Void check(int pid, int self, Set<Integer> ancestors) throws TraceFailure {
        if (pid <= 0) throw new TraceFailure("no such process: " + pid, null);
        if (pid == self) throw new TraceFailure("pid " + pid + " is jthreadtrace itself", null);
        if (ancestors.contains(pid)) {
            throw new TraceFailure("pid " + pid + " is an ancestor of jthreadtrace (" + comm(pid)
                    + "): it waits for the tool, which would wait for it", null);
        }
        ProcStatus status = ProcStatus.of(pid);
        if (status == null) throw noSuchProcess(pid, null);
        if (status.text("State").startsWith("Z")) throw new TraceFailure(zombie(pid), null);
        if (isKernelThread(pid)) {
            throw new TraceFailure("pid " + pid + " (" + comm(pid) + ") is a kernel thread: it runs no program of its own,"
                    + " and the kernel lets no one trace it", null);
        }
        // Any thread another tracer holds (strace -p TID holds just that one): said before anything is seized.
        for (int tid : taskIds(pid)) {
            long tracer = tracerOf(pid, tid);
            if (tracer != 0) throw new TraceFailure(tracedBy(pid, tid, tracer), null);
        }
        return null;
    }

    /**
     * {@code pid 42 (app) is already traced by pid 77 (strace): ...}: task {@code tid} of process
     * {@code pid} has another tracer, whose thread {@code tracerTid} /proc's TracerPid names (the
     * thread that attached it: its process is said, and the thread when it is not the main one).
     */
    private static String tracedBy(int pid, int tid, long tracerTid) {
        int tracerPid = processOf(tracerTid);
        String task = tid == pid ? "pid " + pid + " (" + comm(pid) + ")" : "thread " + tid + " of pid " + pid + " (" + comm(pid) + ")";
        String by = "pid " + tracerPid + " (" + comm(tracerPid) + ")" + (tracerPid != tracerTid ? ", its thread " + tracerTid : "");
        return task + " is already traced by " + by + ": a task has one tracer; detach that one first";
    }

    /**
     * A zombie: the process exited, or only its main thread did (pthread_exit) and the kernel keeps
     * it a zombie while the other threads run: the seize goes through the main thread, which the
     * kernel no longer lets anyone trace (strace -p fails as well).
     */
    private static String zombie(int pid) {
        long live = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Integer.toString(pid), "task"))) {
            live = tasks.filter(t -> EndLooker.state(t) != 'Z' && EndLooker.state(t) != '?').count();
        } catch (IOException | RuntimeException e) {
            // gone meanwhile: a zombie that has exited
        }
        String who = "pid " + pid + " (" + comm(pid) + ")";
        return live == 0 ? who + " is a zombie: it has exited"
                : who + " is a zombie leader: its main thread has exited (pthread_exit) while " + live + " of its threads run on;"
                + " a process is attached through its main thread, which the kernel lets no one trace now";
    }

    private static final long PF_KTHREAD = 0x00200000;

    /** Whether {@code pid} is a kernel thread: PF_KTHREAD in its flags (the 9th field of /proc/PID/stat). */
    static boolean isKernelThread(int pid) {
        String stat = readValue(Path.of("/proc", Integer.toString(pid), "stat"));
        if (stat == null) return false;
        String[] fields = stat.substring(stat.lastIndexOf(')') + 1).trim().split("\\s+");
        try {
            return fields.length > 6 && (Long.parseLong(fields[6]) & PF_KTHREAD) != 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * Seizes every thread of {@code pid}, re-reading its task list until no new tid appears, each
     * thread's signal mask read into {@code masks} just before its seize ({@link #settledMask}). A
     * {@link SeizeGuard} keeps an exec in another thread from hanging a seize. A thread the kernel
     * refuses (EPERM) is skipped when this tool ({@code self}) holds it already (a thread we hold
     * cloned it: its creator's event reports it) or when it has no tracer (it is dying);
     * another tracer's thread fails the attach, naming that tracer (a trace without it would show a
     * process short of a thread, and say nothing).
     */
    private static Set<Integer> seizeAll(int pid, long options, int self, Map<Integer, Long> masks) throws TraceFailure {
        Set<Integer> seized = new LinkedHashSet<>();
        Set<Integer> skipped = new HashSet<>();
        boolean found = true;
        try (SeizeGuard guard = SeizeGuard.start(pid)) {
            while (found) {
                found = false;
                for (int tid : taskIds(pid)) {
                    if (seized.contains(tid) || skipped.contains(tid)) continue;
                    long mask = settledMask(pid, tid), tracer;
                    guard.seizing();
                    try {
                        Ptrace.seize(tid, options);
                        guard.seized();
                        seized.add(tid);
                        masks.put(tid, mask);
                        found = true;
                    } catch (ErrnoException e) {
                        guard.seized();
                        if (e.errno() == Errno.ESRCH) {
                            skipped.add(tid); // exited between the listing and the seize
                        } else if (e.errno() == Errno.EPERM && (tracer = tracerOf(pid, tid)) != 0) {
                            // TracerPid names the tracer's thread (ours: the ptrace thread), not its process.
                            if (processOf(tracer) != self) throw new TraceFailure(tracedBy(pid, tid, tracer), e);
                            skipped.add(tid); // cloned by a thread we hold: the kernel attached it, its creator reports it
                        } else if (seized.isEmpty()) {
                            throw new TraceFailure(refused(pid, e), e);
                        } else {
                            skipped.add(tid);
                        }
                    }
                }
            }
        }
        if (seized.isEmpty()) throw new TraceFailure("no such process: " + pid + " (it exited while being attached)", null);
        return seized;
    }

    /** How long a mask read in glibc's block-everything moment is read again. */
    private static final long MASK_SETTLE_NS = 5_000_000;

    /**
     * A thread's signal mask from {@code /proc}, read before its seize: once seized, a thread that
     * clones stops at the clone's event inside pthread_create's "block everything" window, and
     * stays there until the stop loop runs, so a read after the seize showed {@code ~[KILL STOP]}
     * for any thread that creates threads. A read that meets that window (microseconds, untraced)
     * is repeated until it has passed; -1 when the thread is gone.
     */
    private static long settledMask(int pid, int tid) {
        long deadline = System.nanoTime() + MASK_SETTLE_NS;
        while (true) {
            ProcStatus status = taskStatus(pid, tid);
            if (status == null) return -1;
            long mask = status.hex("SigBlk", 0);
            if (!Signals.transientBlock(mask) || System.nanoTime() > deadline) return mask;
            Thread.onSpinWait();
        }
    }

    /** Why the kernel refused: a filter, Yama, a missing CAP_SYS_PTRACE, another user (namespace), a security module. */
    private static String refused(int pid, ErrnoException e) {
        if (e.errno() != Errno.EPERM && e.errno() != Errno.EACCES && e.errno() != Errno.ENOSYS) {
            return RefusalDiagnosis.SEIZE + " of pid " + pid + " refused: " + Errno.describe(e.errno());
        }
        int self = Libc.getpid();
        return RefusalDiagnosis.attachRefused(e.errno(), Probe.ptrace(), TracingFacts.current(self),
                TracingFacts.Target.read(Path.of("/"), pid, self));
    }

    /** "no such process", or what hides a process that exists: hidepid, another PID namespace. */
    private static TraceFailure noSuchProcess(int pid, Throwable cause) {
        String why = RefusalDiagnosis.noSuchProcess(pid, Probe.kill(pid), TracingFacts.current(Libc.getpid()));
        return new TraceFailure(why != null ? why : "no such process: " + pid, cause);
    }

    /** {@code maskBefore}: the mask read before the seize (see {@link #settledMask}), or null / -1 when unread. */
    private static TraceEvent.ExistingTask existingTask(int pid, int tid, int ppid, Long maskBefore) {
        ProcStatus status = taskStatus(pid, tid);
        if (status == null) return null; // exited since the seize: its exit stop follows
        long sigmask = maskBefore != null && maskBefore != -1 ? maskBefore : status.hex("SigBlk", 0);
        String cpus = status.text("Cpus_allowed_list");
        int mode = (int) status.number("Seccomp", 0);
        int filters = (int) status.number("Seccomp_filters", mode == 2 ? 1 : 0);
        boolean noNewPrivs = status.number("NoNewPrivs", 0) != 0;
        String name = readValue(Path.of("/proc", Integer.toString(pid), "task", Integer.toString(tid), "comm"));
        // Seized but not yet interrupted: the task is still in its call (the interrupt makes a timed wait a restart_syscall).
        TraceEvent.LookedTask call = EndLooker.lookAt(pid, tid);
        return new TraceEvent.ExistingTask(tid, pid, ppid, name == null ? "?" : name, sigmask,
                cpus.isEmpty() ? "default" : cpus, filters, noNewPrivs, PidNamespaces.innermost(status),
                call == null || call.nr() == TraceEvent.LookedTask.NOT_IN_A_CALL ? null : call,
                tid == pid ? SharedMaps.of(pid) : List.of());
    }

    private static List<Integer> taskIds(int pid) throws TraceFailure {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Integer.toString(pid), "task"))) {
            List<Integer> out = new ArrayList<>();
            for (Path p : tasks.toList()) {
                try {
                    out.add(Integer.parseInt(p.getFileName().toString()));
                } catch (NumberFormatException e) {
                    // not a task
                }
            }
            return out;
        } catch (NoSuchFileException e) {
            throw noSuchProcess(pid, e);
        } catch (IOException e) {
            throw new TraceFailure("cannot list the threads of pid " + pid + ": " + e.getMessage(), e);
        }
    }

    private static Set<Integer> ancestors(int self) {
        Set<Integer> out = new HashSet<>();
        int pid = parentOf(self);
        while (pid > 1 && out.add(pid)) pid = parentOf(pid);
        return out;
    }

    private static int parentOf(int pid) {
        ProcStatus status = ProcStatus.of(pid);
        return status == null ? 0 : (int) status.number("PPid", 0);
    }

    private static ProcStatus taskStatus(int pid, int tid) {
        return ProcStatus.read(Path.of("/proc", Integer.toString(pid), "task", Integer.toString(tid), "status"));
    }

    /** The process thread {@code tid} belongs to (its Tgid), or {@code tid} itself when it cannot be read. */
    private static int processOf(long tid) {
        ProcStatus status = ProcStatus.of((int) tid);
        return status == null ? (int) tid : (int) status.number("Tgid", tid);
    }

    private static long tracerOf(int pid, int tid) {
        ProcStatus status = taskStatus(pid, tid);
        return status == null ? 0 : status.number("TracerPid", 0);
    }

    private static String comm(int pid) {
        String name = readValue(Path.of("/proc", Integer.toString(pid), "comm"));
        return name == null ? "?" : name;
    }

    /**
     * A one-value /proc file without the newline the kernel ends it with. Only that one: a thread
     * name may hold newlines of its own ("a\n 9.9 [1 x]"), which are the name's, escaped when printed.
     */
    private static String readValue(Path file) {
        try {
            String text = KernelBytes.decode(Files.readAllBytes(file));
            return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String exe(int pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Integer.toString(pid), "exe")).toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The command line, NUL-separated in /proc; empty for a kernel thread or one that cleared it. */
    private static List<String> cmdline(int pid) {
        try {
            byte[] bytes = Files.readAllBytes(Path.of("/proc", Integer.toString(pid), "cmdline"));
            List<String> out = new ArrayList<>();
            int from = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == 0) {
                    out.add(KernelBytes.decode(bytes, from, i - from));
                    from = i + 1;
                }
            }
            if (from < bytes.length) out.add(KernelBytes.decode(bytes, from, bytes.length - from));
            return out;
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
