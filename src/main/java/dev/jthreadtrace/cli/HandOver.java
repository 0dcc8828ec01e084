package dev.jthreadtrace.cli;

import dev.jthreadtrace.sys.InheritedDescriptors;

/**
 * Once the command holds the descriptors it inherits, the tool lets go of its own copies of them,
 * as {@code env CMD} does by becoming the command: a reader of a pipe the command writes sees its
 * end when the command closes it ({@code run -- CMD 2> >(tee log >&2)} and {@code 3> >(reader)}
 * hung: the reader waited for the tool, the tool for the reader), a writer into the command's
 * stdin gets EPIPE when the command stops reading, a lock or a listening socket handed down is
 * the command's alone. What the tool writes stays: stdout (the trace, the report) and stderr (its
 * own lines); {@code -o /dev/fd/N} and its kin write through a duplicate made before the command
 * started ({@link OutputFiles}). The tool's stdin becomes /dev/null: it reads none.
 */
final class HandOver {
    private static final int STDERR = 2;

    private HandOver() {}

    /** Lets go of {@code inherited} (the descriptors the command got) but stdout and stderr; never throws. */
    static void letGo(int[] inherited) {
        for (int fd : inherited) if (fd > STDERR) InheritedDescriptors.letGo(fd);
        try {
            InheritedDescriptors.standardInputFromNull();
        } catch (RuntimeException e) {
            // /dev/null cannot be opened (no descriptor left): stdin stays held, as before
        }
    }
}
