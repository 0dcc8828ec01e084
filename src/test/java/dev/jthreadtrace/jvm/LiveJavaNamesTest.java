package dev.jthreadtrace.jvm;

import dev.jthreadtrace.decode.CloneFlags;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.model.TraceModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Live Java names: the agent's start() records joined to the clones the tracer reports, in order. */
class LiveJavaNamesTest {
    private static final int PID = 4000, MAIN = 4001;
    private static final long THREAD_FLAGS = CloneFlags.CLONE_VM | CloneFlags.CLONE_THREAD | CloneFlags.CLONE_SIGHAND;

    /**
     * main clones a JVM-started thread (no start() record) at 200, then starts "a-thread-with-a-very-long-name"
     * (its record at 250, its clone at 300). The consumer reads the first clone late, when the
     * second record is in the file already: that record must wait for its own clone.
     */
    @Test
    void aStartRecordAfterTheCloneBeingMatchedWaitsForItsOwnClone(@TempDir Path dir) throws IOException {
        Path records = dir.resolve("jvm-" + PID + ".tsv");
        Files.writeString(records, "");
        TraceModel model = new TraceModel();
        LiveJavaNames names = new LiveJavaNames(dir);
        List<TraceEvent> events = List.of(
                new TraceEvent.TargetStarted(0, PID, 1, "/usr/bin/java", List.of("java")),
                new TraceEvent.Spawned(100, PID, MAIN, TraceEvent.SpawnKind.CLONE3, THREAD_FLAGS));
        for (TraceEvent e : events) feed(model, names, e);

        Files.writeString(records, "S\t250\t" + MAIN + "\t1\tmain\t30\ta-thread-with-a-very-long-name\tITL\tATTR\tdaemon=false\n",
                StandardOpenOption.APPEND);
        feed(model, names, new TraceEvent.Spawned(200, MAIN, 4002, TraceEvent.SpawnKind.CLONE3, THREAD_FLAGS));
        feed(model, names, new TraceEvent.Spawned(300, MAIN, 4003, TraceEvent.SpawnKind.CLONE3, THREAD_FLAGS));

        assertEquals(model.nameOf(4002), names.of(model, 4002), "the JVM's own thread keeps its kernel name");
        assertEquals("a-thread-with-a-very-long-name", names.of(model, 4003));
    }

    private static void feed(TraceModel model, LiveJavaNames names, TraceEvent event) {
        model.accept(event);
        names.event(event, model);
    }
}
