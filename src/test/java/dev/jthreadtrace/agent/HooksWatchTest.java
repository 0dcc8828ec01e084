package dev.jthreadtrace.agent;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@link HooksWatch} tells apart: Thread's class file with the agent's hooks from the runtime's own. */
class HooksWatchTest {
    private static final byte[] HOOK = "dev/jthreadtrace/agent/ThreadHook".getBytes(StandardCharsets.US_ASCII);

    @Test
    void theRewrittenThreadNamesTheHooksAndTheRuntimesOwnDoesNot() throws Exception {
        byte[] own;
        try (InputStream in = Object.class.getResourceAsStream("/java/lang/Thread.class")) {
            own = in.readAllBytes();
        }
        assertFalse(HooksWatch.names(own, HOOK), "the runtime's Thread");
        assertTrue(HooksWatch.names(Installer.transform("java/lang/Thread", own), HOOK), "the agent's Thread");
    }

    @Test
    void aNameAtTheVeryEndIsFoundAndAPrefixIsNot() {
        byte[] ends = "xxdev/jthreadtrace/agent/ThreadHook".getBytes(StandardCharsets.US_ASCII);
        byte[] cut = "xxdev/jthreadtrace/agent/ThreadHoo".getBytes(StandardCharsets.US_ASCII);
        assertTrue(HooksWatch.names(ends, HOOK));
        assertFalse(HooksWatch.names(cut, HOOK));
    }
}
