package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jthreadtrace.fixtures.JavaDeadlock;
import dev.jthreadtrace.fixtures.LeakApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A metric the tool could not measure in a JVM is unknown (the assertion FAILs so), never 0:
 * {@code deadlocks} of a real Java monitor deadlock whose JVM refuses the lock view's attach
 * ({@code -XX:+DisableAttachMechanism}: 0 passed {@code deadlocks == 0}), {@code threads.leaked}
 * and {@code java.creation_sites} of a JVM traced without the Java view ({@code --jvm off}) or
 * without creation stacks ({@code --java-stack 0}), where the same program with them answers.
 */
@Timeout(240)
class JavaUnknownMetricsIT {
    private static final String CLASSES = System.getProperty("jthreadtrace.testClasses", "target/test-classes");
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void noProcessLeftBehind() {
        Hangs.endAll(started);
    }

    @Test
    void aJavaDeadlockInAJvmThatRefusesTheLockViewIsAnUnknownDeadlockCountNotZero(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("t.jsonl"), err = tmp.resolve("err");
        Process tool = Hangs.start(started, Tool.jar("run", "--format", "jsonl", "-o", trace.toString(), "--assert", "deadlocks == 0", "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+DisableAttachMechanism", "-cp", CLASSES,
                JavaDeadlock.class.getName(), "monitor"), err);
        int pid = Hangs.pidAfter(tool, "deadlocked ");
        Hangs.awaitAsleepInFutex(pid, "locker-", 2);
        Hangs.interrupt(tool);
        assertTrue(Files.readString(err).contains("no Java lock view of JVM " + pid), Files.readString(err));
        JsonNode locks = null;
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(trace)) {
            JsonNode n = json.readTree(line);
            if ("locks".equals(n.path("kind").asText())) locks = n;
        }
        assertTrue(locks != null && locks.path("unavailable").asText().contains("AttachNotSupportedException"), "" + locks);
        assertEquals(0, locks.path("threads").size(), locks.toString());
        Tool.Result check = Tool.run(Tool.jar("check", "--assert", "deadlocks == 0", "--assert", "threads.total > 0", trace.toString()));
        assertEquals(90, check.code(), check.out() + check.err());
        assertTrue(check.out().matches("(?s).*FAIL  deadlocks == 0 +actual unknown: no Java lock view of JVM " + pid
                + " \\(AttachNotSupportedException.*"), check.out());
        assertTrue(check.out().contains("PASS  threads.total > 0"), check.out());
        Tool.Result report = Tool.run(Tool.jar("report", "--report", "blocked", trace.toString()));
        assertTrue(report.out().contains("(none found; JVM " + pid + " gave no lock view, so its monitors are not searched)"), report.out());
    }

    /** With --jvm off no lock view is asked for at all (hostile12b F4: 0 passed deadlocks == 0). */
    @Test
    void aJavaDeadlockTracedWithoutTheJavaViewIsAnUnknownDeadlockCountNotZero(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("t.jsonl"), err = tmp.resolve("err");
        Process tool = Hangs.start(started, Tool.jar("run", "--jvm", "off", "--format", "jsonl", "-o", trace.toString(), "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", CLASSES, JavaDeadlock.class.getName(),
                "monitor"), err);
        int pid = Hangs.pidAfter(tool, "deadlocked ");
        Hangs.awaitAsleepInFutex(pid, "locker-", 2);
        Hangs.interrupt(tool);
        Tool.Result check = Tool.run(Tool.jar("check", "--assert", "deadlocks == 0", trace.toString()));
        assertEquals(90, check.code(), check.out() + check.err());
        assertTrue(check.out().matches("(?s).*FAIL  deadlocks == 0 +actual unknown: no Java lock view of JVM " + pid
                + " was taken \\(--jvm off\\).*"), check.out());
    }

    @Test
    void leaksAndCreationSitesOfAJvmWithoutTheJavaViewOrItsStacksAreUnknown(@TempDir Path tmp) throws Exception {
        String[] asserts = {"--assert", "threads.leaked == 0", "--assert", "threads.leaked{name=\"*\"} == 0",
                "--assert", "java.creation_sites == 0"};
        Tool.Result seen = traced(List.of(), asserts);
        assertTrue(seen.out().matches("(?s).*FAIL  threads\\.leaked == 0 +actual [1-9].*"), "with the Java view: " + seen.out());
        assertTrue(seen.out().matches("(?s).*FAIL  java\\.creation_sites == 0 +actual [1-9].*"), seen.out());
        Tool.Result off = traced(List.of("--jvm", "off"), asserts);
        assertEquals(90, off.code(), off.out() + off.err());
        assertTrue(off.out().matches("(?s).*FAIL  threads\\.leaked == 0 +actual unknown: not checked: \\d+ is a JVM without the Java view.*"),
                off.out());
        assertTrue(off.out().matches("(?s).*FAIL  threads\\.leaked\\{name=\"\\*\"} == 0 +actual unknown: not checked: .*"), off.out());
        assertTrue(off.out().matches("(?s).*FAIL  java\\.creation_sites == 0 +actual unknown: no creation stacks: a JVM ran without"
                + " the Java view.*"), off.out());
        Tool.Result noStacks = traced(List.of("--java-stack", "0"), asserts);
        assertTrue(noStacks.out().matches("(?s).*FAIL  java\\.creation_sites == 0 +actual unknown: Java threads were started, but no"
                + " creation stack was recorded \\(--java-stack 0\\).*"), noStacks.out());
        assertTrue(noStacks.out().matches("(?s).*FAIL  threads\\.leaked == 0 +actual [1-9].*"), "leaks need no stacks: " + noStacks.out());
    }

    private static Tool.Result traced(List<String> options, String[] asserts) {
        List<String> args = new ArrayList<>(List.of("run", "--no-live", "--report", "none"));
        args.addAll(options);
        args.addAll(List.of(asserts));
        args.add("--");
        args.addAll(JvmIT.java(LeakApp.class.getName()));
        return Tool.run(Tool.jar(args.toArray(String[]::new)));
    }
}
