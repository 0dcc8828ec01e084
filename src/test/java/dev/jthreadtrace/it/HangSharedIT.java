package dev.jthreadtrace.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shared futex words across processes ({@code native/shared_futex.c}): the kernel keys a futex op
 * without FUTEX_PRIVATE_FLAG on a MAP_SHARED mapping by its memory object and offset, so a wait in a
 * forked child and a wake in its parent on a process-shared condvar are one futex, at the same
 * address (an anonymous mapping inherited over fork) or at another (a file each maps by itself).
 * The tool keys them so from the traced mmaps and forks: the wake edge, one word, the other waiters
 * in other processes, as strace -f shows the kernel had them.
 */
@Timeout(180)
class HangSharedIT {
    private final List<Long> pids = new ArrayList<>();

    @AfterEach
    void noProcessLeft() {
        // The deadlock fixture ignores SIGTERM: whatever the tool left, ends here.
        for (long pid : pids) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    /** One run of the condvar modes: the fixture's "waiter" line and the FUTEX section. */
    private record Woken(String[] waiterLine, String report) {}

    private static Woken condvar(Path tmp, String mode, String... args) throws Exception {
        return woken(tmp, mode, args).woken();
    }

    /** A run of a mode, {@link #condvar}'s, with what the tool said on standard error. */
    private record Run(Woken woken, String err) {}

    private static Run woken(Path tmp, String mode, String... args) throws Exception {
        Path out = tmp.resolve(mode + ".txt");
        List<String> command = new ArrayList<>(Tool.jar("run", "--no-live", "--jvm", "off", "--width", "200", "--report", "futex",
                "-o", out.toString(), "--", Traced.fixture("shared_futex").toString(), mode));
        command.addAll(List.of(args));
        Tool.Result r = Tool.run(command);
        String report = Files.readString(out);
        assertEquals(0, r.code(), "the child was woken by the parent's signal:\n" + r.err() + report);
        String line = r.out().lines().filter(l -> l.startsWith("waiter ")).findFirst().orElseThrow(() -> new AssertionError(r.out()));
        return new Run(new Woken(line.split(" "), report), r.err());
    }

    /** The condvar wait of the modes over a process-shared condvar, as strace prints it. */
    private static final String CONDVAR_WAIT = "FUTEX_WAIT_BITSET\\|FUTEX_CLOCK_REALTIME, ";

    /**
     * strace -f on the same fixture: the parent's shared FUTEX_WAKE woke one waiter (= 1) at the
     * address of the word the child waited on in its view, {@code sameAddress} or not.
     */
    private static void straceSaysTheParentWokeTheChild(Path tmp, String mode, boolean sameAddress) throws Exception {
        straceSaysTheWakeWokeTheWaiter(tmp, mode, CONDVAR_WAIT, sameAddress);
    }

    /**
     * strace -f on the fixture: another task's shared FUTEX_WAKE woke one waiter (= 1), at the address
     * of the word the waiter (the "waiter" line's task) waited on ({@code wait}: its op and first
     * arguments) in its view, {@code sameAddress} or not.
     */
    private static void straceSaysTheWakeWokeTheWaiter(Path tmp, String mode, String wait, boolean sameAddress) throws Exception {
        Path log = tmp.resolve(mode + ".strace");
        Tool.Result r = Tool.run(List.of("strace", "-f", "-qq", "-e", "trace=futex", "-o", log.toString(),
                Traced.fixture("shared_futex").toString(), mode));
        assertEquals(0, r.code(), r.err());
        String trace = Files.readString(log);
        String child = r.out().lines().filter(l -> l.startsWith("waiter ")).findFirst().orElseThrow().split(" ")[1];
        Matcher waited = Pattern.compile("(?m)^" + child + " +futex\\((0x[0-9a-f]+), " + wait).matcher(trace);
        assertTrue(waited.find(), trace);
        // "= 1" on its line, or after strace split it (another task's line came between: <unfinished ...>, then resumed).
        Matcher wake = Pattern.compile("(?m)^(\\d+) +futex\\((0x[0-9a-f]+), FUTEX_WAKE, 1(?:\\) += 1$"
                + "| <unfinished \\.\\.\\.>\\n(?:.*\\n)*?\\1 +<\\.\\.\\. futex resumed>\\) += 1$)").matcher(trace);
        assertTrue(wake.find(), trace);
        assertTrue(!wake.group(1).equals(child), "another task woke it:\n" + trace);
        assertEquals(sameAddress, wake.group(2).equals(waited.group(1)), trace);
    }

    @Test
    void aWakeInTheParentReleasesAWaitInTheChildOnAnInheritedSharedMapping(@TempDir Path tmp) throws Exception {
        straceSaysTheParentWokeTheChild(tmp, "condvar", true);
        Woken w = condvar(tmp, "condvar");
        String child = w.waiterLine()[1];
        Matcher woke = Pattern.compile("\\d+ sh-main woke " + child + " sh-waiter on (0x[0-9a-f]+) ").matcher(w.report());
        assertTrue(woke.find(), "the parent's wake released the child's condvar wait:\n" + w.report());
        // One word, not one per process: its waits and wakes together.
        assertTrue(Pattern.compile("(?m)^ +" + woke.group(1) + " +waits 1, wakes 1, .*waiters " + child + "; wakers \\d+$").matcher(w.report()).find(),
                w.report());
    }

    /**
     * The FUTEX section of a run whose waker's wake (through one view of a file) released the waiter's
     * wait (through another): the edge, and one word with the wait and the wake together.
     */
    private static void theWakeThroughOneViewReleasedTheWaitOnTheOther(Woken w, String waker, String waiter) {
        String child = w.waiterLine()[1];
        assertTrue(Long.decode(w.waiterLine()[2]) != Long.decode(w.waiterLine()[3]), "two views at two addresses: " + String.join(" ", w.waiterLine()));
        Matcher woke = Pattern.compile("(\\d+) " + waker + " woke " + child + " " + waiter + " on (0x[0-9a-f]+) ").matcher(w.report());
        assertTrue(woke.find(), "the wake through one view released the wait through the other:\n" + w.report());
        assertTrue(Pattern.compile("(?m)^ +0x[0-9a-f]+ +waits 1, wakes 1, .*waiters " + child + "; wakers " + woke.group(1) + "$")
                .matcher(w.report()).find(), "one word in both views:\n" + w.report());
    }

    /**
     * A file each process maps by itself: the kernel keys both views by the file's page (strace: the
     * wake at the parent's address woke the wait at the child's). The tracer reads the file's device
     * and inode at each shared mmap (a path does not say which file it is): one object, the edge.
     */
    /**
     * Each view is named by the object the kernel mapped, read at the mmap's exit: another thread
     * swapping the descriptor between two files meanwhile (dup2 in a loop) had views of B keyed by A
     * when the descriptor was read at the entry (a hostile tester's: 16 of 33). The program says by
     * each view's content which file it maps; every mmap record's inode must be that file's.
     */
    @Test
    void aViewIsNamedByTheFileTheKernelMappedNotTheDescriptorAtTheEntry(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("swap.jsonl");
        Tool.Result r = Tool.run(Tool.jar("run", "--no-live", "--jvm", "off", "--format", "jsonl", "-o", trace.toString(), "--",
                Traced.fixture("fd_swap_mmap").toString(), tmp.toString(), "60"));
        assertEquals(0, r.code(), r.err());
        List<String> said = r.out().lines().toList();
        String[] inodes = said.getFirst().split(" ");
        java.util.Map<Long, String> fileOfView = new java.util.HashMap<>();
        for (String line : said.subList(1, said.size())) {
            String[] f = line.split(" ");
            fileOfView.put(Long.parseUnsignedLong(f[1].substring(2), 16), f[2].equals("A") ? inodes[1] : inodes[2]);
        }
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        int checked = 0;
        for (String line : Files.readAllLines(trace)) {
            var record = json.readTree(line);
            if (!"syscall".equals(record.path("type").asText()) || !"mmap".equals(record.path("syscall").asText())
                    || record.path("args").path(4).asInt() != 9) continue;
            String expected = fileOfView.get(record.path("ret").asLong());
            assertEquals(expected, record.path("captures").path("7").path("file").path("inode").asText(), line);
            checked++;
        }
        assertEquals(fileOfView.size(), checked, "every view the program made has its mmap record");
    }

    @Test
    void aFileMappedByEachProcessItselfIsOneObjectByItsInode(@TempDir Path tmp) throws Exception {
        straceSaysTheParentWokeTheChild(tmp, "shmfile", false);
        theWakeThroughOneViewReleasedTheWaitOnTheOther(condvar(tmp, "shmfile"), "sh-main", "sh-waiter");
    }

    /** The same over a memfd, which the child maps again through the descriptor it inherited. */
    @Test
    void aMemfdMappedByEachProcessItselfIsOneObject(@TempDir Path tmp) throws Exception {
        straceSaysTheParentWokeTheChild(tmp, "memfd", false);
        theWakeThroughOneViewReleasedTheWaitOnTheOther(condvar(tmp, "memfd"), "sh-main", "sh-waiter");
    }

    /** One process mapping one file twice: a thread's shared wait through the first view, the main thread's wake through the second. */
    @Test
    void oneFileMappedTwiceByOneProcessIsOneObject(@TempDir Path tmp) throws Exception {
        straceSaysTheWakeWokeTheWaiter(tmp, "twice", "FUTEX_WAIT, 0, NULL", false);
        theWakeThroughOneViewReleasedTheWaitOnTheOther(condvar(tmp, "twice"), "tw-main", "tw-waiter");
    }

    /**
     * A program that churns through 66 000 files (each mapped MAP_SHARED, unmapped and closed), then
     * maps one file twice (a hostile tester's): the files long gone held the tracer's table of 65 536
     * files, so the two views were two objects and the wake (= 1: the fixture exits 0 only then) made
     * no edge. A file is forgotten with its last view: the edge, one word, no note.
     */
    @Test
    void filesUnmappedLongAgoLeaveTheTableToTheFilesMappedNow(@TempDir Path tmp) throws Exception {
        Run run = woken(tmp, "churn", "66000");
        theWakeThroughOneViewReleasedTheWaitOnTheOther(run.woken(), "tw-main", "tw-waiter");
        assertFalse(run.err().contains("past the"), run.err());
    }

    /**
     * Past the cap of live files and mappings (a child and its parent each keep 33 000 views of
     * distinct files mapped: a process may have 65 530), the two views' sharing cannot be linked:
     * one note on standard error and in the report says so, instead of a silent loss.
     */
    @Test
    void pastTheCapOfLiveViewsANoteSaysTheirSharingIsNotLinked(@TempDir Path tmp) throws Exception {
        Run run = woken(tmp, "hold", "66000");
        Matcher note = Pattern.compile("jthreadtrace: note: (\\d+) shared mappings were past the 65536 live files and mappings the tool names: "
                + "futex waits and wakes through them and another view of the same file are not linked\n").matcher(run.err());
        assertTrue(note.find(), run.err());
        String count = note.group(1);
        assertTrue(Long.parseLong(count) >= 2, "the two views past it at least: " + run.err());
        assertFalse(note.find(), "one note: " + run.err());
        assertTrue(run.woken().report().contains("  (" + count + " shared mappings were past the 65536 "), run.woken().report());
    }

    /**
     * Two process-shared mutexes locked in opposite order by a parent and its child, and a third
     * process blocked on the parent's: a cycle across processes, and the two waiters of one mutex,
     * in two processes, each the other's fellow waiter. The trace ends on SIGTERM (the fixture
     * ignores it) and --kill-after.
     */
    @Test
    void aDeadlockAcrossProcessesNamesTheWaitersOfEachSharedMutex(@TempDir Path tmp) throws Exception {
        deadlockAcrossProcesses(tmp, "deadlock");
    }

    /**
     * The same over a file each of the three processes maps itself (three views at three addresses):
     * the waiters of one mutex through two views are each other's fellow waiters, as through one page.
     */
    @Test
    void aDeadlockOverAFileEachProcessMappedNamesTheWaitersInEveryView(@TempDir Path tmp) throws Exception {
        deadlockAcrossProcesses(tmp, "filedeadlock");
    }

    private void deadlockAcrossProcesses(Path tmp, String mode) throws Exception {
        Path out = tmp.resolve(mode + ".txt");
        Process tool = new ProcessBuilder(Tool.jar("run", "--no-live", "--jvm", "off", "--width", "300", "--report", "blocked",
                "--kill-after", "1s", "-o", out.toString(), "--assert", "deadlocks == 1", "--assert", "threads.blocked == 3", "--",
                Traced.fixture("shared_futex").toString(), mode)).redirectError(tmp.resolve("err").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String hung;
        try (BufferedReader said = new BufferedReader(new InputStreamReader(tool.getInputStream(), StandardCharsets.UTF_8))) {
            hung = said.readLine();
            assertTrue(hung != null && hung.startsWith("hung "), "the three are asleep in futex: " + hung);
            String[] f = hung.split(" ");
            for (int i = 1; i <= 3; i++) pids.add(Long.parseLong(f[i]));
            Tool.signal(tool.pid(), "TERM");
            assertTrue(tool.waitFor(60, TimeUnit.SECONDS), "the tool ended");
        } finally {
            tool.destroyForcibly();
        }
        String report = Files.readString(out), err = Files.readString(tmp.resolve("err"));
        String[] f = hung.split(" ");
        String parent = f[1] + " dl-parent", child = f[2] + " dl-child", third = f[3] + " dl-third";
        // Not 90 (an --assert failed): the command's own end, killed after the SIGTERM it ignored.
        assertTrue(tool.exitValue() != 90 && tool.exitValue() >= 128, tool.exitValue() + "\n" + err + report);
        assertTrue(Pattern.compile("\\n +" + parent + " +futex\\(0x[0-9a-f]+, FUTEX_WAIT, 2, NULL\\)[^\\n]*\\n[^\\n]*other waiters " + third + ", ")
                .matcher(report).find(), report);
        assertTrue(Pattern.compile("\\n +" + third + " +futex\\(0x[0-9a-f]+, FUTEX_WAIT, 2, NULL\\)[^\\n]*\\n[^\\n]*other waiters " + parent + ", ")
                .matcher(report).find(), report);
        String first = Integer.parseInt(f[1]) < Integer.parseInt(f[2]) ? parent : child, second = first.equals(parent) ? child : parent;
        assertTrue(report.contains("deadlock 1 (native, 2 threads): " + first + " → " + second + " → " + first), report);
    }

    /**
     * {@code attach} to a parent and its child whose shared mappings were made before it: the child
     * waits on the condvar, the tool attaches to both, then the parent signals. /proc/PID/maps at the
     * attach gives each mapping's device and inode, the object the kernel keys the word by: the
     * wake strace shows is the edge, for an inherited anonymous page and for a file each process
     * mapped itself (two views at two addresses, one inode).
     */
    private static String attachedThenWoken(Path tmp, String mode) throws Exception {
        Process fixture = new ProcessBuilder(Traced.fixture("shared_futex").toString(), mode).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String line = new BufferedReader(new InputStreamReader(fixture.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertTrue(line != null && line.startsWith("waiter "), "the child waits: " + line);
            String parent = Long.toString(fixture.pid()), child = line.split(" ")[1];
            Path out = tmp.resolve(mode + ".txt");
            Process tool = new ProcessBuilder(Tool.jar("attach", "--jvm", "off", "--duration", "60s", "--width", "200", "--report", "futex",
                    "-o", out.toString(), parent, child)).redirectError(tmp.resolve(mode + ".err").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            try {
                Hangs.awaitTraced(tool, tmp.resolve(mode + ".err"), parent, child);
                fixture.getOutputStream().write("go\n".getBytes(StandardCharsets.US_ASCII));
                fixture.getOutputStream().flush();
                assertTrue(fixture.waitFor(60, TimeUnit.SECONDS), "the parent woke the child, both ended");
                assertEquals(0, fixture.exitValue(), "the child was woken");
                assertTrue(tool.waitFor(60, TimeUnit.SECONDS), "the tool ended when the processes did");
            } finally {
                tool.destroyForcibly();
            }
            String report = Files.readString(out);
            assertTrue(Pattern.compile(parent + " sh-main woke " + child + " sh-waiter on 0x[0-9a-f]+ ").matcher(report).find(),
                    "the parent's wake released the child's wait, on a mapping made before the attach:\n" + report);
            return report;
        } finally {
            fixture.destroyForcibly();
        }
    }

    @Test
    void aSharedMappingMadeBeforeAnAttachIsKeyedByItsObject(@TempDir Path tmp) throws Exception {
        straceSaysTheParentWokeTheChild(tmp, "attach", true);
        attachedThenWoken(tmp, "attach");
    }

    @Test
    void aFileEachProcessMappedBeforeAnAttachIsOneObjectByItsInode(@TempDir Path tmp) throws Exception {
        straceSaysTheParentWokeTheChild(tmp, "attachfile", false);
        attachedThenWoken(tmp, "attachfile");
    }
}
