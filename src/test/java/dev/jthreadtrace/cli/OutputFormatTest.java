package dev.jthreadtrace.cli;

import dev.jthreadtrace.decode.TraceSelection;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.jsonl.SavedAssertion;
import dev.jthreadtrace.model.RecordedTrace;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.render.LiveSink;
import dev.jthreadtrace.render.LineOptions;
import dev.jthreadtrace.render.Output;
import dev.jthreadtrace.render.Palette;
import dev.jthreadtrace.render.ReportSection;
import dev.jthreadtrace.render.SyscallSummary;
import dev.jthreadtrace.render.TextLines;
import dev.jthreadtrace.render.ThreadNames;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An output format is one type: the option, its help and its output come from the format itself.
 * A test double shows it: a format that is only its own class is offered, described and written.
 */
class OutputFormatTest {
    /** The double: one line per thread creation, then a count. */
    static final class Spawns implements OutputFormat {
        @Override
        public Traits traits() {
            return new Traits("spawns", "one line per thread or process created", true, Entries.IGNORED, false, new SharedStdout.Fine());
        }

        @Override
        public TraceOutput open(OutputContext c) {
            int[] count = {0};
            LiveSink live = (event, model) -> {
                if (event instanceof TraceEvent.Spawned s) {
                    count[0]++;
                    c.out().line(s.creator() + " -> " + s.child());
                }
            };
            return new TraceOutput() {
                @Override
                public LiveSink live() {
                    return live;
                }

                @Override
                public void finish(TraceModel model, List<SavedAssertion> results) {
                    c.out().line(count[0] + " created");
                }
            };
        }
    }

    private static final List<OutputFormat> WITH_DOUBLE = new ArrayList<>(OutputFormat.ALL);

    static {
        WITH_DOUBLE.add(new Spawns());
    }

    @Test
    void theOptionOffersDescribesAndTakesAFormatFromItsClassAlone() {
        String help = OutputOptions.formatHelp(WITH_DOUBLE);
        assertTrue(help.endsWith(" or spawns (one line per thread or process created)"), help);
        assertTrue(help.startsWith("text (strace-style lines and a report), jsonl ("), help);
        assertEquals("spawns", OutputOptions.format(WITH_DOUBLE, "spawns").name());
        var wrong = assertThrows(CommandLine.TypeConversionException.class, () -> OutputOptions.format(WITH_DOUBLE, "xml"));
        assertEquals("expected one of [text, jsonl, perfetto, spawns] (case-sensitive) but was 'xml'", wrong.getMessage());
    }

    @Test
    void aFormatWritesATraceFromWhatTheContextGivesIt() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<TraceEvent> events = RecordedTrace.threadsFixture();
        TraceModel model = new TraceModel();
        try (Output out = new Output(bytes, false)) {
            TraceOutput output = new Spawns().open(context(out));
            for (TraceEvent e : events) {
                model.accept(e);
                output.live().event(e, model);
            }
            output.finish(model, List.of());
        }
        long spawned = events.stream().filter(e -> e instanceof TraceEvent.Spawned).count();
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(spawned + 1, lines.size(), lines.toString());
        assertEquals(spawned + " created", lines.getLast());
        assertTrue(lines.contains(RecordedTrace.MAIN + " -> " + RecordedTrace.INNER1), lines.toString());
    }

    @Test
    void everyFormatOpensWritesAndIsDocumented() throws IOException {
        String man = Files.readString(Path.of("man/jthreadtrace.1")), readme = Files.readString(Path.of("README.md"));
        assertEquals(OutputFormat.ALL.size(), new HashSet<>(OutputFormat.names()).size(), "distinct names");
        for (OutputFormat format : OutputFormat.ALL) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            TraceModel model = new TraceModel();
            try (Output out = new Output(bytes, false)) {
                TraceOutput output = format.open(everything(out));
                for (TraceEvent e : RecordedTrace.threadsFixture()) {
                    model.accept(e);
                    output.live().event(e, model);
                }
                output.finish(model, List.of());
            }
            assertTrue(bytes.size() > 0, format.name() + " wrote nothing");
            assertTrue(man.contains("--format " + format.name()) || man.contains("\\-\\-format " + format.name()),
                    "man page: --format " + format.name());
            assertTrue(readme.contains("--format " + format.name()), "README: --format " + format.name());
        }
    }

    /** Lines, the whole report and the -c table, as a text run with -C asks. */
    private static OutputContext everything(Output out) {
        boolean[] all = TraceSelection.parse("all").shown();
        return new OutputContext(out, new PrintWriter(new StringWriter()), all, 32,
                o -> new TextLines(o, Palette.PLAIN, all, LineOptions.defaults(32), ThreadNames.KERNEL),
                new TraceOutput.ReportLayout(EnumSet.allOf(ReportSection.class), Palette.PLAIN, 100),
                new TraceOutput.SummaryTable(all, SyscallSummary.Sort.TIME, false), null);
    }

    private static OutputContext context(Output out) {
        boolean[] all = TraceSelection.parse("all").shown();
        return new OutputContext(out, new PrintWriter(new StringWriter()), all, 32, null, null, null, null);
    }
}
