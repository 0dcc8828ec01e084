package dev.jthreadtrace.jvm;

import dev.jthreadtrace.agent.AgentOptions;
import dev.jthreadtrace.agent.RecordFormat;
import dev.jthreadtrace.event.JavaRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The agent writes its records with {@link RecordFormat} and the tool reads them with
 * {@link AgentRecordParser}: one codec, so a record written is the record read, hostile strings and all.
 */
class RecordFormatTest {
    /** Strings a traced program chooses: every separator of the format, a newline, an unpaired surrogate. */
    private static final String HOSTILE = "a\tb;c|d=e\\f\ng\uD800h";

    private final AgentRecordParser parser = new AgentRecordParser(42);

    @Test
    void aConstructedRecordRoundTripsWithItsLocalsAttributesAndStack() {
        StringBuilder line = RecordFormat.constructed(7, "100", 1, HOSTILE, 2, HOSTILE + "2", true);
        RecordFormat.pair(line, HOSTILE, HOSTILE);
        RecordFormat.marker(line, RecordFormat.ATTR);
        RecordFormat.pair(line, "ccl", HOSTILE);
        StringBuilder frames = new StringBuilder();
        RecordFormat.frame(frames, HOSTILE, "run", "A.java", 12);
        RecordFormat.frame(frames, "B", HOSTILE, "", -1);
        RecordFormat.marker(line, RecordFormat.STACK).append(RecordFormat.FIELD).append(frames);

        JavaRecord.Constructed r = (JavaRecord.Constructed) parser.parse(line.toString());

        assertEquals(new JavaRecord.Constructed(42, 7, 100, 1, HOSTILE, 2, HOSTILE + "2", true, Map.of(HOSTILE, HOSTILE),
                List.of(new JavaRecord.Frame(HOSTILE, "run", "A.java", 12), new JavaRecord.Frame("B", HOSTILE, "", -1)),
                Map.of("ccl", HOSTILE)), r);
    }

    @Test
    void aStartedRecordKeepsItsThreadLocalsApartFromItsAttributes() {
        StringBuilder line = RecordFormat.started(9, "101", 3, "main", 4, HOSTILE);
        RecordFormat.marker(line, RecordFormat.ITL);
        RecordFormat.pair(line, "request", HOSTILE);
        RecordFormat.marker(line, RecordFormat.ATTR);
        RecordFormat.pair(line, "daemon", "true");

        JavaRecord.Started r = (JavaRecord.Started) parser.parse(line.toString());

        assertEquals(HOSTILE, r.name());
        assertEquals(Map.of("request", HOSTILE), r.inherited());
        assertEquals(Map.of("daemon", "true"), r.attributes());
        assertEquals(List.of(), r.stack());
    }

    @Test
    void namedRecordsAndShutdownRoundTrip() {
        assertEquals(new JavaRecord.Renamed(42, 5, 102, 6, HOSTILE),
                parser.parse(RecordFormat.named(RecordFormat.RENAMED, 5, "102", 6, HOSTILE).toString()));
        assertEquals(new JavaRecord.Present(42, 5, 0, 1, "main"),
                parser.parse(RecordFormat.named(RecordFormat.PRESENT, 5, "0", 1, "main").toString()));
        StringBuilder present = RecordFormat.named(RecordFormat.PRESENT, 5, "0", 2, HOSTILE);
        RecordFormat.pair(RecordFormat.marker(present, RecordFormat.ATTR), "daemon", "true");
        assertEquals(new JavaRecord.Present(42, 5, 0, 2, HOSTILE, Map.of("daemon", "true")), parser.parse(present.toString()));
        assertEquals(new JavaRecord.ShutdownBegan(42, 8, 103),
                parser.parse(RecordFormat.record(RecordFormat.SHUTDOWN, 8, "103").toString()));
    }

    /** The threads only the JVM's own dump names: a hidden Java thread with its id and daemon flag, one of the VM's with none, and the count left out. */
    @Test
    void dumpedRecordsRoundTrip() {
        assertEquals(new JavaRecord.Dumped(42, 5, 28626, 17, HOSTILE, Map.of("daemon", "true")),
                parser.parse(RecordFormat.dumped(5, 28626, 17, HOSTILE, true).toString()));
        assertEquals(new JavaRecord.Dumped(42, 6, 28604, JavaRecord.Dumped.NO_JAVA_ID, "VM Periodic Task Thread", Map.of()),
                parser.parse(RecordFormat.dumped(6, 28604, RecordFormat.NO_JAVA_ID, "VM Periodic Task Thread", false).toString()));
        assertEquals(new JavaRecord.Dumped(42, 7, 0, JavaRecord.Dumped.NO_JAVA_ID, "", Map.of(JavaRecord.Dumped.LEFT_OUT, "3")),
                parser.parse(RecordFormat.dumpedLeftOut(7, 3).toString()));
    }

    @Test
    void mountCountsAreRunningTotalsAndARecordCarriesWhatItAdds() {
        String first = RecordFormat.record(RecordFormat.MOUNTS, 1, "200").append(RecordFormat.FIELD).append(5).toString();
        String second = RecordFormat.record(RecordFormat.MOUNTS, 2, "200").append(RecordFormat.FIELD).append(8).toString();

        assertEquals(new JavaRecord.Mounts(42, 1, 200, 5), parser.parse(first));
        assertEquals(new JavaRecord.Mounts(42, 2, 200, 3), parser.parse(second));
        assertNull(parser.parse(second), "a total that did not grow adds nothing");
    }

    @Test
    void aLineCutShortOrForgedIsNoRecord() {
        String whole = RecordFormat.named(RecordFormat.RENAMED, 5, "102", 6, "x").toString();
        assertNull(parser.parse(whole.substring(0, whole.lastIndexOf(RecordFormat.FIELD))));
        assertNull(parser.parse("N\tnot-a-time\t1\t2\tx"));
        assertNull(parser.parse("Q\t1\t2\t3\t4"));
        assertNull(parser.parse(""));
    }

    @Test
    void theFileNameIsTheOneTheToolReads() {
        assertEquals("123", AgentFile.NAME.matcher(RecordFormat.fileName("123", null)).results().findFirst().orElseThrow().group(1));
        var named = AgentFile.NAME.matcher(RecordFormat.fileName("1", "4242")).results().findFirst().orElseThrow();
        assertEquals(List.of("1", "4242"), List.of(named.group(1), named.group(2)), "its own pid, then the tool's pid of it");
    }

    @Test
    void theToolsPidOfAJvmReachesItsAgentBesideTheDirectory() {
        String argument = AgentOptions.launchArgument("/tmp/jthreadtrace-x,y", 4242);
        assertEquals("/tmp/jthreadtrace-x,y", AgentOptions.directoryOf(argument));
        assertEquals("4242", AgentOptions.hostPid(argument));
        assertNull(AgentOptions.hostPid(AgentOptions.launchArgument("/tmp/d")));
        assertNull(AgentOptions.hostPid(AgentOptions.attachArgument("/tmp/d")));
        assertEquals("/tmp/d", AgentOptions.directoryOf(AgentOptions.attachArgument("/tmp/d")));
    }
}
