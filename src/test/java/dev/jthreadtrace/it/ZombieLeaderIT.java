package dev.jthreadtrace.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A main thread that calls pthread_exit while its threads run on: the kernel ends the thread at its
 * exit and keeps it a zombie (ps: Z) until the process ends, when it reports the leader's exit with
 * the process's status (strace -f: "exit(0) = ?" then, much later, "+++ exited with 3 +++"; or
 * "+++ superseded by execve" when another thread execs). The tree and the timeline draw it so: it
 * ended at its exit, a zombie until the process's end. Once its lane ran to the process's end and
 * its END said only the process's status, while OUTLIVED said it had exited.
 */
@Timeout(120)
class ZombieLeaderIT {
    private static final Pattern OUTLIVED = Pattern.compile("process (\\d+) \\S+: main thread exited (@[0-9.]+m?s): 1 thread was still running");

    @Test
    void aLeaderThatExitedEndsThereAndIsAZombieUntilItsProcessEnds(@TempDir Path dir) throws Exception {
        String fixture = Traced.fixture("zombie_leader").toString();
        Path out = dir.resolve("strace.txt");
        Process p = new ProcessBuilder("strace", "-f", "-q", "-o", out.toString(), "-e", "trace=exit,exit_group", fixture).inheritIO().start();
        assertEquals(3, p.waitFor(), "strace (installed on these machines) ran the fixture, which exits 3");
        List<String> kernel = Files.readAllLines(out);
        String leader = kernel.stream().filter(l -> l.matches("\\d+ +exit\\(0\\) += \\?")).map(l -> l.split(" ")[0]).findFirst()
                .orElseThrow(() -> new AssertionError("strace: main called exit(0): " + kernel));
        int exit = line(kernel, leader + " +exit\\(0\\) .*"), group = line(kernel, "\\d+ +exit_group\\(3\\) .*");
        int reported = line(kernel, leader + " +\\+\\+\\+ exited with 3 \\+\\+\\+");
        assertTrue(exit >= 0 && exit < group && group < reported, "strace: main's exit, the worker's exit_group, then main's end reported: " + kernel);

        Tool.Result r = Tool.run(Tool.jar("run", "--no-live", "--report", "tree,leaks,timeline", "--width", "120", "--", fixture));
        assertEquals(3, r.code(), r.err());
        Matcher outlived = OUTLIVED.matcher(r.out());
        assertTrue(outlived.find(), r.out());
        String pid = outlived.group(1), at = outlived.group(2);
        assertTrue(Pattern.compile("(?m)^" + pid + " zombie_leader .* exited " + Pattern.quote(at) + "; zombie until exit 3$").matcher(r.out()).find(),
                "END: the thread's exit, then the process's status: " + r.out());
        assertTrue(Pattern.compile("(?m)^" + pid + " zombie_leader +●━*✕·+$").matcher(r.out()).find(),
                "its lane ends at its exit, then a zombie to the process's end: " + r.out());
        assertTrue(r.out().contains("· a main thread that exited, a zombie"), r.out());
    }

    /**
     * A zombie leader released by another thread's exec (native/exec_after_main.c: the exec'ing thread
     * saw main's /proc state Z before it forked and exec'd): the leader's thread ended at its exit,
     * "superseded" only when the exec came; OUTLIVED counts the thread that went on to exec, as it was
     * then (its own tid and name), where it once said no other thread was running.
     */
    @Test
    void aZombieLeaderSupersededByAThreadsExecEndedAtItsOwnExit() {
        Tool.Result r = Tool.run(Tool.jar("run", "--no-live", "--report", "tree,leaks,timeline", "--width", "250", "--",
                Traced.fixture("exec_after_main").toString()));
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("main-state Z\n"), "the kernel had main a zombie before the fork and exec: " + r.out());
        String execer = r.out().lines().filter(l -> l.startsWith("execer ")).findFirst().orElseThrow().split(" ")[1];
        Matcher outlived = OUTLIVED.matcher(r.out());
        assertTrue(outlived.find(), r.out());
        String pid = outlived.group(1), at = outlived.group(2);
        assertTrue(Pattern.compile("(?m)^    " + execer + " execer ").matcher(r.out()).find(), "the thread that outlived main, as then: " + r.out());
        assertTrue(Pattern.compile("(?m)^" + pid + " exec_after_main .* exited " + Pattern.quote(at) + "; zombie until superseded by execve of "
                + execer + "$").matcher(r.out()).find(), r.out());
        assertTrue(Pattern.compile("(?m)^" + pid + " exec_after_main +●[━J]*✕·+ *$").matcher(r.out()).find(), r.out());
    }

    /** The index of the first line that matches {@code regex}; -1 for none. */
    private static int line(List<String> lines, String regex) {
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).matches(regex)) return i;
        return -1;
    }
}
