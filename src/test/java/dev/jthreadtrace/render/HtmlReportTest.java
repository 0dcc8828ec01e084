package dev.jthreadtrace.render;

import dev.jthreadtrace.decode.CloneFlags;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.model.JavaThread;
import dev.jthreadtrace.model.JavaView;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TraceModel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page's size at 10 000 threads, on models built here (HtmlIT renders real traces): a churn
 * (one creator, 10 000 short threads) folds to one row and one lane; a tree that cannot fold
 * (every thread has children) is cut at the page's row limits, saying so. The budgets are the
 * figures the README states.
 */
class HtmlReportTest {
    /** The churn-shaped page at 10 000 threads must stay under this (measured: 109 KB). */
    static final int FOLDED_BUDGET = 300_000;
    /** A page whose 10 000 threads fold into nothing must stay under this (measured: 2.8 MB). */
    static final int UNFOLDABLE_BUDGET = 3_000_000;

    private static final long THREAD = CloneFlags.CLONE_VM | CloneFlags.CLONE_FS | CloneFlags.CLONE_FILES
            | CloneFlags.CLONE_SIGHAND | CloneFlags.CLONE_THREAD;

    private static TraceModel started() {
        TraceModel model = new TraceModel();
        model.accept(new TraceEvent.TargetStarted(0, 100, 1, "/bin/churn", List.of("churn", "10000")));
        return model;
    }

    private static String page(TraceModel model, long endNs) {
        model.accept(new TraceEvent.TraceEnded(endNs, 0));
        StringBuilder b = new StringBuilder();
        HtmlReport.write(model, List.of(), line -> b.append(line).append('\n'));
        return b.toString();
    }

    private static int count(String page, String what) {
        return page.split(Pattern.quote(what), -1).length - 1;
    }

    @Test
    void tenThousandSiblingsAreOneRowOfEachTreeAndOneLaneWithinTheBudget() {
        TraceModel model = started();
        for (int i = 0; i < 10_000; i++) {
            int tid = 1000 + i;
            model.accept(new TraceEvent.Spawned(1000L * i, 100, tid, TraceEvent.SpawnKind.CLONE3, THREAD));
            model.accept(new TraceEvent.Exited(1000L * i + 500, tid, 0));
        }
        model.accept(new TraceEvent.Exited(10_000_000, 100, 0));
        String page = page(model, 10_000_000);
        int bytes = page.getBytes(StandardCharsets.UTF_8).length;
        System.out.println("HtmlReportTest: 10000 folded threads: " + bytes + " bytes");
        assertTrue(bytes < FOLDED_BUDGET, bytes + " bytes");
        assertEquals(3, count(page, "1000..10999 churn \u00d710000"), "one folded row in each tree and in the inherited table");
        assertEquals(2, count(page, "data-lane-tid="), "the process's lane and the group's");
        assertTrue(page.contains(model.thread(1000).exit().how() + " \u00d710000"), "the group says how its members ended");
        assertTrue(page.contains("<p class=\"members\">1000 1001 1002 "), "its members by id");
        assertEquals(1, count(page, "<tr class=\"group\" data-tids=\"1000..10999\">"), "one inherited row");
        assertTrue(page.contains("<section id=\"summary\">") && page.contains("10001 tasks: 1 process, 10000 threads"));
    }

    @Test
    void tenThousandThreadsThatCannotFoldAreCutAtTheRowLimitsAndStayWithinTheBudget() {
        TraceModel model = started();
        // A binary tree: every thread but the leaves created two, and leaves come in pairs: nothing folds.
        for (int i = 1; i <= 10_000; i++) {
            int creator = i == 1 ? 100 : 1000 + i / 2;
            model.accept(new TraceEvent.Spawned(1000L * i, creator, 1000 + i, TraceEvent.SpawnKind.CLONE3, THREAD));
        }
        String page = page(model, 20_000_000);
        int bytes = page.getBytes(StandardCharsets.UTF_8).length;
        System.out.println("HtmlReportTest: 10000 unfoldable threads: " + bytes + " bytes");
        assertTrue(bytes < UNFOLDABLE_BUDGET, bytes + " bytes");
        assertEquals(HtmlTimeline.MAX_LANES, count(page, "data-lane-tid="));
        assertTrue(page.contains("\u2026 " + (10_001 - HtmlTimeline.MAX_LANES) + " more lanes"), "says how many lanes it left out");
        Matcher more = Pattern.compile("\u2026 (\\d+) more threads").matcher(page);
        assertTrue(more.find(), "says how many table rows it left out");
        int rows = count(page, "<tr data-tid=");
        assertTrue(rows >= HtmlReport.MAX_ROWS && rows <= HtmlReport.MAX_ROWS + 2, rows + " rows");
        assertEquals(10_000, rows + Integer.parseInt(more.group(1)));
    }

