package dev.jthreadtrace.it;

import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.model.Exit;
import dev.jthreadtrace.model.Metric;
import dev.jthreadtrace.model.ThreadInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * execve from a thread while main waits in pthread_join for it and another thread idles
 * ({@code native/exec_join_idle.c}), strace -f the oracle: the kernel ends the old leader inside its
 * join ({@code <... futex resumed>) = ?}, {@code +++ superseded by execve in pid N +++}), ends the
 * idler ("exited with 0", though it called no exit), and the exec'ing thread goes on with the
 * leader's tid. The model keeps the two tasks apart: the old leader ends with its join cut (its
 * blocked time counted, no join counted: it never returned), the exec'ing thread keeps its own
 * names and becomes the leader.
 */
@Timeout(120)
class ExecFromThreadIT {
    private static final Pattern LINE = Pattern.compile("^(\\d+) +(.*)$");
    private static final Pattern SUPERSEDED = Pattern.compile("\\+\\+\\+ superseded by execve in pid (\\d+) \\+\\+\\+");

    /** strace -f's lines, as {pid, text}. */
    private static List<String[]> strace(Path dir) throws Exception {
        Path out = dir.resolve("strace.txt");
        Process p = new ProcessBuilder("strace", "-f", "-q", "-o", out.toString(), "-e", "trace=execve,futex,exit,exit_group",
                Traced.fixture("exec_join_idle").toString()).inheritIO().start();
        assertEquals(0, p.waitFor(), "strace (installed on these machines) ran the fixture");
        List<String[]> lines = new ArrayList<>();
        for (String l : Files.readAllLines(out)) {
            Matcher m = LINE.matcher(l);
            if (m.matches()) lines.add(new String[] {m.group(1), m.group(2)});
        }
        return lines;
    }

    @Test
    void theOldLeadersJoinEndsUnreturnedAndTheExecingThreadKeepsItsOwnIdentity(@TempDir Path dir) throws Exception {
        List<String[]> kernel = strace(dir);
        String leader = kernel.getFirst()[0];
        String execer = kernel.stream().map(l -> SUPERSEDED.matcher(l[1])).filter(Matcher::find).map(m -> m.group(1))
                .findFirst().orElseThrow(() -> new AssertionError("strace saw no exec from a thread: " + kernel));
        assertNotEquals(leader, execer);
        assertTrue(kernel.stream().anyMatch(l -> l[0].equals(leader) && l[1].matches("<\\.\\.\\. futex resumed>\\)\\s+= \\?")),
                "strace: the leader's join never returned");
        String idler = kernel.stream().map(l -> l[0]).filter(p -> !p.equals(leader) && !p.equals(execer)).findFirst().orElseThrow();
        assertTrue(kernel.stream().anyMatch(l -> l[0].equals(idler) && l[1].equals("+++ exited with 0 +++")), "strace: " + idler);
        assertFalse(kernel.stream().anyMatch(l -> l[0].equals(idler) && l[1].startsWith("exit")), "the idler called no exit");

        Traced t = Traced.run(List.of(Traced.fixture("exec_join_idle").toString()));
        int pid = t.model().rootPid();
        ThreadInfo old = t.model().root();
        assertEquals(pid, old.tid());
        Exit.ReplacedByExec superseded = assertInstanceOf(Exit.ReplacedByExec.class, old.exit(), "old leader: " + old.exit());
        assertTrue(superseded.leader());
        ThreadInfo now = t.model().thread(pid);
        assertNotEquals(old, now, "two tasks, two records");
        assertEquals(superseded.execBy(), now.formerTid(), "the exec'ing thread took the leader's tid");
        assertEquals(List.of("exec_join_idle", "execer", "true"), now.nameHistory(), "its own names, then the exec's");
        assertEquals(List.of("exec_join_idle"), old.nameHistory(), "the old leader kept its own");
        assertEquals(0, now.exit().value());
        assertEquals(old, now.creatorInfo(), "the old leader created it");

        ThreadInfo idle = t.named("idler");
        Exit.ReplacedByExec torn = assertInstanceOf(Exit.ReplacedByExec.class, idle.exit(), "idler: " + idle.exit());
        assertFalse(torn.leader());
        assertEquals(now.formerTid(), torn.execBy());
        assertEquals(old, idle.creatorInfo());

        TraceEvent.Syscall join = t.events(TraceEvent.Syscall.class).stream()
                .filter(s -> s.tid() == pid && s.nr() == SyscallTable.FUTEX && s.cut() == TraceEvent.Cut.ENDED).findFirst()
                .orElseThrow(() -> new AssertionError("the old leader's join is cut by the exec"));
        assertTrue(join.exitNs() - join.ns() >= 250_000_000L, "blocked from its join to the exec: " + (join.exitNs() - join.ns()));
        Map<String, Long> metrics = Metric.summary(t.model());
        assertTrue(metrics.get("futex.wait.time") >= 250_000_000L, "the join's blocked time counts: " + metrics);
        assertEquals(0L, metrics.get("futex.joins"), "the join never returned: no join is counted");
    }

