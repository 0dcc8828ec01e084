package dev.jthreadtrace.agent;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The headers of a JDK 25 {@code Thread.print} as the agent reads its own JVM's dump: Java threads,
 * the hidden ones among them, the VM's own threads; names that try to forge a header; and the
 * hand-written matcher against the greedy patterns it stands for.
 */
class DumpHeadersTest {
    /** The shape of a JDK 25 dump (taken from one), a thread of each kind. */
    private static final String DUMP = """
            2026-11-29 00:57:56
            Full thread dump OpenJDK 64-Bit Server VM (25.0.3+9-LTS mixed mode, sharing):

            Threads class SMR info:
            _java_thread_list=0x00007fe5a0001f00, length=12, elements={
            0x00007fe5bc02a990, 0x00007fe5bc0b4e50
            }

            "main" #3 [28523] prio=5 os_prio=0 cpu=109.20ms elapsed=0.91s tid=0x00007fe5bc02a990 nid=28523 waiting on condition  [0x00007fe5c13fe000]
               java.lang.Thread.State: TIMED_WAITING (sleeping)
            \tat java.lang.Thread.sleep0(java.base@25.0.3/Native Method)

            "C2 CompilerThread0" #17 [28626] daemon prio=9 os_prio=0 cpu=9.44ms elapsed=0.42s tid=0x00007fe5bc0bd190 nid=28626 waiting on condition  [0x0000000000000000]
               java.lang.Thread.State: RUNNABLE
               No compile task

            "VM Thread" os_prio=0 cpu=0.88ms elapsed=0.48s tid=0x00007fe5bc0a85b0 nid=28604 runnable \s

            "VM Periodic Task Thread" os_prio=0 cpu=0.47ms elapsed=0.50s tid=0x00007fe5bc097e80 nid=28599 waiting on condition \s

            "GC Thread#0" os_prio=0 cpu=0.33ms elapsed=0.90s tid=0x00007fe5bc057ab0 nid=28524 runnable \s

            JNI global refs: 4, weak refs: 0
            """;

    private static String java(String name, long id, int nid, boolean daemon) {
        return "\"" + name + "\" #" + id + " [" + nid + "] " + (daemon ? "daemon " : "") + "prio=5 os_prio=0 cpu=0.63ms elapsed=2.11s"
                + " tid=0x00007f0d484f7ea0 nid=" + nid + " waiting on condition  [0x00007f0d1c2fe000]\n"
                + "   java.lang.Thread.State: WAITING (parking)\n\tat jdk.internal.misc.Unsafe.park(java.base@25.0.3/Native Method)\n\n";
    }

    @Test
    void javaThreadsHiddenOnesAndTheVmsOwnComeWithTheirTidsAndFullNames() {
        assertEquals(List.of(
                new DumpHeaders.Header("main", 3, 28523, false),
                new DumpHeaders.Header("C2 CompilerThread0", 17, 28626, true),
                new DumpHeaders.Header("VM Thread", DumpHeaders.NO_JAVA_ID, 28604, false),
                new DumpHeaders.Header("VM Periodic Task Thread", DumpHeaders.NO_JAVA_ID, 28599, false),
                new DumpHeaders.Header("GC Thread#0", DumpHeaders.NO_JAVA_ID, 28524, false)), DumpHeaders.parse(DUMP, 100).headers());
    }

    @Test
    void olderJdksPrintTheNidInHex() {
        String dump = "\"main\" #1 prio=5 os_prio=0 cpu=1.2ms elapsed=2.3s tid=0x00007f39840289a0 nid=0x2de6 waiting on condition  [0x0]\n"
                + "   java.lang.Thread.State: RUNNABLE\n\n"
                + "\"VM Thread\" os_prio=0 cpu=3.31ms elapsed=2.29s tid=0x00007f39840a40a0 nid=0x2de9 runnable\n\n";
        assertEquals(List.of(new DumpHeaders.Header("main", 1, 0x2de6, false),
                new DumpHeaders.Header("VM Thread", DumpHeaders.NO_JAVA_ID, 0x2de9, false)), DumpHeaders.parse(dump, 100).headers());
    }

    /** A name may hold quotes, line breaks and whole headers: the real header is the last of its block. */
    @Test
    void aNameThatHoldsHeadersIsReadWholeAndNamesNoOtherThread() {
        String forger = "nl\n\"forged\" #5 [1] x\n\"VM Thread\" os_prio=0 tid=0x1 nid=2 runnable";
        String dump = java(forger, 22, 3477, true) + java("victim", 23, 1, false);
        assertEquals(List.of(new DumpHeaders.Header(forger, 22, 3477, true), new DumpHeaders.Header("victim", 23, 1, false)),
                DumpHeaders.parse(dump, 100).headers());
    }

