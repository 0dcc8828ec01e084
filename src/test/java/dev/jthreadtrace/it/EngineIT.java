package dev.jthreadtrace.it;

import dev.jthreadtrace.decode.CloneFlags;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.decode.TraceSelection;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.model.Exit;
import dev.jthreadtrace.model.Hook;
import dev.jthreadtrace.model.Hooks;
import dev.jthreadtrace.model.ThreadInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ptrace engine on real programs: spawn edges, names, exits, signals, exec, thousands of threads. */
@Timeout(120)
class EngineIT {
    @Test
    void pthreadFixtureGivesMainInner1Inner2Edges() {
        Traced t = Traced.run(List.of(Traced.fixture("threads").toString()));
        ThreadInfo main = t.model().root();
        ThreadInfo inner1 = t.named("inner-1"), inner2 = t.named("inner-2"), sibling = t.named("sibling");
        assertEquals("threads", main.name());
        assertEquals(4, t.model().threads().size(), "main, inner-1, inner-2, sibling and nothing else");
        assertEquals(main.tid(), inner1.creator());
        assertEquals(inner1.tid(), inner2.creator());
        assertEquals(main.tid(), sibling.creator());
        // The kernel's view: every CLONE_THREAD thread is a child of the process's parent (us).
        int tracer = t.model().tracerPid();
        for (ThreadInfo th : List.of(main, inner1, inner2, sibling)) assertEquals(tracer, th.osParent());
        assertTrue(inner1.reparented() && inner2.reparented() && sibling.reparented());
        assertFalse(main.reparented());
        for (ThreadInfo th : List.of(inner1, inner2, sibling)) {
            assertEquals(main.tid(), th.tgid());
            assertTrue((th.cloneFlags() & CloneFlags.CLONE_THREAD) != 0);
            assertEquals("exited", th.exit().kind());
            assertEquals(0, th.exit().value());
        }
        assertEquals(0, t.model().targetExit().value());
        // Every task seen once, and each Spawned event names the creator the kernel reported.
        Set<Integer> spawned = new HashSet<>();
        for (TraceEvent.Spawned s : t.events(TraceEvent.Spawned.class)) assertTrue(spawned.add(s.child()));
        assertEquals(Set.of(inner1.tid(), inner2.tid(), sibling.tid()), spawned);
    }

    @Test
    void inheritedSettingsAndJoinsOfThePthreadFixture() {
        Traced t = Traced.run(List.of(Traced.fixture("threads").toString()));
        ThreadInfo main = t.model().root(), inner1 = t.named("inner-1"), inner2 = t.named("inner-2"), sibling = t.named("sibling");
        // inner-1 pinned itself to CPU 0 and blocked SIGUSR1 before creating inner-2 ...
        assertEquals("0", inner2.inherited().affinity());
        assertEquals("[USR1]", inner2.inherited().value(Hook.SIGMASK));
        assertEquals("inner-1", inner2.inherited().name());
        // ... which main's later child did not inherit.
        assertEquals("default", sibling.inherited().affinity());
        assertEquals("[]", sibling.inherited().value(Hook.SIGMASK));
        assertEquals("threads", sibling.inherited().name());
        assertEquals("default", inner1.inherited().affinity());
        assertEquals("0", inner1.hooks().affinity());
        // Every pthread_join was a wait on the joined thread's CLONE_CHILD_CLEARTID word.
        List<String> joins = t.model().futexAnalysis().joins().stream()
                .map(j -> t.model().nameOf(j.joiner()) + ">" + t.model().nameOf(j.joined())).toList();
        assertEquals(List.of("inner-1>inner-2", "threads>inner-1", "threads>sibling"), joins);
        assertEquals(main.tid(), t.model().thread(inner1.tid()).creator());
    }

    @Test
    void zombieLeaderDoesNotEndTheProcess() {
        Traced t = Traced.run(List.of(Traced.fixture("zombie_leader").toString()));
        ThreadInfo leader = t.model().root(), worker = t.named("worker");
        assertTrue(leader.exit() instanceof Exit.Exited e && e.ownCall(), "the leader called exit (pthread_exit), not exit_group: " + leader.exit());
        assertTrue(t.events(TraceEvent.Syscall.class).stream().anyMatch(s -> s.tid() == worker.tid()
                && s.nr() == SyscallTable.EXIT_GROUP), "the worker ended the process later");
        assertEquals(3, t.model().targetExit().value(), "the process's status is the worker's exit(3)");
        assertEquals("group", worker.exit().kind());
    }