    @Test
    void theReportSaysWhoSupersededWhomAndShowsOneProcessInTheKernelTree() {
        Tool.Result r = Tool.run(Tool.jar("run", "--no-live", "--report", "tree,blocked", "--", Traced.fixture("exec_join_idle").toString()));
        assertEquals(0, r.code(), r.err());
        Matcher execer = Pattern.compile("└─(\\d+) true \\(was [^)]+\\) \\[thread (\\d+) until its execve @[0-9.]+ms\\]").matcher(r.out());
        assertTrue(execer.find(), r.out());
        assertTrue(r.out().contains("superseded by execve of " + execer.group(2)), "the old leader's end: " + r.out());
        assertTrue(r.out().contains("ended by execve of " + execer.group(2)), "the idler's end: " + r.out());
        assertTrue(r.out().contains("thread→leader"), r.out());
        assertTrue(r.out().replaceAll("\\s+", " ").contains("the thread ended in it (superseded by execve in thread " + execer.group(2)
                + "): it never returned"), "BLOCKED says why the join never returned: " + r.out());
        // The kernel tree has one process: after the exec, the exec'ing thread stands for it.
        String kernel = r.out().substring(r.out().indexOf("KERNEL TREE"));
        kernel = kernel.substring(0, kernel.indexOf("\n\n"));
        assertEquals(1, Pattern.compile("(?m)^└─" + execer.group(1) + " ").matcher(kernel).results().count(), kernel);
        assertFalse(kernel.contains(execer.group(1) + " exec_join_idle"), kernel);
    }

    /**
     * A thread that execs takes the leader's tid, yet it was made as a thread: SUMMARY and {@code
     * processes.total} count it as one, as the tree does (thread→leader). Once it counted as a
     * process (one process shown as two, a vfork'ing program's three as four). strace -f the oracle:
     * each clone with CLONE_THREAD made a thread; each other clone, fork or vfork a process; the
     * command is one more.
     */
    @Test
    void theExecingThreadIsCountedAsTheThreadItWasMadeAs(@TempDir Path dir) throws Exception {
        List<String> command = List.of(Traced.fixture("exec_thread").toString(), Traced.fixture("vforker").toString());
        Path out = dir.resolve("strace.txt");
        List<String> strace = new ArrayList<>(List.of("strace", "-f", "-qq", "-o", out.toString(), "-e", "trace=clone,clone3,fork,vfork"));
        strace.addAll(command);
        Process p = new ProcessBuilder(strace).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor(), "strace (installed on these machines) ran the fixture");
        Pattern spawn = Pattern.compile("\\b(clone3?|v?fork)\\(");
        List<String> spawns = Files.readAllLines(out).stream().filter(l -> spawn.matcher(l).find()).toList();
        long threads = spawns.stream().filter(l -> l.contains("CLONE_THREAD")).count();
        long processes = 1 + spawns.size() - threads;
        assertEquals(1, threads, spawns.toString());
        assertEquals(2, processes, spawns.toString());

