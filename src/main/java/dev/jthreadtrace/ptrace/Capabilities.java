package dev.jthreadtrace.ptrace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Our own effective capabilities, read once at start (not from the ptrace loop). */
final class Capabilities {
    private static final int CAP_SYS_ADMIN = 21;

    private Capabilities() {}

    /** Whether seccomp(SECCOMP_SET_MODE_FILTER) works without no_new_privs for our children. */
    static boolean hasSysAdmin() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    return (caps & (1L << CAP_SYS_ADMIN)) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Unknown: assume not, and set no_new_privs, which always allows the filter.
        }
        return false;
    }
}
