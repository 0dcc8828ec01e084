package dev.jthreadtrace.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A child process that runs in its parent's memory ({@code native/vm_child.c}: clone(CLONE_VM), and
 * vfork's clone(CLONE_VM|CLONE_VFORK) as posix_spawn makes it): the kernel keys a FUTEX_PRIVATE word
 * by the address space, so the child's private wait and its parent's private wake are one futex in
 * two processes (strace -f: the wake woke 1, at the child's address). The tool keys private words by
 * address space, not by process: the wake edge, one word, and a wait chain from the child to the
 * parent thread that holds its private PI futex.
 */
@Timeout(180)
class HangVmChildIT {
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void noProcessLeft() {
        Hangs.endAll(started);
    }

    /** strace -f on the fixture: a thread of another process woke the child's private wait (= 1), at the same address. */
    private static void straceSaysTheParentWokeTheChild(Path tmp, String mode) throws Exception {
        Path log = tmp.resolve(mode + ".strace");
        Tool.Result r = Tool.run(List.of("strace", "-f", "-qq", "-e", "trace=futex", "-o", log.toString(),
                Traced.fixture("vm_child").toString(), mode));
        assertEquals(0, r.code(), r.err());
        String trace = Files.readString(log);
        String[] said = waiterLine(r.out());
        Matcher wait = Pattern.compile("(?m)^" + said[1] + " +futex\\((0x[0-9a-f]+), FUTEX_WAIT_PRIVATE, 0, NULL").matcher(trace);
        assertTrue(wait.find(), trace);
        // "= 1" on its line, or after strace split it (another task's line came between: <unfinished ...>, then resumed).
        Matcher wake = Pattern.compile("(?m)^(\\d+) +futex\\((0x[0-9a-f]+), FUTEX_WAKE_PRIVATE, 1(?:\\) += 1$"
                + "| <unfinished \\.\\.\\.>\\n(?:.*\\n)*?\\1 +<\\.\\.\\. futex resumed>\\) += 1$)").matcher(trace);
        assertTrue(wake.find(), trace);
        assertNotEquals(said[1], wake.group(1), "another process woke it:\n" + trace);
        assertEquals(wait.group(1), wake.group(2), trace);
        assertEquals(Long.decode(said[2]), Long.decode(wait.group(1)), "the parent's word: " + String.join(" ", said));
    }

    private static String[] waiterLine(String out) {
        return out.lines().filter(l -> l.startsWith("waiter ")).findFirst().orElseThrow(() -> new AssertionError(out)).split(" ");
    }

    private static void theParentsWakeReleasesTheChild(Path tmp, String mode, String waker) throws Exception {
        straceSaysTheParentWokeTheChild(tmp, mode);
        Path out = tmp.resolve(mode + ".txt");
        Tool.Result r = Tool.run(Tool.jar("run", "--no-live", "--jvm", "off", "--width", "200", "--report", "futex", "-o", out.toString(),
                "--", Traced.fixture("vm_child").toString(), mode));
        String report = Files.readString(out);
        assertEquals(0, r.code(), "the wake woke the child:\n" + r.err() + report);
        String[] said = waiterLine(r.out());
        String child = said[1], word = "0x" + Long.toHexString(Long.decode(said[2]));
        Matcher woke = Pattern.compile("(\\d+) " + waker + " woke " + child + " vm-child on " + word + " ").matcher(report);
        assertTrue(woke.find(), "the parent's private wake released the child's private wait:\n" + report);
        assertNotEquals(child, woke.group(1));
        // One word in both processes: its wait and wake together.
        assertTrue(Pattern.compile("(?m)^ +" + word + " +waits 1, wakes 1, .*waiters " + child + "; wakers " + woke.group(1) + "$")
                .matcher(report).find(), report);
    }

    @Test
    void aPrivateWakeInTheParentReleasesAPrivateWaitInItsCloneVmChild(@TempDir Path tmp) throws Exception {
        theParentsWakeReleasesTheChild(tmp, "clone", "vm-main");
    }

    /** posix_spawn's way: the vfork child runs while its parent's calling thread is suspended; another thread of the parent wakes it. */
    @Test
    void aPrivateWakeByAnotherThreadOfTheParentReleasesItsVforkChild(@TempDir Path tmp) throws Exception {
        theParentsWakeReleasesTheChild(tmp, "vfork", "vm-waker");
    }

    /**
     * The child blocks on a private glibc mutex its parent holds (its {@code __owner}, read at the
     * wait, is the parent's tid): the blocked section names the parent as the thread the child waits
     * for, and the parent's wait4 for the child closes a cycle. Keyed by process, the owner, a thread
     * of another process, shared no private word with it: the chain ended there.
     */
    @Test
    void aCloneVmChildBlockedOnItsParentsPrivateMutexWaitsForTheParentWhichWaitsForIt(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("mutex.txt");
        Process tool = Hangs.start(started, Tool.jar("run", "--no-live", "--jvm", "off", "--width", "300", "--report", "blocked",
                "--kill-after", "1s", "-o", out.toString(), "--", Traced.fixture("vm_child").toString(), "mutex"), tmp.resolve("err"));
        String hung;
        try (BufferedReader said = new BufferedReader(new InputStreamReader(tool.getInputStream(), StandardCharsets.UTF_8))) {
            hung = said.readLine();
        }
        assertTrue(hung != null && hung.startsWith("hung "), "the child sleeps in futex, the parent in wait4: " + hung);
        Tool.signal(tool.pid(), "TERM");
        int code = Hangs.exitOf(tool);
        String report = Files.readString(out), err = Files.readString(tmp.resolve("err"));
        String[] f = hung.split(" ");
        String parent = f[1] + " vm-main", child = f[2] + " vm-child", word = "0x" + Long.toHexString(Long.decode(f[3]));
        assertTrue(code >= 128, code + "\n" + err + report);
        assertTrue(Pattern.compile("\\n +" + child + " +futex\\(" + word + ", FUTEX_WAIT_PRIVATE, 2, NULL\\) = \\?[^\\n]*\\n +word " + word
                + ", owner " + f[1] + " \\(glibc[^\\n]*waits for " + parent + ", which holds the mutex").matcher(report).find(), report);
        // The parent waits in wait4 for the child: a cycle across the two processes.
        String first = Integer.parseInt(f[1]) < Integer.parseInt(f[2]) ? parent : child, second = first.equals(parent) ? child : parent;
        assertTrue(report.contains("deadlock 1 (native, 2 threads): " + first + " → " + second + " → " + first), report);
    }

    /**
     * {@code attach} to a parent and the clone(CLONE_VM) child it made before: nothing in /proc says
     * the child runs in its parent's memory; kcmp(KCMP_VM) at the attach does, so the parent's private
     * wake after the attach releases the child's private wait (strace -f: = 1, at the child's address).
     */
    @Test
    void aCloneVmChildFoundAtAnAttachIsReleasedByItsParentsPrivateWake(@TempDir Path tmp) throws Exception {
        straceSaysTheParentWokeTheChild(tmp, "attach");
        Process fixture = new ProcessBuilder(Traced.fixture("vm_child").toString(), "attach").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        started.add(fixture);
        String[] said = waiterLine(new BufferedReader(new InputStreamReader(fixture.getInputStream(), StandardCharsets.UTF_8)).readLine() + "\n");
        String parent = Long.toString(fixture.pid()), child = said[1], word = "0x" + Long.toHexString(Long.decode(said[2]));
        Path out = tmp.resolve("attach.txt");
        Process tool = Hangs.start(started, Tool.jar("attach", "--jvm", "off", "--duration", "60s", "--width", "200", "--report", "futex",
                "-o", out.toString(), parent, child), tmp.resolve("attach.err"));
        Hangs.awaitTraced(tool, tmp.resolve("attach.err"), parent, child);
        fixture.getOutputStream().write("go\n".getBytes(StandardCharsets.US_ASCII));
        fixture.getOutputStream().flush();
        assertTrue(fixture.waitFor(60, TimeUnit.SECONDS), "the parent woke the child, both ended");
        assertEquals(0, fixture.exitValue(), "the wake woke the child");
        assertEquals(0, Hangs.exitOf(tool), Files.readString(tmp.resolve("attach.err")));
        String report = Files.readString(out), err = Files.readString(tmp.resolve("attach.err"));
        assertTrue(report.contains(parent + " vm-main woke " + child + " vm-child on " + word + " "),
                "the parent's private wake released the child's private wait, one memory found at the attach:\n" + err + report);
        assertFalse(err.contains("kcmp"), err);
    }

    /**
     * The mutex mode, attached once both sleep: the child blocked on its parent's private mutex (its
     * owner the parent, a thread of another process but of the same memory) and the parent in wait4
     * for it are a deadlock, found by an attach as by a run from the start.
     */
    @Test
    void aCloneVmChildFoundAtAnAttachBlockedOnItsParentsPrivateMutexIsADeadlock(@TempDir Path tmp) throws Exception {
        Process fixture = new ProcessBuilder(Traced.fixture("vm_child").toString(), "mutex").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        started.add(fixture);
        String hung = new BufferedReader(new InputStreamReader(fixture.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertTrue(hung != null && hung.startsWith("hung "), "the child sleeps in futex, the parent in wait4: " + hung);
        String[] f = hung.split(" ");
        String parent = f[1] + " vm-main", child = f[2] + " vm-child", word = "0x" + Long.toHexString(Long.decode(f[3]));
        Path out = tmp.resolve("mutex.txt");
        Tool.Result r = Tool.run(Tool.jar("attach", "--jvm", "off", "--duration", "1s", "--no-live", "--width", "300", "--report", "blocked",
                "-o", out.toString(), f[1], f[2]));
        String report = Files.readString(out);
        assertEquals(0, r.code(), r.err() + report);
        assertTrue(Pattern.compile("\\n +" + child + " +futex\\(" + word + ", FUTEX_WAIT_PRIVATE, 2, NULL\\) = \\?[^\\n]*\\n +word " + word
                + ", owner " + f[1] + " \\(glibc[^\\n]*waits for " + parent + ", which holds the mutex").matcher(report).find(), report);
        String first = Integer.parseInt(f[1]) < Integer.parseInt(f[2]) ? parent : child, second = first.equals(parent) ? child : parent;
        assertTrue(report.contains("deadlock 1 (native, 2 threads): " + first + " → " + second + " → " + first), report);
        assertTrue(fixture.isAlive(), "an attach leaves it running");
    }
}