        List<String> cmd = new ArrayList<>(Tool.jar("run", "--no-live", "--report", "summary,tree", "--width", "200",
                "--assert", "processes.total == " + processes, "--assert", "threads.total == " + (processes + threads), "--"));
        cmd.addAll(command);
        Tool.Result r = Tool.run(cmd);
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains((processes + threads) + " tasks: " + processes + " processes, " + threads + " thread "), r.out());
        assertTrue(r.out().contains("thread→leader"), "the tree says the same: " + r.out());
    }

    /**
     * What the old leader did before a thread's exec took its tid keeps the old leader's name
     * (native/exec_after_main.c: main joins "joinee", whose stack it mapped and "execer" reuses, then
     * exits; execer execs /bin/true later). The program is the oracle: main's pid and its
     * /proc/self/comm, the joinee whose join returned in main, the execer's tid. Once these rows
     * named the new program ("PID true joined ...", "mapped by PID true"), and the join's mark was
     * drawn on the exec'ing thread's lane.
     */
    @Test
    void whatTheOldLeaderDidBeforeTheExecKeepsItsName() {
        Tool.Result r = Tool.run(Tool.jar("run", "--no-live", "--report", "tree,timeline,futex,mmap", "--width", "200", "--",
                Traced.fixture("exec_after_main").toString()));
        assertEquals(0, r.code(), r.out() + r.err());
        Map<String, String[]> said = said(r.out());
        String pid = said.get("main")[0], main = pid + " " + said.get("main")[1], joinee = said.get("joined")[0], execer = said.get("execer")[0];
        assertEquals("exec_after_main", said.get("main")[1], "the kernel's name of main: " + r.out());
        assertTrue(r.out().contains("  " + main + " joined " + joinee + " joinee @"), "the join is the old leader's: " + r.out());
        assertTrue(Pattern.compile("(?m)^  " + joinee + " joinee +stack in 0x\\p{XDigit}+ \\([^)]+\\) mapped by " + main + " @").matcher(r.out()).find(),
                r.out());
        assertTrue(Pattern.compile("(?m)^  " + execer + " execer +stack in 0x\\p{XDigit}+ \\([^)]+\\) mapped by " + main + " @").matcher(r.out()).find(),
                "the stack execer ran on, named as then, mapped by the old leader: " + r.out());
        assertTrue(Pattern.compile("(?m)^ +@[0-9.]+ms  " + execer + " execer +name exec_after_main → execer").matcher(r.out()).find(),
                "its rename, made as " + execer + " execer: " + r.out());
        // Nothing dated before the exec bears the new program's name.
        Matcher exec = Pattern.compile("\\[thread " + execer + " until its execve @([0-9.]+)ms\\]").matcher(r.out());
        assertTrue(exec.find(), r.out());
        Matcher byNew = Pattern.compile(pid + " true @([0-9.]+)ms").matcher(r.out());
        while (byNew.find()) {
            assertTrue(Double.parseDouble(byNew.group(1)) >= Double.parseDouble(exec.group(1)), "before the exec @" + exec.group(1) + ": " + byNew.group());
        }
        // The join's mark is on the old leader's lane, not on the lane of the thread that took its tid.
        String lanes = r.out().substring(r.out().indexOf("HOOK TIMELINE"));
        assertTrue(Pattern.compile("(?m)^" + main + " +●[━J✕· ]*J").matcher(lanes).find(), lanes);
        assertFalse(Pattern.compile("(?m)^" + pid + " true +.*J").matcher(lanes).find(), lanes);
    }

    /** The fixture's lines: "main PID COMM", "joined TID", "execer TID", ... by their first word. */
    private static Map<String, String[]> said(String out) {
        Map<String, String[]> said = new java.util.HashMap<>();
        for (String line : out.lines().toList()) {
            String[] f = line.split(" ");
            if (f.length >= 2 && List.of("main", "joined", "main-state", "child", "execer").contains(f[0])) {
                said.put(f[0], java.util.Arrays.copyOfRange(f, 1, f.length));
            }
        }
        assertEquals(5, said.size(), out);
        return said;
    }
}
