package dev.jthreadtrace.ptrace;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hold-children-until-their-creator's-event rule, and the batch resume, without a tracee. */
class HeldChildrenTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aChildSeenBeforeItsCreatorsEventIsHeldUntilTheEvent() {
        HeldChildren held = new HeldChildren(SECOND);
        assertTrue(held.holdAtFirstStop(101, 0), "first stop before the clone event: hold");
        assertTrue(held.anyHeld());
        assertTrue(held.creatorReported(101, true), "the event releases it");
        assertFalse(held.anyHeld());
    }

    @Test
    void aChildAnnouncedFirstIsNotHeld() {
        HeldChildren held = new HeldChildren(SECOND);
        assertFalse(held.creatorReported(102, false), "event first: nothing to release yet");
        assertFalse(held.holdAtFirstStop(102, 0), "its first stop then runs on");
        assertFalse(held.anyHeld());
        assertTrue(held.holdAtFirstStop(102, 0), "announcements are used once");
    }

    @Test
    void aChildWhoseCreatorNeverReportsIsLetGoAfterTheLimit() {
        HeldChildren held = new HeldChildren(SECOND);
        held.holdAtFirstStop(103, 0);
        held.holdAtFirstStop(104, SECOND / 2);
        assertEquals(List.of(), held.expired(SECOND - 1));
        assertEquals(List.of(103), held.expired(SECOND));
        assertEquals(List.of(104), held.expired(2 * SECOND));
        assertFalse(held.anyHeld());
        assertFalse(held.creatorReported(103, true), "already let go: nothing to resume twice");
    }

    @Test
    void aTaskThatDiesIsForgotten() {
        HeldChildren held = new HeldChildren(SECOND);
        held.holdAtFirstStop(105, 0);
        held.forget(105);
        assertFalse(held.anyHeld());
        held.creatorReported(106, false);
        held.forget(106);
        assertTrue(held.holdAtFirstStop(106, 0), "a forgotten announcement does not release a new task with that tid");
    }

    @Test
    void theBatchResumesInTheOrderSeenWithEachSignalThenStartsAfresh() {
        ResumeBatch batch = new ResumeBatch();
        for (int i = 0; i < 100; i++) batch.add(1000 + i, i % 3 == 0 ? 10 : 0);
        List<String> resumed = new ArrayList<>();
        batch.resumeAll((tid, signal) -> resumed.add(tid + ":" + signal));
        assertEquals(100, resumed.size());
        assertEquals("1000:10", resumed.getFirst());
        assertEquals("1001:0", resumed.get(1));
        assertEquals("1099:10", resumed.getLast());
        assertEquals(0, batch.size());
        batch.resumeAll((tid, signal) -> resumed.add("again"));
        assertEquals(100, resumed.size(), "nothing resumed twice");
    }
}