    @Test
    void aChainDeeperThanTheTreeShowsSaysWhereItStops() {
        TraceModel model = started();
        for (int i = 1; i <= 300; i++) {
            model.accept(new TraceEvent.Spawned(1000L * i, i == 1 ? 100 : 999 + i, 1000 + i, TraceEvent.SpawnKind.CLONE3, THREAD));
        }
        String page = page(model, 1_000_000);
        assertTrue(page.contains("\u2026 1 created here, deeper than " + HtmlTrees.MAX_DEPTH + " levels: not shown"), "the cut is said");
        assertFalse(page.contains("data-tid=\"1300\" data-pid="), "the chain's end is below the cut");
    }

    @Test
    void theAxisHasRoundTicksAndTheLegendEveryMarkTheTracksCanHold() {
        assertEquals(1_000_000, HtmlTimeline.tickStep(10_000_000));
        assertEquals(200_000_000, HtmlTimeline.tickStep(1_770_000_000));
        assertEquals(200, HtmlTimeline.tickStep(1_600));
        assertEquals(1, HtmlTimeline.tickStep(3));
        TraceModel model = started();
        model.accept(new TraceEvent.Spawned(10, 100, 101, TraceEvent.SpawnKind.CLONE3, THREAD));
        model.accept(new TraceEvent.Killed(900, 101, 9, false));
        String page = page(model, 1_000);
        Matcher ticks = Pattern.compile("<span class=\"tick\" style=\"left:([0-9.]+)%\">([^<]*)</span>").matcher(page);
        assertTrue(ticks.find() && ticks.group(2).equals("0"));
        int n = 1;
        while (ticks.find()) n++;
        assertTrue(n >= 5, n + " ticks");
        String legend = page.substring(page.indexOf("id=\"legend\""), page.indexOf("</ul>", page.indexOf("id=\"legend\"")));
        Matcher marks = Pattern.compile("<b class=\"mk ([a-z]+)\"[^>]*>([^<]+)").matcher(page.substring(page.indexOf("class=\"tracks\"")));
        while (marks.find()) assertTrue(legend.contains("<b class=\"mk " + marks.group(1) + "\">" + marks.group(2) + "</b>"), marks.group());
        assertTrue(page.contains(">\u2620<"), "the killed thread's mark");
        for (String glyph : HtmlTimeline.MARKS.values()) assertTrue(legend.contains(">" + glyph + "</b>"), glyph);
    }

    @Test
    void namesFromTheTargetAreEscapedEverywhere() {
        TraceModel model = started();
        model.accept(new TraceEvent.Spawned(10, 100, 101, TraceEvent.SpawnKind.CLONE3, THREAD));
        ThreadInfo t = model.thread(101);
        String hostile = "<script>alert(1)</script>\u202eevil\u001b[2J\"'";
        model.attachJava(new JavaView(List.of(), Map.of(t, new JavaThread(3, hostile, false, 100, "main", 100, Map.of("ctx", hostile))),
                Map.of(), Map.of(), List.of()));
        String page = page(model, 1_000);
        assertFalse(page.contains("<script") || page.contains("\u202e") || page.contains("\u001b"), "nothing raw");
        assertTrue(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;\\u202eevil"), "shown, escaped");
        assertFalse(page.contains("\"'"), "no quote left to close an attribute");
    }
}
