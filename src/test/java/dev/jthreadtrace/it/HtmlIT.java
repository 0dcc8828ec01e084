package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The HTML report in a real browser (Debian's chromium, headless; scripts/test installs it): the
 * DOM holds every thread with its creator edge and its kernel parent, nothing is logged on the
 * console, and a screenshot is left in target/ for people to look at.
 */
@Timeout(180)
class HtmlIT {
    record Rendered(String dom, String log, long millis) {}

    static Rendered render(Path html, Path screenshot) throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        if (!Files.isExecutable(chromium)) fail("HtmlIT needs Chromium: apt-get install chromium (scripts/test installs it as root)");
        List<String> base = List.of(chromium.toString(), "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--enable-logging=stderr", "--v=0");
        long started = System.nanoTime();
        List<String> dump = new ArrayList<>(base);
        dump.addAll(List.of("--dump-dom", html.toUri().toString()));
        // Chromium's helper processes keep its stderr open after it ends: the log goes to a file.
        Path log = Files.createTempFile("chromium", ".log");
        Process p = new ProcessBuilder(dump).redirectError(log.toFile()).start();
        String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium ended");
        byte[] err = Files.readAllBytes(log);
        Files.delete(log);
        long millis = (System.nanoTime() - started) / 1_000_000;
        if (screenshot != null) {
            List<String> shot = new ArrayList<>(base);
            shot.addAll(List.of("--screenshot=" + screenshot, "--window-size=1400,900", html.toUri().toString()));
            Process s = new ProcessBuilder(shot).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertTrue(s.waitFor(120, TimeUnit.SECONDS), "chromium took its screenshot");
            assertTrue(Files.size(screenshot) > 1000, "a screenshot was written: " + screenshot);
        }
        return new Rendered(dom, new String(err, StandardCharsets.UTF_8), millis);
    }

    /** Every thread record of a JSONL trace: its node in the spawn tree (with its creator) and in the kernel tree. */
    static void assertEveryThreadIsThere(Path trace, String dom) throws Exception {
        ObjectMapper json = new ObjectMapper();
        int threads = 0, reparented = 0;
        for (String line : Files.readAllLines(trace)) {
            JsonNode n = json.readTree(line);
            if (!n.get("type").asText().equals("thread")) continue;
            threads++;
            String node = "data-tid=\"" + n.get("tid").asInt() + "\" data-pid=\"" + n.get("pid").asInt() + "\""
                    + (n.get("creator").isNull() ? "" : " data-creator=\"" + n.get("creator").asInt() + "\"");
            assertTrue(dom.contains(node), "spawn tree node " + node);
            assertTrue(dom.contains("data-ktid=\"" + n.get("tid").asInt() + "\" data-ppid=\"" + n.get("os_parent").asInt() + "\""),
                    "kernel tree node of " + n.get("tid"));
            if (n.get("reparented").asBoolean()) reparented++;
        }
        assertTrue(threads > 0);
        assertEquals(reparented, dom.split("data-reparented-from=", -1).length - 1, "every re-parented edge is marked");
    }

    private static void assertNoConsoleMessages(Rendered r) {
        assertFalse(r.log().lines().anyMatch(l -> l.contains("CONSOLE")), "console messages: " + r.log());
    }

    @Test
    void theThreadsFixtureAndTheDemoRenderWithEveryThreadAndItsCreator(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("threads.jsonl"), html = tmp.resolve("threads.html");
        Tool.Result r = Tool.run(Tool.jar("run", "--format", "jsonl", "-o", trace.toString(), "--html", html.toString(), "--",
                Traced.fixture("threads").toString()));
        assertEquals(0, r.code(), r.err());
        Path shots = Files.createDirectories(Tool.basedir().resolve("target/html"));
        Rendered threads = render(html, shots.resolve("threads.png"));
        assertEveryThreadIsThere(trace, threads.dom());
        assertTrue(threads.dom().contains("<svg id=\"timeline\""), "the timeline");
        assertEquals(3, threads.dom().split("class=\"join\"", -1).length - 1, "the fixture's three joins are marked");
        assertTrue(threads.dom().contains("class=\"setting\""), "its setting changes are marked");
        assertNoConsoleMessages(threads);

        Path demoTrace = tmp.resolve("demo.jsonl"), demoHtml = tmp.resolve("demo.html");
        Tool.Result demo = Tool.run(Tool.jar("demo", "--format", "jsonl", "-o", demoTrace.toString(), "--html", demoHtml.toString()));
        assertEquals(0, demo.code(), demo.err());
        Rendered d = render(demoHtml, shots.resolve("demo.png"));
        assertEveryThreadIsThere(demoTrace, d.dom());
        assertNoConsoleMessages(d);

        // report --html from the saved trace gives the same page.
        Path again = tmp.resolve("again.html");
        assertEquals(0, Tool.run(Tool.jar("report", "--report", "none", "--html", again.toString(), trace.toString())).code());
        assertEquals(Files.readString(html), Files.readString(again));
    }

    @Test
    void twoThousandThreadsFoldAndRender(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("churn.jsonl"), html = tmp.resolve("churn.html");
        Tool.Result r = Tool.run(Tool.jar("run", "--format", "jsonl", "-o", trace.toString(), "--html", html.toString(), "--",
                Traced.fixture("churn").toString(), "2000"));
        assertEquals(0, r.code(), r.err());
        Rendered rendered = render(html, null);
        assertEveryThreadIsThere(trace, rendered.dom());
        assertTrue(rendered.dom().contains("\u00d72000"), "the 2000 siblings are one folded group");
        System.out.println("HtmlIT: churn 2000: " + Files.size(html) + " bytes, rendered in " + rendered.millis() + " ms");
    }

    @Test
    void hostileNamesCannotForgeMarkup(@TempDir Path tmp) throws Exception {
        Path html = tmp.resolve("hostile.html");
        Tool.Result r = Tool.run(Tool.jar("run", "--no-live", "--html", html.toString(), "--",
                Traced.fixture("hostile_names").toString(), tmp.toString()));
        assertEquals(0, r.code(), r.err());
        String page = Files.readString(html);
        assertFalse(page.contains("\u001b") || page.contains("\u202e"), "no raw escape or bidi override");
        assertTrue(page.contains("\\33[2J") && page.contains("\\u202eevil"), "the names are shown escaped");
        Rendered rendered = render(html, null);
        assertFalse(rendered.dom().contains("<script"), "nothing became markup");
        assertNoConsoleMessages(rendered);
    }
}
