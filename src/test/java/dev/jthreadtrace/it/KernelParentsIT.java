package dev.jthreadtrace.it;

import dev.jthreadtrace.model.ThreadInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel's parents (PPid) as the kernel gives them over time, each checked against the
 * program's own getppid(): orphans re-parented to a PR_SET_CHILD_SUBREAPER ancestor or to init
 * when their parent exits ({@code native/orphans.c}), CLONE_PARENT named as such; and after an
 * attach, a process and its threads never folded into one row ({@code native/unnamed_threads.c},
 * /proc/PID/task the oracle).
 */
@Timeout(120)
class KernelParentsIT {
    private static final Pattern SAID = Pattern.compile("(\\w+) (\\d+) ppid (\\d+)");
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void noProcessLeftBehind() {
        for (Process p : started) p.destroyForcibly();
    }

    /** What each child of the fixture said: its pid and the PPid the kernel gave it, by name. */
    private static Map<String, int[]> said(Path file) throws Exception {
        Map<String, int[]> out = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            Matcher m = SAID.matcher(line);
            assertTrue(m.matches(), line);
            out.put(m.group(1), new int[] {Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))});
        }
        return out;
    }

    private static void orphanGoesWhereTheKernelPutIt(String mode, Path dir, boolean toMain) throws Exception {
        Path file = dir.resolve("said.txt");
        Traced t = Traced.run(List.of(Traced.fixture("orphans").toString(), mode, file.toString()));
        Map<String, int[]> said = said(file);
        int[] orphan = said.get("orphan"), cparent = said.get("cparent");
        int main = t.model().rootPid();
        // Without a subreaper in the fixture: init, or the subreaper above the tool (a container's init, a service manager).
        if (toMain) assertEquals(main, orphan[1], "the kernel's answer");
        else assertTrue(orphan[1] != main && orphan[1] != t.named("middle").tid(), "the kernel's answer: " + orphan[1]);
        ThreadInfo o = t.model().thread(orphan[0]);
        ThreadInfo middle = t.named("middle");
        assertEquals(orphan[1], o.osParent(), "the orphan's PPid after its parent exited");
        assertEquals(1, o.reparents().size(), o.reparents().toString());
        assertEquals(middle.tid(), o.reparents().getFirst().from());
        assertEquals(middle.end().longValue(), o.reparents().getFirst().ns(), "re-parented when middle exited");
        assertEquals(cparent[1], t.model().thread(cparent[0]).osParent(), "CLONE_PARENT: its creator's parent");
        assertTrue(t.model().thread(cparent[0]).reparents().isEmpty());
    }

    @Test
    void anOrphanGoesToTheSubreaperAncestor(@TempDir Path dir) throws Exception {
        orphanGoesWhereTheKernelPutIt("subreaper", dir, true);
    }

    @Test
    void anOrphanWithoutASubreaperGoesToInit(@TempDir Path dir) throws Exception {
        orphanGoesWhereTheKernelPutIt("init", dir, false);
    }

    @Test
    void theReportShowsTheOrphanUnderInitAndNamesEachReason(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("said.txt");
        Tool.Result r = Tool.run(Tool.jar("run", "--no-live", "--report", "summary,tree", "--", Traced.fixture("orphans").toString(),
                "init", file.toString()));
        assertEquals(0, r.code(), r.err());
        int orphan = said(file).get("orphan")[0], reaper = said(file).get("orphan")[1];
        String kernel = r.out().substring(r.out().indexOf("KERNEL TREE"));
        // init; or, where the tests run under a subreaper (a container's init), that one, as the kernel chose
        String root = reaper == 1 ? "1 init \\(not traced\\)" : reaper + " \\(not traced\\)", to = reaper == 1 ? "1 \\(init\\)" : "" + reaper;
        assertTrue(kernel.matches("(?s).*\\n" + root + "\\n└─" + orphan + " orphan   re-parented from \\d+ to " + to
                + " @[0-9.]+ms when \\d+ middle exited\\n.*"), kernel);
        String summary = r.out().substring(r.out().indexOf("SUMMARY"), r.out().indexOf("THREADS BY CREATOR"));
        assertTrue(summary.contains("1 CLONE_PARENT child (PPid is the creator's parent)"), summary);
        assertTrue(summary.contains("1 orphan"), summary);
        assertFalse(summary.contains("CLONE_THREAD"), "no thread here: " + summary);
    }

    /**
     * The tool started by a subreaper ({@code native/subreaper}: what a container's init or a service manager
     * with PR_SET_CHILD_SUBREAPER is): the orphan goes to it, not to init, and the trace says so from the
     * orphan's PPid in /proc at its exit_group, the kernel's choice (the orphan's own getppid() the oracle);
     * a replay of the saved trace shows the same tree.
     */
    @Test
    void anOrphanGoesToASubreaperAboveTheTool(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("said.txt"), trace = dir.resolve("trace.jsonl");
        List<String> command = new ArrayList<>(List.of(Traced.fixture("subreaper").toString()));
        command.addAll(Tool.jar("run", "--format", "jsonl", "-o", trace.toString(), "--", Traced.fixture("orphans").toString(), "init",
                file.toString()));
        Tool.Result r = Tool.run(command);
        assertEquals(0, r.code(), r.err());
        Matcher said = Pattern.compile("subreaper (\\d+)").matcher(r.err());
        assertTrue(said.find(), r.err());
        int subreaper = Integer.parseInt(said.group(1));
        int[] orphan = said(file).get("orphan");
        assertEquals(subreaper, orphan[1], "the kernel's answer: the subreaper above the tool");
        String threadRecord = Files.readAllLines(trace).stream().filter(l -> l.contains("\"type\":\"thread\"")
                && l.contains("\"tid\":" + orphan[0] + ",")).findFirst().orElseThrow();
        assertTrue(threadRecord.contains("\"os_parent\":" + subreaper + ","), threadRecord);
        assertTrue(Pattern.compile("\"reparents\":\\[\\{\"t\":[0-9.]+,\"from\":\\d+,\"to\":" + subreaper + "}]").matcher(threadRecord).find(),
                threadRecord);
        Tool.Result report = Tool.run(Tool.jar("report", "--no-live", "--report", "tree", trace.toString()));
        assertEquals(0, report.code(), report.err());
        String kernel = report.out().substring(report.out().indexOf("KERNEL TREE"));
        assertTrue(kernel.matches("(?s).*\\n" + subreaper + " \\(not traced\\)\\n└─" + orphan[0] + " orphan   re-parented from \\d+ to "
                + subreaper + " @[0-9.]+ms when \\d+ middle exited\\n.*"), kernel);
    }

    @Test
    void afterAnAttachAProcessAndItsUnnamedThreadsAreRowsOfTheirOwnKinds(@TempDir Path dir) throws Exception {
        Process target = new ProcessBuilder(Traced.fixture("unnamed_threads").toString()).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        started.add(target);
        // The kernel's view before the attach: the process and three threads of it (Tgid = its pid).
        Path taskDir = Path.of("/proc", Long.toString(target.pid()), "task");
        List<String> tids = new ArrayList<>();
        for (int i = 0; i < 500 && tids.size() < 4; i++) {
            Thread.sleep(10);
            try (var s = Files.list(taskDir)) {
                tids = s.map(p -> p.getFileName().toString()).sorted().toList();
            }
        }
        assertEquals(4, tids.size(), tids.toString());
        for (String tid : tids) {
            assertTrue(Files.readString(taskDir.resolve(tid).resolve("status")).contains("\nTgid:\t" + target.pid() + "\n"), tid);
        }
        Path trace = dir.resolve("t.jsonl");
        Tool.Attached a = Tool.attachWhenReady(target, trace, dir.resolve("err"), started);
        assertEquals(0, target.waitFor(), "the program ran on after the attach");
        assertEquals(0, a.tool().waitFor());
        Tool.Result r = Tool.run(Tool.jar("report", "--report", "tree", trace.toString()));
        assertEquals(0, r.code(), r.err());
        String pid = Long.toString(target.pid());
        assertTrue(r.out().matches("(?s).*\\n" + pid + " unnamed_threads +process \\(existed\\).*"), r.out());
        assertTrue(r.out().matches("(?s).*\\d+\\.\\.\\d+ unnamed_threads\\.\\.unnamed_threads ×3 +thread \\(existed\\).*"), r.out());
        assertFalse(r.out().contains("×4"), r.out());
        String kernel = r.out().substring(r.out().indexOf("KERNEL TREE"));
        assertTrue(kernel.contains("×3   thread of " + pid), kernel);
        List<String> threads = tids.stream().filter(tid -> !tid.equals(pid)).toList();
        assertTrue(r.out().contains(threads.getFirst() + ".." + threads.getLast() + " "), "the three threads' row: " + r.out());
    }

    /**
     * A child a thread forked (native/exec_after_main.c: thread "execer" forks once main has exited)
     * has the thread's process as its kernel parent, as its own getppid() says: the SUMMARY gives
     * that reason for it, and its reasons add up to its count (once such children were counted
     * with no reason given).
     */
    @Test
    void aChildForkedByAThreadIsCountedWithItsReason() {
        Tool.Result r = Tool.run(Tool.jar("run", "--no-live", "--report", "summary,tree", "--width", "250", "--",
                Traced.fixture("exec_after_main").toString()));
        assertEquals(0, r.code(), r.out() + r.err());
        String pid = r.out().lines().filter(l -> l.startsWith("main ")).findFirst().orElseThrow().split(" ")[1];
        String[] child = r.out().lines().filter(l -> l.startsWith("child ")).findFirst().orElseThrow().split(" ");
        assertEquals(pid, child[2], "the kernel's parent of the thread's child is the process");
        assertTrue(Pattern.compile("(?m)^  └─" + child[1] + " execer +process/fork +" + pid + " ↰ reparented").matcher(r.out()).find(), r.out());
        assertTrue(r.out().replaceAll("\\s+", " ").contains("3 re-parented by the kernel: 2 CLONE_THREAD threads (PPid is the process's parent,"
                + " not the creator); 1 child of a thread (the kernel's parent is the creating thread's process)"), r.out());
    }
}
