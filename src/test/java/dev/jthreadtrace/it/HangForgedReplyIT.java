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
 * Every reply the tool reads from a JVM's attach socket is bounded: a JVM that binds its own
 * {@code /tmp/.java_pidPID} ({@link ForgedAttachListener}) and answers with an endless stream took
 * the tool from 78 to 232 MB in the 2 s the lock view may take (the JDK's attach client read the
 * handshake's reply whole), and {@code attach} to 2.1 GB with an endless line for its system
 * properties (the JDK's client reads them, and the agent's load result, whole). Against the same
 * program answered by HotSpot: the tool's peak RSS ({@code --stats}) stays near the plain run's, one
 * note says what was cut or that the answer was no JVM's, and the exit status is the plain run's.
 */
@Timeout(180)
class HangForgedReplyIT {
    private static final String CLASSES = System.getProperty("jthreadtrace.testClasses", "target/test-classes");
    /**
     * Room above the plain run's peak: the lock view's cap is 8 MiB of reply (measured: +6 MiB), the
     * properties' 1 MiB; the unbounded
     * read added what the machine read in 2 s (~150 MiB idle, 15 MiB on a loaded one: the note, which
     * the unbounded read never gave, is what tells the two apart there).
     */
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
    void aJvmThatFloodsItsOwnAttachSocketCostsTheToolAtMostTheCap(@TempDir Path tmp) throws Exception {
        Run plain = interrupted(tmp, "plain");
        Run flood = interrupted(tmp, "flood");
        assertEquals(130, plain.code(), plain.err());
        assertEquals(plain.code(), flood.code(), "the command's status: " + flood.err());
        assertTrue(plain.err().lines().noneMatch(l -> l.contains("lock view")), "HotSpot's own answer is whole: " + plain.err());
        assertEquals(1, flood.err().lines().filter(l -> l.startsWith("jthreadtrace: note:")
                && l.contains("JVM " + flood.jvm() + "'s lock view was cut at 8 MiB")).count(), flood.err());
        assertTrue(flood.peakKib() < plain.peakKib() + ROOM_KIB, "peak RSS " + flood.peakKib() + " KiB flooded, "
                + plain.peakKib() + " KiB plain");
    }

    /**
     * {@code attach} to the fixture (untraced) for 2 s: endless answers to the system properties
     * ({@code endless}) and to the agent's load ({@code endless-load}) against HotSpot's (the agent loads).
     */
    @Test
    void endlessAnswersToAttachsPropertiesAndLoadCostTheToolAtMostTheirCaps(@TempDir Path tmp) throws Exception {
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
        return run(Hangs.exitOf(tool), err, pid);
    }

    /** The fixture traced with --stats, ended by SIGINT once it is ready. */
    private Run interrupted(Path tmp, String mode) throws Exception {
        Path err = tmp.resolve(mode + ".err");
        Process tool = Hangs.start(started, Tool.jar("run", "--stats", "--no-live", "--report", "summary", "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", CLASSES,
                ForgedAttachListener.class.getName(), mode), err);
        int jvm = Hangs.pidAfter(tool, "ready ");
        sockets.add(Path.of("/tmp/.java_pid" + jvm));
        return run(Hangs.interrupt(tool), err, jvm);
    }

    /** A run that ended with {@code code}, its stderr in {@code err}: its peak RSS from --stats. */
    private static Run run(int code, Path err, long jvm) throws IOException {
        String text = Files.readString(err);
        Matcher peak = PEAK.matcher(text);
        assertTrue(peak.find(), "--stats gives the peak: " + text);
        return new Run(code, text, jvm, Long.parseLong(peak.group(1)));
    }
}
