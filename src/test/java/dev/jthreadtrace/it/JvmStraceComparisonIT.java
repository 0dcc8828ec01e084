package dev.jthreadtrace.it;

import dev.jthreadtrace.fixtures.Hello;
import dev.jthreadtrace.fixtures.HttpLoad;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM traced with {@code -e all -y} by strace 6.1 and by jthreadtrace: at least 99% of
 * jthreadtrace's lines must be lines strace printed. Two runs of a JVM never make quite the same
 * calls, so the comparison masks what differs between two strace runs as well: addresses, ids,
 * clocks, what was read from /proc and /sys, random bytes, GC heap slop (munmap sizes depend on
 * where ASLR put the reservation), descriptor numbers (-y shows the path; which of two threads
 * opens first is timing); and a futex line counts when strace made a call of the same form (how
 * often threads wait and wake is timing). The JVM is made as quiet as it goes (interpreter only,
 * Serial GC, one CPU) and writes where strace's would (this JVM's standard output). What still
 * differs is printed with the share.
 */
@Timeout(600)
class JvmStraceComparisonIT {
    private static final double REQUIRED = 0.99;

    private static List<String> java(String... mainAndArgs) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xint", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-XX:ActiveProcessorCount=1", "-Xshare:auto",
                "-cp", System.getProperty("jthreadtrace.testClasses", "target/test-classes")));
        cmd.addAll(List.of(mainAndArgs));
        return cmd;
    }

    /** What differs between two runs of the same JVM, masked (on top of the fixtures' masks). */
    private static UnaryOperator<String> runMask() {
        UnaryOperator<String> base = StraceClassesIT.mask(List.of());
        return line -> {
            String l = base.apply(line);
            if (l.startsWith("futex(")) l = l.replaceAll("tv_(sec|nsec)=\\d+", "tv_$1=N").replaceAll(" = .*$", " = R");
            l = l.replaceAll("^(read|pread64)\\((\\d+<(/proc|/sys)/[^>]*>), \".*\"(\\.\\.\\.)?, (\\d+)(, \\d+)?\\) = \\d+$", "$1($2, DATA, $5$6) = N");
            l = l.replaceAll("java_pid\\d+", "java_pidPID").replaceAll("^munmap\\(ADDR, \\d+\\)", "munmap(ADDR, N)");
            l = l.replaceAll("u32=\\d+, u64=\\d+", "u32=N, u64=N");
            // which of two threads opens its descriptor first is timing: the number, not the path it shows (-y)
            l = l.replaceAll("\\b\\d+<", "FD<");
            // the compressed class space is placed below 4 GiB, where ASLR lets it
            if (l.startsWith("mmap(") || l.startsWith("mprotect(") || l.startsWith("munmap(")) l = l.replaceAll("0x[0-9a-f]{6,}", "ADDR");
            return l;
        };
    }

    /** The share of our lines that strace printed too, and the lines that differ (ours with >, strace's with <). */
    static Map.Entry<Double, List<String>> agreement(List<String> theirs, List<String> ours) {
        Map<String, Integer> left = new HashMap<>();
        Set<String> futexForms = new HashSet<>();
        for (String l : theirs) {
            left.merge(l, 1, Integer::sum);
            if (l.startsWith("futex(")) futexForms.add(l);
        }
        int same = 0;
        Map<String, Integer> onlyOurs = new TreeMap<>();
        for (String l : ours) {
            Integer n = left.get(l);
            if (n != null && n > 0) {
                left.put(l, n - 1);
                same++;
            } else if (l.startsWith("futex(") && futexForms.contains(l)) {
                same++;
            } else {
                onlyOurs.merge(l, 1, Integer::sum);
            }
        }
        List<String> differ = new ArrayList<>();
        onlyOurs.forEach((l, n) -> differ.add("> " + n + "x " + l));
        left.forEach((l, n) -> {
            if (n > 0 && !l.startsWith("futex(")) differ.add("< " + n + "x " + l);
        });
        return Map.entry(ours.isEmpty() ? 0 : (double) same / ours.size(), differ);
    }

    private static void compare(Path tmp, List<String> command) throws Exception {
        Path theirDir = Files.createDirectories(tmp.resolve("strace")), ourDir = Files.createDirectories(tmp.resolve("ours"));
        UnaryOperator<String> mask = runMask();
        StraceLines theirs = StraceLines.strace(theirDir, "all", List.of("-y"), command);
        StraceLines ours = StraceLines.ours(ourDir, "all", true, command);
        List<String> t = theirs.masked(mask, ours).stream().flatMap(List::stream).toList();
        List<String> o = ours.masked(mask, theirs).stream().flatMap(List::stream).toList();
        Map.Entry<Double, List<String>> result = agreement(t, o);
        String report = String.format(Locale.ROOT, "%s: %d of our %d lines are strace's (%.2f%%; strace printed %d); differing:%n%s",
                command.getLast(), Math.round(result.getKey() * o.size()), o.size(), 100 * result.getKey(), t.size(),
                String.join("\n", result.getValue()));
        System.out.println(report);
        assertTrue(o.size() > 500, "a JVM makes hundreds of calls: " + o.size());
        assertTrue(result.getKey() >= REQUIRED, report);
    }

    @Test
    void aJvmStartingUpReadsAsStraceReadsIt(@TempDir Path tmp) throws Exception {
        compare(tmp, java(Hello.class.getName()));
    }

    @Test
    void aJvmServingHttpReadsAsStraceReadsIt(@TempDir Path tmp) throws Exception {
        compare(tmp, java(HttpLoad.class.getName(), "20"));
    }
}
