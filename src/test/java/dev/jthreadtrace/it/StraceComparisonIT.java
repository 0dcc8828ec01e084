package dev.jthreadtrace.it;

import dev.jthreadtrace.decode.SyscallDecoder;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.decode.TraceSelection;
import dev.jthreadtrace.event.TraceEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same fixture traced by strace and by jthreadtrace: the decoded calls must read the same,
 * argument for argument, once addresses (which ASLR changes between runs) are masked.
 */
@Timeout(120)
class StraceComparisonIT {
    private static final String SET = "futex,mmap,munmap,mprotect,mremap,madvise,prctl,rt_sigprocmask,sched_setaffinity,sched_getaffinity";
    private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-f]{8,}");
    private static final Pattern STRACE_LINE = Pattern.compile("^(\\w+\\(.*\\))\\s+= (.*)$");

    static String mask(String s) {
        return ADDRESS.matcher(s).replaceAll("ADDR").replaceAll("(\\d+)<[^>]*>", "$1");
    }

    static List<String> strace(Path out, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("strace", "-qq", "-o", out.toString(), "-e", "trace=" + SET));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor(), "strace (installed on these machines) ran the fixture");
        return Files.readAllLines(out).stream().filter(l -> !l.startsWith("+++") && !l.startsWith("---")).map(l -> {
            Matcher m = STRACE_LINE.matcher(l);
            return m.matches() ? mask(m.group(1) + " = " + m.group(2)) : mask(l);
        }).toList();
    }

    @Test
    void futexMmapPrctlSigmaskAndAffinityReadAsStraceReadsThem(@TempDir Path tmp) throws Exception {
        String fixture = Traced.fixture("decode_mix").toString();
        List<String> expected = strace(tmp.resolve("strace.txt"), fixture);

        Traced t = Traced.run(List.of(fixture), TraceSelection.parse(SET), System.getenv());
        Set<String> names = Set.of(SET.split(","));
        List<String> actual = t.events(TraceEvent.Syscall.class).stream()
                .filter(s -> names.contains(SyscallTable.name(s.nr())))
                .map(s -> mask(SyscallDecoder.call(s.nr(), s.args(), s.captures(), 32) + " = "
                        + SyscallDecoder.result(s.nr(), s.ret(), s.error(), s.returned())))
                .toList();
        assertTrue(expected.size() > 30, expected.toString());
        assertEquals(String.join("\n", expected), String.join("\n", actual));
    }

    /**
     * An execve argument with a bidi override (U+202E), a letter outside ASCII and a form feed reads
     * as strace's, byte for byte: every byte that is not printable ASCII in octal ({@code \342\200\256}),
     * as the man page says; it once printed {@code \u202e} and the letter as it was.
     */
    @Test
    void anExecArgumentOutsideAsciiReadsAsStraceReadsIt(@TempDir Path tmp) throws Exception {
        List<String> command = List.of("/bin/true", "a\u202eb \u00e9\f");
        Path out = tmp.resolve("strace.txt");
        List<String> strace = new ArrayList<>(List.of("strace", "-qq", "-o", out.toString(), "-e", "trace=execve"));
        strace.addAll(command);
        Process p = new ProcessBuilder(strace).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor(), "strace (installed on these machines) ran it");
        String expected = Files.readAllLines(out).getFirst().replaceAll("], 0x.*", "]");
        assertTrue(expected.contains("\\342\\200\\256b \\303\\251\\f"), expected);

        List<String> cmd = new ArrayList<>(Tool.jar("run", "-e", "execve", "--report", "none", "--"));
        cmd.addAll(command);
        Tool.Result r = Tool.run(cmd);
        assertEquals(0, r.code(), r.err());
        String line = r.out().lines().filter(l -> l.contains("execve(")).findFirst().orElseThrow(() -> new AssertionError(r.out()));
        assertEquals(expected, line.substring(line.indexOf("execve(")).replaceAll("], 0x.*", "]"));
    }

    /** strace -f on the threads fixture with one syscall: group 1 of {@code pattern} of each line, masked. */
    private static List<String> straceThreads(Path tmp, String syscall, Pattern pattern) throws Exception {
        Path out = tmp.resolve("strace.txt");
        Process p = new ProcessBuilder("strace", "-f", "-qq", "-o", out.toString(), "-e", "trace=" + syscall,
                Traced.fixture("threads").toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        return Files.readAllLines(out).stream().map(pattern::matcher).filter(Matcher::find)
                .map(m -> mask(m.group(1).replaceAll("\\)\\s+=", ") ="))).toList();
    }

    @Test
    void everyThreadsRseqRegistrationReadsAsStraceReadsIt(@TempDir Path tmp) throws Exception {
        List<String> expected = straceThreads(tmp, "rseq", Pattern.compile("(rseq\\(.*\\)\\s+= .*)$"));

        int rseq = SyscallTable.number("rseq").orElseThrow();
        Traced t = Traced.run(List.of(Traced.fixture("threads").toString()), TraceSelection.parse("rseq"), System.getenv());
        List<String> actual = t.events(TraceEvent.Syscall.class).stream().filter(s -> s.nr() == rseq)
                .map(s -> mask(SyscallDecoder.call(s.nr(), s.args(), s.captures(), 32) + " = "
                        + SyscallDecoder.result(s.nr(), s.ret(), s.error(), s.returned())))
                .toList();
        assertEquals(4, expected.size(), "glibc registers rseq in the main thread and each of the three threads: " + expected);
        assertEquals(expected, actual);
    }

    @Test
    void clone3FlagsAndLayoutMatchStrace(@TempDir Path tmp) throws Exception {
        Pattern struct = Pattern.compile("clone3\\((\\{flags=[^}]*\\})");
        List<String> expected = straceThreads(tmp, "clone3", struct);

        Traced t = Traced.run(List.of(Traced.fixture("threads").toString()));
        List<String> actual = t.events(TraceEvent.Syscall.class).stream().filter(s -> s.nr() == SyscallTable.CLONE3)
                .map(s -> SyscallDecoder.call(s.nr(), s.args(), s.captures(), 32)).map(struct::matcher)
                .filter(Matcher::find).map(m -> mask(m.group(1))).toList();
        assertEquals(3, expected.size());
        assertEquals(expected, actual);
    }
}
