package dev.jthreadtrace.it;

import dev.jthreadtrace.fixtures.ShutdownHook;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Signals to the tool behave as under a shell: the first SIGINT/SIGTERM/SIGHUP goes to the traced
 * command, whose own handlers and JVM shutdown hooks run and whose status is passed through; a
 * second one, or --kill-after, kills the tree; SIGQUIT never makes the tool's JVM dump its threads.
 */
@Timeout(120)
class SignalsIT {
    private static void signal(Process p, String name) throws Exception {
        Tool.signal(p.pid(), name);
    }

    private static Process start(List<String> args) throws Exception {
        return new ProcessBuilder(Tool.jar(args.toArray(String[]::new)))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    }

    private static String firstLine(Process p) throws Exception {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }

    private static String rest(Process p) throws Exception {
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the tool ended");
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void theCommandsOwnSigtermHandlerRunsAndItsStatusIsPassedThrough(@TempDir Path tmp) throws Exception {
        Path marker = tmp.resolve("stopped");
        Process p = start(List.of("run", "-e", "prctl", "--report", "tree", "--", Traced.fixture("graceful").toString(), marker.toString()));
        assertTrue(firstLine(p).contains("prctl(PR_SET_NAME, \"graceful\")"), "handlers in place");
        signal(p, "TERM");
        String out = rest(p);
        assertEquals(7, p.exitValue(), "the command's own exit status");
        assertEquals("stopped by 15\n", Files.readString(marker), "its handler ran");
        assertTrue(out.contains("THREADS BY CREATOR") && out.contains("exit 7"), out);
    }

    @Test
    void aJvmsShutdownHooksRunOnSigintAndSigquitDumpsNothingIntoTheTrace(@TempDir Path tmp) throws Exception {
        Path marker = tmp.resolve("hook"), ready = tmp.resolve("ready"), trace = tmp.resolve("trace.jsonl");
        List<String> args = new ArrayList<>(List.of("run", "--format", "jsonl", "-o", trace.toString(), "--"));
        args.addAll(JvmIT.java(ShutdownHook.class.getName(), marker.toString(), ready.toString()));
        Process p = start(args);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!Files.exists(ready)) {
            assertTrue(p.isAlive() && System.nanoTime() < deadline, "the JVM registered its hook");
            Thread.sleep(50);
        }
        signal(p, "QUIT");
        Thread.sleep(300);
        assertTrue(p.isAlive(), "SIGQUIT to the tool does not end it");
        signal(p, "INT");
        rest(p);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(130, p.exitValue(), err);
        assertEquals("hook ran\n", Files.readString(marker), "the JVM's shutdown hook ran");
        assertFalse(err.contains("Full thread dump"), err);
        String jsonl = Files.readString(trace);
        assertFalse(jsonl.contains("Full thread dump"), "no dump of the tool's JVM in the trace");
        Tool.Result check = Tool.run(Tool.jar("check", "--assert", "exit.code == 130", trace.toString()));
        assertEquals(0, check.code(), check.out() + check.err());
    }

