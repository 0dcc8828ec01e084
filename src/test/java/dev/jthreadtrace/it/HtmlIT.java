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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The HTML report in a real browser (Debian's chromium, headless; scripts/test installs it): the
 * DOM holds every thread with its creator edge and its kernel parent (in a folded row or a node of
 * its own), a summary, an axis with ticks and a legend entry for every mark drawn; the page is no
 * wider than a 1000 or 1400 px window; a 10 000-thread churn traced with --report none folds in
 * both trees, keeps its joins and stays within its size budget; nothing is logged on the console;
 * the README's screenshots (the demo at 1000 and 1400 px) are left in target/html/.
 */
@Timeout(180)
class HtmlIT {
    record Rendered(String dom, String log, long millis) {}

    static Rendered render(Path html, Path screenshot) throws Exception {
        return render(html, screenshot, 1400);
    }

    static Rendered render(Path html, Path screenshot, int width) throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        if (!Files.isExecutable(chromium)) fail("HtmlIT needs Chromium: apt-get install chromium (scripts/test installs it as root)");
        List<String> base = List.of(chromium.toString(), "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--enable-logging=stderr", "--v=0");
        long started = System.nanoTime();
        List<String> dump = new ArrayList<>(base);
        // The screenshot in the same run as the DOM (a Chromium start each cost 2-6 s): its window is 1600 high, and
        // the page, which has no script, lays out its DOM by the width alone.
        dump.add("--window-size=" + width + (screenshot == null ? ",900" : ",1600"));
        if (screenshot != null) dump.add("--screenshot=" + screenshot);
        dump.addAll(List.of("--dump-dom", html.toUri().toString()));
        // Chromium's helper processes keep its stderr open after it ends: the log goes to a file.
        Path log = Files.createTempFile("chromium", ".log");
        Process p = new ProcessBuilder(dump).redirectError(log.toFile()).start();
        String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium ended");
        byte[] err = Files.readAllBytes(log);
        Files.delete(log);
        long millis = (System.nanoTime() - started) / 1_000_000;
        if (screenshot != null) assertTrue(Files.size(screenshot) > 1000, "a screenshot was written: " + screenshot);
        return new Rendered(dom, new String(err, StandardCharsets.UTF_8), millis);
    }

    /** A screenshot of the page in a window {@code width} pixels wide (1600 high: the summary, trees and timeline), as the README shows it. */
    static void screenshot(Path html, Path screenshot, int width) throws Exception {
        List<String> shot = new ArrayList<>(List.of("/usr/bin/chromium", "--headless=new", "--no-sandbox", "--disable-gpu",
                "--hide-scrollbars", "--screenshot=" + screenshot, "--window-size=" + width + ",1600", html.toUri().toString()));
        Process s = new ProcessBuilder(shot).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(s.waitFor(120, TimeUnit.SECONDS), "chromium took its screenshot");
        assertTrue(Files.size(screenshot) > 1000, "a screenshot was written: " + screenshot);
    }

    /** A folded row of a tree: the attributes its members share, and their ids. */
    record Group(Map<String, String> attributes, Set<Integer> members) {}

    private static final Pattern GROUP = Pattern.compile(
            "<li class=\"group\"([^>]*)><details><summary>.*?</summary><p class=\"members\">([^<]*)</p>", Pattern.DOTALL);
    private static final Pattern ATTRIBUTE = Pattern.compile("([a-z-]+)=\"([^\"]*)\"");

    /** The folded rows of one tree ({@code spawn-tree} or {@code kernel-tree}) of a DOM. */
    static List<Group> groups(String dom, String tree) {
        int from = dom.indexOf("id=\"" + tree + "\""), to = dom.indexOf("</section>", from);
        List<Group> groups = new ArrayList<>();
        Matcher m = GROUP.matcher(dom.substring(from, to));
        while (m.find()) {
            Map<String, String> attributes = new HashMap<>();
            Matcher a = ATTRIBUTE.matcher(m.group(1));
            while (a.find()) attributes.put(a.group(1), a.group(2));
            Set<Integer> members = new HashSet<>();
            for (String word : m.group(2).split("[ ,]+")) if (word.matches("\\d+")) members.add(Integer.parseInt(word));
            groups.add(new Group(attributes, members));
        }
        return groups;
    }

    /**
     * Every thread record of a JSONL trace: its node in the spawn tree (with its creator) and in the
     * kernel tree, or its id in a folded row whose shared attributes (creator, process, kernel
     * parent) are its own.
     */
    static void assertEveryThreadIsThere(Path trace, String dom) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<Group> spawnGroups = groups(dom, "spawn-tree"), kernelGroups = groups(dom, "kernel-tree");
        int threads = 0, reparented = 0;
        try (var lines = Files.lines(trace)) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (!line.contains("\"type\":\"thread\"")) continue;
                JsonNode n = json.readTree(line);
                if (!n.get("type").asText().equals("thread")) continue;
                threads++;
                int tid = n.get("tid").asInt(), pid = n.get("pid").asInt(), ppid = n.get("os_parent").asInt();
                String creator = n.get("creator").isNull() ? null : String.valueOf(n.get("creator").asInt());
                String node = "data-tid=\"" + tid + "\" data-pid=\"" + pid + "\"" + (creator == null ? "" : " data-creator=\"" + creator + "\"");
                boolean folded = spawnGroups.stream().anyMatch(g -> g.members().contains(tid)
                        && Objects.equals(creator, g.attributes().get("data-creator"))
                        && String.valueOf(pid).equals(g.attributes().getOrDefault("data-pid", String.valueOf(pid))));
                assertTrue(dom.contains(node) || folded, "spawn tree node " + node);
                boolean kernelFolded = kernelGroups.stream().anyMatch(g -> g.members().contains(tid)
                        && String.valueOf(ppid).equals(g.attributes().get("data-ppid")));
                assertTrue(dom.contains("data-ktid=\"" + tid + "\" data-ppid=\"" + ppid + "\"") || kernelFolded,
                        "kernel tree node of " + tid);
                if (n.get("reparented").asBoolean()) reparented++;
            }
        }
        assertTrue(threads > 0);
        int marked = dom.split("data-reparented-from=", -1).length - 1;
        for (Group g : kernelGroups) marked += Integer.parseInt(g.attributes().getOrDefault("data-reparented-members", "0"));
        assertEquals(reparented, marked, "every re-parented edge is marked");
    }

    /**
     * How wide the page is at a window width: a copy of it with a script (the page itself has
     * none) that writes the document's scroll width and the window's client width into the DOM.
     */
    static int[] widths(Path html, int width) throws Exception {
        Path probe = html.resolveSibling("probe-" + width + "-" + html.getFileName());
        Files.writeString(probe, Files.readString(html).replace("</body>", "<script>document.body.setAttribute('data-widths', "
                + "document.documentElement.scrollWidth + ' ' + document.documentElement.clientWidth)</script></body>"));
        Matcher m = Pattern.compile("data-widths=\"(\\d+) (\\d+)\"").matcher(render(probe, null, width).dom());
        assertTrue(m.find(), "the probe wrote the widths");
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    /** No horizontal scrollbar: the document is no wider than the window, at 1000 and 1400 pixels. */
    static void assertNoHorizontalOverflow(Path html) throws Exception {
        for (int width : new int[] {1000, 1400}) {
            int[] w = widths(html, width);
            assertTrue(w[0] <= w[1], "at " + width + " px the page is " + w[0] + " px wide for " + w[1] + " px of window");
        }
    }

    /**
     * What the page claims: a summary, an axis with ticks, and a legend entry for every mark the
     * timeline draws.
     */
    static void assertSummaryAxisAndLegend(String dom) {
        assertTrue(dom.contains("<section id=\"summary\">") && dom.contains(" tasks: "), "the summary");
        String axis = dom.substring(dom.indexOf("<div class=\"axis\">"), dom.indexOf("</div>", dom.indexOf("<div class=\"axis\">")));
        assertTrue(axis.split("class=\"tick\"", -1).length - 1 >= 3, "an axis with ticks: " + axis);
        int legendAt = dom.indexOf("id=\"legend\"");
        String legend = dom.substring(legendAt, dom.indexOf("</ul>", legendAt));
        Matcher marks = Pattern.compile("<b class=\"mk ([a-z]+)\"[^>]*>([^<]+)").matcher(dom.substring(dom.indexOf("class=\"tracks\"")));
        int n = 0;
        for (; marks.find(); n++) {
            assertTrue(legend.contains("<b class=\"mk " + marks.group(1) + "\">" + marks.group(2) + "</b>"), "in the legend: " + marks.group());
        }
        assertTrue(n > 0, "the timeline has marks");
    }

    private static void assertNoConsoleMessages(Rendered r) {
        assertFalse(r.log().lines().anyMatch(l -> l.contains("CONSOLE")), "console messages: " + r.log());
    }

    /** Marks of one class the timeline draws (not the legend's), counting what a merged mark stands for ({@code J<sub>6</sub>} is six). */
    static int marks(String dom, String css) {
        Matcher m = Pattern.compile("<b class=\"mk " + css + "\"[^>]*>[^<]+(?:<sub>(\\d+)</sub>)?</b>")
                .matcher(dom.substring(dom.indexOf("class=\"tracks\"")));
        int n = 0;
        while (m.find()) n += m.group(1) == null ? 1 : Integer.parseInt(m.group(1));
        return n;
    }

    @Test
    @Timeout(300)
    void theThreadsFixtureAndTheDemoRenderWithEveryThreadAndItsCreator(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("threads.jsonl"), html = tmp.resolve("threads.html");
        Tool.Result r = Tool.run(Tool.jar("run", "--format", "jsonl", "-o", trace.toString(), "--html", html.toString(), "--",
                Traced.fixture("threads").toString()));
        assertEquals(0, r.code(), r.err());
        Path shots = Files.createDirectories(Tool.basedir().resolve("target/html"));
        Rendered threads = render(html, shots.resolve("threads.png"));
        assertEveryThreadIsThere(trace, threads.dom());
        assertTrue(threads.dom().contains("<div class=\"tl\" id=\"timeline\">"), "the timeline");
        assertEquals(3, marks(threads.dom(), "j"), "the fixture's three joins are marked");
        assertTrue(marks(threads.dom(), "s") > 0, "its setting changes are marked");
        assertSummaryAxisAndLegend(threads.dom());
        assertNoConsoleMessages(threads);

        // The README's pictures: the demo at two window widths.
        Path demoTrace = tmp.resolve("demo.jsonl"), demoHtml = tmp.resolve("demo.html");
        Tool.Result demo = Tool.run(Tool.jar("demo", "--format", "jsonl", "-o", demoTrace.toString(), "--html", demoHtml.toString()));
        assertEquals(0, demo.code(), demo.err());
        Rendered d = render(demoHtml, shots.resolve("html-report-1400.png"), 1400);
        screenshot(demoHtml, shots.resolve("html-report-1000.png"), 1000);
        assertEveryThreadIsThere(demoTrace, d.dom());
        assertSummaryAxisAndLegend(d.dom());
        assertTrue(d.dom().contains("class=\"wait\"") && d.dom().contains("class=\"wake\""), "the longest waits and their wakers");
        assertNoConsoleMessages(d);
        assertNoHorizontalOverflow(demoHtml);

        // report --html from the saved trace gives the same page.
        Path again = tmp.resolve("again.html");
        assertEquals(0, Tool.run(Tool.jar("report", "--report", "none", "--html", again.toString(), trace.toString())).code());
        assertEquals(Files.readString(html), Files.readString(again));
    }

    /** The size the README states for the 10 000-thread churn's page (measured: about 170 KB). */
    static final long CHURN_BUDGET = 300_000;

    @Test
    @Timeout(400)
    void tenThousandThreadsFoldInBothTreesAndStayWithinTheBudgetWithReportNone(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("churn.jsonl"), html = tmp.resolve("churn.html");
        long started = System.nanoTime();
        // --report none, the natural CI combination: the page still has its joins and futex waits.
        Tool.Result r = Tool.run(Tool.jar("run", "--report", "none", "--format", "jsonl", "-o", trace.toString(), "--html",
                html.toString(), "--", Traced.fixture("churn").toString(), "10000"), Map.of(), 240);
        long traced = (System.nanoTime() - started) / 1_000_000;
        assertEquals(0, r.code(), r.err());
        Rendered rendered = render(html, null, 1000);
        assertEveryThreadIsThere(trace, rendered.dom());
        String kernel = rendered.dom().substring(rendered.dom().indexOf("id=\"kernel-tree\""));
        assertTrue(rendered.dom().contains("\u00d710000") && kernel.substring(0, kernel.indexOf("</section>")).contains("\u00d710000"),
                "the 10 000 siblings are one folded row in the spawn tree and in the kernel tree");
        // A pthread_join that finds its thread already gone makes no futex call: most, not all, of the 10 000 are seen.
        assertTrue(marks(rendered.dom(), "j") > 9000, "the joins are counted on the main thread's lane: " + marks(rendered.dom(), "j"));
        // Merged within each 200th of the run (HtmlTimeline.BUCKETS), the run's end a bucket of its own.
        assertTrue(rendered.dom().split("<b class=\"mk j\"", -1).length - 2 <= 201, "merged per bucket (one is the legend's)");
        assertSummaryAxisAndLegend(rendered.dom());
        assertNoHorizontalOverflow(html);
        long bytes = Files.size(html);
        System.out.println("HtmlIT: churn 10000: traced in " + traced + " ms, page " + bytes + " bytes, rendered in " + rendered.millis()
                + " ms");
        assertTrue(bytes < CHURN_BUDGET, bytes + " bytes");
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
