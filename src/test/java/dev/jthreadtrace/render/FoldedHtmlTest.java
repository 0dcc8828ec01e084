package dev.jthreadtrace.render;

import dev.jthreadtrace.model.RecordedTrace;
import dev.jthreadtrace.model.TraceModel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTML page of the threads fixture with nothing kept of its ended threads (inner-1, inner-2 and
 * sibling fold): the summary counts them and says so, the spawn tree has each group under its
 * creator (inner-2's after the tree, its creator folded too), the kernel tree says what it cannot
 * draw, the timeline has a lane per group; unfolded, the page has none of it.
 */
class FoldedHtmlTest {
    private static String page(int keepEnded) {
        TraceModel m = new TraceModel(keepEnded, Map.of());
        RecordedTrace.threadsFixture().forEach(m::accept);
        StringBuilder b = new StringBuilder();
        HtmlReport.write(m, List.of(), line -> b.append(line).append('\n'));
        return b.toString();
    }

    private static List<String> all(String page, String regex) {
        Matcher m = Pattern.compile(regex).matcher(page);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) out.add(m.group(1));
        return out;
    }

    @Test
    void theSpawnTreeHasEachFoldedGroupUnderItsCreator() {
        String page = page(0);
        String spawn = page.substring(page.indexOf("id=\"spawn-tree\""), page.indexOf("id=\"kernel-tree\""));
        assertEquals(List.of("1 ended thread like inner-1 folded, tid 1202, @3.0ms..@13.0ms, lifetime max 10.0ms",
                "1 ended thread like sibling folded, tid 1204, @14.0ms..@16.0ms, lifetime max 2.0ms",
                "1 ended thread like inner-2 folded, tid 1203, created by 1202 (folded), @8.0ms..@12.0ms, lifetime max 4.0ms"),
                all(spawn, "<li class=\"folded\"[^>]*>\u22ef ([^<]*) <span"));
        // inner-1 and sibling inside main's list, under main's node; inner-2's group after the tree's roots.
        assertTrue(spawn.indexOf("data-creator=\"1201\">\u22ef 1 ended thread like inner-1") > spawn.indexOf("data-tid=\"1201\""), spawn);
        assertTrue(page.contains("<li class=\"cut\" id=\"kernel-folded\">\u22ef 3 ended tasks folded past --keep-ended 0, 3 of them re-parented"), page);
    }

    @Test
    void theSummaryCountsTheFoldedTasksAsTheWholePageDoes() {
        String whole = page(-1), folded = page(0);
        String tasks = "<li>" + all(whole, "<li>(\\d+ tasks: [^\\n]*)").getFirst();
        assertTrue(folded.contains(tasks), "the same counts: " + tasks);
        assertTrue(folded.contains("<li id=\"folded\">3 ended tasks folded past --keep-ended 0: counted above"), folded);
        assertFalse(whole.contains("folded past"), "nothing folded: nothing said");
    }

    @Test
    void theTimelineHasALanePerFoldedGroupInStartOrder() {
        String page = page(0);
        // inner-2 (1203) folded first, but inner-1 (1202) started first: lanes go by start, as the kept ones do.
        assertEquals(List.of("1202..1202", "1203..1203", "1204..1204"), all(page, "data-folded-lane=\"([0-9.]+)\""));
        assertEquals(3, all(page, "<div class=\"folded\" title=\"([^\"]*)\"").size());
        assertTrue(page.contains("3 folded threads not listed"), "the inherited table says what it left out");
    }
}
