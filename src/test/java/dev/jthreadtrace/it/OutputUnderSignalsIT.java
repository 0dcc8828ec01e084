package dev.jthreadtrace.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A signal that comes once the traced command has exited, while the tool still takes in the last
 * of many threads' events and writes its output, cuts nothing short: every file is whole (the
 * JSONL trace passes {@code check}, the JUnit XML parses, the HTML ends), one line per signal (two
 * at most) says what happened, and the exit status is the command's. It used to end the tool
 * silently with 130 (143 for SIGTERM) and half-written files: the JVM's own handling took over once
 * the trace was over. Through the launcher (signals taken with sigtimedwait) and without it (the
 * JVM's signal dispatch, {@code java -jar}); once, twice, and to the tool's whole process group as
 * {@code timeout -s INT} does.
 */
@Timeout(300)
class OutputUnderSignalsIT {
    private static final int THREADS = 3000;
    private static final String FIRST = "jthreadtrace: SIG%s: the traced command has exited, nothing sent; finishing the report"
            + " and output files, which no signal cuts short (SIGKILL would)";
    private static final String SECOND = "jthreadtrace: second SIG%s: still finishing the output; the exit status stays the"
            + " trace's (SIGKILL ends jthreadtrace at once, the output unfinished)";

    /** How the signals are sent: to the tool alone (one or more, in order) or to the tool, then its process group. */
    private record Signals(String name, int toTool, boolean thenGroup) {}

    @Test
    void oneSigintThroughTheLauncherLeavesTheTextReportHtmlAndXmlWhole(@TempDir Path tmp) throws Exception {
        Path text = tmp.resolve("report.txt"), html = tmp.resolve("report.html"), xml = tmp.resolve("junit.xml");
        String err = traceAndSignal(tmp, launcher(), List.of("--no-live", "-o", text.toString(), "--html", html.toString(),
                "--junit-xml", xml.toString()), new Signals("INT", 1, false));
        assertEquals(List.of(FIRST.formatted("INT")), err.lines().toList());
        String report = Files.readString(text);
        assertTrue(report.contains("THREADS BY CREATOR") && report.endsWith("1 passed, 0 failed\n"), report);
        assertWhole(html, xml);
    }

    @Test
    void sigintToTheToolThenItsGroupLeavesTheJsonlTraceCheckable(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("trace.jsonl"), html = tmp.resolve("report.html"), xml = tmp.resolve("junit.xml");
        String err = traceAndSignal(tmp, launcher(), List.of("--format", "jsonl", "-o", trace.toString(), "--html", html.toString(),
                "--junit-xml", xml.toString()), new Signals("INT", 1, true));
        assertEquals(List.of(FIRST.formatted("INT"), SECOND.formatted("INT")), err.lines().toList());
        assertWhole(html, xml);
        assertCheckable(trace);
    }

    @Test
    void threeSigtermsToTheToolsOwnJvmCutNothingEither(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("trace.jsonl"), html = tmp.resolve("report.html"), xml = tmp.resolve("junit.xml");
        // The HTML page keeps the tool at its output long enough for three signals 30 ms apart, however
        // quickly it takes in the last events (without it, a fast finish let them come after its exit began).
        String err = traceAndSignal(tmp, Tool.jar(), List.of("--format", "jsonl", "-o", trace.toString(), "--html", html.toString(),
                "--junit-xml", xml.toString()), new Signals("TERM", 3, false));
        assertEquals(List.of(FIRST.formatted("TERM"), SECOND.formatted("TERM")), err.lines().toList());
        assertWhole(html, xml);
        assertCheckable(trace);
    }

    private static List<String> launcher() {
        return List.of(Tool.basedir().resolve("scripts/jthreadtrace").toString());
    }

    /**
     * Runs {@code tool run OPTIONS --assert ... -- sh -c 'churn 3000 && echo done'} in a session of
     * its own, waits for "done" and for the command to be gone (reaped by the tracer), signals, and
     * returns the tool's stderr after checking its exit status is the command's (0).
     */
    private static String traceAndSignal(Path tmp, List<String> tool, List<String> options, Signals signals) throws Exception {
        List<String> command = new ArrayList<>(List.of("setsid"));
        command.addAll(tool);
        command.add("run");
        command.addAll(options);
        command.addAll(List.of("--assert", "threads.total > " + THREADS, "--", "/bin/sh", "-c", "\"$0\" " + THREADS + " && echo done",
                Traced.fixture("churn").toString()));
        Path err = tmp.resolve("stderr");
        Process p = new ProcessBuilder(command).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            var out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("done", out.readLine(), "the command's last output");
            // setsid execs (a child is no group leader): p's pid is the tool's, and the command its only child.
            for (int i = 0; i < 2000 && p.descendants().findAny().isPresent(); i++) Thread.sleep(5);
            assertTrue(p.descendants().findAny().isEmpty(), "the command exited and was reaped");
            assertTrue(p.isAlive(), "the tool still takes in the events or writes its output when the signal comes");
            for (int i = 0; i < signals.toTool(); i++) {
                Tool.signal(p.pid(), signals.name());
                Thread.sleep(30);
            }
            if (signals.thenGroup()) new ProcessBuilder("kill", "-" + signals.name(), "--", "-" + p.pid()).start().waitFor();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the tool ended");
            String said = Files.readString(err);
            assertEquals(0, p.exitValue(), "the command's status, the assertion passed: " + said);
            return said;
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    private static void assertWhole(Path html, Path xml) throws Exception {
        assertTrue(Files.readString(html).strip().endsWith("</html>"), "the HTML report ends");
        assertXml(xml);
    }

    private static void assertXml(Path xml) throws Exception {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
        assertEquals("0", doc.getDocumentElement().getAttribute("failures"));
        assertEquals("1", doc.getDocumentElement().getAttribute("tests"));
    }

    private static void assertCheckable(Path trace) {
        Tool.Result check = Tool.run(Tool.jar("check", "--assert", "threads.total > " + THREADS, trace.toString()));
        assertEquals(0, check.code(), check.err());
    }
}
