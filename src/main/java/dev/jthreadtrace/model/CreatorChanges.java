package dev.jthreadtrace.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The kernel settings (mask, affinity, seccomp...; not the name) a task started with that differ
 * from what its creator itself started with: its creator changed them before creating it. The
 * SUMMARY names them per creator; a folded task adds them to its fold's counts at the fold, while
 * its creator is still kept.
 */
public final class CreatorChanges {
    private CreatorChanges() {}

    /** The settings {@code t} inherited changed; empty for a task without a creator, or none. */
    public static List<Hook> inheritedChanged(ThreadInfo t) {
        ThreadInfo creator = t.creatorInfo();
        if (creator == null) return List.of();
        List<Hook> out = null;
        for (Hook hook : Hook.inheritedHooks()) {
            // A mask the thread's library was asked to start it with is not its creator's doing.
            if (hook == Hook.SIGMASK && t.sigmaskNotTheCreators()) continue;
            if (hook != Hook.NAME && !t.inherited().value(hook).equals(creator.inherited().value(hook))) {
                if (out == null) out = new ArrayList<>(2);
                out.add(hook);
            }
        }
        return out == null ? List.of() : out;
    }
}
