package dev.jthreadtrace.it;

import dev.jthreadtrace.fixtures.JavaHooks;
import dev.jthreadtrace.fixtures.WideNames;
import dev.jthreadtrace.text.Columns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report read at a glance on real traced programs: it fits the width, leads with the answers, folds alike and cuts nothing silently. */
@Timeout(180)
class ReportWidthIT {
    /** Lines wider than {@code width} terminal columns (wide characters two: ColumnsTest holds them to wcwidth(3)). */
    private static List<String> wider(List<String> lines, int width) {
        return lines.stream().filter(l -> Columns.of(l) > width).toList();
    }

    @Test
    void aJvmReportAtEightyColumnsFitsAndLeadsWithTheSummary(@TempDir Path tmp) throws Exception {
        Path report = tmp.resolve("report.txt");
        List<String> args = new ArrayList<>(List.of("run", "--no-live", "--width", "80", "-o", report.toString(), "--"));
        args.addAll(JvmIT.java(JavaHooks.class.getName()));
        Tool.Result r = Tool.run(Tool.jar(args.toArray(String[]::new)));
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(report);
        assertEquals(List.of(), wider(lines, 80), "every line within 80 columns");
        String text = String.join("\n", lines);
        assertEquals("SUMMARY", lines.stream().filter(l -> !l.isBlank()).findFirst().orElseThrow(), "the report opens with the summary");
        assertTrue(text.matches("(?s).*\\d+ tasks: 1 process, \\d+ threads \\(peak \\d+ alive at once\\); 1000 virtual threads.*"), text);
        assertTrue(text.contains("pool-worker-1"), "the tree names the pool's threads");
        assertTrue(text.matches("(?s).*created at \\S*JavaHooks\\.main\\(JavaHooks\\.java:34\\).*"), "creation sites kept, under their rows");
        // What every Java thread ordinarily inherits says nothing and is not repeated on every row.
        assertFalse(text.contains("priority=5"), text);
        assertFalse(text.contains("ccl=jdk.internal.loader.ClassLoaders$AppClassLoader@app"), text);
        assertTrue(text.contains("daemon=true"), "a daemon differs from its creator and is shown");
        assertTrue(text.contains("☠ killed by a signal"), "the legend lists every mark");
    }

    @Test
    void twoThousandThreadsFoldAlikeInTreeAndTimelineAndTheirEndsAreCounted(@TempDir Path tmp) throws Exception {
        Path report = tmp.resolve("report.txt");
        Tool.Result r = Tool.run(Tool.jar("run", "--no-live", "--width", "100", "-o", report.toString(), "--",
                Traced.fixture("churn").toString(), "2000"));
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(report);
        assertEquals(List.of(), wider(lines, 100));
        String text = String.join("\n", lines);
        assertTrue(text.matches("(?s).*×2000.*exit 0 ×2000.*"), "the folded tree row says what its members did: " + text);
        int from = lines.indexOf(lines.stream().filter(l -> l.startsWith("HOOK TIMELINE")).findFirst().orElseThrow());
        List<String> lanes = lines.subList(from + 1, lines.size()).stream().takeWhile(l -> !l.startsWith("● started")).toList();
        assertTrue(lanes.size() < 10, "the timeline folds the 2000 threads as the tree does: " + lanes);
        assertTrue(lanes.stream().anyMatch(l -> l.contains("×2000")), lanes.toString());
        assertFalse(text.contains("more lanes"), text);
    }

    @Test
    void namesInAWideScriptAreMeasuredInTheColumnsATerminalDraws(@TempDir Path tmp) throws Exception {
        Path report = tmp.resolve("report.txt");
        List<String> args = new ArrayList<>(List.of("run", "--no-live", "--width", "60", "--report", "all", "-o", report.toString(), "--"));
        args.addAll(JvmIT.java(WideNames.class.getName()));
        Tool.Result r = Tool.run(Tool.jar(args.toArray(String[]::new)));
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(report);
        assertEquals(List.of(), wider(lines, 60), "every line within 60 columns as a terminal counts them");
        String text = String.join("\n", lines);
        assertTrue(text.contains(WideNames.SHORT), "the short name whole: " + text);
        assertTrue(String.join("", lines).replace(" ", "").contains(WideNames.LONG), "the long name whole, broken only where it meets the edge");
    }
}
