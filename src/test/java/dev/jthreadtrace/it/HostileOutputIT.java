package dev.jthreadtrace.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A traced program cannot forge the tool's output: thread names and paths with newlines, ESC
 * sequences and a right-to-left override come out escaped in live lines, the report, assertion
 * messages and JUnit XML (native/hostile_names.c).
 */
@Timeout(120)
class HostileOutputIT {
    private static final Pattern LIVE_LINE = Pattern.compile("^\\s*\\d+\\.\\d{6} \\[\\d+ .*\\] .*");

    @Test
    void namesAndPathsFromTheTargetAreEscapedEverywhere(@TempDir Path tmp) throws Exception {
        Path xml = tmp.resolve("junit.xml");
        Tool.Result r = Tool.run(Tool.jar("run", "-y", "-e", "prctl,mmap,clone3", "--width", "120",
                "--assert", "inherits{name=\"*\", hook=\"name\"} == \"nothing-like-this\"", "--junit-xml", xml.toString(),
                "--", Traced.fixture("hostile_names").toString(), tmp.toString()));
        assertEquals(90, r.code(), r.err());
        String out = r.out();

        assertFalse(out.contains("\u001b"), "no ESC reaches the terminal");
        assertFalse(out.contains("\u202e"), "no right-to-left override");
        for (String line : out.lines().toList()) {
            assertFalse(line.startsWith(" 9.9 [1 x]") || line.startsWith(" 0.5 [2 fake]"), "a forged line: " + line);
        }
        List<String> live = out.lines().filter(LIVE_LINE.asPredicate()).toList();
        // In the thread field a name's brackets are \x5b and \x5d; the syscall's own argument is strace's string
        // (the prctl is printed when it begins, under the name the thread had then, and may be '<unfinished ...>').
        assertTrue(live.stream().anyMatch(l -> l.contains(" a\\n 9.9 \\x5b1 x\\x5d] ")), out);
        assertTrue(live.stream().anyMatch(l -> l.contains("prctl(PR_SET_NAME, \"a\\n 9.9 [1 x]\"")), out);
        assertTrue(live.stream().anyMatch(l -> l.contains(" \\33\\x5b2J\\33\\x5b31mred]")), out);
        assertTrue(live.stream().anyMatch(l -> l.contains("\\u202eevil]")), out);
        assertTrue(out.contains("evil\\n 0.5 [2 fake] mmap\\33[31m>"), "the mmap line's fd path is escaped: " + out);
        // The report (tree rows, inherited list) and the assertion table.
        assertTrue(out.contains("a\\n 9.9 [1 x]") && out.lines().anyMatch(l -> l.contains("─") && l.contains("\\u202eevil")), out);
        assertTrue(out.lines().anyMatch(l -> l.strip().startsWith("FAIL") && l.contains("\\33[2J")), out);

        // JUnit XML stays well-formed and carries the escaped names.
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
        String message = doc.getElementsByTagName("failure").item(0).getAttributes().getNamedItem("message").getNodeValue();
        assertTrue(message.contains("\\33[2J\\33[31mred") && message.contains("a\\n 9.9 [1 x]"), message);
        assertFalse(Files.readString(xml).contains("\u001b"));
    }

    /**
     * A name cannot fake the thread field that {@code grep '\\[TID '} and scripts read: "x] [1 main"
     * used to print {@code [T x] [1 main]}, which grep '\\[1 ' took for thread 1's (there is none).
     * Every live line has exactly one field {@code [TID NAME]} with no other bracket in it, and the
     * child the hostile thread creates says who created it without a bracket either.
     */
    @Test
    void aNameCannotFakeAnotherThreadsField(@TempDir Path tmp) throws Exception {
        Tool.Result r = Tool.run(Tool.jar("run", "-e", "exit", "--report", "none", "--",
                Traced.fixture("hostile_names").toString(), tmp.toString()));
        assertEquals(0, r.code(), r.err());
        List<String> live = r.out().lines().filter(LIVE_LINE.asPredicate()).toList();
        assertFalse(live.isEmpty(), r.out());
        Pattern field = Pattern.compile("^\\s*\\S+ \\[(\\d+) ([^\\[\\]]*)\\] [^\\[\\]]*$");
        for (String line : live) assertTrue(field.matcher(line).matches(), "one thread field, no other bracket: " + line);
        assertTrue(live.stream().noneMatch(l -> l.contains("[1 ")), "grep '\\[1 ' finds nothing: there is no thread 1: " + live);
        assertTrue(live.stream().anyMatch(l -> l.contains(" x\\x5d \\x5b1 main] exit(0)")), r.out());
        assertTrue(live.stream().anyMatch(l -> l.contains("created by ") && l.contains(" x\\x5d \\x5b1 main, OS parent")), r.out());
    }

    @Test
    void theDiffAndTheSavedTracesLinesEscapeThemToo(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("hostile.jsonl");
        Tool.Result traced = Tool.run(Tool.jar("run", "--format", "jsonl", "-o", trace.toString(), "--",
                Traced.fixture("hostile_names").toString(), tmp.toString()));
        assertEquals(0, traced.code(), traced.err());
        Tool.Result diff = Tool.run(Tool.jar("diff", "--assert", "diff.threads{name=\"nothing-like-this*\"}.peak == 0",
                trace.toString(), trace.toString()));
        assertEquals(90, diff.code(), diff.out() + diff.err());
        Tool.Result report = Tool.run(Tool.jar("report", "-e", "prctl", trace.toString()));
        for (String out : List.of(diff.out(), report.out())) {
            assertFalse(out.contains("\u001b"), "no ESC reaches the terminal: " + out);
            assertFalse(out.contains("\u202e"), "no right-to-left override: " + out);
            assertTrue(out.contains("\\u202eevil"), out);
        }
        assertTrue(report.out().contains("\\33[2J\\33[31mred"), report.out());
        assertTrue(diff.out().contains("\\33[#J\\33[#mred"), "the site's name, numbers folded, escaped: " + diff.out());
        assertTrue(diff.out().contains("FAIL") && diff.out().contains("(sites: "), "the message lists the sites, escaped: " + diff.out());
    }
}
