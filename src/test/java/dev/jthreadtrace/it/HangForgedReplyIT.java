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
 * The lock view's attach reads a bounded reply: a traced JVM that binds its own
 * {@code /tmp/.java_pidPID} and answers the tool with an endless stream ({@link ForgedAttachListener})
 * took the tool from 78 to 232 MB in the 2 s the view may take (the JDK's attach client read the
 * handshake's reply whole). Against the same program that binds nothing (HotSpot answers), both
 * ended by SIGINT: the tool's peak RSS ({@code --stats}) stays near the plain run's, the note says the
 * reply was cut, and the exit status is the command's.
 */
@Timeout(180)
class HangForgedReplyIT {
    private static final String CLASSES = System.getProperty("jthreadtrace.testClasses", "target/test-classes");
    /**
     * Room above the plain run's peak: the cap is 8 MiB of reply (measured: +6 MiB); the unbounded
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

    record Run(int code, String err, long jvm, long peakKib) {}

    /** The fixture traced with --stats, ended by SIGINT once it is ready. */
    private Run interrupted(Path tmp, String mode) throws Exception {
        Path err = tmp.resolve(mode + ".err");
        Process tool = Hangs.start(started, Tool.jar("run", "--stats", "--no-live", "--report", "summary", "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", CLASSES,
                ForgedAttachListener.class.getName(), mode), err);
        int jvm = Hangs.pidAfter(tool, "ready ");
        sockets.add(Path.of("/tmp/.java_pid" + jvm));
        int code = Hangs.interrupt(tool);
        String text = Files.readString(err);
        Matcher peak = PEAK.matcher(text);
        assertTrue(peak.find(), "--stats gives the peak: " + text);
        return new Run(code, text, jvm, Long.parseLong(peak.group(1)));
    }
}
