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

    /**
     * SECCOMP_FILTER_FLAG_TSYNC from the thread "installer": the kernel gives every thread of the process its
     * filter and its no_new_privs (the fixture prints what /proc says); the model does the same, and names
     * installer, not main, as the thread whose call changed main's settings.
     */
    @Test
    void aTsyncFilterGivesEveryThreadTheFilterAndNoNewPrivsByTheThreadThatInstalledIt() {
        String fixture = Traced.fixture("seccomp_tsync").toString();
        Tool.Result untraced = Tool.run(java.util.List.of(fixture));
        assertEquals(0, untraced.code(), untraced.err());
        assertTrue(untraced.out().contains("main NoNewPrivs:\t1") && untraced.out().contains("latecomer NoNewPrivs:\t1"), untraced.out());
        Tool.Result r = Tool.run(Tool.jar("run", "--no-live", "--report", "timeline", "--width", "160",
                "--assert", "inherits{name=\"latecomer\", hook=\"no_new_privs\"} == \"1\"",
                "--assert", "inherits{name=\"latecomer\", hook=\"seccomp\"} == \"1\"", "--", fixture));
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().startsWith(untraced.out()), "the command ran as untraced:\n" + r.out());
        assertTrue(r.out().contains("no_new_privs=1 (set @"), r.out());
        java.util.regex.Matcher by = java.util.regex.Pattern.compile("no_new_privs=1 \\(set @[^)]* by (\\d+ \\S+) on \\d+ seccomp_tsync\\)").matcher(r.out());
        assertTrue(by.find() && by.group(1).endsWith(" installer"), "the actor is installer: " + r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches(" +@\\S+ +\\d+ seccomp_tsync +no_new_privs 0 → 1 +set by \\d+ installer;.*")), r.out());
    }
}
