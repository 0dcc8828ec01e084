package dev.jthreadtrace.render;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.model.RecordedTrace;
import dev.jthreadtrace.model.TraceModel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The renderers on a recorded event stream against golden files in src/test/resources/golden.
 * After an intended change of the output, regenerate them with
 * {@code mvn test -Dtest=GoldenTest -Djthreadtrace.updateGolden=true} and review the diff.
 */
class GoldenTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    static void assertGolden(String name, String actual) throws IOException {
        Path file = GOLDEN.resolve(name);
        if (Boolean.getBoolean("jthreadtrace.updateGolden")) Files.writeString(file, actual);
        assertEquals(Files.readString(file), actual, "output differs from " + file);
    }

    @Test
    void liveLines() throws IOException {
        assertGolden("threads-lines.txt", PlainLines.of(RecordedTrace.threadsFixture()));
    }

    @Test
    void reportAtFixedWidth() throws IOException {
        TraceModel model = RecordedTrace.model(RecordedTrace.threadsFixture());
        List<String> lines = new ArrayList<>();
        new Report(model, Palette.PLAIN, 100, lines::add).render(EnumSet.allOf(ReportSection.class));
        assertGolden("threads-report.txt", String.join("\n", lines) + "\n");
    }

    @Test
    void reportUnderAGermanLocaleIsTheSameAsTheGolden() throws IOException {
        Locale before = Locale.getDefault();
        try {
            // -Duser.language=de: a decimal comma would turn 12.3ms into 12,3ms and 3.3 MiB into 3,3 MiB.
            Locale.setDefault(Locale.GERMANY);
            TraceModel model = RecordedTrace.model(RecordedTrace.threadsFixture());
            List<String> lines = new ArrayList<>();
            new Report(model, Palette.PLAIN, 100, lines::add).render(EnumSet.allOf(ReportSection.class));
            assertGolden("threads-report.txt", String.join("\n", lines) + "\n");
            assertTrue(String.join("\n", lines).matches("(?s).*\\d\\.\\dms.*"), "the report has decimal times");
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void colourDoesNotShiftTheColumns() {
        TraceModel model = RecordedTrace.model(RecordedTrace.threadsFixture());
        List<String> plain = new ArrayList<>(), coloured = new ArrayList<>();
        new Report(model, Palette.PLAIN, 100, plain::add).render(EnumSet.of(ReportSection.TREE));
        new Report(model, Palette.COLOR, 100, coloured::add).render(EnumSet.of(ReportSection.TREE));
        assertEquals(plain, coloured.stream().map(l -> l.replaceAll("\u001b\\[[0-9;]*m", "")).toList());
        assertTrue(coloured.stream().anyMatch(l -> l.contains("\u001b[")), "colour was on");
    }

    @Test
    void identicalSiblingsAreFoldedInTheTreeAndTheInheritedList() {
        TraceModel model = new TraceModel();
        model.accept(new TraceEvent.TargetStarted(0, 100, 1, "/bin/pool", List.of("pool")));
        for (int i = 1; i <= 4; i++) {
            model.accept(new TraceEvent.Spawned(i * 1000L, 100, 100 + i, TraceEvent.SpawnKind.CLONE3, RecordedTrace.PTHREAD));
            model.accept(new TraceEvent.Syscall(i * 1000L + 10, i * 1000L + 20, 100 + i, SyscallTable.PRCTL,
                    new long[] {15, 1, 0, 0, 0, 0}, 0, false, true, captured(("worker-" + i).getBytes())));
        }
        model.accept(new TraceEvent.TraceEnded(10_000, 0));
        List<String> lines = new ArrayList<>();
        new Report(model, Palette.PLAIN, 100, lines::add).render(EnumSet.of(ReportSection.TREE, ReportSection.TIMELINE));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("└─101..104 worker-1..worker-4 ×4")), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("  101..104 ×4") && l.contains("from 100 pool")), String.join("\n", lines));
    }

    private static Captures captured(byte[] name) {
        Captures c = new Captures();
        c.put(1, name);
        return c;
    }

    @Test
    void sectionsCanBeChosen() {
        TraceModel model = RecordedTrace.model(RecordedTrace.threadsFixture());
        List<String> lines = new ArrayList<>();
        new Report(model, Palette.PLAIN, 100, lines::add).render(ReportSection.parse("futex"));
        assertEquals("FUTEX", lines.get(1).substring(0, 5));
        assertEquals(0, lines.stream().filter(l -> l.startsWith("THREADS BY CREATOR") || l.startsWith("MMAP")).count());
        assertEquals(EnumSet.noneOf(ReportSection.class), ReportSection.parse("none"));
    }
}