    @Test
    void vforkChildIsAProcessThatExecs() {
        Traced t = Traced.run(List.of(Traced.fixture("vforker").toString()));
        List<TraceEvent.Spawned> spawns = t.events(TraceEvent.Spawned.class);
        assertEquals(1, spawns.size());
        assertEquals(TraceEvent.SpawnKind.VFORK, spawns.getFirst().kind());
        int child = spawns.getFirst().child();
        assertEquals(List.of("/bin/true"), t.model().process(child).exec());
        assertEquals("true", t.model().thread(child).name());
        assertEquals(0, t.model().process(child).exit().value());
        assertEquals(0, t.model().targetExit().value());
    }

    @Test
    void childEventsNeverComeBeforeTheEventThatCreatedThem() {
        Traced t = Traced.run(List.of(Traced.fixture("churn").toString(), "50"));
        Set<Integer> known = new HashSet<>();
        known.add(t.model().rootPid());
        for (TraceEvent e : t.events()) {
            switch (e) {
                case TraceEvent.Spawned s -> {
                    assertTrue(known.contains(s.creator()));
                    known.add(s.child());
                }
                case TraceEvent.Syscall s -> assertTrue(known.contains(s.tid()), "event of unknown task " + s.tid());
                default -> { }
            }
        }
    }

    @Test
    void forkFixtureGivesAProcessEdgeAndTheThreadInside() {
        Traced t = Traced.run(List.of(Traced.fixture("forker").toString()));
        ThreadInfo parent = t.model().root();
        ThreadInfo worker = t.named("child-worker");
        ThreadInfo child = t.model().thread(worker.tgid());
        assertNotNull(child);
        assertNotEquals(parent.tid(), child.tid());
        assertEquals(parent.tid(), child.creator());
        assertEquals(parent.tid(), child.osParent(), "a forked process is its creator's child");
        assertFalse(child.isThread());
        assertEquals(TraceEvent.SpawnKind.FORK, child.spawnKind());
        assertEquals(child.tid(), worker.creator());
        assertEquals(parent.tid(), worker.osParent(), "the thread's kernel parent is its process's parent");
        assertEquals(7, t.model().process(child.tid()).exit().value());
        assertEquals(0, t.model().targetExit().value());
        assertEquals(2, t.model().processes().size());
    }

    /**
     * clone(CLONE_PARENT|SIGCHLD) from a forked process (runc's nsexec does this): a fork-like
     * clone, PTRACE_EVENT_FORK, whose child the kernel makes its creator's sibling. The tree must
     * say what getppid() says in the child, with the flags the call really had.
     */
    @Test
    void aForkLikeCloneWithCloneParentIsTheCreatorsSiblingInTheKernelTree(@TempDir Path tmp) throws Exception {
        Path said = tmp.resolve("kernel");
        Traced t = Traced.run(List.of(Traced.fixture("clone_parent").toString(), said.toString()));
        assertEquals(0, t.model().targetExit().value(), "getppid() in the child was top");
        Matcher m = Pattern.compile("top=(\\d+) middle=(\\d+) child=(\\d+) child_ppid=(\\d+)\n").matcher(Files.readString(said));
        assertTrue(m.matches(), Files.readString(said));
        int top = Integer.parseInt(m.group(1)), middle = Integer.parseInt(m.group(2)), child = Integer.parseInt(m.group(3));
        int kernelParent = Integer.parseInt(m.group(4));
        assertEquals(top, kernelParent, "the kernel's own answer, as untraced");
        ThreadInfo c = t.model().thread(child);
        assertEquals(middle, c.creator(), "middle made it");
        assertEquals(kernelParent, c.osParent(), "its kernel parent is what getppid() said, not its creator");
        assertTrue(c.reparented(), "the kernel parent is not the creator");
        assertEquals(CloneFlags.CLONE_PARENT, c.cloneFlags() & CloneFlags.CLONE_PARENT, "the call's own flags");
        assertEquals(top, t.model().thread(middle).osParent(), "glibc's fork (a clone without CLONE_PARENT): the creator's child");
        TraceEvent.Spawned spawn = t.events(TraceEvent.Spawned.class).stream().filter(s -> s.child() == child).findFirst().orElseThrow();
        assertEquals(CloneFlags.CLONE_PARENT | 17, spawn.flags(), "CLONE_PARENT|SIGCHLD, as the live clone line shows");
        assertEquals(TraceEvent.SpawnKind.FORK, spawn.kind(), "the kernel's kind of child: a process signalling SIGCHLD");
        assertEquals(Set.of(middle, child), t.model().threads().stream().filter(x -> x.osParent() == top).map(ThreadInfo::tid)
                .collect(Collectors.toSet()), "top's children, as /proc would list them");
    }

