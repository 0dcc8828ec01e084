package dev.jthreadtrace.jvm;

/**
 * A user namespace's {@code /proc/PID/uid_map}: lines "INSIDE OUTSIDE COUNT", each mapping the
 * outside (parent namespace's) uids OUTSIDE..OUTSIDE+COUNT-1 to INSIDE.. in that namespace.
 * Whether the tool's own uid is among them decides how it speaks to a JVM living there: a mapped
 * uid is a peer that JVM knows as itself (host root mapped keeps its capabilities there, which the
 * JVM's /proc/PID/root/tmp needs), an unmapped one must take the JVM's own uid.
 */
record UidMap(String text) {
    /** True when some line's outside range holds {@code uid}; a line that cannot be read maps nothing. */
    boolean mapsOutside(long uid) {
        for (String line : text.lines().toList()) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length != 3) continue;
            try {
                long outside = Long.parseLong(fields[1]), count = Long.parseLong(fields[2]);
                if (outside <= uid && uid < outside + count) return true;
            } catch (NumberFormatException e) {
                // not a mapping line: skipped
            }
        }
        return false;
    }
}
