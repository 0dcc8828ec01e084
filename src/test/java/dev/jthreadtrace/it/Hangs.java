package dev.jthreadtrace.it;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The steps the hang tests (HangIT, HangOwnersIT, HangEndIT, HangSharedIT, HangVmChildIT) share, one each: start a program
 * that hangs, read the pid it says it hung with, wait until its threads sit in their calls as /proc
 * shows them, end a traced run with SIGINT, attach for a while, and leave no process behind.
 */
final class Hangs {
    /** Any scheduler state, for {@link #awaitInCall}. */
    static final char ANY_STATE = 0;

    private Hangs() {}

    /** Starts {@code command} (stdin /dev/null, stderr to {@code err}, or discarded when null) and adds it to {@code started}. */
    static Process start(List<Process> started, List<String> command, Path err) throws IOException {
        Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(err == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(err.toFile())).start();
        started.add(p);
        return p;
    }

    /** The pid on the first line of {@code p}'s stdout that starts with {@code prefix} ("hung ", "deadlocked "). */
    static int pidAfter(Process p, String prefix) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.startsWith(prefix)) return Integer.parseInt(line.substring(prefix.length()).strip());
        }
        throw new AssertionError("the program never printed its '" + prefix.strip() + "' line");
    }

    /** Until {@code count} of the process's threads sit in futex (202), as /proc says: their waits have begun. */
    static void awaitInFutex(long pid, int count) throws InterruptedException {
        awaitInCall(pid, "202", ANY_STATE, count);
    }

    /**
     * Until {@code count} threads of {@code pid} whose name starts with {@code namePrefix} sleep
     * (state S) in futex: past their entry stop, so a tracer has seen their waits begin (a traced
     * task held at a stop is in state t), however loaded the machine is. A JVM's own idle threads
     * sit in futex too: the prefix picks the program's.
     */
    static void awaitAsleepInFutex(long pid, String namePrefix, int count) throws InterruptedException {
        awaitInCall(pid, "202", 'S', namePrefix, count);
    }

    /**
     * Until {@code count} threads of {@code pid} sit in the call numbered {@code nr} (in scheduler
     * state {@code state}, or any with {@link #ANY_STATE}), as /proc says; fails after 30 s.
     */
    static void awaitInCall(long pid, String nr, char state, int count) throws InterruptedException {
        awaitInCall(pid, nr, state, "", count);
    }

    /**
     * Until the agent the tool loads into the running JVM {@code jvm} is in: its watch thread
     * ("jthreadtrace-agent", 15 bytes of it in comm) sleeps reading the tool's socket. The agent
     * starts that thread once its hooks are installed, so a thread the JVM starts from now on has
     * its start() record, however long the attach took on a loaded machine (fails after 90 s).
     */
    static void awaitAgentIn(long jvm) throws InterruptedException {
        awaitInCall(jvm, "0", 'S', "jthreadtrace-ag", 1, 90);
    }

    private static void awaitInCall(long pid, String nr, char state, String namePrefix, int count) throws InterruptedException {
        awaitInCall(pid, nr, state, namePrefix, count, 30);
    }

    private static void awaitInCall(long pid, String nr, char state, String namePrefix, int count, int seconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            int in = inCall(pid, nr, state, namePrefix);
            if (in >= count) return;
            assertTrue(System.nanoTime() < deadline, "only " + in + " threads " + namePrefix + "* of " + pid + " in call " + nr
                    + (state == ANY_STATE ? "" : " in state " + state));
            Thread.sleep(20);
        }
    }

    private static int inCall(long pid, String nr, char state, String namePrefix) {
        int in = 0;
        File[] tasks = new File("/proc/" + pid + "/task").listFiles();
        for (File task : tasks == null ? new File[0] : tasks) {
            try {
                if (!Files.readString(task.toPath().resolve("comm")).startsWith(namePrefix)) continue;
                if (state != ANY_STATE) {
                    String stat = Files.readString(task.toPath().resolve("stat"));
                    if (stat.charAt(stat.lastIndexOf(')') + 2) != state) continue;
                }
                if (Files.readString(task.toPath().resolve("syscall")).startsWith(nr + " ")) in++;
            } catch (IOException e) {
                // the task ended
            }
        }
        return in;
    }

    /** Sends the tool SIGINT and waits (at most 90 s) for it to end: its exit status. */
    static int interrupt(Process tool) throws InterruptedException {
        Tool.signal(tool.pid(), "INT");
        return exitOf(tool);
    }

    /** {@code tool}'s exit status, once it ended by itself (at most 90 s). */
    static int exitOf(Process tool) throws InterruptedException {
        assertTrue(tool.waitFor(90, TimeUnit.SECONDS), "the tool ended");
        return tool.exitValue();
    }

    /** {@code jthreadtrace attach --duration 1s ARGS... PID}, run to its end. */
    static Tool.Result attach(long pid, String... args) {
        List<String> command = new ArrayList<>(List.of("attach", "--duration", "1s"));
        command.addAll(List.of(args));
        command.add(Long.toString(pid));
        return Tool.run(Tool.jar(command.toArray(String[]::new)));
    }

    /** Whether the kernel shows task {@code pid} traced (TracerPid in its status is not 0). */
    static boolean traced(String pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", pid, "status")).stream()
                .anyMatch(l -> l.startsWith("TracerPid:") && !l.substring("TracerPid:".length()).strip().equals("0"));
    }

    /** Waits (at most 60 s) until {@code tool}, still running (its stderr in {@code err}), traces every one of {@code pids}. */
    static void awaitTraced(Process tool, Path err, String... pids) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (String pid : pids) {
            while (!traced(pid)) {
                assertTrue(System.nanoTime() < deadline && tool.isAlive(), "the tool attached to " + pid + ": " + Files.readString(err));
                Thread.sleep(20);
            }
        }
    }

    /** Kills every process of {@code started} and its descendants (each test's @AfterEach). */
    static void endAll(List<Process> started) {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
