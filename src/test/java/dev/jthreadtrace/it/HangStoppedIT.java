package dev.jthreadtrace.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A thread a stop signal holds stopped is the end of a chain of waits ({@code native/shared_futex.c
 * stopped}): the parent blocks on a process-shared mutex its child holds, after stopping that child
 * with kill(SIGSTOP). The child is in no call (not blocked, not in threads.blocked), but the report
 * says it is stopped, by which signal, since when and sent by whom (the siginfo of the SIGSTOP the
 * kernel delivered: the parent, by kill), and the parent's wait names that stop; the JSONL thread
 * record carries it ({@code stopped}), and the saved trace reads back to the same lines.
 */
@Timeout(180)
class HangStoppedIT {
    private final List<Long> pids = new ArrayList<>();

    @AfterEach
    void noProcessLeft() {
        for (long pid : pids) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    @Test
    void aWaitForAStoppedThreadEndsAtItsStop(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("trace.jsonl");
        Process tool = new ProcessBuilder(Tool.jar("run", "--no-live", "--jvm", "off", "--format", "jsonl", "--kill-after", "1s",
                "-o", trace.toString(), "--assert", "threads.blocked == 1", "--", Traced.fixture("shared_futex").toString(), "stopped"))
                .redirectError(tmp.resolve("err").toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String said;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(tool.getInputStream(), StandardCharsets.UTF_8))) {
            said = out.readLine();
            assertTrue(said != null && said.startsWith("stopped "), "the parent waits for its stopped child: " + said);
            for (String pid : said.split(" ")) if (pid.matches("\\d+")) pids.add(Long.parseLong(pid));
            Tool.signal(tool.pid(), "TERM");
            assertTrue(tool.waitFor(60, TimeUnit.SECONDS), "the tool ended");
        } finally {
            tool.destroyForcibly();
        }
        String err = Files.readString(tmp.resolve("err"));
        // The command's own end (killed after the SIGTERM it ignored), not 90: threads.blocked counts the waiting parent only.
        assertTrue(tool.exitValue() >= 128, tool.exitValue() + "\n" + err);
        String parent = said.split(" ")[1], child = said.split(" ")[2];
        String records = Files.readString(trace);
        assertTrue(Pattern.compile("\"type\":\"thread\",[^\\n]*\"tid\":" + child + ",[^\\n]*\"stopped\":\\{\"signal\":\"SIGSTOP\",\"since_ns\":\\d+,"
                + "\"sender\":" + parent + ",\"by\":\"kill\"}").matcher(records).find(), records);
        assertTrue(Pattern.compile("\"type\":\"thread\",[^\\n]*\"tid\":" + parent + ",[^\\n]*\"stopped\":null").matcher(records).find(), records);
        Tool.Result r = Tool.run(Tool.jar("report", "--report", "blocked", "--width", "300", trace.toString()));
        assertEquals(0, r.code(), r.err());
        String p = parent + " st-main", c = child + " st-holder";
        assertTrue(Pattern.compile("\\n +" + c + " +stopped by SIGSTOP @\\S+, sent by " + p + " \\(kill\\); still stopped when the trace ended")
                .matcher(r.out()).find(), r.out());
        assertTrue(Pattern.compile("waits for " + c + ", which holds the mutex, says glibc's __owner \\(inferred\\), and which is stopped by SIGSTOP @")
                .matcher(r.out()).find(), r.out());
    }
}
