package dev.jthreadtrace.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A command that installs its own seccomp filter is told about the tool's, and --no-seccomp is named as the fix. */
@Timeout(60)
class OwnSeccompIT {
    @Test
    void aCommandWithItsOwnFilterGetsOneWarningUnlessTracedWithoutOurs() {
        Tool.Result filtered = Tool.run(Tool.jar("run", "--no-live", "--report", "none", "--", Traced.fixture("own_seccomp").toString()));
        assertEquals(0, filtered.code(), filtered.err());
        assertTrue(filtered.out().contains("filtered"));
        assertEquals(1, filtered.err().lines().filter(l -> l.contains("uses seccomp itself") && l.contains("--no-seccomp")).count(),
                filtered.err());

        Tool.Result plain = Tool.run(Tool.jar("run", "--no-live", "--report", "none", "--no-seccomp", "--",
                Traced.fixture("own_seccomp").toString()));
        assertEquals(0, plain.code(), plain.err());
        assertFalse(plain.err().contains("uses seccomp itself"), plain.err());

        Tool.Result none = Tool.run(Tool.jar("run", "--no-live", "--report", "none", "--", Traced.fixture("threads").toString()));
        assertFalse(none.err().contains("seccomp"), "no warning for a command that does not use seccomp: " + none.err());
    }
}
