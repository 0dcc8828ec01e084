package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.KernelBytes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What the traced command starts with, byte for byte what an untraced run would get from whoever
 * started the tool: its argv (argv[0] as typed: the tracer searches PATH the way {@code execvp}
 * does, inside the start gate), its environment entries in their order, the descriptors it
 * inherits (at the same numbers; every other one is closed), the signals it starts with
 * ignored and blocked, its {@code /proc/PID/coredump_filter} (the JVM changes the tool's own,
 * which a child would inherit), and what an exec keeps but a fork drops (interval timers, pending signals).
 *
 * @param argv           the command and its arguments; argv[0] is what is searched for
 * @param environment    {@code NAME=VALUE} entries, raw bytes, in order
 * @param descriptors    the descriptors the command inherits, sorted
 * @param ignoredSignals bit {@code n-1} set: signal {@code n} starts as SIG_IGN (every other one SIG_DFL)
 * @param blockedSignals bit {@code n-1} set: signal {@code n} starts blocked
 * @param coredumpFilter the command's coredump_filter bits, or {@link #SAME_COREDUMP_FILTER}: the tool's own
 * @param kept           the interval timers and pending signals the tool was exec'd with, for the command
 */
public record Launch(List<byte[]> argv, List<byte[]> environment, int[] descriptors, long ignoredSignals,
                     long blockedSignals, long coredumpFilter, KeptAcrossExec kept) {
    /** No coredump_filter to set: the command inherits the tool's. */
    public static final long SAME_COREDUMP_FILTER = -1;

    /** What a shell gives a child when nobody says otherwise: stdin, stdout and stderr, nothing ignored or blocked. */
    public static final int[] STANDARD_DESCRIPTORS = {0, 1, 2};

    public Launch {
        if (argv.isEmpty()) throw new IllegalArgumentException("no command");
        argv = argv.stream().map(byte[]::clone).toList();
        environment = environment.stream().map(byte[]::clone).toList();
        descriptors = Arrays.stream(descriptors).sorted().distinct().toArray();
    }

    public Launch(List<byte[]> argv, List<byte[]> environment, int[] descriptors, long ignoredSignals, long blockedSignals) {
        this(argv, environment, descriptors, ignoredSignals, blockedSignals, SAME_COREDUMP_FILTER, KeptAcrossExec.NONE);
    }

    /** A launch from strings (tests, the demo): UTF-8 bytes, the standard descriptors, no signal ignored or blocked. */
    public static Launch of(List<String> command, Map<String, String> environment) {
        List<byte[]> env = new ArrayList<>();
        environment.forEach((k, v) -> env.add((k + "=" + v).getBytes(StandardCharsets.UTF_8)));
        return new Launch(command.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList(), env,
                STANDARD_DESCRIPTORS, 0, 0);
    }

    /** The same command with another environment ({@code --jvm env} adds to it). */
    public Launch withEnvironment(List<byte[]> entries) {
        return new Launch(argv, entries, descriptors, ignoredSignals, blockedSignals, coredumpFilter, kept);
    }

    /** argv as text, for events and messages: bytes that are not UTF-8 kept as {@link KernelBytes} does. */
    public List<String> command() {
        return argv.stream().map(KernelBytes::decode).toList();
    }

    /** The value of {@code name} in the environment, or null. */
    public byte[] variable(String name) {
        byte[] prefix = (name + "=").getBytes(StandardCharsets.UTF_8);
        for (byte[] entry : environment) {
            if (entry.length >= prefix.length && Arrays.equals(entry, 0, prefix.length, prefix, 0, prefix.length)) {
                return Arrays.copyOfRange(entry, prefix.length, entry.length);
            }
        }
        return null;
    }

    public boolean keeps(int fd) {
        return Arrays.binarySearch(descriptors, fd) >= 0;
    }

    @Override
    public int[] descriptors() {
        return descriptors.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Launch l && same(argv, l.argv) && same(environment, l.environment)
                && Arrays.equals(descriptors, l.descriptors) && ignoredSignals == l.ignoredSignals && blockedSignals == l.blockedSignals
                && coredumpFilter == l.coredumpFilter && kept.equals(l.kept);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(descriptors) ^ Long.hashCode(ignoredSignals) ^ argv.size();
    }

    private static boolean same(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) if (!Arrays.equals(a.get(i), b.get(i))) return false;
        return true;
    }

    @Override
    public String toString() {
        return "Launch" + command();
    }
}
