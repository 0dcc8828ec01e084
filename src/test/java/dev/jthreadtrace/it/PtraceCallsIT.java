package dev.jthreadtrace.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A traced program that ptraces (native/ptrace_calls.c: a child's PTRACE_TRACEME, a PTRACE_SEIZE and a
 * PTRACE_ATTACH of its children, one of itself, and with a pid an attach to a process outside the trace,
 * read and let go). Untraced every attempt succeeds but the one of itself; under jthreadtrace, as under
 * {@code strace -f} (the oracle), the first three fail with EPERM, since each task has its tracer already,
 * and one note per process says so (none for the attach of itself, refused untraced too); the outside
 * process is traced by the program as untraced. Its calls read as strace's.
 */
@Timeout(120)
class PtraceCallsIT {
    private static final String REFUSED_HERE = "traceme EPERM\nseize EPERM\nattach EPERM\nself EPERM\n";
    private static final Pattern NOTE = Pattern.compile("jthreadtrace: note: (\\d+) ptrace_calls: (ptrace\\(PTRACE_\\w+(, \\d+)?\\))"
            + " failed with EPERM( \\(and (\\d+) more refused\\))?: a task has one tracer, and jthreadtrace is (this one's|\\d+'s) \\(as under strace -f\\);"
            + " debuggers, strace and crash reporters the command runs cannot trace its processes");

    private static String fixture() {
        return Traced.fixture("ptrace_calls").toString();
    }

    private static String output(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), command + ": " + out);
        return out;
    }

    @Test
    void untracedItsPtraceWorksTracedItFailsWithEpermAsUnderStraceAndTheNoteNamesEachProcess(@TempDir Path tmp) throws Exception {
        assertEquals("traceme ok\nseize ok\nattach ok\nself EPERM\n", output(List.of(fixture())),
                "untraced: the kernel lets it trace its children (not its own process)");

        Path straced = tmp.resolve("strace.txt");
        assertEquals(REFUSED_HERE, output(List.of("strace", "-f", "-qq", "-o", straced.toString(), "-e", "trace=ptrace", fixture())),
                "strace -f: each child has its tracer already");
        String strace = Files.readString(straced);
        for (String call : List.of("ptrace(PTRACE_TRACEME)", "ptrace(PTRACE_SEIZE, ", "ptrace(PTRACE_ATTACH, ")) {
            assertTrue(Pattern.compile(Pattern.quote(call) + ".*= -1 EPERM").matcher(strace).find(), call + " in " + strace);
        }

        // ptrace not shown: the trace records it all the same; with live lines (every request stops) and without (the
        // filter stops only TRACEME, ATTACH and SEIZE)
        for (List<String> options : List.of(List.of("-o", tmp.resolve("lines.txt").toString()), List.of("--no-live"))) {
            List<String> cmd = new ArrayList<>(List.of("run", "--report", "none"));
            cmd.addAll(options);
            cmd.add("--");
            cmd.add(fixture());
            Tool.Result r = Tool.run(Tool.jar(cmd.toArray(String[]::new)));
            assertEquals(0, r.code(), r.err());
            assertEquals(REFUSED_HERE, r.out(), options.toString());
            List<Matcher> notes = NOTE.matcher(r.err()).results().map(m -> {
                Matcher one = NOTE.matcher(m.group());
                assertTrue(one.matches());
                return one;
            }).toList();
            assertEquals(2, notes.size(), "one note per process: the child that asked, the parent that attached twice: " + r.err());
            Matcher child = notes.get(0), parent = notes.get(1);
            assertEquals("ptrace(PTRACE_TRACEME)", child.group(2), r.err());
            assertEquals("this one's", child.group(6));
            assertTrue(parent.group(2).startsWith("ptrace(PTRACE_SEIZE, "), r.err());
            assertEquals("1", parent.group(5), "its PTRACE_ATTACH after the seize; not the one of itself, refused untraced too: " + r.err());
            assertEquals(parent.group(3).substring(2) + "'s", parent.group(6), "the task it would have traced is jthreadtrace's");
            assertNotEquals(child.group(1), parent.group(1));
            assertTrue(!r.err().contains("Exception"), r.err());
        }
    }

    /**
     * A process outside the trace: the traced program traces it as untraced; strace -f and jthreadtrace read each
     * call alike. It is no child of this JVM (a tracer in this JVM waits for any child), and it is attached once
     * untraced first, so both runs find it in the same call (restart_syscall: an attach interrupts its sleep).
     */
    @Test
    void everyRequestReadsAsStraceReadsIt(@TempDir Path tmp) throws Exception {
        String pid = output(List.of("sh", "-c", "sleep 100 </dev/null >/dev/null 2>&1 & echo $!")).strip();
        ProcessHandle outside = ProcessHandle.of(Long.parseLong(pid)).orElseThrow();
        try {
            assertEquals("traceme ok\nseize ok\nattach ok\nself EPERM\noutside ok\n", output(List.of(fixture(), pid)));
            Path theirDir = Files.createDirectories(tmp.resolve("s")), ourDir = Files.createDirectories(tmp.resolve("j"));
            StraceLines theirs = StraceLines.strace(theirDir, "ptrace", List.of(), List.of(fixture(), pid));
            StraceLines ours = StraceLines.ours(ourDir, "ptrace", false, List.of(fixture(), pid));
            UnaryOperator<String> mask = StraceClassesIT.mask(List.of(theirDir, ourDir));
            List<String> expected = StraceClassesIT.flatten(theirs.masked(mask, ours)), actual = StraceClassesIT.flatten(ours.masked(mask, theirs));
            assertTrue(String.join("\n", expected).contains("ptrace(PTRACE_GETREGSET, " + pid + ", NT_PRSTATUS, {iov_base={r15="),
                    "the outside process was traced by the program: " + expected);
            assertTrue(expected.size() > 12, expected.toString());
            assertEquals(String.join("\n", expected), String.join("\n", actual));
        } finally {
            outside.destroyForcibly();
        }
    }
}
