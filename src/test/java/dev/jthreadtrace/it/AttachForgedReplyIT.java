package dev.jthreadtrace.it;

import dev.jthreadtrace.fixtures.ForgedAttachListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every reply {@code jthreadtrace attach} reads from a JVM's attach socket is bounded: a JVM that
 * binds its own {@code /tmp/.java_pidPID} ({@link ForgedAttachListener}) and answers the request
 * for its system properties, or the agent's {@code load}, with one endless line grew the tool
 * without a bound (the JDK's client reads both whole). Against the same program answered by
 * HotSpot (the agent loads): the tool's peak RSS ({@code --stats}) stays near the plain run's,
 * one note says the answer was no JVM's, the attach ends with its --duration, status 0.
 */
@Timeout(180)
class AttachForgedReplyIT {
    private static final String CLASSES = System.getProperty("jthreadtrace.testClasses", "target/test-classes");
    /** Room above the plain run's peak: the replies read are at most 1 MiB. */
    private static final long ROOM_KIB = 24 * 1024;
    private static final Pattern PEAK = Pattern.compile("peak RSS (\\d+) KiB");
    private final List<Process> started = new ArrayList<>();
    private final List<Path> sockets = new ArrayList<>();

    @AfterEach
    void noProcessLeftBehind() throws IOException {
        Hangs.endAll(started);
        for (Path socket : sockets) Files.deleteIfExists(socket);
    }

    @Test
    void endlessAnswersToThePropertiesAndTheAgentsLoadCostTheToolAtMostTheirCaps(@TempDir Path tmp) throws Exception {
        Run plain = attached(tmp, "plain");
        assertEquals(0, plain.code(), plain.err());
        assertTrue(plain.err().lines().noneMatch(l -> l.contains("JVM " + plain.jvm())), "HotSpot's answers are whole: " + plain.err());
        for (String mode : List.of("endless", "endless-load")) {
            Run forged = attached(tmp, mode);
            assertEquals(0, forged.code(), mode + ": " + forged.err());
            List<String> notes = forged.err().lines().filter(l -> l.contains("JVM " + forged.jvm())).toList();
            assertEquals(1, notes.size(), mode + ", one note: " + forged.err());
            assertTrue(notes.getFirst().startsWith("jthreadtrace: note:") && notes.getFirst().contains("no JVM's answer")
                    && notes.getFirst().contains(mode.equals("endless") ? "properties" : "load"), mode + ": " + notes);
            assertTrue(forged.peakKib() < plain.peakKib() + ROOM_KIB, mode + ": peak RSS " + forged.peakKib() + " KiB, "
                    + plain.peakKib() + " KiB plain");
        }
    }

    record Run(int code, String err, long jvm, long peakKib) {}

    /** The fixture, untraced, attached to for 2 s with --stats. */
    private Run attached(Path tmp, String mode) throws Exception {
        Process jvm = Hangs.start(started, List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", CLASSES, ForgedAttachListener.class.getName(), mode), null);
        int pid = Hangs.pidAfter(jvm, "ready ");
        sockets.add(Path.of("/tmp/.java_pid" + pid));
        Path err = tmp.resolve(mode + ".err");
        Process tool = Hangs.start(started, Tool.jar("attach", "--duration", "2s", "--stats", "--no-live", "--report", "summary",
                Integer.toString(pid)), err);
        int code = Hangs.exitOf(tool);
        String text = Files.readString(err);
        Matcher peak = PEAK.matcher(text);
        assertTrue(peak.find(), "--stats gives the peak: " + text);
        return new Run(code, text, pid, Long.parseLong(peak.group(1)));
    }
}
