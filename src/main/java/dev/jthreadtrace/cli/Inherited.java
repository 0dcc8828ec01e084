package dev.jthreadtrace.cli;

import dev.jthreadtrace.ptrace.KeptAcrossExec;
import dev.jthreadtrace.ptrace.Launch;
import dev.jthreadtrace.session.CpuBudget;
import dev.jthreadtrace.sys.IntervalTimers;
import dev.jthreadtrace.sys.ProcStatus;
import dev.jthreadtrace.sys.Libc;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the tool inherited from whoever started it, for the traced command to get unchanged: the
 * environment, byte for byte and in order, the open descriptors, the ignored and blocked signals,
 * the coredump_filter, the interval timers and the pending signals. The launcher ({@code scripts/lib/launch.sh}) records them before the
 * tool's JVM can change them ({@code -Djthreadtrace.launcher.*}) and hands the environment block
 * on through a descriptor ({@code jthreadtrace.launcher.env}: a deleted file only the user could
 * read) exactly as the kernel gave it to the launcher, repeated names and entries without '='
 * included; the tool's own JVM runs with a small environment of its own. Started as
 * {@code java -jar} without the launcher, the command gets the JVM's environment as it is, stdin,
 * stdout and stderr, no signal ignored or blocked, and the JVM's coredump_filter.
 */
final class Inherited {
    private static final String LAUNCHER = "jthreadtrace.launcher";

    private Inherited() {}

    /** Thrown when the environment the launcher handed on cannot be read: the tool cannot run the command as given. */
    static final class LauncherStateException extends RuntimeException {
        LauncherStateException(String message) {
            super(message);
        }
    }

    /** The launch of {@code command} with everything the tool inherited. */
    static Launch launch(List<String> command) {
        return new Launch(argv(command), environment(), descriptors(), signals("sigign"), signals("sigblk"), coredumpFilter(),
                keptAcrossExec());
    }

    /**
     * The interval timers armed in the tool, disarmed here (they are the command's: it gets what is
     * left of them in its start gate), and the signals pending, blocked, at the launcher's start
     * ({@code jthreadtrace.launcher.sigpnd}: its thread's, {@code shdpnd}: the process's; read there,
     * the JVM's start lost a thread's own) or due from a timer: the launcher blocks SIGALRM,
     * SIGVTALRM and SIGPROF across the JVM's start ({@code jthreadtrace.launcher.timers}), so an
     * expiry before now waits, pending, instead of killing the JVM; one while the launcher's shell
     * ran is in {@code jthreadtrace.launcher.timersdue}. The signals the tool itself takes
     * ({@code jthreadtrace.launcher.held}) are not the command's. The CPU time limit the tool raised
     * in itself at its start ({@link CpuBudget}) is the command's as the tool was given it.
     */
    static KeptAcrossExec keptAcrossExec() {
        List<KeptAcrossExec.IntervalTimer> timers = new ArrayList<>();
        long now = System.nanoTime();
        for (int which = 0; which <= 2; which++) {
            long[] old = IntervalTimers.disarm(which);
            if (old != null && old[0] > 0) timers.add(new KeptAcrossExec.IntervalTimer(which, old[0], old[1]));
        }
        long blocked = signals("sigblk") & ~signals("held");
        long expired = ProcStatus.self().hex("ShdPnd", 0) & signals("timers") | signals("timersdue");
        return new KeptAcrossExec(timers, now, signals("shdpnd") & blocked | expired, signals("sigpnd") & blocked,
                CpuBudget.commandLimit());
    }

    /** The environment as a map, for looking things up (PATH); the launch has the exact entries. */
    static Map<String, String> variables(Launch launch) {
        Map<String, String> out = new LinkedHashMap<>();
        for (byte[] entry : launch.environment()) {
            String s = new String(entry, StandardCharsets.UTF_8);
            int eq = s.indexOf('=');
            if (eq > 0) out.putIfAbsent(s.substring(0, eq), s.substring(eq + 1));
        }
        return out;
    }

