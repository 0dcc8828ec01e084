package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jthreadtrace.fixtures.JavaHooks;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java view against an independent oracle: JFR, recording jdk.ThreadStart in the same traced
 * JVM. For every platform thread JFR saw start, the tool's JSONL must have the same OS tid, the
 * same Java name and the same starter (JFR's parentThread) as kernel creator and Java starter.
 */
@Timeout(120)
class JfrComparisonIT {
    /** {@code Class.method:line} of the first frame outside the JDK, as the tool's creation site reads. */
    static String firstApplicationFrame(RecordedStackTrace trace) {
        if (trace == null) return null;
        for (RecordedFrame f : trace.getFrames()) {
            String type = f.getMethod().getType().getName();
            if (type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun.") || type.startsWith("com.sun.")) continue;
            return type + "." + f.getMethod().getName() + ":" + f.getLineNumber();
        }
        return null;
    }

    @Test
    void everyThreadJfrSawStartHasTheSameTidNameAndStarterInTheTrace(@TempDir Path tmp) throws Exception {
        Path jfr = tmp.resolve("threads.jfr");
        Path trace = tmp.resolve("trace.jsonl");
        List<String> command = new ArrayList<>(JvmIT.java(JavaHooks.class.getName()));
        command.add(1, "-XX:StartFlightRecording:filename=" + jfr + ",settings=default");
        List<String> args = new ArrayList<>(List.of("run", "--format", "jsonl", "-o", trace.toString(), "--"));
        args.addAll(command);
        Tool.Result r = Tool.run(Tool.jar(args.toArray(String[]::new)));
        assertEquals(0, r.code(), r.err());

        Map<Integer, JsonNode> byTid = new HashMap<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(trace)) {
            JsonNode n = json.readTree(line);
            if (n.get("type").asText().equals("thread")) byTid.put(n.get("tid").asInt(), n);
        }
        int compared = 0, sites = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            if (!e.getEventType().getName().equals("jdk.ThreadStart")) continue;
            RecordedThread started = e.getThread("thread");
            RecordedThread parent = e.getThread("parentThread");
            if (started == null || started.isVirtual() || started.getOSThreadId() <= 0) continue;
            JsonNode ours = byTid.get((int) started.getOSThreadId());
            assertNotNull(ours, "JFR saw " + started.getJavaName() + " (tid " + started.getOSThreadId() + ") start; the trace has it");
            // A thread without a Java parent was attached by the JVM, not started: at exit the main thread
            // re-attaches as "DestroyJavaVM" (the same OS thread, which the trace keeps calling main).
            if (parent == null) continue;
            assertEquals(started.getJavaName(), ours.get("name").asText(), "tid " + started.getOSThreadId());
            // JFR's stack of the start() call: its first application frame is where ours says the thread was created.
            String jfrSite = firstApplicationFrame(e.getStackTrace());
            if (jfrSite != null) {
                assertEquals(jfrSite, ours.get("java").get("created_at").asText().replaceAll("\\(.*:(\\d+)\\)$", ":$1"),
                        started.getJavaName() + ": the creation site");
                sites++;
            }
            if (parent.getOSThreadId() > 0 && !parent.isVirtual()) {
                assertEquals(parent.getOSThreadId(), ours.get("java").get("started_by").asLong(), started.getJavaName() + ": the starter");
                assertEquals(parent.getOSThreadId(), ours.get("creator").asLong(), started.getJavaName() + ": the kernel's creator");
            }
            compared++;
        }
        assertTrue(compared >= 8, "JFR recorded the fixture's platform threads starting: " + compared);
        assertTrue(sites >= 5, "creation sites compared with JFR's stacks: " + sites);
    }
}
