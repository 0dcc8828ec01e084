package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The signal mask an attach reports for threads that existed, against /proc: a thread that
 * creates threads all the time (native/churn_mask.c) spends moments inside pthread_create with
 * every signal blocked; once seized, its next clone stops it there until the trace runs, so a mask
 * read after the seize was glibc's ~[KILL STOP], not the thread's [QUIT].
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a read of the fixture's stdout is not interruptible
class AttachMaskIT {
    private static final int ATTACHES = 3;
    private static final String CLOCK_NANOSLEEP = "230 ", PAUSE = "34 ";

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void noProcessLeftBehind() {
        Hangs.endAll(started);
    }

    @Test
    void existingThreadsHaveTheMaskProcShowsWhileTheySleep(@TempDir Path dir) throws Exception {
        Process target = Hangs.start(started, List.of(Traced.fixture("churn_mask").toString()), null);
        int pid = Hangs.pidAfter(target, "ready ");
        Map<Integer, Long> oracle = masksWhileAsleep(pid);
        assertEquals(3, oracle.size(), "main, churner, sleeper: " + oracle);
        ObjectMapper json = new ObjectMapper();
        for (int i = 1; i <= ATTACHES; i++) {
            Path trace = dir.resolve("t" + i + ".jsonl");
            Tool.Result r = Hangs.attach(pid, "--jvm", "off", "--format", "jsonl", "-o", trace.toString());
            assertEquals(0, r.code(), r.err());
            JsonNode start = json.readTree(Files.readAllLines(trace).getFirst());
            Map<Integer, Long> reported = new HashMap<>();
            for (JsonNode t : start.path("existing_at_attach")) reported.put(t.path("tid").asInt(), t.path("sigmask").asLong());
            assertEquals(oracle, reported, "attach " + i + ": " + start);
            assertTrue(Files.readString(trace).contains("\"type\":\"spawn\""), "the churner created threads while traced");
            Tool.Result summary = Tool.run(Tool.jar("report", "--report", "summary", trace.toString()));
            assertEquals(0, summary.code(), summary.err());
            assertFalse(summary.out().contains("inherited settings a creator changed"), summary.out());
        }
    }

    /**
     * Each thread's SigBlk, read while /proc shows it asleep in its own call (usleep's
     * clock_nanosleep, main's pause): never inside pthread_create.
     */
    private static Map<Integer, Long> masksWhileAsleep(int pid) throws Exception {
        Map<Integer, Long> masks = new HashMap<>();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (masks.size() < 3 && System.nanoTime() < deadline) {
            File[] tasks = new File("/proc/" + pid + "/task").listFiles();
            for (File task : tasks == null ? new File[0] : tasks) {
                try {
                    String comm = Files.readString(task.toPath().resolve("comm")).strip();
                    String call = Files.readString(task.toPath().resolve("syscall"));
                    boolean asleep = comm.equals("churn_mask") ? call.startsWith(PAUSE) : call.startsWith(CLOCK_NANOSLEEP);
                    if (!asleep || !(comm.equals("churn_mask") || comm.equals("churner") || comm.equals("sleeper"))) continue;
                    long mask = sigBlk(task.toPath());
                    // still in the same sleep after the read: the mask is the sleeping thread's
                    if (Files.readString(task.toPath().resolve("syscall")).equals(call)) masks.put(Integer.parseInt(task.getName()), mask);
                } catch (IOException e) {
                    // a short-lived thread ended
                }
            }
            Thread.sleep(5);
        }
        return masks;
    }

    private static long sigBlk(Path task) throws IOException {
        for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("SigBlk:")) return Long.parseUnsignedLong(line.substring(7).strip(), 16);
        }
        throw new AssertionError("no SigBlk in " + task);
    }
}
