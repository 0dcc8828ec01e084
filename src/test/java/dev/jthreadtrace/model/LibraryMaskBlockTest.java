package dev.jthreadtrace.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which rt_sigprocmask calls are a C library's transient "block everything" and which are a program's setting. */
class LibraryMaskBlockTest {
    private static final int SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
    /** glibc's sigfillset: every signal but its reserved 32 and 33. */
    private static final long GLIBC_FILLED = ~((1L << 31) | (1L << 32));
    /** musl's sigfillset and its application signals: every signal but 32..34. */
    private static final long MUSL_FILLED = ~((1L << 31) | (1L << 32) | (1L << 33));

    @Test
    void theLibrarysOwnBlocksAreTransient() {
        assertTrue(SettingsTracker.libraryBlock(SIG_BLOCK, -1L, true), "glibc around clone: ~[]");
        assertTrue(SettingsTracker.libraryBlock(SIG_BLOCK, ~(1L << 32), false), "glibc at a thread's exit: ~[RT_1]");
        assertTrue(SettingsTracker.libraryBlock(SIG_SETMASK, -1L, true), "Go's runtime around clone");
        assertTrue(SettingsTracker.libraryBlock(SIG_BLOCK, MUSL_FILLED, true), "musl's __block_app_sigs(&old)");
    }

    @Test
    void aProgramsBlockOfEverySignalIsASetting() {
        assertFalse(SettingsTracker.libraryBlock(SIG_BLOCK, GLIBC_FILLED, false), "sigfillset + pthread_sigmask");
        assertFalse(SettingsTracker.libraryBlock(SIG_BLOCK, GLIBC_FILLED, true), "with the old mask saved, still the program's");
        assertFalse(SettingsTracker.libraryBlock(SIG_SETMASK, GLIBC_FILLED, false));
        assertFalse(SettingsTracker.libraryBlock(SIG_BLOCK, MUSL_FILLED, false), "musl's sigfillset, no old mask saved");
        assertFalse(SettingsTracker.libraryBlock(SIG_UNBLOCK, -1L, false), "an unblock never is the library's block");
        assertFalse(SettingsTracker.libraryBlock(SIG_BLOCK, 1L << 9, true), "[USR1]");
        assertFalse(SettingsTracker.libraryBlock(SIG_BLOCK, -1L, false), "a raw rt_sigprocmask of all 64, never restored");
        assertFalse(SettingsTracker.libraryBlock(SIG_SETMASK, -1L, false), "the same by SIG_SETMASK");
    }
}