    /** A name that ends its own block (a blank line) and forges a VM thread's header for a tid the dump lists: that tid gets nothing. */
    @Test
    void aForgedHeaderForAListedTidLeavesThatTidUnnamed() {
        String forger = "a\n\n\"GC Thread#0\" os_prio=0 cpu=0ms elapsed=0s tid=0x1 nid=28524 runnable\n\n\"b";
        DumpHeaders headers = DumpHeaders.parse(java(forger, 22, 3477, true) + DUMP, 100);
        assertEquals(Set.of(28524), headers.ambiguous());
        assertEquals(List.of(3477, 28523, 28626, 28604, 28599), headers.headers().stream().map(DumpHeaders.Header::tid).toList());
        assertEquals("b", headers.headers().getFirst().name(), "the forger names itself only by what follows its forgery");
    }

    @Test
    void boundsCountWhatTheyLeaveOut() {
        DumpHeaders headers = DumpHeaders.parse(java("x".repeat(DumpHeaders.MAX_BLOCK), 1, 101, false) + DUMP, 3);
        assertEquals(1, headers.tooLong());
        assertEquals(2, headers.overflow());
        assertEquals(List.of(28523, 28626, 28604), headers.headers().stream().map(DumpHeaders.Header::tid).toList());
    }

    @Test
    void numbersPastTheirRangeAreNoHeader() {
        assertEquals(List.of(), DumpHeaders.parse(java("n", 1, 1, false).replace("[1]", "[99999999999]"), 10).headers());
    }

    // ---- the hand-written matcher against the patterns it stands for ----------------------------

    private static final Pattern HEADER = Pattern.compile("^\"(.*)\" #(\\d+) \\[(\\d+)\\] (daemon )?", Pattern.DOTALL),
            OLD_HEADER = Pattern.compile("^\"(.*)\" #(\\d+) (daemon )?prio=\\d+ [^\n]* nid=0x([0-9a-fA-F]+) ", Pattern.DOTALL),
            VM_HEADER = Pattern.compile("^\"(.*)\" os_prio=(?:[^\n]* nid=0x([0-9a-fA-F]+)(?= |\n|\\z)|[^\n]* nid=(\\d+)(?= |\n|\\z))",
                    Pattern.DOTALL);
    /** Whole header parts and their pieces, so that every form matches often, among the ways a name may mimic them. */
    private static final String[] PIECES = {"\"", "\" #12 [34] ", "\" #12 [34]", "\" #12 ", "\" #7 daemon ", "\" #", "prio=5 ",
            "prio=5 os_prio=0 tid=0x1", " nid=0x1f ", " nid=0x1f", " nid=0xg ", " nid=77 ", " nid=77", "\" os_prio=0 ", "daemon ", "\n",
            " ", "x", "[", "] ", "#", "12", "0x"};

    /** As the patterns read a block: the first form that matches decides; numbers past their range make it no header. */
    private static DumpHeaders.Header byPatterns(String b) {
        try {
            return matchPatterns(b);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static DumpHeaders.Header matchPatterns(String b) {
        Matcher m = HEADER.matcher(b);
        if (m.find()) return new DumpHeaders.Header(m.group(1), Long.parseLong(m.group(2)), Integer.parseInt(m.group(3)), m.group(4) != null);
        m = OLD_HEADER.matcher(b);
        if (m.find()) {
            return new DumpHeaders.Header(m.group(1), Long.parseLong(m.group(2)), Integer.parseInt(m.group(4), 16), m.group(3) != null);
        }
        m = VM_HEADER.matcher(b);
        if (!m.find()) return null;
        return new DumpHeaders.Header(m.group(1), DumpHeaders.NO_JAVA_ID,
                m.group(2) != null ? Integer.parseInt(m.group(2), 16) : Integer.parseInt(m.group(3)), false);
    }

    @Test
    void theMatcherAgreesWithTheGreedyPatternsOnHostileBlocks() {
        Random random = new Random(26);
        int[] matched = new int[3];
        for (int i = 0; i < 60_000; i++) {
            StringBuilder b = new StringBuilder("\"");
            for (int n = random.nextInt(14); n > 0; n--) b.append(PIECES[random.nextInt(PIECES.length)]);
            String block = b.toString();
            DumpHeaders.Header expected = byPatterns(block);
            assertEquals(expected, DumpHeaders.header(block), block);
            if (expected != null) matched[!expected.javaThread() ? 2 : HEADER.matcher(block).find() ? 0 : 1]++;
        }
        assertTrue(matched[0] > 100 && matched[1] > 100 && matched[2] > 100, "each form met: " + java.util.Arrays.toString(matched));
    }
}