    /**
     * A SIGTERM to the tool goes where {@code kill -TERM} of the command would go untraced: to the
     * command alone, not to the background child it started nor to the daemon it left in a session
     * of its own (native/termtree: each records whether it got one). It used to reach every traced
     * process.
     */
    @Test
    void sigtermReachesTheCommandAloneAsItWouldUntraced(@TempDir Path tmp) throws Exception {
        Path untraced = tmp.resolve("untraced"), traced = tmp.resolve("traced");
        Process plain = new ProcessBuilder(Traced.fixture("termtree").toString(), untraced.toString())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        Process tool = start(List.of("run", "--no-live", "--report", "none", "--", Traced.fixture("termtree").toString(),
                traced.toString()));
        try {
            for (Process p : List.of(plain, tool)) {
                assertEquals("ready", firstLine(p), "every handler in place");
                signal(p, "TERM");
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ended");
                assertEquals(7, p.exitValue(), "the command's status: it got the signal and let the others go");
            }
            List<String> kernel = Files.readAllLines(untraced).stream().sorted().toList();
            assertEquals(List.of("bg term=0", "daemon term=0", "top term=1"), kernel, "what kill -TERM does untraced");
            assertEquals(kernel, Files.readAllLines(traced).stream().sorted().toList(), "the same under the tool");
            String err = new String(tool.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(err.contains("SIGTERM passed to the traced command"), err);
        } finally {
            for (Process p : List.of(plain, tool)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }

    @Test
    void aSecondSignalOrKillAfterKillsACommandThatIgnoresTheFirst(@TempDir Path tmp) throws Exception {
        Process p = start(List.of("run", "-e", "prctl", "--report", "tree", "--", Traced.fixture("graceful").toString(),
                tmp.resolve("x").toString(), "stubborn"));
        assertTrue(firstLine(p).contains("\"graceful\""));
        signal(p, "TERM");
        Thread.sleep(500);
        assertTrue(p.isAlive(), "the command ignores SIGTERM, so the trace goes on");
        signal(p, "TERM");
        String out = rest(p);
        assertEquals(143, p.exitValue());
        assertTrue(out.contains("killed by SIGKILL"), out);

        long started = System.nanoTime();
        Process q = start(List.of("run", "--kill-after", "500ms", "-e", "prctl", "--report", "none", "--",
                Traced.fixture("graceful").toString(), tmp.resolve("y").toString(), "stubborn"));
        assertTrue(firstLine(q).contains("\"graceful\""));
        signal(q, "TERM");
        rest(q);
        assertEquals(143, q.exitValue());
        assertTrue((System.nanoTime() - started) / 1_000_000_000L < 15, "killed after half a second, not after 30 s");
    }

    /**
     * A SIGINT at any moment of a run through the launcher, as a user runs it: while the launcher
     * shell runs, while the tool's JVM starts, before the command starts, and after. It used to end
     * the tool with 130 and not a word until the trace's handler was in place (about the first
     * second): the shell and the JVM died at the signal's default disposition, then the JVM's own
     * handler exited. Now every one gets one line: before the trace nothing was run (no marker),
     * after it the signal reaches the command and the report comes.
     */
    @Test
    void aSigintAtAnyMomentOfARunGetsOneLineAndTheDocumentedStatus(@TempDir Path tmp) throws Exception {
        Path launcher = Tool.basedir().resolve("scripts/jthreadtrace");
        assertEquals(0, Tool.run(List.of(launcher.toString(), "--version")).code(), "the launcher works (and built the jar)");
        int[] delaysMs = {20, 60, 120, 200, 300, 450, 700};
        for (int i = 0; i < delaysMs.length + 1; i++) {
            Path marker = tmp.resolve("ran-" + i), out = tmp.resolve("out-" + i), err = tmp.resolve("err-" + i);
            Process p = new ProcessBuilder(launcher.toString(), "run", "-e", "none", "--report", "summary", "--", "/bin/sh", "-c",
                    "echo ran > \"$0\"; exec sleep 20", marker.toString())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try {
                if (i < delaysMs.length) {
                    Thread.sleep(delaysMs[i]);
                } else {
                    for (int w = 0; w < 600 && !Files.exists(marker); w++) Thread.sleep(50);
                    assertTrue(Files.exists(marker), "the command started");
                }
                signal(p, "INT");
                // One in the instant the launcher execs the tool's JVM is ignored (documented): the next one counts.
                if (!p.waitFor(5, TimeUnit.SECONDS)) signal(p, "INT");
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ended at the first SIGINT, or the second");
                String said = Files.readString(err);
                String when = i < delaysMs.length ? "after " + delaysMs[i] + " ms: " : "after the command started: ";
                assertEquals(130, p.exitValue(), when + said);
                List<String> lines = said.lines().toList();
                assertEquals(1, lines.size(), when + "one line, not silence: " + said);
                String line = lines.getFirst();
                if (line.contains("passed to the traced command")) {
                    assertTrue(Files.exists(marker), when + line);
                    assertTrue(Files.readString(out).contains("SUMMARY"), when + "the report: " + Files.readString(out));
                } else {
                    assertTrue(line.matches("jthreadtrace: SIGINT (while starting: nothing was run or traced"
                            + "|before the command started: it was not run)"), when + line);
                    assertFalse(Files.exists(marker), when + "the command did not run: " + line);
                    assertEquals("", Files.readString(out), when);
                }
                if (i == delaysMs.length) assertTrue(line.contains("passed to the traced command"), line);
            } finally {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }

    /**
     * Through the launcher the tool's JVM takes SIGINT, SIGTERM and SIGHUP with sigtimedwait (it
     * holds them blocked from its exec): a SIGTERM still reaches the command alone, whose handler
     * runs and whose status is passed through, and the command starts with them unblocked.
     */
    @Test
    void throughTheLauncherTheCommandStillGetsItsSignalAsUntraced(@TempDir Path tmp) throws Exception {
        Path marker = tmp.resolve("stopped");
        Process p = new ProcessBuilder(Tool.basedir().resolve("scripts/jthreadtrace").toString(), "run", "-e", "prctl", "--report",
                "tree", "--", Traced.fixture("graceful").toString(), marker.toString())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            assertTrue(firstLine(p).contains("prctl(PR_SET_NAME, \"graceful\")"), "handlers in place");
            signal(p, "TERM");
            String out = rest(p);
            assertEquals(7, p.exitValue(), "the command's own exit status");
            assertEquals("stopped by 15\n", Files.readString(marker), "its handler ran");
            assertTrue(out.contains("exit 7"), out);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
    /**
     * The command runs in the tool's process group (as under strace), so a {@code kill(0, SIG)} of
     * its own reaches the tool too: it is the command's business, not the user's. A script's
     * {@code trap 'kill 0' EXIT} counted as the user's first SIGTERM ("the traced command has
     * exited; ... a second one kills them"), a {@code kill -INT 0} as a SIGINT "passed to the
     * traced command", which it then got twice. Now the tool takes no notice: the same exit
     * status as untraced, the report and the JUnit XML written, not a line on stderr. Each run in
     * a session of its own (setsid), as a shell's job would have a group of its own: the group
     * signalled is never the test's. The signals the tool's JVM does not use reach it too: ignored.
     */
    @Test
    void aSignalTheCommandSendsItsOwnGroupIsNotTheUsers(@TempDir Path tmp) throws Exception {
        Path launcher = Tool.basedir().resolve("scripts/jthreadtrace").toAbsolutePath();
        List<String> scripts = List.of("trap 'kill 0' EXIT; sleep 30 & sleep 0.3; echo done",
                "sleep 0.3; kill -INT 0; echo after", "trap 'echo got TERM' TERM; kill -TERM 0; sleep 0.2; kill -TERM 0; echo still",
                // Signals the tool's JVM has no use for: at their default disposition each ended it without a
                // word (EXITKILL took the command, "alive" never came); SIGUSR2, the JVM's own, made it write a
                // log line into its stdout, which is the trace's.
                "for s in USR1 USR2 TRAP ABRT STKFLT IO PWR SYS XCPU RTMIN RTMIN+5 RTMAX; do trap '' $s; kill -$s 0; done;"
                        + " sleep 0.3; echo alive");
        for (int i = 0; i < scripts.size(); i++) {
            String script = scripts.get(i);
            Path xml = tmp.resolve("junit-" + i + ".xml");
            Tool.Result untraced = Tool.run(List.of("setsid", "-w", "bash", "-c", script));
            Tool.Result traced = Tool.run(List.of("setsid", "-w", launcher.toString(), "run", "--no-live", "--report", "summary",
                    "--junit-xml", xml.toString(), "--", "bash", "-c", script));
            assertEquals(untraced.code(), traced.code(), script + ": " + traced.err());
            assertEquals(untraced.err(), traced.err(), script + ": not a line of the tool's");
            assertTrue(traced.out().startsWith(untraced.out()) && traced.out().contains("SUMMARY"), script + ": " + traced.out());
            assertTrue(Files.readString(xml).contains("<testsuite"), script + ": the JUnit XML was written");
        }
    }

    /**
     * A command that takes the terminal for a process group of its own (an interactive shell, any
     * job-control program) leaves the tool in a background group. Under {@code stty tostop} its next
     * live line then stopped it with SIGTTOU, and the traced tree with it (a job's "Stopped (tty
     * output)"), or, its group orphaned as here, failed with EIO: "cannot write standard output",
     * 125, the trace lost. The tool ignores SIGTTOU, so the kernel lets it write.
     */
    @Test
    void aCommandThatTakesTheTerminalLeavesTheToolWriting() throws Exception {
        Path launcher = Tool.basedir().resolve("scripts/jthreadtrace").toAbsolutePath();
        String inner = "stty tostop; '" + launcher + "' run -e write --report summary -- bash --norc -i -c 'echo hi; sleep 0.3; echo bye';"
                + " echo status=$?";
        Tool.Result r = Tool.run(List.of("script", "-qec", inner, "/dev/null"));
        String out = r.out().replace("\r", "");
        assertTrue(out.contains("status=0\n") && out.contains("SUMMARY") && out.contains("write(1, \"bye\\n\", 4"), out + r.err());
        assertFalse(out.contains("cannot write"), out);
    }
}
