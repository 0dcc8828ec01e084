package dev.jthreadtrace.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * strace's flags, on strace and on jthreadtrace with the same fixture: the lines each selects
 * (-z, -Z, -e status=failed, -e trace=!SET, /regex) must be the same calls, the time columns
 * (-t, -tt, -ttt, -r) the same shape, and -y the same paths.
 */
@Timeout(120)
class StraceFlagsIT {
    private static final String SET = "futex,mmap,munmap,mprotect,mremap,madvise,prctl,rt_sigprocmask,sched_setaffinity,"
            + "sched_getaffinity,exit_group";
    private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-f]{8,}");
    /** Ours: TIME [TID NAME] call = result [<duration>]. */
    private static final Pattern OURS = Pattern.compile("^(.*?) \\[\\d+ [^\\]]*\\] (\\w+\\(.*)$");
    private static final Pattern STRACE = Pattern.compile("^(?:([0-9:.]+|\\s*[0-9.]+) )?(\\w+\\(.*)$");

    private static String fixture() {
        return Traced.fixture("decode_mix").toString();
    }

    /** strace's call lines (time column, call) with the flags. */
    static List<String[]> strace(Path tmp, String... flags) throws Exception {
        Path out = tmp.resolve("strace-" + System.nanoTime() + ".txt");
        List<String> cmd = new ArrayList<>(List.of("strace", "-qq", "-o", out.toString()));
        cmd.addAll(List.of(flags));
        cmd.add(fixture());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("fixture-out.txt").toFile()).start();
        assertEquals(0, p.waitFor(), "strace (installed on these machines) ran the fixture");
        return lines(Files.readAllLines(out), STRACE, 1, 2);
    }

    /** jthreadtrace's call lines (time column, call) with the flags. */
    static List<String[]> ours(String... flags) {
        List<String> args = new ArrayList<>(List.of("run", "--report", "none", "--no-durations"));
        args.addAll(List.of(flags));
        args.addAll(List.of("--", fixture()));
        Tool.Result r = Tool.run(Tool.jar(args.toArray(String[]::new)));
        assertEquals(0, r.code(), r.err());
        return lines(r.out().lines().toList(), OURS, 1, 2);
    }

    private static List<String[]> lines(List<String> text, Pattern pattern, int time, int call) {
        List<String[]> out = new ArrayList<>();
        for (String line : text) {
            Matcher m = pattern.matcher(line);
            if (m.matches()) {
                String c = ADDRESS.matcher(m.group(call)).replaceAll("ADDR").replaceAll("\\s+= ", " = ");
                out.add(new String[] {m.group(time) == null ? "" : m.group(time), c});
            }
        }
        return out;
    }

    private static List<String> calls(List<String[]> lines) {
        return lines.stream().map(l -> l[1].replaceAll("(\\d+)<[^>]*>", "$1")).toList();
    }

    private static List<String> decoded(List<String> calls) {
        List<String> names = List.of(SET.split(","));
        return calls.stream().filter(c -> names.contains(c.substring(0, c.indexOf('(')))).toList();
    }

    @Test
    void theSameCallsAreSelected(@TempDir Path tmp) throws Exception {
        String[][] cases = {
                {"-z"}, {"-Z"}, {"-e", "status=failed"}, {"-e", "status=!failed"}, {"-e", "trace=!mmap,futex,prctl,exit_group"},
                {"-e", "trace=/^sched_"}};
        for (String[] flags : cases) {
            List<String> straceFlags = new ArrayList<>(List.of(flags));
            List<String> ourFlags = new ArrayList<>(List.of(flags));
            // Without an explicit trace= both trace the same set.
            if (!String.join(" ", flags).contains("trace=")) {
                straceFlags.addAll(0, List.of("-e", "trace=" + SET));
                ourFlags.addAll(0, List.of("-e", SET));
            }
            // Compared among the calls jthreadtrace decodes: with a negation both show every other call too, and
            // jthreadtrace prints undecoded ones as raw registers (and has no line for the exec before its start).
            List<String> expected = decoded(calls(strace(tmp, straceFlags.toArray(String[]::new))));
            List<String> actual = decoded(calls(ours(ourFlags.toArray(String[]::new))));
            assertTrue(!expected.isEmpty(), String.join(" ", flags));
            assertEquals(String.join("\n", expected), String.join("\n", actual), "the lines " + String.join(" ", flags) + " selects");
        }
    }

    @Test
    void theTimeColumnsHaveStracesShapeAndMinusYItsPaths(@TempDir Path tmp) throws Exception {
        String[][] cases = {{"-t", "\\d\\d:\\d\\d:\\d\\d"}, {"-tt", "\\d\\d:\\d\\d:\\d\\d\\.\\d{6}"}, {"-ttt", "\\d{10}\\.\\d{6}"},
                {"-r", " {5}\\d\\.\\d{6}"}};
        for (String[] c : cases) {
            List<String[]> theirs = strace(tmp, c[0], "-e", "trace=futex");
            List<String[]> ours = ours(c[0], "-e", "futex");
            assertEquals(theirs.size(), ours.size(), c[0]);
            for (String[] l : theirs) assertTrue(l[0].matches(c[1]), "strace " + c[0] + ": '" + l[0] + "'");
            for (String[] l : ours) assertTrue(l[0].matches(c[1]), "ours " + c[0] + ": '" + l[0] + "'");
        }
        List<String> theirPaths = strace(tmp, "-y", "-e", "trace=mmap").stream().map(l -> l[1]).toList();
        List<String> ourPaths = ours("-y", "-e", "mmap").stream().map(l -> l[1]).toList();
        assertTrue(theirPaths.stream().anyMatch(l -> l.contains("</")), theirPaths.toString());
        assertEquals(String.join("\n", theirPaths), String.join("\n", ourPaths), "-y: the same fds with the same paths");
        assertTrue(ours("-e", "mmap").stream().noneMatch(l -> l[1].contains("</")), "without -y an fd is a number, as strace prints it");
    }

    @Test
    void anExecveatDirectoryFdReadsAsStracesWithAndWithoutY(@TempDir Path tmp) throws Exception {
        for (String y : new String[] {"", "-y"}) {
            Path out = tmp.resolve("strace" + y + ".txt");
            List<String> cmd = new ArrayList<>(List.of("strace", "-qq", "-o", out.toString(), "-e", "trace=execveat"));
            if (!y.isEmpty()) cmd.add(y);
            cmd.add(Traced.fixture("execat").toString());
            assertEquals(0, new ProcessBuilder(cmd).redirectErrorStream(true).start().waitFor());
            List<String> theirs = lines(Files.readAllLines(out), STRACE, 1, 2).stream().map(l -> l[1]).toList();
            List<String> args = new ArrayList<>(List.of("run", "--report", "none", "--no-durations", "-e", "execveat"));
            if (!y.isEmpty()) args.add(y);
            args.addAll(List.of("--", Traced.fixture("execat").toString()));
            Tool.Result r = Tool.run(Tool.jar(args.toArray(String[]::new)));
            assertEquals(0, r.code(), r.err());
            List<String> ours = lines(r.out().lines().toList(), OURS, 1, 2).stream().map(l -> l[1]).toList();
            assertTrue(theirs.getFirst().startsWith(y.isEmpty() ? "execveat(3, \"true\"" : "execveat(3</usr/bin>, \"true\""), theirs.toString());
            assertEquals(theirs, ours, "execveat " + y);
        }
    }

    @Test
    void signalQualifiersChooseTheSignalLines() {
        String[] command = {"--", "/bin/sh", "-c", "trap 'true' USR1; kill -USR1 $$; true"};
        Function<String[], String> run = flags -> {
            List<String> args = new ArrayList<>(List.of("run", "--report", "none", "-e", "exit_group"));
            args.addAll(List.of(flags));
            args.addAll(List.of(command));
            Tool.Result r = Tool.run(Tool.jar(args.toArray(String[]::new)));
            assertEquals(0, r.code(), r.err());
            return r.out();
        };
        // strace's line: the signal and its siginfo, sent by the shell itself (kill is a builtin)
        Pattern usr1 = Pattern.compile("--- SIGUSR1 \\{si_signo=SIGUSR1, si_code=SI_USER, si_pid=\\d+, si_uid=\\d+\\} ---");
        assertTrue(usr1.matcher(run.apply(new String[0])).find(), "shown by default");
        assertTrue(usr1.matcher(run.apply(new String[] {"-e", "signal=SIGUSR1"})).find());
        assertTrue(!run.apply(new String[] {"-e", "signal=none"}).contains("--- SIG"));
        assertTrue(!run.apply(new String[] {"-e", "signal=!USR1"}).contains("--- SIGUSR1 "));
    }
}
