package dev.jthreadtrace.it;

import dev.jthreadtrace.decode.CaptureLimits;
import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.Siginfo;
import dev.jthreadtrace.decode.Signals;
import dev.jthreadtrace.decode.SyscallDecoder;
import dev.jthreadtrace.decode.TraceSelection;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.ptrace.TraceFailure;
import dev.jthreadtrace.session.TraceSession;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One command traced by strace 6.1 and by jthreadtrace with the same {@code -e} set, as the lines
 * each prints per process ({@code call(args) = result} and {@code --- SIG {siginfo} ---}, in order),
 * with what differs between any two runs masked: addresses, pids, ports, clocks, random bytes.
 */
record StraceLines(Map<Integer, List<String>> byProcess, Set<String> pids) {
    private static final Pattern PREFIX = Pattern.compile("^(\\d+) +(.*)$");
    private static final Pattern RESUMED = Pattern.compile("^<\\.\\.\\. \\w+ resumed>(.*)$");
    private static final Pattern NUMBER = Pattern.compile("\\b\\d{2,}\\b");

    /** strace -f -qq [flags] -e trace=SET -o FILE command... (in this JVM's working directory, as jthreadtrace's tracee). */
    static StraceLines strace(Path dir, String set, List<String> flags, List<String> command) throws Exception {
        Path out = dir.resolveSibling(dir.getFileName() + ".strace");
        List<String> cmd = new ArrayList<>(List.of("strace", "-f", "-qq", "-o", out.toString(), "-e", "trace=" + set));
        cmd.addAll(flags);
        cmd.addAll(command);
        // the traced command writes where jthreadtrace's tracee does: this JVM's standard output and error
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        assertEquals(0, p.waitFor(), "strace (installed on these machines) ran " + command);
        return parse(Files.readAllLines(out));
    }

    /** strace's output: an unfinished call joined with its resumption, +++ lines left out. */
    static StraceLines parse(List<String> raw) {
        Map<Integer, List<String>> out = new LinkedHashMap<>();
        Map<String, String> pending = new LinkedHashMap<>();
        Set<String> pids = new HashSet<>();
        for (String line : raw) {
            Matcher m = PREFIX.matcher(line);
            String pid = m.matches() ? m.group(1) : "0", rest = m.matches() ? m.group(2) : line;
            pids.add(pid);
            if (rest.endsWith(" <unfinished ...>")) {
                pending.put(pid, rest.substring(0, rest.length() - " <unfinished ...>".length()));
                continue;
            }
            Matcher r = RESUMED.matcher(rest);
            // a call the task's death cut short: "<... read resumed> <unfinished ...>) = ?"
            if (r.matches() && pending.containsKey(pid)) rest = pending.remove(pid) + r.group(1).replaceFirst("^ <unfinished \\.\\.\\.>", "");
            if (rest.startsWith("+++")) continue;
            out.computeIfAbsent(Integer.parseInt(pid), k -> new ArrayList<>()).add(rest.replaceAll("\\)\\s+= ", ") = "));
        }
        return new StraceLines(out, pids);
    }

    /** jthreadtrace in this JVM (no agent), the lines it would print for the shown calls and the signals. */
    static StraceLines ours(Path dir, String set, boolean fdPaths, List<String> command) {
        TraceSelection selection = TraceSelection.parse(set);
        boolean[] shown = selection.shown();
        List<TraceEvent> events = new ArrayList<>();
        try {
            TraceSession.run(command, System.getenv(), selection.recorded(), new CaptureLimits(fdPaths, 32), true,
                    (event, model) -> events.add(event), () -> { });
        } catch (TraceFailure e) {
            return fail("cannot trace (ptrace must work on this machine and in CI): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted", e);
        }
        Map<Integer, List<String>> out = new LinkedHashMap<>();
        Set<String> pids = new HashSet<>();
        for (TraceEvent e : events) {
            switch (e) {
                case TraceEvent.Syscall s when s.nr() >= 0 && s.nr() < shown.length && shown[s.nr()] -> {
                    Captures c = fdPaths ? s.captures() : s.captures().withoutFdPaths();
                    out.computeIfAbsent(s.tid(), k -> new ArrayList<>()).add(SyscallDecoder.call(s.nr(), s.args(), c, 32) + " = "
                            + SyscallDecoder.result(s.nr(), s.args(), s.ret(), s.error(), s.returned(), c));
                    pids.add(Integer.toString(s.tid()));
                }
                case TraceEvent.SignalDelivered d -> out.computeIfAbsent(d.tid(), k -> new ArrayList<>()).add("--- "
                        + Signals.name(d.signal()) + (d.siginfo() == null ? "" : " " + Siginfo.render(d.siginfo())) + " ---");
                case TraceEvent.Spawned s -> pids.add(Integer.toString(s.child()));
                case TraceEvent.TargetStarted s -> pids.add(Integer.toString(s.pid()));
                default -> { }
            }
        }
        return new StraceLines(out, pids);
    }

    /**
     * The lines of each process in order of first appearance, masked; every number that is a pid of
     * this run or of {@code other} (the run compared with) is PID on both sides: a size that happens
     * to equal one run's pid (an mmap of 12288 bytes, strace's pid 12288) stays alike.
     */
    List<List<String>> masked(UnaryOperator<String> mask, StraceLines other) {
        Set<String> all = new HashSet<>(pids);
        all.addAll(other.pids);
        List<List<String>> out = new ArrayList<>();
        for (List<String> lines : byProcess.values()) {
            out.add(lines.stream().map(mask).map(l -> NUMBER.matcher(l).replaceAll(n -> all.contains(n.group()) ? "PID" : n.group()))
                    .toList());
        }
        return out;
    }

    /** Every line, all processes together. */
    List<String> all() {
        return byProcess.values().stream().flatMap(List::stream).toList();
    }
}