    @Test
    void twoThousandShortThreadsAreAllSeen() {
        Traced t = Traced.run(List.of(Traced.fixture("churn").toString(), "2000"));
        assertEquals(2001, t.model().threads().size());
        assertEquals(2000, t.events(TraceEvent.Spawned.class).size());
        long exited = t.events(TraceEvent.Exited.class).size();
        assertEquals(2001, exited);
        assertTrue(t.model().threads().stream().allMatch(th -> th.exit() != null));
        assertEquals(0, t.model().targetExit().value());
    }

    @Test
    void execFromANonLeaderThreadTakesOverTheLeaderTid() {
        Traced t = Traced.run(List.of(Traced.fixture("exec_thread").toString(), "/bin/true"));
        List<TraceEvent.Exec> execs = t.events(TraceEvent.Exec.class);
        TraceEvent.Exec last = execs.getLast();
        assertEquals(t.model().rootPid(), last.tid());
        assertNotEquals(last.tid(), last.formerTid(), "the exec'ing thread was not the leader");
        assertEquals("/bin/true", last.path());
        assertEquals("true", t.model().thread(t.model().rootPid()).name(), "the exec'ing thread, now the leader");
        assertEquals("exec_thread", t.model().root().name(), "the command's first task, superseded by the exec");
        assertEquals(List.of(Traced.fixture("exec_thread").toString(), "/bin/true"),
                t.model().process(t.model().rootPid()).exec());
        assertEquals(0, t.model().targetExit().value());
    }

    @Test
    void exitStatusIsPassedThroughAndLiveThreadsAreTornDown() {
        Traced t = Traced.run(List.of(Traced.fixture("daemon_exit").toString()));
        assertEquals(42, t.model().targetExit().value());
        ThreadInfo daemon = t.named("daemon");
        assertEquals("group", daemon.exit().kind());
        assertTrue(daemon.exit().how().startsWith("torn down"), daemon.exit().how());
        assertEquals(42, daemon.exit().value());
    }

    @Test
    void killedBySignalReports128PlusN() {
        Traced t = Traced.run(List.of("/bin/sh", "-c", "kill -KILL $$"));
        assertEquals("killed", t.model().targetExit().kind());
        assertEquals(9, t.model().targetExit().value());
        assertEquals(137, t.model().targetExit().shellStatus());
    }

    @Test
    void selfStoppedProcessIsContinuedUnderTheTracer() {
        Traced t = Traced.run(List.of(Traced.fixture("selfstop").toString()));
        assertFalse(t.events(TraceEvent.GroupStopped.class).isEmpty(), "the SIGSTOP group-stop was seen");
        assertEquals(19, t.events(TraceEvent.GroupStopped.class).getFirst().signal());
        assertTrue(t.events(TraceEvent.SignalDelivered.class).stream().anyMatch(s -> s.signal() == 18),
                "SIGCONT was delivered");
        assertEquals(0, t.model().targetExit().value(), "the fixture exits 0 only after being continued");
    }

    @Test
    void cloneUntracedChildIsReportedNotFollowed() {
        // Without the seccomp filter: an untraced child that inherited it would get ENOSYS from its
        // traced syscalls (no tracer to stop for), which the live line warns about.
        Traced t = Traced.run(List.of(Traced.fixture("untraced").toString()), TraceSelection.defaults(), System.getenv(), false);
        List<TraceEvent.UntracedChild> untraced = t.events(TraceEvent.UntracedChild.class);
        assertEquals(1, untraced.size());
        assertFalse(untraced.getFirst().filterInherited());
        Traced filtered = Traced.run(List.of(Traced.fixture("untraced").toString()));
        assertTrue(filtered.events(TraceEvent.UntracedChild.class).getFirst().filterInherited());
        ThreadInfo child = t.model().thread(untraced.getFirst().child());
        assertEquals(Hooks.Tracer.UNTRACED, child.inherited().traced());
        assertEquals(0, t.model().targetExit().value(), "the untraced child ran and exited 5 as expected");
    }

    @Test
    void gateIsHiddenAndTimeStartsAtTheTargetsExec() {
        Traced t = Traced.run(List.of("/bin/true"));
        TraceEvent first = t.events().getFirst();
        assertTrue(first instanceof TraceEvent.TargetStarted, "first event is the target's start, not the gate's");
        TraceEvent.Syscall execve = t.events(TraceEvent.Syscall.class).getFirst();
        assertEquals(SyscallTable.EXECVE, execve.nr());
        assertEquals(0, t.model().rel(execve.ns()));
        assertEquals("true", t.model().root().name());
        assertNull(t.model().root().creator());
    }
}