    /**
     * The command's arguments as the kernel gave them to the tool (the last entries of
     * /proc/self/cmdline), so bytes that are not UTF-8 reach the command unchanged; the strings
     * Picocli parsed when that reading does not match them.
     */
    static List<byte[]> argv(List<String> command) {
        List<byte[]> raw = entries(Path.of("/proc/self/cmdline"));
        if (raw != null && raw.size() >= command.size()) {
            List<byte[]> tail = raw.subList(raw.size() - command.size(), raw.size());
            boolean same = true;
            for (int i = 0; i < tail.size() && same; i++) same = decoded(tail.get(i)).equals(command.get(i));
            if (same) return List.copyOf(tail);
        }
        return command.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
    }

    /**
     * The launcher's environment block (read once: its descriptor is closed after), or without
     * the launcher this process's own initial block.
     */
    static List<byte[]> environment() {
        String fd = System.getProperty(LAUNCHER + ".env");
        if (fd == null) {
            List<byte[]> raw = entries(Path.of("/proc/self/environ"));
            if (raw != null) return raw;
            List<byte[]> out = new ArrayList<>();
            for (var e : System.getenv().entrySet()) out.add((e.getKey() + "=" + e.getValue()).getBytes(StandardCharsets.UTF_8));
            return out;
        }
        synchronized (Inherited.class) {
            if (launcherEnvironment == null) launcherEnvironment = readLauncherEnvironment(fd);
            return launcherEnvironment;
        }
    }

    private static List<byte[]> launcherEnvironment;

    private static List<byte[]> readLauncherEnvironment(String fdText) {
        int fd;
        try {
            fd = Integer.parseInt(fdText);
        } catch (NumberFormatException e) {
            throw new LauncherStateException("the launcher's environment descriptor is not a number: " + fdText);
        }
        if (fd < 0) throw new LauncherStateException("the launcher handed on no environment");
        byte[] block;
        try {
            block = Files.readAllBytes(Path.of("/proc/self/fd/" + fd));
        } catch (IOException e) {
            throw new LauncherStateException("cannot read the environment the launcher handed on (descriptor " + fd + "): "
                    + FileProblems.reason(e));
        } catch (RuntimeException e) {
            throw new LauncherStateException("cannot read the environment the launcher handed on (descriptor " + fd + "): " + e);
        } finally {
            Libc.close(fd);
        }
        return split(block);
    }

    /** The descriptors the launcher found open (and not close-on-exec); stdin, stdout and stderr without it. */
    static int[] descriptors() {
        String list = System.getProperty(LAUNCHER + ".fds");
        if (list == null) return Launch.STANDARD_DESCRIPTORS;
        if (list.isBlank()) return new int[0];
        try {
            return Arrays.stream(list.split(",")).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            return Launch.STANDARD_DESCRIPTORS;
        }
    }

    /** The coredump_filter the launcher was started with, or {@link Launch#SAME_COREDUMP_FILTER}. */
    private static long coredumpFilter() {
        String hex = System.getProperty(LAUNCHER + ".coredumpfilter");
        try {
            return hex == null || hex.isBlank() ? Launch.SAME_COREDUMP_FILTER : Long.parseUnsignedLong(hex.strip(), 16);
        } catch (NumberFormatException e) {
            return Launch.SAME_COREDUMP_FILTER;
        }
    }

    /** A signal mask the launcher read ({@code SigIgn}, {@code SigBlk}), or 0. */
    private static long signals(String which) {
        String hex = System.getProperty(LAUNCHER + "." + which);
        try {
            return hex == null || hex.isBlank() ? 0 : Long.parseUnsignedLong(hex, 16);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The NUL-terminated entries of a /proc file, or null when it cannot be read. */
    private static List<byte[]> entries(Path file) {
        try {
            return split(Files.readAllBytes(file));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** NUL-terminated entries (a last one without its NUL too), each as it is: empty, without '=', repeated. */
    static List<byte[]> split(byte[] bytes) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != 0) continue;
            out.add(Arrays.copyOfRange(bytes, start, i));
            start = i + 1;
        }
        if (start < bytes.length) out.add(Arrays.copyOfRange(bytes, start, bytes.length));
        return out;
    }

    private static String decoded(byte[] bytes) {
        return new String(bytes, Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"),
                StandardCharsets.UTF_8));
    }
}
