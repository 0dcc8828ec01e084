package dev.jthreadtrace.model;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mask a new task's library sets as it starts, inside its creator's transient block (glibc's
 * start_thread restores pd->sigmask: pthread_attr_setsigmask_np's mask, else the creator's; strace -f
 * shows it as the new thread's first rt_sigprocmask, SIG_SETMASK with no old mask): what the task
 * inherited, not a change it made.
 */
class ThreadStartMaskTest {
    private static final int SIG_BLOCK = 0, SIG_SETMASK = 2;
    private static final long USR1 = 1L << 9, USR2 = 1L << 11, ALL = -1L;

    private static byte[] set(long mask) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(mask).array();
    }

    /** A creator that blocked [USR2] and is inside glibc's block of everything around clone, and the thread it created. */
    private static ThreadInfo[] creatorAndChild(SettingsTracker settings) {
        ThreadInfo creator = new ThreadInfo(100, 100, 0, Hooks.initial("main"));
        settings.started(creator);
        settings.sigprocmask(creator, 1, SIG_BLOCK, set(USR2), false);
        settings.sigprocmask(creator, 2, SIG_BLOCK, set(ALL), true);
        ThreadInfo child = ThreadInfo.createdBy(creator, 101, 100, 3, creator.hooks());
        settings.spawned(creator, child);
        settings.sigprocmask(creator, 4, SIG_SETMASK, set(USR2), false);
        return new ThreadInfo[] {creator, child};
    }

    @Test
    void theAttributesMaskIsWhatTheThreadInheritedNotAChangeItMade() {
        SettingsTracker settings = new SettingsTracker();
        ThreadInfo child = creatorAndChild(settings)[1];
        settings.sigprocmask(child, 5, SIG_SETMASK, set(USR1), false);
        assertEquals(USR1, child.inherited().sigmask());
        assertEquals(USR1, child.hooks().sigmask());
        assertTrue(child.sigmaskNotTheCreators(), "pthread_attr_setsigmask_np's, not the creator's [USR2]");
        assertEquals(0, settings.changes(101).size(), "no change of the thread's own: " + settings.changes(101));
        // Its later calls are its own changes.
        settings.sigprocmask(child, 6, SIG_BLOCK, set(USR2), false);
        assertEquals(1, settings.changes(101).size());
    }

    @Test
    void theCreatorsMaskRestoredAtTheStartIsNoChangeAndNotFlagged() {
        SettingsTracker settings = new SettingsTracker();
        ThreadInfo child = creatorAndChild(settings)[1];
        settings.sigprocmask(child, 5, SIG_SETMASK, set(USR2), false);
        assertEquals(USR2, child.inherited().sigmask());
        assertFalse(child.sigmaskNotTheCreators());
        assertEquals(0, settings.changes(101).size());
    }

    /** Only the first call, and only a SIG_SETMASK that saves no old mask: anything else is the program's. */
    @Test
    void aFirstCallOfAnotherKindIsTheThreadsOwnChange() {
        SettingsTracker settings = new SettingsTracker();
        ThreadInfo child = creatorAndChild(settings)[1];
        settings.sigprocmask(child, 5, SIG_SETMASK, set(USR1), true);
        assertEquals(USR2, child.inherited().sigmask(), "the creator's");
        assertEquals(USR1, child.hooks().sigmask());
        assertEquals(1, settings.changes(101).size());
    }
}
