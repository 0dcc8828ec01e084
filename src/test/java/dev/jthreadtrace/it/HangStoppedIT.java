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

    /** What a fixture says once its parent waits for its stopped child: "stopped PARENT CHILD". */
    private interface AtTheStop {
        void check(String parent, String child) throws Exception;
    }

    /**
     * Runs {@code fixture} under the tool (JSONL into {@code trace}, {@code asserts} as --assert) until
     * it says "stopped PARENT CHILD", checks {@code atStop} then, and ends it with SIGTERM (the fixture
     * ignores it) and --kill-after: its line. The tool's status is the command's own end, killed
     * (not 90: the assertions held).
     */
    private String tracedUntilStopped(Path tmp, Path trace, List<String> asserts, List<String> fixture, AtTheStop atStop) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "--no-live", "--jvm", "off", "--format", "jsonl", "--kill-after", "1s",
                "-o", trace.toString()));
        for (String a : asserts) args.addAll(List.of("--assert", a));
        args.add("--");
        args.addAll(fixture);
        Process tool = new ProcessBuilder(Tool.jar(args.toArray(String[]::new))).redirectError(tmp.resolve("err").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String said;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(tool.getInputStream(), StandardCharsets.UTF_8))) {
            said = out.readLine();
            assertTrue(said != null && said.startsWith("stopped "), "the parent waits for its stopped child: " + said);
            for (String pid : said.split(" ")) if (pid.matches("\\d+")) pids.add(Long.parseLong(pid));
            atStop.check(said.split(" ")[1], said.split(" ")[2]);
            Tool.signal(tool.pid(), "TERM");
            assertTrue(tool.waitFor(60, TimeUnit.SECONDS), "the tool ended");
        } finally {
            tool.destroyForcibly();
        }
        assertTrue(tool.exitValue() >= 128, tool.exitValue() + "\n" + Files.readString(tmp.resolve("err")));
        return said;
    }

    @Test
    void aWaitForAStoppedThreadEndsAtItsStop(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("trace.jsonl");
        // threads.blocked counts the waiting parent only.
        String said = tracedUntilStopped(tmp, trace, List.of("threads.blocked == 1"),
                List.of(Traced.fixture("shared_futex").toString(), "stopped"), (parent, child) -> { });
        String parent = said.split(" ")[1], child = said.split(" ")[2];
        String records = Files.readString(trace);
        assertTrue(Pattern.compile("\"type\":\"thread\",[^\\n]*\"tid\":" + child + ",[^\\n]*\"stopped\":\\{\"signal\":\"SIGSTOP\",\"since_ns\":\\d+,"
                + "\"sender\":" + parent + ",\"by\":\"kill\",\"before_attach\":false}").matcher(records).find(), records);
        assertTrue(Pattern.compile("\"type\":\"thread\",[^\\n]*\"tid\":" + parent + ",[^\\n]*\"stopped\":null").matcher(records).find(), records);
        Tool.Result r = Tool.run(Tool.jar("report", "--report", "blocked", "--width", "300", trace.toString()));
        assertEquals(0, r.code(), r.err());
        String p = parent + " st-main", c = child + " st-holder";
        assertTrue(Pattern.compile("\\n +" + c + " +stopped by SIGSTOP @\\S+, sent by " + p + " \\(kill\\); still stopped when the trace ended")
                .matcher(r.out()).find(), r.out());
        assertTrue(Pattern.compile("waits for " + c + ", which holds the mutex, says glibc's __owner \\(inferred\\), and which is stopped by SIGSTOP @")
                .matcher(r.out()).find(), r.out());
    }

    /**
     * The kernel's view of a parent blocked in wait4 for its stopped child: /proc's syscall line names
     * wait4 (61) and the child's pid. Waited for (at most 30 s): the reporter's exit sends the parent a
     * SIGCHLD, which takes it out of the wait for a moment (the kernel then begins the wait again).
     */
    private static void procSaysTheParentWaitsForTheStoppedChild(String parent, String child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String call, stat;
        char state;
        do {
            Thread.sleep(20);
            call = Files.readString(Path.of("/proc", parent, "syscall"));
            stat = Files.readString(Path.of("/proc", child, "stat"));
            state = stat.charAt(stat.lastIndexOf(')') + 2);
        } while (!(call.startsWith("61 0x" + Long.toHexString(Long.parseLong(child)) + " ") && (state == 'T' || state == 't'))
                && System.nanoTime() < deadline);
        assertTrue(call.startsWith("61 0x" + Long.toHexString(Long.parseLong(child)) + " "), call);
        assertTrue(state == 'T' || state == 't', stat);
    }

    /**
     * A wait4 for one child ({@code native/wait_stopped.c}: waitpid(child, 0) on a child it stopped
     * with SIGSTOP) waits for that child, which does not end until it is continued: the blocked
     * section says so, and the JSONL names the child with via {@code child}.
     */
    @Test
    void aWaitForAStoppedChildSaysItDoesNotEndUntilContinued(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("trace.jsonl");
        String said = tracedUntilStopped(tmp, trace, List.of(), List.of(Traced.fixture("wait_stopped").toString()),
                HangStoppedIT::procSaysTheParentWaitsForTheStoppedChild);
        String parent = said.split(" ")[1], child = said.split(" ")[2];
        String records = Files.readString(trace);
        assertTrue(Pattern.compile("\"type\":\"thread\",[^\\n]*\"tid\":" + parent + ",[^\\n]*\"waits_for\":\\{\"tid\":" + child
                + ",\"name\":\"ws-child\",\"via\":\"child\",\"lock\":\"pid " + child + "\"}").matcher(records).find(), records);
        Tool.Result r = Tool.run(Tool.jar("report", "--report", "blocked", "--width", "300", trace.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(Pattern.compile("\\n +" + parent + " ws-main +wait4\\(" + child + ", [^\\n]*\\n +waits for " + child
                + " ws-child, which is the child process it waits for \\(wait4/waitid on its pid\\), and which is stopped by SIGSTOP @\\S+, sent by "
                + parent + " ws-main \\(kill\\): it does not end until it is continued").matcher(r.out()).find(), r.out());
    }

    /**
     * Attached to a parent already in wait4 for a child already stopped: neither began in the trace.
     * The stop (seized in its group stop, no delivery seen) and the wait (the call /proc showed at the
     * attach) say "before the attach", not a time in the trace; the child is left stopped.
     */
    @Test
    void anAttachSaysAStopAndAWaitBeganBeforeIt(@TempDir Path tmp) throws Exception {
        Process fixture = new ProcessBuilder(Traced.fixture("wait_stopped").toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String said;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(fixture.getInputStream(), StandardCharsets.UTF_8));
            said = out.readLine();
            assertTrue(said != null && said.startsWith("stopped "), "the parent waits for its stopped child: " + said);
            for (String pid : said.split(" ")) if (pid.matches("\\d+")) pids.add(Long.parseLong(pid));
            String parent = said.split(" ")[1], child = said.split(" ")[2];
            procSaysTheParentWaitsForTheStoppedChild(parent, child);
            Tool.Result r = Tool.run(Tool.jar("attach", "--duration", "1s", "--jvm", "off", "--width", "300", "-e", "wait4", "--report", "blocked",
                    parent, child));
            assertEquals(0, r.code(), r.err());
            assertTrue(Pattern.compile("\\n +" + parent + " ws-main +wait4\\(" + child + ", [^\\n]* = \\?  since before the attach, for at least \\S+; "
                    + "still in it when the tool detached\\n +waits for " + child + " ws-child, which is the child process it waits for "
                    + "\\(wait4/waitid on its pid\\), and which is stopped by SIGSTOP before the attach: it does not end until it is continued")
                    .matcher(r.out()).find(), r.out());
            assertTrue(Pattern.compile("\\n +" + child + " ws-child +stopped by SIGSTOP before the attach; still stopped when the trace ended")
                    .matcher(r.out()).find(), r.out());
            procSaysTheParentWaitsForTheStoppedChild(parent, child); // detached: both as they were
        } finally {
            fixture.destroyForcibly();
        }
    }
}
