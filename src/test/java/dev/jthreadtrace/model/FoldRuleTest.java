package dev.jthreadtrace.model;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class FoldRuleTest {
    /** Answers from sets of tids: which have a kept child, which processes live, which are waited on, which may be leaks. */
    private record Facts(Set<Integer> keptChild, Set<Integer> liveProcesses, Set<Integer> waitedOn, Set<Integer> mayLeak)
            implements FoldRule.Needs {
        public boolean hasKeptChild(ThreadInfo t) {
            return keptChild.contains(t.tid());
        }

        public boolean processLive(int tgid) {
            return liveProcesses.contains(tgid);
        }

        public boolean waitedOn(ThreadInfo t) {
            return waitedOn.contains(t.tid());
        }

        public boolean mayBeLeak(ThreadInfo t) {
            return mayLeak.contains(t.tid());
        }
    }

    private static final Facts NOTHING = new Facts(Set.of(), Set.of(), Set.of(), Set.of());
    private static final Exit OWN_EXIT = new Exit.Exited(0, true);

    @Test
    void anEndedThreadNothingNeedsFolds() {
        ThreadInfo t = FoldTasks.task(11, 10, "w-1", 0, 5L, OWN_EXIT);
        assertNull(FoldRule.whyKept(t, NOTHING));
        assertNull(FoldRule.whyKept(t, new Facts(Set.of(), Set.of(10), Set.of(), Set.of())), "its process lives on: a thread still folds");
    }

    @Test
    void aRunningTaskStays() {
        assertEquals(FoldRule.Kept.RUNNING, FoldRule.whyKept(FoldTasks.task(11, 10, "w-1", 0, null, null), NOTHING));
    }

    @Test
    void aCreatorStaysWhileAChildOfItIsKept() {
        ThreadInfo t = FoldTasks.task(11, 10, "w-1", 0, 5L, OWN_EXIT);
        assertEquals(FoldRule.Kept.HAS_KEPT_CHILD, FoldRule.whyKept(t, new Facts(Set.of(11), Set.of(), Set.of(), Set.of())));
    }

    @Test
    void theLeaderOfALiveProcessStays() {
        ThreadInfo leader = FoldTasks.task(10, 10, "main", 0, 5L, OWN_EXIT);
        assertEquals(FoldRule.Kept.LEADS_LIVE_PROCESS, FoldRule.whyKept(leader, new Facts(Set.of(), Set.of(10), Set.of(), Set.of())));
        assertNull(FoldRule.whyKept(leader, NOTHING), "its process ended: it folds");
    }

    @Test
    void anEndAnExecCouldStillRewriteStays() {
        ThreadInfo torn = FoldTasks.task(11, 10, "w-1", 0, 5L, new Exit.Exited(0, false));
        assertEquals(FoldRule.Kept.END_NOT_FINAL, FoldRule.whyKept(torn, new Facts(Set.of(), Set.of(10), Set.of(), Set.of())));
        assertNull(FoldRule.whyKept(torn, NOTHING), "its process ended: no exec can come");
    }

    @Test
    void aTaskALiveOneWaitsOnStays() {
        ThreadInfo t = FoldTasks.task(11, 10, "w-1", 0, 5L, OWN_EXIT);
        assertEquals(FoldRule.Kept.WAITED_ON, FoldRule.whyKept(t, new Facts(Set.of(), Set.of(), Set.of(11), Set.of())));
    }

    @Test
    void aPossibleLeakStays() {
        ThreadInfo t = FoldTasks.task(11, 10, "w-1", 0, 5L, OWN_EXIT);
        assertEquals(FoldRule.Kept.MAY_BE_LEAK, FoldRule.whyKept(t, new Facts(Set.of(), Set.of(), Set.of(), Set.of(11))));
    }

    @Test
    void theFirstReasonIsGiven() {
        ThreadInfo t = FoldTasks.task(11, 10, "w-1", 0, 5L, OWN_EXIT);
        Facts all = new Facts(Set.of(11), Set.of(10), Set.of(11), Set.of(11));
        assertEquals(FoldRule.Kept.HAS_KEPT_CHILD, FoldRule.whyKept(t, all));
    }
}
