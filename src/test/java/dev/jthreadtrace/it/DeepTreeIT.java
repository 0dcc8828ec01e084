package dev.jthreadtrace.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A spawn tree as deep as the program makes it (native/creator_chain.c: each thread starts the next
 * and ends) is reported, live and from the saved trace: the trees are drawn to a depth the width
 * holds and say how many tasks were made below. A hostile tester's 3 000-deep chain once ended the
 * run with a StackOverflowError, exit 1 instead of the program's 0, and no report.
 */
@Timeout(240)
class DeepTreeIT {
    private static final int DEPTH = 3000;
    private static final Pattern CUT = Pattern.compile("└─⋯ (\\d+) more tasks below, deeper\\s+than\\s+(\\d+)\\s+levels");

    @Test
    void aChainOfThreeThousandCreatorsIsReportedNotACrash(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("chain.jsonl");
        Tool.Result r = Tool.run(Tool.jar("run", "--no-live", "--format", "jsonl", "-o", trace.toString(), "--",
                Traced.fixture("creator_chain").toString(), String.valueOf(DEPTH)), java.util.Map.of(), 200);
        assertEquals(0, r.code(), "the program's exit status: " + r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("Error"), r.err());
        assertTrue(Files.readString(trace).contains("\"summary\""), "the trace ends with its summary");

        for (String width : new String[] {"100", "200"}) {
            Tool.Result report = Tool.run(Tool.jar("report", "--no-live", "--report", "summary,tree,timeline", "--width", width, trace.toString()));
            assertEquals(0, report.code(), report.err());
            assertTrue(report.out().contains((DEPTH + 1) + " tasks: 1 process, " + DEPTH + " threads"), report.out());
            Matcher cut = CUT.matcher(report.out());
            assertTrue(cut.find(), "the spawn tree says what it leaves out: " + report.out());
            int below = Integer.parseInt(cut.group(1)), shownDepth = Integer.parseInt(cut.group(2));
            // The thread at depth d of the chain made the N - d below it.
            assertEquals(DEPTH, below + shownDepth, cut.group());
            assertEquals(Integer.parseInt(width) / 4, shownDepth, "a quarter of the width, two columns a level");
        }
        Tool.Result html = Tool.run(Tool.jar("report", "--no-live", "--html", tmp.resolve("chain.html").toString(), "--report", "none",
                trace.toString()));
        assertEquals(0, html.code(), html.err());
        assertTrue(Files.readString(tmp.resolve("chain.html")).contains("deeper than"), "the page cuts its tree too");
    }
}
