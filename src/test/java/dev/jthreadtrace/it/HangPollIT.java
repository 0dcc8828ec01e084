package dev.jthreadtrace.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A poll with a timeout that a stop interrupted before the attach ({@code native/poll_restart.c}
 * stops itself and is continued, as after {@code kill -STOP}/{@code -CONT} or an earlier tracer): the
 * kernel continues it in restart_syscall, and /proc shows that number with the poll's argument
 * registers. Asleep in the kernel's poll code (wchan), it is the poll, with its arguments (the pipe's
 * one descriptor, 60000 ms), in the blocked list and in the start record's {@code in_call}.
 */
@Timeout(120)
class HangPollIT {
    @Test
    void aPollContinuedInRestartSyscallBeforeTheAttachIsListedAsThePoll(@TempDir Path tmp) throws Exception {
        Process target = new ProcessBuilder(Traced.fixture("poll_restart").toString()).redirectError(tmp.resolve("target-err").toFile()).start();
        try {
            String ready = new BufferedReader(new InputStreamReader(target.getInputStream())).readLine();
            assertTrue(ready != null && ready.startsWith("ready "), "the poller is in restart_syscall: " + ready);
            String poller = ready.split(" ")[2];
            Path out = tmp.resolve("attach.txt"), trace = tmp.resolve("attach.jsonl");
            Tool.Result r = Tool.run(Tool.jar("attach", "--duration", "1s", "--no-live", "--width", "200", "--report", "blocked",
                    "-o", out.toString(), "--assert", "threads.blocked{name=\"poller\"} == 1", Long.toString(target.pid())));
            String report = Files.readString(out);
            assertEquals(0, r.code(), r.err() + report);
            assertTrue(Pattern.compile("\\n +" + poller + " poller +poll\\(0x[0-9a-f]+, 1, 60000\\) = \\?\\s+since before the attach, for at least \\S+; "
                    + "still in it when the tool detached").matcher(report).find(), report);
            assertFalse(report.contains("restart_syscall"), report);
            Tool.Result j = Tool.run(Tool.jar("attach", "--duration", "1s", "--no-live", "--format", "jsonl", "-o", trace.toString(),
                    Long.toString(target.pid())));
            assertEquals(0, j.code(), j.err());
            String start = Files.readAllLines(trace).getFirst();
            assertTrue(Pattern.compile("\"tid\":" + poller + ",[^}]*\"in_call\":\\{\"nr\":7,\"args\":\\[\\d+,1,60000,").matcher(start).find(), start);
            assertTrue(target.isAlive(), "the poller polls on after the detaches");
        } finally {
            target.destroyForcibly();
            target.waitFor();
        }
    }
}
