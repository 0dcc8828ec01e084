package dev.jthreadtrace.cli;

import dev.jthreadtrace.ptrace.Launch;

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
 * environment, byte for byte and in order, the open descriptors, and the ignored and blocked
 * signals. The launcher ({@code scripts/jthreadtrace}) records the descriptors and the signal
 * state before the tool's JVM can change them ({@code -Djthreadtrace.launcher.*}), and starts the
 * JVM with the environment it was given itself; it moves the JVM options variables
 * ({@code JAVA_TOOL_OPTIONS}, {@code JDK_JAVA_OPTIONS}, {@code _JAVA_OPTIONS}), which are meant for
 * the user's JVMs and not for the tool's, aside under {@value #SAVED_PREFIX}NAME, at the same
 * place (and any variable already named so under the prefix once more), which this undoes.
 * Started as {@code java -jar} without the launcher, the command gets the JVM's environment as it
 * is, stdin, stdout and stderr, and no signal ignored or blocked.
 */
final class Inherited {
    static final String SAVED_PREFIX = "JTHREADTRACE_USER_";
    private static final String LAUNCHER = "jthreadtrace.launcher";

    private Inherited() {}

    /** The launch of {@code command} with everything the tool inherited. */
    static Launch launch(List<String> command) {
        boolean launcher = System.getProperty(LAUNCHER + ".fds") != null;
        return new Launch(argv(command), environment(launcher), descriptors(), signals("sigign"), signals("sigblk"));
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

    /** This process's environment (its raw initial block), with the launcher's renaming undone. */
    static List<byte[]> environment(boolean fromLauncher) {
        List<byte[]> raw = entries(Path.of("/proc/self/environ"));
        if (raw == null) {
            raw = new ArrayList<>();
            for (var e : System.getenv().entrySet()) raw.add((e.getKey() + "=" + e.getValue()).getBytes(StandardCharsets.UTF_8));
        }
        if (!fromLauncher) return raw;
        byte[] prefix = SAVED_PREFIX.getBytes(StandardCharsets.US_ASCII);
        List<byte[]> out = new ArrayList<>(raw.size());
        for (byte[] entry : raw) {
            boolean saved = entry.length > prefix.length && Arrays.equals(entry, 0, prefix.length, prefix, 0, prefix.length);
            out.add(saved ? Arrays.copyOfRange(entry, prefix.length, entry.length) : entry);
        }
        return out;
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
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException | RuntimeException e) {
            return null;
        }
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
